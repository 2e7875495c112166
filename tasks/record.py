"""Step 7, always: write the decision record, whatever happened before."""

from __future__ import annotations

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun
from prefect.logging import get_logger, get_run_logger

from infoshare import enquiries
from infoshare.envelope import EnvelopeError
from infoshare.integrity import DeploymentChanged
from infoshare.models import Step
from infoshare.reading import take_in
from infoshare.records.compose import RecordSummary, record_decision
from infoshare.records.summary import summary_markdown
from infoshare.steps import is_done
from infoshare.store import Store, default_store
from infoshare.transfer import TransferError
from infoshare.transport import TransientDeliveryError
from tasks.artifacts import show_case
from tasks.notify import teller
from tasks.run_data import redact_run

# Exceptions whose messages infoshare writes itself, and never with personal data in them.
_OWN_MESSAGES = (TransferError, TransientDeliveryError, EnvelopeError, DeploymentChanged)


def describe_failure(exc: BaseException) -> str:
    """A reason for the record (public and permanent) that cannot carry personal data: the
    exception's type, and its message only when infoshare wrote it."""
    if isinstance(exc, _OWN_MESSAGES) and str(exc):
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return type(exc).__name__


def record_ended_run(flow_run: FlowRun, state_name: str) -> RecordSummary:
    """Give a share-request run that ended without finishing its own record a FAILED one.

    Used by the flow's state hooks and by the watchdog's reconciliation; idempotent. The reason
    is the state's name only: Prefect's state message can quote parameter values. A run that
    ended before intake is taken in first (from its parameters, readable or not: one that
    cannot be read is refused); a run whose parameters were not yet redacted is redacted now,
    so its personal data does not stay in Prefect."""
    store = default_store()
    ref = store.requests.ref_for_run(str(flow_run.id))
    part = str(flow_run.parameters.get("enquiry_part") or "")
    if ref is None and part:  # started for an enquiry: its part, if it is this run's
        raw = flow_run.parameters.get("request")
        ref, reading = enquiries.take_in_part(
            store, part, raw, str(flow_run.id), flow_run.idempotency_key
        )
        redact_run(flow_run.id, reading.request, ref, part)
    elif ref is None:  # a request that cannot be read is refused, naming the fields at fault
        ref, reading = take_in(store, flow_run.parameters.get("request"), str(flow_run.id))
        redact_run(flow_run.id, reading.request, ref)
    elif not is_done(store, ref, Step.INTAKE):
        redact_run(flow_run.id, store.requests.request(ref), ref)
    summary = record_decision(store, ref, f"the run ended {state_name}")
    teller(store).outcome(ref)  # the requester is told, also when the run died after its record
    close_enquiry(store, ref)
    return summary


def close_enquiry(store: Store, ref: str) -> None:
    """After a request's record: its enquiry's case view refreshed, and its record written if
    that was the last answer. Never raises (the watchdog's sweep catches up)."""
    log = get_logger("infoshare.enquiries")
    try:
        enquiry = store.enquiries.enquiry_of(ref)
        if enquiry is None:
            return
        closed = enquiries.close(store, enquiry)
        if closed is not None and closed.written:
            log.info("%s enquiry record written (sha256 %s)", closed.ref, closed.record_sha256)
        show_case(enquiry)
    except Exception as exc:  # noqa: BLE001 - the sweep catches up
        log.error("could not follow up the enquiry of %s: %s", ref, describe_failure(exc))


@task(name="record-decision", retries=3, retry_delay_seconds=[1, 5, 15], cache_policy=NO_CACHE)
def record(ref: str, failure: str | None = None) -> RecordSummary:
    store = default_store()
    summary = record_decision(store, ref, failure)
    get_run_logger().info(
        "%s decision record %s: %s (sha256 %s)",
        ref,
        "written" if summary.written else "already present",
        summary.decision.value,
        summary.record_sha256,
    )
    found = store.chain.record(ref)
    if found is None:
        return summary
    teller(store).outcome(ref)
    close_enquiry(store, ref)
    # once, even when this task is retried after the record was written
    if store.requests.step(ref, "decision-artifact") is None:
        create_markdown_artifact(
            key=f"decision-{ref.lower()}",
            markdown=summary_markdown(found[0].public),
            description=f"Decision record {ref} (no personal data)",
        )
        store.requests.complete_step(ref, "decision-artifact")
    return summary
