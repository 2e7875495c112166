"""The timeliness watchdog, every minute: deadlines are infoshare's to enforce, not Prefect's.

    expire overdue requests -> wake their runs (each records EXPIRED itself)
    remind the people a step waits for at 50% and 80% of its time
    reconcile runs that ended Failed/Crashed/Cancelled without a record -> record FAILED
    sign each agency's decision-record chain at least daily
    refresh the dashboards: timeliness-open-requests and timeliness-summary artifacts

The deployed flow takes no parameters: a clock that anyone with API access could set forward
would expire every waiting request. ``watchdog_at`` runs the same sweep at a given time, for
tests (which move the clock instead of sleeping) and for replaying a sweep by hand; it is not
deployed.
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
def watchdog() -> dict[str, Any]:
    return sweep(datetime.now(UTC))


@flow(name="timeliness-watchdog-at", persist_result=False, log_prints=False)
def watchdog_at(now: datetime) -> dict[str, Any]:
    return sweep(now)


def sweep(clock: datetime) -> dict[str, Any]:
    """One sweep at ``clock``; runs inside either flow above."""
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
