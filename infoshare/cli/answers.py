"""Answering a waiting step from a terminal, as the resume form does: ``approve`` (sign-off),
``justify`` (the override justification), ``confirm`` (an emergency, on call). Each proves who
answers with the one-time code or a signature by the person's own key (``--sign``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from pydantic import ValidationError

from infoshare import prefect_api
from infoshare.cli.common import (
    emit,
    fail,
    json_option,
    main,
    open_store,
    ref_for,
    validation_message,
)
from infoshare.cli.person_keys import PASSPHRASE_ENV, passphrase
from infoshare.identity import pauses, person_keys, signatures
from infoshare.identity.pauses import Pause
from infoshare.keys import key_id, raw_public
from infoshare.models import OverrideGround, Step
from infoshare.policy.answers import (
    EmergencyChoice,
    EmergencyInput,
    OverrideInput,
    SignOffChoice,
    SignOffInput,
)
from infoshare.store import Store

code_option = click.option(
    "--code",
    help="The one-time code infoshare sent you (asked for, unseen, if neither this nor --sign "
    "is given).",
)
sign_option = click.option(
    "--sign", is_flag=True,
    help="Prove it is you with your own signing key instead of a code (see `infoshare "
    f"person-key generate`); its passphrase from ${PASSPHRASE_ENV} or asked for.",
)  # fmt: skip


def answering(who: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """What every command that answers a waiting step takes: the request, who answers
    (``who`` describes them) and the proof of identity (``--code`` or ``--sign``)."""

    def apply(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed((
            click.argument("target"),
            click.option("--as", "person", required=True, help=f"Your person id{who}."),
            code_option,
            sign_option,
        )):  # fmt: skip
            command = option(command)
        return command

    return apply


def _submit(
    target: str, step: Step, form: type[OverrideInput | SignOffInput | EmergencyInput],
    data: dict[str, Any], code: str | None, sign: bool, as_json: bool,
) -> None:  # fmt: skip
    """Prove who answers (code or signature) and resume the request's run with the answer."""
    store = open_store()
    ref = ref_for(target, store)
    answer, pause = _answer(store, ref, step, form, data, code, sign)
    _resume(ref, store, answer, pause, as_json)


def _resume(
    ref: str, store: Store, data: dict[str, Any], pause: Pause | None, as_json: bool
) -> None:
    run_id = store.requests.meta(ref).flow_run_id
    if run_id is None:
        fail(f"{ref} has no flow run", 2)
    assert run_id is not None
    prefect_api.resume(run_id, data)
    signed = f" (signed for pause {pause.key} only)" if pause else ""
    emit(as_json, {"reference": ref, "flow_run_id": run_id, "submitted": True,
                   "pause": pause.key if pause else None},
          f"{ref}: answer submitted{signed}; the run checks it and goes on (or asks "
          "again).")  # fmt: skip


def _answer(
    store: Store, ref: str, step: Step, form: type[OverrideInput | SignOffInput | EmergencyInput],
    data: dict[str, Any], code: str | None, sign: bool,
) -> tuple[dict[str, Any], Pause | None]:  # fmt: skip
    """The answer with its proof of identity: the one-time code, or a signature with the
    person's own key over the run, the step's open pause, decision, items, request hash and the
    whole answer (and the pause it was signed for)."""
    if sign and code:
        fail("give --code or --sign, not both", 2)
    if not sign:
        data = {**data, "code": code or click.prompt("One-time code", hide_input=True)}
    try:
        answer = form.model_validate(data)
    except ValidationError as exc:
        fail(f"not a valid answer: {validation_message(exc)}", 2)
        raise  # unreachable
    if not sign:
        return data, None
    if store.requests.meta(ref).flow_run_id is None:
        fail(f"{ref} has no flow run", 2)
    registered = person_keys.registered_key(store, answer.person)
    if registered is None:
        fail(f"{answer.person} has no registered signing key: `infoshare person-key generate "
             f"--as {answer.person}` makes and registers one", 2)  # fmt: skip
    assert registered is not None
    try:
        key = person_keys.load_person_key(store.settings, answer.person, passphrase(answer.person))
    except person_keys.PersonKeyError as exc:
        fail(str(exc), 2)
        raise  # unreachable
    if key_id(raw_public(key.public_key())) != registered.key_id:
        fail(f"the signing key on this machine is not the one registered for {answer.person} "
             f"(key {registered.key_id}); sign on the machine that holds it", 2)  # fmt: skip
    pause = pauses.current(store, ref, step.value)
    signature = signatures.sign_answer(store, ref, step.value, answer, key, pause)
    return {**data, "signature": signature}, pause


@main.command()
@answering("")
@click.option("--decision", type=click.Choice([c.value for c in SignOffChoice]), required=True)
@click.option("--item", "items", multiple=True, help="An approved item id (repeat).")
@click.option("--reasons", required=True, help="Reasons for the decision.")
@click.option("--redactions", default="", help="What is withheld and why.")
@click.option("--dpo-advice", default="", help="The DPO's advice, if sought.")
@json_option
def approve(
    target: str, person: str, code: str | None, sign: bool, decision: str, items: tuple[str, ...],
    reasons: str, redactions: str, dpo_advice: str, as_json: bool,
) -> None:  # fmt: skip
    """Answer the senior sign-off of a waiting request (reference or flow run id)."""
    data = {"approver_id": person, "decision": decision, "approved_items": list(items),
            "reasons": reasons, "redactions": redactions, "dpo_advice": dpo_advice}  # fmt: skip
    _submit(target, Step.SIGNOFF, SignOffInput, data, code, sign, as_json)


@main.command()
@answering("")
@click.option(
    "--ground", "grounds", multiple=True, required=True,
    type=click.Choice([g.value for g in OverrideGround]),
)  # fmt: skip
@click.option("--proportionality", required=True, help="Why sharing without consent is justified.")
@click.option("--informed/--not-informed", default=False, help="Has the subject been told?")
@click.option("--not-informed-reason", default="", help="Why the subject has not been told.")
@json_option
def justify(
    target: str, person: str, code: str | None, sign: bool, grounds: tuple[str, ...],
    proportionality: str, informed: bool, not_informed_reason: str, as_json: bool,
) -> None:  # fmt: skip
    """Answer the consent-override justification of a waiting request."""
    data = {"person_id": person, "grounds": list(grounds), "proportionality": proportionality,
            "subject_informed": informed, "not_informed_reason": not_informed_reason}  # fmt: skip
    _submit(target, Step.OVERRIDE, OverrideInput, data, code, sign, as_json)


@main.command()
@answering(" (an on-call approver)")
@click.option("--decision", type=click.Choice([c.value for c in EmergencyChoice]), required=True)
@click.option("--item", "items", multiple=True, help="An item to share now (repeat; CONFIRM).")
@click.option("--reasons", required=True, help="Why sharing now is (or is not) necessary.")
@json_option
def confirm(
    target: str, person: str, code: str | None, sign: bool, decision: str, items: tuple[str, ...],
    reasons: str, as_json: bool,
) -> None:  # fmt: skip
    """Answer the on-call confirmation of an EMERGENCY request (risk to life): CONFIRM shares the
    items now, sign-off follows; DECLINE sends it down the RED path."""
    data = {"approver_id": person, "decision": decision, "approved_items": list(items),
            "reasons": reasons}  # fmt: skip
    _submit(target, Step.EMERGENCY, EmergencyInput, data, code, sign, as_json)
