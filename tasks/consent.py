"""Step 3: route on consent. OBTAINED or NOT_REQUIRED skip the override justification."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare.models import ConsentStatus, Step
from infoshare.policy.triage import needs_override
from infoshare.store import default_store


@task(name="consent-check", cache_policy=NO_CACHE)
def consent_check(ref: str) -> bool:
    """Return True when consent must be overridden on public-interest grounds."""
    store = default_store()
    consent = store.requests.meta(ref).public["consent"]
    override = needs_override(ConsentStatus(consent))
    store.requests.complete_step(
        ref, Step.CONSENT, public={"consent": consent, "override": override}
    )
    get_run_logger().info(
        "%s consent %s: %s", ref, consent, "override needed" if override else "no override needed"
    )
    return override
