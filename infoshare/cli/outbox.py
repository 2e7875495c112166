"""``infoshare outbox``: the notifications written to the local outbox (no SMTP configured)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from typing import Any, cast

import click

from infoshare.cli.common import emit, json_option, main
from infoshare.config import load_settings
from infoshare.identity.codes import CODE_IN_NOTICE
from infoshare.identity.confirmations import CODE_IN_MESSAGE


def _when(value: str | None, fallback: float) -> datetime:
    try:
        if value:
            return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        pass
    return datetime.fromtimestamp(fallback, UTC)


@main.command("outbox")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1), help="How many.")
@json_option
def outbox(limit: int, as_json: bool) -> None:
    """Notifications sent to the outbox, newest first (to, subject, date, and the one-time or
    confirmation code a message carries). Read one in full with any mail reader: the outbox is a maildir at
    $INFOSHARE_HOME/outbox. Only on this machine's embedded default: real mail goes by SMTP."""
    root = load_settings().outbox_dir
    rows: list[dict[str, Any]] = []
    if (root / "new").is_dir():
        parser = BytesParser(policy=default_policy)
        files = [
            p for sub in ("new", "cur") if (root / sub).is_dir() for p in (root / sub).iterdir()
        ]
        for path in files:
            if path.name.startswith(".") or not path.is_file():
                continue
            with open(path, "rb") as fh:
                headers = cast(EmailMessage, parser.parse(fh))
            body = headers.get_body(("plain",))
            text = body.get_content() if body else ""
            found = CODE_IN_NOTICE.search(text) or CODE_IN_MESSAGE.search(text)
            rows.append(
                {
                    "date": _when(headers.get("Date"), path.stat().st_mtime),
                    "to": str(headers.get("To", "")),
                    "subject": str(headers.get("Subject", "")),
                    "reference": str(headers.get("X-Infoshare-Reference", "")),
                    "kind": str(headers.get("X-Infoshare-Kind", "")),
                    "code": found.group(1) if found else None,
                    "file": str(path),
                }
            )
    rows.sort(key=lambda r: r["date"], reverse=True)
    rows = rows[:limit]
    for r in rows:
        r["date"] = r["date"].isoformat()
    if not rows:
        text = f"no messages in the outbox ({root})"
    else:
        text = "\n".join(
            f"{r['date'][:16]}  {r['to']}\n    {r['subject']}"
            + (f"\n    one-time code: {r['code']}" if r["code"] else "")
            for r in rows
        )
        text += f"\n({len(rows)} shown; files under {root})"
    emit(as_json, {"outbox": str(root), "messages": rows}, text)
