"""Retention: ``infoshare retention run [--dry-run] [--now ...]`` and ``retention rules``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import click

from infoshare.cli.common import emit, fail, json_option, main, open_store
from infoshare.retention import RetentionReport, run

FUTURE_SLACK = timedelta(minutes=5)  # clocks of two machines may differ a little


@main.group()
def retention() -> None:
    """Disposal of personal data after its retention period (daily as a deployment too)."""


def _clock(value: str | None, dry_run: bool) -> datetime:
    real = datetime.now(UTC)
    if value is None:
        return real
    try:
        if len(value) == 10:
            at = datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        else:
            at = datetime.fromisoformat(value.replace("Z", "+00:00"))
            at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    except ValueError:
        fail(
            f"--now must be a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM[:SS][+00:00]), "
            f"got {value!r}",
            2,
        )
        raise
    if at > real + FUTURE_SLACK and not dry_run:
        fail(
            "--now is in the future: that would dispose of personal data before its retention "
            "period ends. Use it with --dry-run to see what will go by then.",
            2,
        )
    return at


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only list what would be disposed of.")
@click.option(
    "--now",
    "now_value",
    metavar="WHEN",
    help="The clock to apply the rules at (YYYY-MM-DD or ISO time, UTC); the future only "
    "with --dry-run.",
)
@click.option(
    "--no-prefect",
    is_flag=True,
    help="Leave Prefect alone (no run deletion, no vacuum); its runs go at the next run.",
)
@json_option
def retention_run(dry_run: bool, now_value: str | None, no_prefect: bool, as_json: bool) -> None:
    """Dispose of the personal data of requests closed longer ago than their retention period
    (data key, sealed request, step answers, item contents, one-time codes, the record's
    personal part); delete their Prefect runs and finished runs past their period; vacuum the
    SQLite databases. Decision records past their own period go too, the oldest of each
    agency's chain first, leaving a signed chain floor so the rest still verifies."""
    now = _clock(now_value, dry_run)
    store = open_store()
    report = run(store, now, dry_run=dry_run, prefect=not no_prefect)
    emit(as_json, report.as_dict(), _text(report))
    if report.problems and not dry_run:
        fail(
            f"retention did not complete ({len(report.problems)} problem(s) above); "
            "what is left is retried at the next run"
        )


def _text(r: RetentionReport) -> str:
    verb = "would dispose of" if r.dry_run else "disposed of"
    head = f"Retention at {r.now:%Y-%m-%d %H:%M} UTC{' (dry run: nothing changed)' if r.dry_run else ''}"
    lines = [head, f"Personal data: {verb} {len(r.disposed)} closed request(s)."]
    for d in r.disposed:
        lines.append(
            f"  {d.ref}  {d.agency}  closed {d.closed_at:%Y-%m-%d}  ({d.rule})\n"
            f"      {d.disposal.what()}"
        )
    runs = "would delete" if r.dry_run else "deleted"
    lines.append(
        f"Prefect: {runs} {len(r.runs_of_disposed)} run(s) of disposed requests and "
        f"{len(r.old_runs)} finished share-request run(s) past their period."
    )
    for c in r.compacted:
        lines.append(
            f"Compacted the {c.name} ({c.path}): {c.bytes_before} -> {c.bytes_after} bytes "
            "(vacuumed, WAL truncated)."
        )
    gone = "would delete" if r.dry_run else "deleted"
    for rd in r.records_deleted:
        floor = (
            f"chain floor at #{rd.last} signed {rd.floor['at'][:16]} (key {rd.floor['key_id']})"
            if rd.floor
            else f"would sign a checkpoint and the chain floor at #{rd.last}"
        )
        lines.append(
            f"Decision records: {gone} {rd.agency} #{rd.first} to #{rd.last} ({rd.count}, decided "
            f"{rd.oldest:%Y-%m-%d} to {rd.newest:%Y-%m-%d}, older than {rd.period});\n      {floor}"
        )
    if r.requests_deleted:
        lines.append(f"Deleted {len(r.requests_deleted)} request row(s) of deleted records.")
    for k in r.records_kept:
        lines.append(
            f"Decision records kept for now: {k.agency}: {k.count} record(s) older than "
            f"{k.period}, oldest decided {k.oldest:%Y-%m-%d}, because {k.because}"
        )
    if not r.records_deleted and not r.records_kept:
        lines.append("Decision records: none past their own retention period.")
    for key in r.keys_removed:
        lines.append(
            f"Private decryption key {key.key_id} of {key.agency_id} (made {key.created:%Y-%m-%d}): "
            f"{'would remove' if r.dry_run else 'removed'}, retired longer than its retention."
        )
    lines += [f"Note: {n}" for n in r.notes]
    lines += [f"PROBLEM: {p}" for p in r.problems]
    return "\n".join(lines)


@retention.command("rules")
@json_option
def retention_rules(as_json: bool) -> None:
    """The retention periods in force (INFOSHARE_RETENTION_*)."""
    rules = open_store().settings.retention
    agencies = {a: {k: str(v) for k, v in p.items()} for a, p in rules.agencies.items()}
    data = {
        "personal": str(rules.personal),
        "record": str(rules.record),
        "prefect_runs": str(rules.runs),
        "agencies": agencies,
    }
    lines = [
        f"personal data of a closed request: {rules.personal} after the decision",
        f"decision records: {rules.record} (then deleted, oldest first, behind a signed floor)",
        f"finished share-request runs in Prefect: {rules.runs}",
        *(f"  {a}: " + ", ".join(f"{k} {v}" for k, v in p.items()) for a, p in agencies.items()),
    ]
    emit(as_json, data, "\n".join(lines))
