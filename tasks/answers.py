"""What the override and sign-off steps share: opening a waiting step (its form, and codes to
the people who may answer) and handling an answer given in the resume form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from prefect.logging import get_run_logger

from infoshare.forms import WaitingForm, waiting_form
from infoshare.models import Step
from infoshare.policy.answers import Verdict
from infoshare.steps import is_done
from infoshare.store import default_store
from tasks.notify import teller


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
    """Check and keep an answer (or refuse it); Prefect's copy of it was deleted as the flow
    read it (``flows.waiting``). A refusal that locks someone out, or repeated junk, alerts the
    data-protection lead (counts only). Whoever's code was spent on a refused answer gets a
    fresh one when the step opens again (``open_step``)."""
    store = default_store()
    verdict = apply(data)
    log = get_run_logger()
    if verdict.accepted:
        log.info("%s %s answer accepted (input %s)", ref, step.value, pause_key)
        if is_done(store, ref, step):  # not when a second approver is still wanted
            return replace(verdict, finished=True)
    else:
        log.warning("%s %s answer refused: %s", ref, step.value, verdict.reasons)
        if verdict.alert:
            st = store.requests.step(ref, step)
            teller(store).lockout_alert(ref, step, int(st.public.get("junk", 0)) if st else 0,
                                        locked=verdict.locked)  # fmt: skip
    return verdict
