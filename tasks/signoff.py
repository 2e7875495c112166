"""Step 5: senior sign-off by a registered approver of the disclosing agency."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from infoshare.forms import WaitingForm
from infoshare.models import Step
from infoshare.policy.answers import SignOffInput, Verdict
from infoshare.steps import apply_signoff, signoff_outcome
from infoshare.store import default_store
from tasks.answers import handle_answer, open_step


@task(name="signoff-form", cache_policy=NO_CACHE)
def signoff_form(ref: str) -> WaitingForm | None:
    return open_step(ref, Step.SIGNOFF)


@task(name="senior-signoff", cache_policy=NO_CACHE)
def apply_signoff_input(ref: str, pause_key: str, data: dict[str, Any]) -> Verdict:
    """The answer checked and kept; the answer that finishes the step says whether to share."""
    verdict = handle_answer(
        ref,
        Step.SIGNOFF,
        pause_key,
        lambda d: apply_signoff(default_store(), ref, SignOffInput.model_validate(d)),
        data,
    )
    return replace(verdict, shares=shares(ref)) if verdict.finished else verdict


@task(name="signoff-outcome", cache_policy=NO_CACHE)
def outcome(ref: str) -> bool:
    """Whether a sign-off made before this execution shares (see ``shares``)."""
    return shares(ref)


def shares(ref: str) -> bool:
    """The sign-off decided to share, and the request had not expired before the transfer
    began (an answer racing the deadline sends nothing after it)."""
    decided = signoff_outcome(default_store(), ref)
    return decided is not None and decided.shares
