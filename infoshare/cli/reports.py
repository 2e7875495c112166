"""Reports: ``infoshare report timeliness``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from infoshare import reports
from infoshare.cli.common import emit, fail, json_option, main, open_store
from infoshare.worktime import now_utc


def _when(value: str | None, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{value!r} is not a date or time like 2026-11-01 or 2026-11-01T09:00", 2)
        raise
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@main.group()
def report() -> None:
    """Reports for managers and data-protection leads (no personal data)."""


@report.command("timeliness")
@click.option("--since", help="From (date or ISO time, UTC); default: the start of this month.")
@click.option("--until", help="Until (exclusive); default: now.")
@click.option(
    "--html", "html_file", type=click.Path(path_type=Path, dir_okay=False),
    help="Also write a standalone HTML page (with a chart) to this file.",
)  # fmt: skip
@json_option
def timeliness(since: str | None, until: str | None, html_file: Path | None, as_json: bool) -> None:
    """Received, decided on time, median time to decision and outcomes, per tier and agency."""
    now = now_utc()
    start = _when(since, reports.periods(now)["this month"][0])
    end = _when(until, now)
    if end <= start:
        fail("--until must be after --since", 2)
    r = reports.timeliness(open_store(), start, end)
    if html_file is not None:
        html_file.write_text(reports.render_html(r, now), encoding="utf-8")
    o = r.overall
    text = (
        f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC: {o.received} received, "
        f"{o.decided} decided, {o.on_time_pct if o.on_time_pct is not None else '-'}% on time, "
        f"median {o.median_hours if o.median_hours is not None else '-'} h to decision"
        + "".join(f"\n  {k}: {v}" for k, v in o.outcomes.items())
        + (f"\nHTML report written to {html_file}" if html_file else "")
    )
    emit(as_json, r.as_dict(), text)
