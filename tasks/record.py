"""Step 7, always: write the decision record, whatever happened before."""

from __future__ import annotations

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import FlowRun
from prefect.logging import get_run_logger
from sqlalchemy.exc import SQLAlchemyError

from infoshare.models import ShareRequest
from infoshare.records import RecordSummary, record_decision, summary_markdown
from infoshare.store import default_store
from tasks.notify import send_outcome
from tasks.run_data import redact_run


def describe_failure(exc: BaseException) -> str:
    """A reason for the record that cannot carry personal data (no SQL parameters, no values)."""
    if isinstance(exc, SQLAlchemyError):
        return f"{type(exc).__name__}: database error"
    first = str(exc).splitlines()[0][:300] if str(exc) else ""
    return f"{type(exc).__name__}: {first}"


def record_ended_run(flow_run: FlowRun, state_name: str, message: str | None) -> RecordSummary:
    """Give a share-request run that ended without finishing its own record a FAILED one.

    Used by the flow's state hooks and by the watchdog's reconciliation; idempotent. A run that
    ended before intake is taken in first (from its parameters), so it too is recorded, and its
    personal data is removed from Prefect."""
    store = default_store()
    ref = store.ref_for_run(str(flow_run.id))
    if ref is None:
        req = ShareRequest.model_validate(flow_run.parameters.get("request"))
        ref = store.register_request(req, flow_run_id=str(flow_run.id))
        redact_run(flow_run.id, req, ref)
    return record_decision(store, ref, f"run ended {state_name}: {message or ''}".strip())


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
    found = store.record(ref)
    if summary.written and found is not None:
        send_outcome(store, ref, found[0].public)
        create_markdown_artifact(
            key=f"decision-{ref.lower()}",
            markdown=summary_markdown(found[0].public),
            description=f"Decision record {ref} (no personal data)",
        )
    return summary
