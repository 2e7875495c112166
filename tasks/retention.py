"""The retention job's one step: dispose of what is due and clean Prefect's copy of old runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare import retention
from infoshare.store import default_store


class RetentionIncomplete(RuntimeError):
    """Something was left for the next run (the message says what; never personal data)."""


@task(name="dispose-due", cache_policy=NO_CACHE)
def dispose_due(now: datetime) -> dict[str, Any]:
    """Dispose of the personal data of requests closed longer ago than their period, delete
    their Prefect runs and finished runs past theirs, delete decision records past theirs
    (oldest first, behind a signed chain floor), vacuum the SQLite databases. Returns
    references and counts only."""
    report = retention.run(default_store(), now)
    log = get_run_logger()
    kept = sum(k.count for k in report.records_kept)
    deleted = sum(r.count for r in report.records_deleted)
    log.info(
        "personal data of %d request(s) disposed; %d Prefect run(s) deleted; %d decision "
        "record(s) past their own period deleted (behind signed chain floors), %d kept for now",
        len(report.disposed),
        len(report.runs_of_disposed) + len(report.old_runs),
        deleted,
        kept,
    )
    if report.problems:
        raise RetentionIncomplete("; ".join(report.problems))
    return {
        "disposed": [d.ref for d in report.disposed],
        "prefect_runs_deleted": len(report.runs_of_disposed) + len(report.old_runs),
        "records_deleted": deleted,
        "records_past_retention_kept": kept,
        "compacted": [c.name for c in report.compacted],
    }
