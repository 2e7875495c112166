"""Step 1: move the request into our encrypted store and strip personal data from Prefect."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

from infoshare import enquiries
from infoshare.models import Step
from infoshare.reading import take_in
from infoshare.steps import is_done
from infoshare.store import default_store
from tasks.run_data import redact_run


def run_key(run_id: str) -> str | None:
    """The idempotency key this run was created with (an enquiry's part: the part's own)."""
    with get_client(sync_client=True) as client:
        return client.read_flow_run(UUID(run_id)).idempotency_key


@task(name="intake", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def intake(raw_request: Any, enquiry_part: str = "") -> str:
    """Store the request (personal fields sealed) and return its reference. Idempotent per run:
    a resumed run (whose parameters are already redacted) gets the reference it had.

    ``raw_request`` is the run's parameter as submitted, unvalidated: one that cannot be read
    is refused here, naming the fields at fault (never their values), and redacted all the same.
    ``enquiry_part`` (a run an enquiry started): the request is that part of the enquiry, from
    the store; ``raw_request`` holds no personal data then.
    """
    store = default_store()
    run_id = flow_run.get_id()
    known = store.requests.ref_for_run(run_id) if run_id else None
    if known is not None and is_done(store, known, Step.INTAKE):
        return known
    if enquiry_part:
        key = run_key(run_id) if run_id else None
        ref, reading = enquiries.take_in_part(store, enquiry_part, raw_request, run_id, key)
    else:
        ref, reading = take_in(store, raw_request, run_id)
    request = reading.request
    if run_id is not None:
        redact_run(run_id, request, ref, enquiry_part)
    store.requests.complete_step(
        ref,
        Step.INTAKE,
        public={"prefect_parameters_redacted": run_id is not None, "readable": reading.readable},
    )
    if not reading.readable:
        get_run_logger().warning(
            "Request %s could not be read and is refused: %s", ref, "; ".join(reading.problems)
        )
        return ref
    get_run_logger().info(
        "Request %s received: %s tier, %s asks %s",
        ref,
        request.urgency.value,
        request.requesting_agency,
        request.disclosing_agency,
    )
    return ref
