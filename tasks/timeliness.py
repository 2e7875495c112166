"""The watchdog's steps: expire overdue requests and wake their runs, remind and escalate
steps by their own due times, send unconfirmed emergencies down the RED path, reconcile runs
that ended without a record, and keep the timeliness dashboards (artifacts) current."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterEndTime,
    FlowRunFilterId,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import TERMINAL_STATES, FlowRun, State, StateType
from prefect.client.schemas.responses import OrchestrationResult
from prefect.client.schemas.sorting import FlowRunSort
from prefect.exceptions import ObjectNotFound, PrefectException
from prefect.flow_runs import resume_flow_run
from prefect.logging import get_run_logger
from prefect.states import Cancelled, Crashed

from infoshare import escalation, reports, timeliness
from infoshare.records.checkpoints import due_checkpoints
from infoshare.store import default_store
from tasks.artifacts import publish_if_changed
from tasks.notify import teller
from tasks.record import describe_failure, record_ended_run

ENDED_BADLY = [StateType.FAILED, StateType.CRASHED, StateType.CANCELLED]
RUNS_PAGE = 200  # the most Prefect returns at once by default (PREFECT_SERVER_API_DEFAULT_LIMIT)
# A run in these states with no heartbeat has lost its process (see flow_of_ended_run).
GONE_SILENT = (StateType.PENDING, StateType.RUNNING)


def _wake(wake: timeliness.ToWake) -> None:
    """Resume the run with the (ignored) wake-up input. A run shows Suspended a moment before
    its form's schema is saved, so a "schema not found" refusal is retried briefly."""
    for attempt in range(10):
        try:
            resume_flow_run(UUID(wake.flow_run_id), run_input=timeliness.WAKE_INPUTS[wake.step])
            return
        except RuntimeError as exc:
            if "schema not found" not in str(exc) or attempt == 9:
                raise
            time.sleep(0.5)


# A run still moving (Running, Pending, Scheduled) after its request expired is given this long
# to reach its pause, where a wake-up finds it, before the watchdog records it without the run.
WAKE_GRACE = timedelta(minutes=10)


@task(name="expire-overdue", cache_policy=NO_CACHE)
def expire_overdue(now: datetime) -> list[str]:
    """Mark requests past their deadline EXPIRED and wake their runs to record it. A run that
    cannot be woken (deleted, ended, its pause refusing the wake-up, or still not waiting long
    after) does not hold the record back: it is written from the store, EXPIRED, at once."""
    store = default_store()
    log = get_run_logger()
    expired = [r.ref for r in timeliness.overdue(store, now) if timeliness.expire(store, r, now)]
    for wake in timeliness.expired_unrecorded(store):
        try:
            _wake(wake)
            log.info("%s expired while waiting for %s; run woken", wake.ref, wake.step.value)
        except (PrefectException, RuntimeError) as exc:
            _unwakeable(wake, now, describe_failure(exc))
    return expired


def _unwakeable(wake: timeliness.ToWake, now: datetime, failure: str) -> None:
    """The wake-up of an expired request's run failed: record it now unless the run is still
    on its way to its pause (then the next sweep wakes it)."""
    store = default_store()
    log = get_run_logger()
    with get_client(sync_client=True) as client:
        try:
            run = client.read_flow_run(UUID(wake.flow_run_id))
        except ObjectNotFound:
            run = None
        state = run.state if run is not None else None
        marker = store.requests.step(wake.ref, timeliness.EXPIRY)
        expired_at = datetime.fromisoformat(marker.public["at"]) if marker is not None else now
        if (
            state is not None
            and not (state.is_final() or state.is_paused())
            and now - expired_at < WAKE_GRACE
        ):
            log.info("%s expired; its run is %s, woken next sweep", wake.ref, state.name)
            return
        why = timeliness.RUN_DELETED if run is None else timeliness.RUN_UNWAKEABLE
        summary = timeliness.record_without_run(store, wake.ref, why)
        teller(store).outcome(wake.ref)
        log.warning("%s: run could not be woken (%s): recorded %s without it",
                    wake.ref, failure, summary.decision.value)  # fmt: skip
        if run is not None and state is not None and not state.is_final():
            client.set_flow_run_state(
                run.id,
                Cancelled(message=f"Recorded {summary.decision.value} by infoshare: {why}"),
                force=True,
            )


@task(name="emergency-fallbacks", cache_policy=NO_CACHE)
def fall_back_unconfirmed(now: datetime) -> list[str]:
    """Emergency shares nobody on call confirmed in time go down the RED path: their runs
    are woken to carry on with sign-off before anything is shared."""
    store = default_store()
    log = get_run_logger()
    fell = [
        r.ref
        for r in timeliness.lapses_due(store, now)
        if timeliness.lapse_emergency(store, r, now)
    ]
    for wake in timeliness.fell_back_waiting(store):
        try:
            _wake(wake)
            log.info("%s: no on-call confirmation in time; run woken for the RED path", wake.ref)
        except (PrefectException, RuntimeError) as exc:  # not suspended (yet): next sweep
            log.warning("%s: could not wake run: %s", wake.ref, describe_failure(exc))
    return fell


@task(name="escalate-steps", cache_policy=NO_CACHE)
def escalate_due_steps(now: datetime) -> list[str]:
    """At a step's due time with no answer: a new code for the agency's deputy, who is told,
    and so are the people first told. Once per step."""
    store = default_store()
    escalated = []
    for due in escalation.escalations_due(store, now):
        esc = escalation.escalate(store, due, now)  # claims first: a repeat sweep does nothing
        if esc is None:
            continue
        teller(store).escalation(esc)
        escalated.append(esc.ref)
    if escalated:
        get_run_logger().info("%d step(s) escalated", len(escalated))
    return escalated


@task(name="send-reminders", cache_policy=NO_CACHE)
def send_due_reminders(now: datetime) -> list[str]:
    """Remind the people a step waits for at 50% and 80% of its time, once each."""
    store = default_store()
    reminded = []
    for due in escalation.reminders_due(store, now):
        escalation.mark_reminded(store, due, now)  # first: a repeat sweep never sends it twice
        teller(store).reminders(due.request.ref, due.step)
        reminded.append(due.request.ref)
    if reminded:
        get_run_logger().info("reminders sent for %d request(s)", len(reminded))
    return reminded


@task(name="checkpoint-record-chains", cache_policy=NO_CACHE)
def checkpoint_chains(now: datetime) -> list[str]:
    """Sign every agency's decision-record chain at least daily (also every N records)."""
    return due_checkpoints(default_store(), now)


def runs_ended_badly(
    flow_name: str,
    now: datetime,
    states: list[StateType] = ENDED_BADLY,
    lookback: timedelta = timedelta(days=7),
) -> list[FlowRun]:
    """Every run of ``flow_name`` that ended in one of ``states`` in the ``lookback`` before
    ``now``, newest first: every page (a busy week can end more runs badly than one holds)."""
    runs: list[FlowRun] = []
    with get_client(sync_client=True) as client:
        while True:
            page = client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=states)),
                    end_time=FlowRunFilterEndTime.model_validate({"after_": now - lookback}),
                ),
                sort=FlowRunSort.END_TIME_DESC,
                limit=RUNS_PAGE,
                offset=len(runs),
            )
            runs += page
            if len(page) < RUNS_PAGE:
                return runs


@task(name="reconcile-ended-runs", cache_policy=NO_CACHE)
def reconcile_ended_runs(now: datetime) -> list[str]:
    """Give every share-request run that ended Failed, Crashed or Cancelled without a decision
    record a FAILED one (its state as the reason). Idempotent."""
    store = default_store()
    log = get_run_logger()
    recorded = []
    runs = runs_ended_badly("share-request", now)
    for run in runs:
        ref = store.requests.ref_for_run(str(run.id))
        if ref is not None and store.chain.record(ref) is not None:
            continue
        state = run.state
        try:
            summary = record_ended_run(run, (state.name or state.type.value) if state else "ended")
            recorded.append(summary.ref)
            log.warning(
                "%s had no decision record after its run ended: recorded FAILED", summary.ref
            )
        except Exception as exc:  # noqa: BLE001 - one bad run must not stop the sweep
            log.error("run %s could not be reconciled: %s", run.id, describe_failure(exc))
    recorded += _reconcile_open(now)
    return recorded


def _reconcile_open(now: datetime) -> list[str]:
    """From infoshare's side: open requests whose run has ended, or vanished, without a record
    (a run deleted or forced to Completed through the API, also while it waits for a person,
    or never marked Crashed after its machine died). Each is recorded once, with an audit
    line saying why."""
    store = default_store()
    log = get_run_logger()
    recorded = []
    todo = timeliness.to_reconcile(store, now - timedelta(minutes=10))
    ended, gone = _ended_or_gone([r.flow_run_id for r in todo if r.flow_run_id])
    for r in todo:
        if not r.flow_run_id or r.flow_run_id in gone:
            summary = timeliness.record_without_run(store, r.ref, timeliness.RUN_DELETED)
            teller(store).outcome(r.ref)
            log.warning("%s: its run was deleted: recorded %s", r.ref, summary.decision.value)
            recorded.append(summary.ref)
            continue
        run = ended.get(r.flow_run_id)
        if run is None or run.state is None:
            continue  # still working or waiting (a stuck run shows here until marked)
        name = run.state.name or run.state.type.value
        summary = record_ended_run(run, name)
        if summary.written:
            store.audit.write(r.ref, "record", timeliness.WATCHDOG,
                              "recorded by the watchdog", f"the run ended {name}")  # fmt: skip
            log.warning("%s: run ended %s without a record: recorded", r.ref, name)
            recorded.append(summary.ref)
    return recorded


def _ended_or_gone(run_ids: list[str]) -> tuple[dict[str, FlowRun], set[str]]:
    """Among ``run_ids``: the runs that have ended, by id, and the ids Prefect no longer has.
    Per page of ids, the ended runs are read and the page's runs counted; the page is read
    whole only when some are missing. Reading every run (one call per run, then a page per
    call) was most of a sweep's time: 36 s, then 11 s at 1,000 waiting (bench/load.py); about
    1 ms a run (bench/runs_list_scale.py: 0.213 s at 200, now 0.044 s; 1.07 s at 10,000)."""
    ended: dict[str, FlowRun] = {}
    gone: set[str] = set()
    with get_client(sync_client=True) as client:
        for start in range(0, len(run_ids), RUNS_PAGE):
            page = run_ids[start : start + RUNS_PAGE]
            ids = FlowRunFilterId(any_=[UUID(i) for i in page])
            for run in client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    id=ids,
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=sorted(TERMINAL_STATES))
                    ),
                ),
                limit=RUNS_PAGE,
            ):
                ended[str(run.id)] = run
            if client.count_flow_runs(flow_run_filter=FlowRunFilter(id=ids)) < len(set(page)):
                present = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(id=ids), limit=RUNS_PAGE
                )
                gone |= set(page) - {str(run.id) for run in present}
    return ended, gone


@task(name="timeliness-dashboards", cache_policy=NO_CACHE)
def publish_dashboards(now: datetime) -> int:
    """Refresh the dashboards people watch: the open requests, soonest deadline first, with
    their RAG status and a link to each run, and the summary for today, this week and this
    month; each written again only when it changed."""
    store = default_store()
    open_ = timeliness.open_requests(store)
    with get_client(sync_client=True) as client:
        publish_if_changed(
            client,
            "timeliness-open-requests",
            reports.open_requests_markdown(open_, now),
            "Open requests, soonest deadline first; each links to its run (no personal data)",
        )
        publish_if_changed(
            client,
            "timeliness-summary",
            reports.summary_markdown(store, now),
            "Requests received and decided, on time, outcomes (no personal data)",
        )
    return len(open_)


@task(name="run-that-ended", cache_policy=NO_CACHE)
def flow_of_ended_run(flow_run_id: str, silent_seconds: int = 0) -> str | None:
    """The flow's name (``share-request``, ``enquiry``) of a run that ended Failed, Crashed or
    Cancelled; None if it has not ended so.

    ``silent_seconds`` > 0: the run sent no heartbeat for that long while Pending or Running,
    so nothing is left to report its end (its process and the worker that started it died with
    their machine). It is marked Crashed first."""
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
        state = run.state
        if silent_seconds > 0 and state is not None and state.type in GONE_SILENT:
            state = _mark_crashed(client, run.id, silent_seconds) or state
        if state is None or state.type not in ENDED_BADLY:
            return None
        return client.read_flow(run.flow_id).name


@task(name="record-ended-run", cache_policy=NO_CACHE)
def record_run_if_ended(flow_run_id: str) -> str | None:
    """Record one share-request run that ended Failed, Crashed or Cancelled, if it has no
    record yet; returns its reference."""
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
    state = run.state
    if state is None or state.type not in ENDED_BADLY:
        return None
    summary = record_ended_run(run, state.name or state.type.value)
    get_run_logger().info(
        "%s: run ended %s; decision record %s (%s)", summary.ref, state.name,
        "written" if summary.written else "already present", summary.decision.value,
    )  # fmt: skip
    return summary.ref


def _mark_crashed(
    client: SyncPrefectClient, run_id: UUID, silent_seconds: int
) -> State[Any] | None:
    """Propose Crashed for a run that went silent; the server refuses it if the run has moved
    on meanwhile (then its own end is recorded as usual). Returns the run's state after."""
    result: OrchestrationResult[Any] = client.set_flow_run_state(
        run_id,
        Crashed(
            message=f"No heartbeat for {silent_seconds} s: the process running it, or its "
            "machine, stopped without reporting (marked by infoshare)"
        ),
    )
    get_run_logger().warning(
        "flow run %s sent no heartbeat for %d s: marking it Crashed (%s)",
        run_id, silent_seconds, result.status.value,
    )  # fmt: skip
    return result.state
