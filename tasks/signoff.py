"""Step 5: senior sign-off by a registered approver of the disclosing agency."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from infoshare.forms import WaitingForm
from infoshare.models import Decision, Step
from infoshare.policy.answers import SignOffInput, Verdict
from infoshare.steps import apply_signoff, signoff_outcome
from infoshare.store import default_store
from tasks.answers import handle_answer, open_step


@task(name="signoff-form", cache_policy=NO_CACHE)
def signoff_form(ref: str) -> WaitingForm | None:
    return open_step(ref, Step.SIGNOFF)


@task(name="senior-signoff", cache_policy=NO_CACHE)
def apply_signoff_input(ref: str, pause_key: str, data: dict[str, Any]) -> Verdict:
    return handle_answer(
        ref,
        Step.SIGNOFF,
        pause_key,
        lambda d: apply_signoff(default_store(), ref, SignOffInput.model_validate(d)),
        data,
    )


@task(name="signoff-outcome", cache_policy=NO_CACHE)
def outcome(ref: str) -> Decision | None:
    return signoff_outcome(default_store(), ref)
