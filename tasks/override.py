"""Step 4: the public-interest override of consent, justified by a person (not the requester)."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare.forms import WaitingForm, waiting_form
from infoshare.policy import OverrideInput, Step, Verdict
from infoshare.steps import apply_override
from infoshare.store import default_store
from tasks.run_data import forget_run_input


@task(name="override-form", cache_policy=NO_CACHE)
def override_form(ref: str) -> WaitingForm | None:
    return waiting_form(default_store(), ref, Step.OVERRIDE)


@task(name="override-justification", cache_policy=NO_CACHE)
def apply_override_input(ref: str, pause_key: str, data: dict[str, Any]) -> Verdict:
    verdict = apply_override(default_store(), ref, OverrideInput.model_validate(data))
    forget_run_input(pause_key)
    logger = get_run_logger()
    if verdict.accepted:
        logger.info("%s override justification accepted", ref)
    else:
        logger.warning("%s override input refused: %s", ref, verdict.reasons)
    return verdict
