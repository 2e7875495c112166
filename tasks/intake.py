"""Step 1: move the request into our encrypted store and strip personal data from Prefect."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

from infoshare.models import ShareRequest
from infoshare.store import default_store, redacted_parameters
from tasks.run_data import replace_parameters


@task(name="intake", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def intake(request: ShareRequest) -> str:
    """Store the request (personal fields sealed) and return its reference. Idempotent per run."""
    store = default_store()
    run_id = flow_run.get_id()
    ref = store.register_request(request, flow_run_id=run_id)
    if run_id is not None:
        replace_parameters(
            run_id,
            redacted_parameters(request, ref),
            name=f"{ref} {request.urgency.value} {request.requesting_agency} to "
            f"{request.disclosing_agency}",
            tags=[
                "infoshare",
                f"tier:{request.urgency.value}",
                f"from:{request.requesting_agency}",
                f"to:{request.disclosing_agency}",
            ],
        )
    get_run_logger().info(
        "Request %s received: %s tier, %s asks %s",
        ref,
        request.urgency.value,
        request.requesting_agency,
        request.disclosing_agency,
    )
    return ref
