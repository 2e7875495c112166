"""The EMERGENCY path: an on-call approver confirms sharing now, before sign-off."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from infoshare import emergency
from infoshare.forms import WaitingForm
from infoshare.models import Step
from infoshare.policy.answers import EmergencyInput, Verdict
from infoshare.steps import apply_emergency
from infoshare.store import default_store
from tasks.answers import handle_answer, open_step


@task(name="emergency-form", cache_policy=NO_CACHE)
def emergency_form(ref: str) -> WaitingForm | None:
    return open_step(ref, Step.EMERGENCY)


@task(name="emergency-confirmation", cache_policy=NO_CACHE)
def apply_emergency_input(ref: str, pause_key: str, data: dict[str, Any]) -> Verdict:
    return handle_answer(
        ref,
        Step.EMERGENCY,
        pause_key,
        lambda d: apply_emergency(default_store(), ref, EmergencyInput.model_validate(d)),
        data,
    )


@task(name="emergency-confirmed", cache_policy=NO_CACHE)
def confirmed_by_on_call(ref: str) -> bool:
    """True: share now, sign off afterwards. False: declined or not confirmed in time, so the
    request follows the RED path."""
    store = default_store()
    yes = emergency.confirmed(store, ref)
    st = emergency.answered(store, ref)
    get_run_logger().info(
        "%s emergency %s", ref, st.public.get("outcome") if st else "not answered"
    )
    return yes
