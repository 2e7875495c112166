"""An enquiry's steps: take it in, ask each agency (one share-request run each, tagged with the
enquiry: not a child run, as Prefect refuses to suspend one), show the case. The enquiry's run
ends then: it holds no process while its agencies' runs wait for people
(``infoshare.enquiries``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.deployments import run_deployment
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

from infoshare import enquiries
from infoshare.redaction import part_parameters
from infoshare.store import default_store
from infoshare.store.enquiries import ASKED, OPEN
from infoshare.timeliness import claim_once
from tasks.artifacts import show_case
from tasks.notify import teller
from tasks.record import describe_failure
from tasks.run_data import redact_enquiry_run
from tasks.timeliness import runs_ended_badly

SHARE_REQUEST = "share-request/share-request"


@task(name="enquiry-intake", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def take_in_enquiry(raw: Any) -> str:
    """Store the enquiry (sealed) and return its reference; the run's parameters are redacted
    and the run named by the reference. Idempotent per run. One that cannot be asked as it is
    (unreadable, an agency twice or with no items, the requesting agency asking itself) is
    refused and recorded at once, naming the problems, never the values."""
    store = default_store()
    run_id = flow_run.get_id()
    known = store.requests.ref_for_run(run_id) if run_id else None
    if known is not None:
        return known
    ref, reading = enquiries.take_in(store, raw, run_id)
    enq = reading.enquiry
    if run_id is not None:
        redact_enquiry_run(run_id, enq, ref)
    log = get_run_logger()
    if not reading.readable:
        log.warning("Enquiry %s cannot be asked and is refused: %s", ref,
                    "; ".join(reading.problems))  # fmt: skip
    else:
        log.info("Enquiry %s received: %s tier, %s asks %s", ref, enq.urgency.value,
                 enq.requesting_agency, ", ".join(a.disclosing_agency for a in enq.agencies))  # fmt: skip
    return ref


def start_child(ref: str, agency: str) -> str:
    """Start (or find: one key per part) the share-request run that asks ``agency``. Its
    parameters hold no personal data: the redacted request and the reference to its part.

    Not as a subflow: Prefect's server refuses to suspend a run that has a parent task run
    ("Cannot suspend subflows"), and an agency's run must wait for people without holding a
    process. The runs are tied to the enquiry by the tag ``enquiry:ENQ-...`` and its case
    view, the enquiry's artifact, which links each."""
    store = default_store()
    request = store.enquiries.enquiry(ref).request_to(agency)
    part = enquiries.part_of(ref, agency)
    run = run_deployment(
        SHARE_REQUEST,
        parameters=part_parameters(request, ref, part),
        as_subflow=False,
        timeout=0,
        idempotency_key=enquiries.part_key(part),
        tags=["infoshare", f"enquiry:{ref}"],
    )
    run_id = str(run.id)  # type: ignore[union-attr]
    store.enquiries.child_started(ref, agency, run_id)
    return run_id


@task(name="ask-agencies", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def ask_agencies(ref: str) -> int:
    """One share-request run per agency asked, tagged ``enquiry:ENQ-...`` and linked from the
    enquiry's case view; returns how many were started now (a repeat starts none twice)."""
    store = default_store()
    if store.requests.meta(ref).status != OPEN:
        return 0
    started = 0
    for asked in store.enquiries.asked(ref):
        if asked.status == ASKED and asked.child_run_id is None:
            start_child(ref, asked.agency)
            started += 1
    get_run_logger().info("Enquiry %s: %d agencies asked", ref, started)
    return started


def resume_enquiry(flow_run: FlowRun) -> str:
    """After an enquiry's run died or failed (its state hooks, in the runner): the enquiry
    taken in from its parameters if the run had not, Prefect's copy redacted, and every
    agency not yet asked asked now. Returns its reference."""
    ref, _ = _taken_in(flow_run)
    enquiries.ask_remaining(default_store(), ref)
    return ref


def _taken_in(flow_run: FlowRun) -> tuple[str, bool]:
    """The enquiry of a run that ended, taken in from its parameters if the run had not (then
    True), and Prefect's copy redacted (the run may have died between storing the enquiry and
    redacting its parameters)."""
    store = default_store()
    run_id = str(flow_run.id)
    ref = store.requests.ref_for_run(run_id)
    if ref is not None:
        redact_enquiry_run(run_id, store.enquiries.enquiry(ref), ref)
        return ref, False
    ref, reading = enquiries.take_in(store, flow_run.parameters.get("enquiry"), run_id)
    redact_enquiry_run(run_id, reading.enquiry, ref)
    return ref, True


@task(name="enquiry-case-view", cache_policy=NO_CACHE)
def publish_case(ref: str) -> str:
    """The case view as an artifact of the enquiry (no personal data); the watchdog's sweep
    and each agency's record refresh it."""
    return show_case(ref)


@task(name="follow-enquiries", cache_policy=NO_CACHE)
def follow_enquiries(now: datetime) -> dict[str, list[str]]:
    """The watchdog's sweep for enquiries: an enquiry whose run died before taking it in is
    taken in; agencies never asked (the enquiry's run died first) are asked; an agency past
    its step's due time is escalated to the requesting agency's managers, once per step;
    every enquiry whose agencies have all answered gets its record; the case views are
    refreshed."""
    store = default_store()
    log = get_run_logger()
    taken_in = _take_in_ended_runs(now)
    asked = enquiries.ask_unasked(store)
    escalated = []
    for due in enquiries.overdue_parts(store, now):
        marker = f"enquiry-escalated:{due.step}"
        if claim_once(store, due.ref, marker, {"enquiry": due.enquiry, "at": now.isoformat()}):
            teller(store).enquiry_escalation(due.enquiry, due.ref, due.step, due.due_at)
            escalated.append(due.ref)
    open_refs = store.enquiries.open_refs()
    closed = [c.ref for c in enquiries.close_answered(store) if c.written]
    for ref in [*open_refs]:
        show_case(ref)
    if taken_in or asked or escalated or closed:
        log.info("enquiries: %d taken in from runs that ended, %d agencies asked, %d escalated, "
                 "%d closed", len(taken_in), len(asked), len(escalated), len(closed))  # fmt: skip
    return {"taken_in": taken_in, "asked": asked, "escalated": escalated, "closed": closed}


# An enquiry run that ended so before asking every agency is gone on with (taken in, asked);
# one cancelled before its intake is taken in and refused.
TAKEN_IN_AFTER = [StateType.FAILED, StateType.CRASHED, StateType.CANCELLED]
CANCELLED_BEFORE_INTAKE = "its run was cancelled before it took the enquiry in: no agency was asked"


def close_cancelled(flow_run: FlowRun) -> str:
    """An enquiry run cancelled (someone stopped it) before it took its enquiry in: taken in
    all the same, so that Prefect's copy of its parameters is redacted and the enquiry has its
    record (refused: nobody asked). Returns its reference. A run cancelled after taking it in
    goes on: its agencies are asked (withdraw one with ``infoshare enquiries withdraw``)."""
    ref, now = _taken_in(flow_run)
    if now:
        enquiries.refuse(default_store(), ref, CANCELLED_BEFORE_INTAKE)
    return ref


def _take_in_ended_runs(now: datetime) -> list[str]:
    """Enquiry runs that failed, crashed or were cancelled before taking their enquiry in, and
    whose state hooks did not run either (the machine died with the worker, the hooks failed,
    or there are none: cancelled): taken in from their parameters, as the hooks would have,
    and their agencies asked (a cancelled one: refused, nobody asked)."""
    store = default_store()
    taken_in = []
    for run in runs_ended_badly("enquiry", now, TAKEN_IN_AFTER):
        if store.requests.ref_for_run(str(run.id)) is not None:
            continue
        try:
            taken_in.append(_go_on(run))
        except Exception as exc:  # noqa: BLE001 - one bad run must not stop the sweep
            get_run_logger().error("enquiry run %s could not be taken in: %s", run.id,
                                   describe_failure(exc))  # fmt: skip
    return taken_in


def _go_on(run: FlowRun) -> str:
    if run.state is not None and run.state.type == StateType.CANCELLED:
        return close_cancelled(run)
    return resume_enquiry(run)


@task(name="enquiry-run-ended", cache_policy=NO_CACHE)
def go_on_after_run_ended(flow_run_id: str) -> str | None:
    """An enquiry run that failed, crashed or was cancelled, told by the automation within
    seconds (or, when its machine died, once it went silent): gone on with as its state hooks
    would have (they did not run where the machine died; a cancelled run has none). Returns
    its reference."""
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
    if run.state is None or run.state.type not in TAKEN_IN_AFTER:
        return None
    ref = _go_on(run)
    get_run_logger().info("%s: its run ended %s; taken in", ref, run.state.name)
    return ref


@task(name="enquiry-refused", cache_policy=NO_CACHE)
def refuse_enquiry(ref: str, reason: str) -> None:
    enquiries.refuse(default_store(), ref, reason)
