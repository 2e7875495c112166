"""Waiting for a person: the run suspends with a resume form built for this request and step.

What the form must show, on an ordinary screen, in both of Prefect 3.9.1's UIs:

* the new UI (opened by default) shows the form's description above the fields, and scrolls;
* the old UI (where the new UI's deployment pages send people, and where many will resume)
  gives the description zero height when the form is taller than the window (any of ours, at
  1366x768 or 1440x900). Field help is always shown, so the essentials (a refused answer
  first, then the step, its due time and who may answer) lead the first field's help;
* the run's state message, shown on the run's page and in the runs list, says what the run
  waits for and why the last answer was refused.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, cast

import prefect.flow_runs
from prefect.context import FlowRunContext
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput
from pydantic import BaseModel, Field, create_model

from infoshare.forms import WaitingForm
from infoshare.markdown import plain
from infoshare.policy.answers import Verdict
from tasks.run_data import forget_run_input, given_answer


def input_form(form: WaitingForm, fields: type[BaseModel]) -> type[RunInput]:
    """The resume form for this request: ``fields``, the essentials at the top of the first
    field's help, and for sign-off only this request's own items."""
    base = cast(type[RunInput], type(f"{fields.__name__}Form", (RunInput, fields), {}))
    extra: dict[str, Any] = {}
    first = next(iter(fields.model_fields))
    if form.essentials:
        spec = copy.copy(fields.model_fields[first])  # the same field, with the essentials
        spec.description = f"{form.essentials}\n\n{spec.description or ''}".strip()
        extra[first] = (spec.annotation, spec)
    if "approved_items" in fields.model_fields and form.items:
        item = Literal[tuple(form.items)]  # type: ignore[valid-type]
        listing = "; ".join(f"{iid}: {plain(text)}" for iid, text in form.items.items())
        extra["approved_items"] = (
            list[item],  # type: ignore[valid-type]
            Field(
                default_factory=list,
                description=f"Tick the items you approve for disclosure (SHARE only). {listing}",
            ),
        )
    model = create_model(base.__name__, __base__=base, **extra)
    model._description = form.description  # shown above the form by the Prefect UI
    return model


@contextmanager
def _suspended_state_message(message: str) -> Iterator[None]:
    """Prefect 3.9.1's ``suspend_flow_run`` takes no state message; it builds its state with
    ``prefect.flow_runs.Suspended``, which is given ours for the one call."""
    original = prefect.flow_runs.Suspended
    prefect.flow_runs.Suspended = functools.partial(original, message=message)
    try:
        yield
    finally:
        prefect.flow_runs.Suspended = original


def suspended_at() -> set[str]:
    """The pause keys this run has been suspended under, in earlier executions. Prefect keeps
    each pause's key on the run (its ``empirical_policy.pause_keys``); it does not count
    resumes in ``run_count``."""
    ctx = FlowRunContext.get()
    keys = ctx.flow_run.empirical_policy.pause_keys if ctx and ctx.flow_run else None
    return set(keys or ())


def woken() -> bool:
    """Whether this execution of the run follows a wait: the run was suspended and resumed,
    and starts again from the top."""
    return bool(suspended_at())


def wait_for_person(
    ref: str,
    fields: type[BaseModel],
    form_task: Callable[[str], WaitingForm | None],
    apply_task: Callable[[str, str, dict[str, Any]], Verdict],
    answered: str | None = None,
) -> Verdict | None:
    """Suspend until the step is done; refused answers are recorded and the run waits again
    under a new pause key (so does a first approval where two are needed). No pause timeout:
    deadlines are infoshare's to enforce. Returns the verdict on the answer that finished the
    step, or None if it needed none in this execution (done before, or expired).

    ``answered``: the step's open pause as a woken run found it (``SoFar.answered``). If the run
    was suspended under it, the answer given there is read straight away, as
    ``suspend_flow_run`` would return it, without opening the step's form again (its form task
    would find the same pause). Otherwise, or with no answer there, the step waits as usual.

    The answer (with its code) is deleted from Prefect's run input the moment it is read, before
    it is even checked: nobody can read a code there once the flow has it, and the code is
    spent by the check whatever its outcome."""
    if answered not in suspended_at():
        answered = None  # a pause opened elsewhere (``infoshare approve --sign``) that the run
        # never waited at: an answer planted there through Prefect's API is not read
    while True:
        if answered and (given := given_answer(answered)) is not None:
            pause_key, data = answered, fields.model_validate(given).model_dump(mode="json")
        else:
            form = form_task(ref)
            if form is None:
                return None
            pause_key = form.pause_key
            with _suspended_state_message(form.state_message):
                answer = suspend_flow_run(
                    wait_for_input=input_form(form, fields), key=pause_key, timeout=None
                )
            data = answer.model_dump(mode="json")
        forget_run_input(pause_key)
        if (verdict := apply_task(ref, pause_key, data)).finished:
            return verdict
        answered = None
