"""Step 4: the public-interest override of consent, justified by a person (not the requester)."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.logging import get_run_logger
from prefect.runtime import flow_run

from infoshare.forms import WaitingForm, waiting_form
from infoshare.policy import OverrideInput, Step, Verdict
from infoshare.steps import apply_override
from infoshare.store import default_store
from tasks.run_data import forget_run_input


@task(name="override-form", cache_policy=None)
def override_form(ref: str) -> WaitingForm | None:
    return waiting_form(default_store(), ref, Step.OVERRIDE)


@task(name="override-justification", cache_policy=None)
def apply_override_input(ref: str, pause_key: str, data: dict[str, Any]) -> Verdict:
    verdict = apply_override(default_store(), ref, OverrideInput.model_validate(data))
    forget_run_input(flow_run.get_id(), pause_key)
    logger = get_run_logger()
    if verdict.accepted:
        logger.info("%s override justification accepted", ref)
    else:
        logger.warning("%s override input refused: %s", ref, verdict.reasons)
    return verdict
