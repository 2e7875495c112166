"""Step 5: senior sign-off by a registered approver of the disclosing agency."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare.forms import WaitingForm, waiting_form
from infoshare.models import Decision
from infoshare.policy import SignOffInput, Step, Verdict
from infoshare.steps import apply_signoff, signoff_outcome
from infoshare.store import default_store
from tasks.run_data import forget_run_input


@task(name="signoff-form", cache_policy=NO_CACHE)
def signoff_form(ref: str) -> WaitingForm | None:
    return waiting_form(default_store(), ref, Step.SIGNOFF)


@task(name="senior-signoff", cache_policy=NO_CACHE)
def apply_signoff_input(ref: str, pause_key: str, data: dict[str, Any]) -> Verdict:
    verdict = apply_signoff(default_store(), ref, SignOffInput.model_validate(data))
    forget_run_input(pause_key)
    logger = get_run_logger()
    if verdict.accepted:
        logger.info("%s signed off: %s", ref, signoff_outcome(default_store(), ref))
    else:
        logger.warning("%s sign-off input refused: %s", ref, verdict.reasons)
    return verdict


@task(name="signoff-outcome", cache_policy=NO_CACHE)
def outcome(ref: str) -> Decision | None:
    return signoff_outcome(default_store(), ref)
