"""The timeliness watchdog, every minute: deadlines are infoshare's to enforce, not Prefect's.

    keep watch: the share-request deployment as declared, this watchdog's schedule on, the
        record-ended-run automations enabled (put back, logged and audited)
    expire overdue requests -> wake their runs (each records EXPIRED itself; one that cannot
        be woken is recorded EXPIRED from the store)
    send emergencies nobody on call confirmed in time down the RED path -> wake their runs
    remind the people a step waits for at 50% and 80% of the step's own time
    escalate a step unanswered at its due time to the agency's deputy (a new one-time code)
    reconcile runs that ended Failed/Crashed/Cancelled without a record -> record FAILED, and
        open requests whose run was deleted or ended (Completed, forced) without one
    follow enquiries: ask agencies left unasked, escalate an agency past its step's due time
        to the requesting agency's managers, write the record of every enquiry answered
    sign each agency's decision-record chain at least daily
    refresh the dashboards: timeliness-open-requests and timeliness-summary artifacts

The deployed flow takes no parameters: a clock that anyone with API access could set forward
would expire every waiting request. ``watchdog_at`` runs the same sweep at a given time, for
tests (which move the clock instead of sleeping) and for replaying a sweep by hand; it is not
deployed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import flow
from prefect.events import DeploymentEventTrigger
from prefect.events.schemas.automations import Posture
from prefect.runtime import flow_run

from flows.results import NO_VALUES
from infoshare.integrity import ENQUIRY, SHARE_REQUEST
from infoshare.worktime import LONDON
from tasks.enquiry import follow_enquiries, go_on_after_run_ended
from tasks.integrity import keep_watch
from tasks.timeliness import (
    checkpoint_chains,
    escalate_due_steps,
    expire_overdue,
    fall_back_unconfirmed,
    flow_of_ended_run,
    publish_dashboards,
    reconcile_ended_runs,
    record_run_if_ended,
    send_due_reminders,
)


def _sweep_name() -> str:
    """Runs (and the dashboard versions they write) named by their time, not at random."""
    return f"sweep {datetime.now(LONDON):%a %d %b %H:%M}"


@flow(
    name="timeliness-watchdog",
    flow_run_name=_sweep_name,
    persist_result=False,
    result_serializer=NO_VALUES,
    log_prints=False,
)
def watchdog() -> dict[str, Any]:
    return sweep(datetime.now(UTC))


def _sweep_at_name() -> str:
    now = flow_run.parameters.get("now")
    when = now.astimezone(LONDON) if isinstance(now, datetime) else now
    return f"sweep at {when:%a %d %b %H:%M}" if isinstance(when, datetime) else f"sweep at {when}"


@flow(
    name="timeliness-watchdog-at",
    flow_run_name=_sweep_at_name,
    persist_result=False,
    result_serializer=NO_VALUES,
    log_prints=False,
)
def watchdog_at(now: datetime) -> dict[str, Any]:
    return sweep(now)


def sweep(clock: datetime) -> dict[str, Any]:
    """One sweep at ``clock``; runs inside either flow above."""
    repaired = keep_watch()
    expired = expire_overdue(clock)
    fell_back = fall_back_unconfirmed(clock)
    reminded = send_due_reminders(clock)
    escalated = escalate_due_steps(clock)
    reconciled = reconcile_ended_runs(clock)
    followed = follow_enquiries(clock)
    return {
        "enquiries": followed,
        "repaired": repaired,
        "expired": expired,
        "fell_back": fell_back,
        "reminded": reminded,
        "escalated": escalated,
        "reconciled": reconciled,
        "checkpointed": checkpoint_chains(clock),
        "open": publish_dashboards(clock),
    }


@flow(
    name="record-ended-run",
    persist_result=False,
    result_serializer=NO_VALUES,
    log_prints=False,
)
def record_ended_run_flow(flow_run_id: str, silent_seconds: int = 0) -> str | None:
    """Triggered when a share-request or enquiry run ends Failed, Crashed, Cancelled or
    TimedOut: a request's decision record within seconds, not only at the next sweep; an
    enquiry taken in and every agency asked (cancelled before it was taken in: refused, with
    its record). Idempotent: the server can emit two Failed states for one run, and the run's
    own hooks may have done it already. This also covers a run cancelled while suspended,
    when no hook runs.

    Also triggered (with ``silent_seconds``) when a running share-request or enquiry run stops
    sending heartbeats: its machine died with the worker on it, so nobody else will mark it
    Crashed (this does, first)."""
    ended = flow_of_ended_run(flow_run_id, silent_seconds)
    if ended == ENQUIRY:
        return go_on_after_run_ended(flow_run_id)
    if ended == SHARE_REQUEST:
        return record_run_if_ended(flow_run_id)
    return None


_WATCHED_RUNS: dict[str, Any] = {
    "match": {"prefect.resource.id": "prefect.flow-run.*"},
    "match_related": {
        "prefect.resource.role": "flow",
        "prefect.resource.name": [SHARE_REQUEST, ENQUIRY],
    },
}
_RUN_ID = "{{ event.resource.id.split('.')[-1] }}"

# The automations that trigger it (prefect.yaml declares the same for `prefect deploy`).
RECORD_ENDED_RUN_TRIGGER = DeploymentEventTrigger(
    name="record share-request and enquiry runs that ended badly",
    **_WATCHED_RUNS,
    expect={
        "prefect.flow-run.Failed",
        "prefect.flow-run.Crashed",
        "prefect.flow-run.Cancelled",
        "prefect.flow-run.TimedOut",
    },
    parameters={"flow_run_id": _RUN_ID},
)


# How often a flow-run process reports that it is alive (PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
# Prefect's default 180 s), as flows.serve and prefect.yaml set it.
HEARTBEAT_SECONDS = 60
# Three heartbeats missed: a busy machine may be late with one, never with three.
MISSED_HEARTBEATS = 3


def silent_run_trigger(every: int) -> DeploymentEventTrigger:
    """A run that was Pending or Running and then, for three heartbeat periods, neither sent a
    heartbeat nor changed state (Suspended, Completed, Failed, ...) has lost its process."""
    silent = every * MISSED_HEARTBEATS
    return DeploymentEventTrigger(
        name="record share-request and enquiry runs whose process went silent",
        **_WATCHED_RUNS,
        posture=Posture.Proactive,
        after={"prefect.flow-run.heartbeat", "prefect.flow-run.Pending"},
        expect={
            "prefect.flow-run.heartbeat",
            "prefect.flow-run.Running",
            "prefect.flow-run.Paused",
            "prefect.flow-run.Suspended",
            "prefect.flow-run.Completed",
            "prefect.flow-run.Failed",
            "prefect.flow-run.Crashed",
            "prefect.flow-run.Cancelling",
            "prefect.flow-run.Cancelled",
            "prefect.flow-run.TimedOut",
        },
        for_each={"prefect.resource.id"},
        within=timedelta(seconds=silent),
        parameters={"flow_run_id": _RUN_ID, "silent_seconds": silent},
    )
