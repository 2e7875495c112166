"""Step 2: triage against the registry and the anti-trawling rules; set the deadline."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare.steps import TriageResult, run_triage
from infoshare.store import default_store


@task(name="triage", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def triage(ref: str) -> TriageResult:
    result = run_triage(default_store(), ref)
    logger = get_run_logger()
    if result.accepted:
        logger.info("%s accepted at triage; due %s", ref, result.due_at)
    else:
        logger.warning("%s ends at triage with %s: %s", ref, result.decision, result.reasons)
    return result
