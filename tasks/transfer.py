"""Step 6: seal the approved items to the recipient agency and deliver them."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare.models import Step
from infoshare.steps import is_done
from infoshare.store import default_store
from infoshare.transfer import TransferError
from infoshare.transfer import transfer as do_transfer
from tasks.notify import teller


@task(name="encrypted-transfer", cache_policy=NO_CACHE)
def transfer(ref: str) -> dict[str, Any]:
    """Not retried by Prefect: the delivery retries transient failures itself, with backoff,
    until the request's deadline (infoshare.transport.deliver_with_retries). Approved items that
    could not be delivered are escalated to the disclosing agency's data-protection lead."""
    store = default_store()
    already = is_done(store, ref, Step.TRANSFER)
    try:
        facts = do_transfer(store, ref)
    except TransferError as exc:
        teller(store).delivery_escalation(
            ref,
            f"Approved items were not delivered to {store.requests.meta(ref).requesting_agency}: {exc}",
        )
        raise
    if not already:
        teller(store).delivery_notice(ref, facts["items"], facts["envelope_id"])
    get_run_logger().info(
        "%s delivered by %s: envelope %s (sha256 %s), items %s; %s",
        ref,
        facts["method"],
        facts["envelope_id"],
        facts["envelope_sha256"],
        ", ".join(facts["items"]),
        facts.get("receipt_note") or "no receipt",
    )
    return {k: facts[k] for k in ("envelope_id", "envelope_sha256", "items")}
