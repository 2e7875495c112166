"""The timeliness watchdog, every minute: deadlines are infoshare's to enforce, not Prefect's.

    expire overdue requests -> wake their runs (each records EXPIRED itself)
    remind the people a step waits for at 50% and 80% of its time
    reconcile runs that ended Failed/Crashed/Cancelled without a record -> record FAILED
    sign each agency's decision-record chain at least daily
    refresh the dashboards: timeliness-open-requests and timeliness-summary artifacts

``now`` is a parameter so tests (and a replay after an outage) can move the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from prefect import flow

from tasks.timeliness import (
    checkpoint_chains,
    expire_overdue,
    publish_dashboards,
    reconcile_ended_runs,
    send_due_reminders,
)


@flow(name="timeliness-watchdog", persist_result=False, log_prints=False)
def watchdog(now: datetime | None = None) -> dict[str, Any]:
    clock = now or datetime.now(UTC)
    expired = expire_overdue(clock)
    reminded = send_due_reminders(clock)
    reconciled = reconcile_ended_runs(clock)
    return {
        "expired": expired,
        "reminded": reminded,
        "reconciled": reconciled,
        "checkpointed": checkpoint_chains(clock),
        "open": publish_dashboards(clock),
    }
