"""Step 7, always: write the decision record, whatever happened before."""

from __future__ import annotations

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare.records import RecordSummary, record_decision, summary_markdown
from infoshare.store import default_store


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
        create_markdown_artifact(
            key=f"decision-{ref.lower()}",
            markdown=summary_markdown(found[0].public),
            description=f"Decision record {ref} (no personal data)",
        )
    return summary
