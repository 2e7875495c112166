"""What the override and sign-off steps share: opening a waiting step (its form, and codes to
the people who may answer) and handling an answer given in the resume form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prefect.logging import get_run_logger

from infoshare.forms import WaitingForm, waiting_form
from infoshare.models import Step
from infoshare.policy.answers import Verdict
from infoshare.steps import LOCKED_VERDICT
from infoshare.store import default_store
from tasks.notify import teller
from tasks.run_data import forget_run_input


def open_step(ref: str, step: Step) -> WaitingForm | None:
    """The resume form for a step still waiting (None once answered or expired), after making
    sure everyone who may answer holds a one-time code."""
    store = default_store()
    form = waiting_form(store, ref, step)
    if form is not None:
        teller(store).codes(ref, step)
    return form


def handle_answer(
    ref: str,
    step: Step,
    pause_key: str,
    apply: Callable[[dict[str, Any]], Verdict],
    data: dict[str, Any],
) -> Verdict:
    """Check and keep an answer (or refuse it), then delete it from Prefect: our store holds
    what is needed. A refusal that locks the step alerts the data-protection lead once."""
    store = default_store()
    verdict = apply(data)
    forget_run_input(pause_key)
    log = get_run_logger()
    if verdict.accepted:
        log.info("%s %s answer accepted", ref, step.value)
    else:
        log.warning("%s %s answer refused: %s", ref, step.value, verdict.reasons)
        if verdict.locked and verdict is not LOCKED_VERDICT:
            teller(store).lockout_alert(ref, step, store.requests.refused_since_unlock(ref, step))
    return verdict
