"""Step 4: the public-interest override of consent, justified by a person (not the requester)."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from infoshare.forms import WaitingForm
from infoshare.models import Step
from infoshare.policy.answers import OverrideInput, Verdict
from infoshare.steps import apply_override
from infoshare.store import default_store
from tasks.answers import handle_answer, open_step


@task(name="override-form", cache_policy=NO_CACHE)
def override_form(ref: str) -> WaitingForm | None:
    return open_step(ref, Step.OVERRIDE)


@task(name="override-justification", cache_policy=NO_CACHE)
def apply_override_input(ref: str, pause_key: str, data: dict[str, Any]) -> Verdict:
    return handle_answer(
        ref,
        Step.OVERRIDE,
        pause_key,
        lambda d: apply_override(default_store(), ref, OverrideInput.model_validate(d)),
        data,
    )
