"""The embedded default: notifications land in a maildir outbox a new user can read."""

from __future__ import annotations

import json
import mailbox
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import message_from_binary_file
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from infoshare.cli import main
from infoshare.config import load_settings
from notifications import Delivered, DeliveryError, Kind, Notice, deliver, render


def _notice(kind: Kind = Kind.OVERRIDE_NEEDED, ref: str = "ISR-20260701-AB12CD34") -> Notice:
    return Notice(
        kind=kind,
        reference=ref,
        requesting_agency="Northshire MASH",
        disclosing_agency="City Hospital NHS Trust",
        tier="AMBER",
        due=datetime.now(UTC) + timedelta(hours=24),
        link="http://127.0.0.1:4200/runs/flow-run/0b5c6d3e",
        recipient_name="Nurse Lee",
        recipient_email="lee@hospital.example",
        step="override",
        code="ABCDE-FGH23" if kind is Kind.OVERRIDE_NEEDED else None,
        decision="REFUSE" if kind is Kind.OUTCOME else None,
        reasons=["No specific offence was named"],
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INFOSHARE_HOME", str(tmp_path))
    monkeypatch.delenv("INFOSHARE_SMTP_URL", raising=False)
    monkeypatch.delenv("INFOSHARE_SMTP_BLOCK", raising=False)
    return tmp_path


def test_message_lands_in_new_with_owner_only_permissions(home: Path) -> None:
    got = deliver(render(_notice()), load_settings())
    path = Path(got.where)
    assert got == Delivered("outbox", str(path))
    assert path.parent == home / "outbox" / "new" and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for sub in ("", "new", "cur", "tmp"):
        assert stat.S_IMODE((home / "outbox" / sub).stat().st_mode) == 0o700
    assert list((home / "outbox" / "tmp").iterdir()) == []  # written in tmp/, renamed into new/

    box = mailbox.Maildir(home / "outbox", factory=None, create=False)
    assert len(box) == 1
    with open(path, "rb") as fh:
        msg = message_from_binary_file(fh, policy=default_policy)
    assert isinstance(msg, EmailMessage)
    assert msg["Subject"].startswith(
        "[infoshare] Override justification needed: ISR-20260701-AB12CD34"
    )
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and "Your one-time code: ABCDE-FGH23" in body.get_content()


def test_outbox_cli_lists_recent_messages_newest_first(home: Path) -> None:
    settings = load_settings()
    deliver(render(_notice(), now=datetime(2026, 7, 1, 9, 0, tzinfo=UTC)), settings)
    deliver(
        render(
            _notice(Kind.OUTCOME, "ISR-20260701-ZZ99ZZ99"),
            now=datetime(2026, 7, 1, 10, 0, tzinfo=UTC),
        ),
        settings,
    )
    result = CliRunner().invoke(main, ["outbox", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["outbox"] == str(home / "outbox")
    rows = data["messages"]
    assert [r["reference"] for r in rows] == ["ISR-20260701-ZZ99ZZ99", "ISR-20260701-AB12CD34"]
    assert rows[0]["subject"] == "[infoshare] Outcome: ISR-20260701-ZZ99ZZ99 refused (AMBER)"
    assert rows[0]["to"] == "Nurse Lee <lee@hospital.example>"
    assert rows[0]["date"] == "2026-07-01T10:00:00+00:00" and rows[0]["kind"] == "outcome"
    assert Path(rows[1]["file"]).parent == home / "outbox" / "new"
    # a newcomer on the embedded default reads the code here, not in the maildir file
    assert rows[0]["code"] is None and rows[1]["code"] == "ABCDE-FGH23"

    text = CliRunner().invoke(main, ["outbox", "--limit", "1"])
    assert text.exit_code == 0
    assert "ISR-20260701-ZZ99ZZ99" in text.output and "ISR-20260701-AB12CD34" not in text.output
    assert "one-time code" not in text.output  # the outcome carries none
    text = CliRunner().invoke(main, ["outbox"])
    assert "\n    one-time code: ABCDE-FGH23" in text.output


def test_outbox_cli_on_a_fresh_home_says_it_is_empty(home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infoshare.cli", "outbox"],
        capture_output=True, text=True, check=False, env={"INFOSHARE_HOME": str(home), "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"no messages in the outbox ({home / 'outbox'})"


def test_an_unwritable_outbox_is_a_delivery_error(home: Path) -> None:
    (home / "outbox").write_text("not a folder")
    with pytest.raises(DeliveryError, match="cannot write to the outbox"):
        deliver(render(_notice()), load_settings())
