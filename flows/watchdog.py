"""The timeliness watchdog, every minute: deadlines are infoshare's to enforce, not Prefect's.

    expire overdue requests -> wake their runs (each records EXPIRED itself)
    reconcile runs that ended Failed/Crashed/Cancelled without a record -> record FAILED

``now`` is a parameter so tests (and a replay after an outage) can move the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prefect import flow

from tasks.timeliness import expire_overdue, reconcile_ended_runs


@flow(name="timeliness-watchdog", persist_result=False, log_prints=False)
def watchdog(now: datetime | None = None) -> dict[str, list[str]]:
    clock = now or datetime.now(UTC)
    return {
        "expired": expire_overdue(clock),
        "reconciled": reconcile_ended_runs(clock),
    }
