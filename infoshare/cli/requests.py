"""Submitting requests and answering them: ``submit``, ``requests``, ``provide``, ``approve``,
``justify``, ``confirm`` (emergencies), ``inbox``, ``unlock``, and people's own signing keys (``person-key``)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from infoshare import identity, prefect_api, timeliness
from infoshare.cli.common import (
    check_viewer,
    emit,
    fail,
    json_option,
    main,
    open_store,
    ref_for,
    validation_message,
)
from infoshare.keys import key_id, raw_public
from infoshare.models import OverrideGround, ShareRequest
from infoshare.policy import (
    EmergencyChoice,
    EmergencyInput,
    OverrideInput,
    SignOffChoice,
    SignOffInput,
    Step,
)
from infoshare.store import Store
from infoshare.worktime import now_utc, uk_minute

PASSPHRASE_ENV = "INFOSHARE_PERSON_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret

# --- requests ----------------------------------------------------------------------------------


def _load_request(path: Path) -> ShareRequest:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"no such file: {path}", 2)
    except ValueError as exc:
        fail(f"{path} is not valid JSON: {exc}", 2)
    try:
        return ShareRequest.model_validate(raw)
    except ValidationError as exc:
        fail(f"{path} is not a valid request: {validation_message(exc)}", 2)
        raise  # unreachable


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


@main.command()
@click.argument("request_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--wait",
    default=60.0,
    show_default=True,
    help="Seconds to wait for the run to take the request in and give its reference (0: don't).",
)
@json_option
def submit(request_file: Path, wait: float, as_json: bool) -> None:
    """Submit a request (JSON, the same fields as the UI form) as a share-request run."""
    req = _load_request(request_file)
    run = prefect_api.submit({"request": req.model_dump(mode="json")})
    ui = prefect_api.api_url().removesuffix("/api")
    store = open_store()
    ref = None
    deadline = time.monotonic() + wait
    while ref is None and time.monotonic() < deadline:
        ref = store.requests.ref_for_run(run.id)
        if ref is None:
            time.sleep(0.5)
    link = f"{ui}/runs/flow-run/{run.id}"
    if ref:
        text = f"submitted: {ref}"
    else:
        text = f"submitted as flow run {run.id}; not taken in yet (see `infoshare requests list`)"
    emit(
        as_json,
        {"reference": ref, "flow_run_id": run.id, "flow_run_name": run.name, "ui": link},
        f"{text}\n  watch it: {link}",
    )


@main.group()
def requests() -> None:
    """Requests in progress."""


@requests.command("list")
@click.option("--limit", default=50, show_default=True)
@json_option
def requests_list(limit: int, as_json: bool) -> None:
    """Recent requests (no personal data)."""
    rows = open_store().requests.latest(limit)
    data = [
        {
            "reference": m.ref,
            "status": m.status,
            "tier": m.urgency,
            "from": m.requesting_agency,
            "to": m.disclosing_agency,
            "received_at": m.received_at,
            "due_at": m.due_at,
            "flow_run_id": m.flow_run_id,
        }
        for m in rows
    ]
    lines = [
        f"{d['reference']}  {d['status']:<16} {d['tier']:<9} {d['from']} -> {d['to']}  due "
        f"{uk_minute(d['due_at'])}"
        for d in data
    ]
    emit(as_json, data, "\n".join(lines) or "no requests yet")


@requests.command("show")
@click.argument("target")
@click.option("--as", "person", required=True, help="Your person id.")
@click.option("--why", required=True, help="Why you need to see it (logged).")
@json_option
def requests_show(target: str, person: str, why: str, as_json: bool) -> None:
    """A request in full, personal data included; who looked and why is logged."""
    store = open_store()
    ref = ref_for(target, store)
    check_viewer(store, ref, person, why)
    req = store.requests.request(ref)
    meta = store.requests.meta(ref)
    data = {"reference": ref, "status": meta.status, "due_at": meta.due_at,
            "request": req.model_dump(mode="json")}  # fmt: skip
    emit(as_json, data, json.dumps(data, indent=2, default=str))


@main.command()
@click.argument("target")
@click.argument("item")
@click.option("--as", "person", required=True, help="Your person id (disclosing agency).")
@click.option("--file", "file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--text", "text", help="The content, if short.")
@json_option
def provide(
    target: str, item: str, person: str, file: Path | None, text: str | None, as_json: bool
) -> None:
    """Prepare the content of one requested ITEM for sign-off (stored encrypted)."""
    store = open_store()
    ref = ref_for(target, store)
    if (file is None) == (text is None):
        fail("give exactly one of --file or --text", 2)
    member = store.partnership().member(person)
    if member is None or member.agency_id != store.requests.meta(ref).disclosing_agency:
        fail(f"{person!r} is not registered with the disclosing agency of {ref}", 2)
    content = file.read_bytes() if file else (text or "").encode()
    try:
        store.requests.provide_item(ref, item, content, person)
    except KeyError as exc:
        fail(str(exc.args[0]), 2)
    emit(as_json, {"reference": ref, "item": item, "bytes": len(content)},
          f"{ref} {item}: {len(content)} bytes prepared")  # fmt: skip


def _submit(
    target: str, step: Step, form: type[OverrideInput | SignOffInput | EmergencyInput],
    data: dict[str, Any], code: str | None, sign: bool, as_json: bool,
) -> None:  # fmt: skip
    """Prove who answers (code or signature) and resume the request's run with the answer."""
    store = open_store()
    ref = ref_for(target, store)
    _resume(ref, store, _answer(store, ref, step, form, data, code, sign), as_json)


def _resume(ref: str, store: Store, data: dict[str, Any], as_json: bool) -> None:
    run_id = store.requests.meta(ref).flow_run_id
    if run_id is None:
        fail(f"{ref} has no flow run", 2)
    assert run_id is not None
    prefect_api.resume(run_id, data)
    emit(as_json, {"reference": ref, "flow_run_id": run_id, "submitted": True},
          f"{ref}: answer submitted; the run checks it and goes on (or asks again).")  # fmt: skip


def _passphrase(person: str, confirm: bool = False) -> str:
    return os.environ.get(PASSPHRASE_ENV) or str(
        click.prompt(f"Passphrase of {person}'s signing key", hide_input=True,
                     confirmation_prompt=confirm)
    )  # fmt: skip


def _answer(
    store: Store, ref: str, step: Step, form: type[OverrideInput | SignOffInput | EmergencyInput],
    data: dict[str, Any], code: str | None, sign: bool,
) -> dict[str, Any]:  # fmt: skip
    """The answer with its proof of identity: the one-time code, or a signature with the
    person's own key over the run, step, decision, items, request hash and the whole answer."""
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
        return data
    if store.requests.meta(ref).flow_run_id is None:
        fail(f"{ref} has no flow run", 2)
    registered = identity.registered_key(store, answer.person)
    if registered is None:
        fail(f"{answer.person} has no registered signing key: `infoshare person-key generate "
             f"--as {answer.person}` makes and registers one", 2)  # fmt: skip
    assert registered is not None
    try:
        key = identity.load_person_key(store.settings, answer.person, _passphrase(answer.person))
    except identity.PersonKeyError as exc:
        fail(str(exc), 2)
        raise  # unreachable
    if key_id(raw_public(key.public_key())) != registered.key_id:
        fail(f"the signing key on this machine is not the one registered for {answer.person} "
             f"(key {registered.key_id}); sign on the machine that holds it", 2)  # fmt: skip
    return {**data, "signature": identity.sign_answer(store, ref, step.value, answer, key)}


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


@main.command()
@click.option("--as", "person", required=True, help="Your person id.")
@json_option
def inbox(person: str, as_json: bool) -> None:
    """What waits for you: steps you may answer, soonest deadline first (no personal data)."""
    store = open_store()
    if store.partnership().member(person) is None:
        fail(f"{person!r} is not registered in the partnership", 2)
    now = now_utc()
    rows = []
    for r in timeliness.open_requests(store):
        step = r.waiting_for
        if step is None or person not in {m.id for m in identity.eligible(store, r.ref, step)}:
            continue
        left = r.time_left(now)
        rows.append({"reference": r.ref, "step": step.value, "tier": r.urgency,
                     "from": r.requesting_agency, "to": r.disclosing_agency, "due_at": r.due_at,
                     "hours_left": None if left is None else round(left / 3600, 1),
                     "rag": r.rag(now), "flow_run_id": r.flow_run_id})  # fmt: skip
    text = "\n".join(
        f"{d['reference']}  {d['step']:<9} {d['tier']:<9} {d['from']} -> {d['to']}  "
        f"{d['hours_left']} h left ({d['rag']})"
        for d in rows
    )
    emit(as_json, rows, text or "nothing waits for you")


@main.command()
@click.argument("target")
@click.option("--step", type=click.Choice(["override", "signoff"]), required=True)
@click.option("--as", "person", required=True, help="Your person id (a sign-off approver).")
@click.option("--why", required=True, help="Why it is safe to unlock (logged).")
@json_option
def unlock(target: str, step: str, person: str, why: str, as_json: bool) -> None:
    """Unlock a step locked after too many refused answers (the run keeps waiting)."""
    store = open_store()
    ref = ref_for(target, store)
    refusal = identity.unlock_refusal(store, ref, person)
    if refusal:
        fail(refusal, 2)
    if len(why.strip()) < 5:
        fail("say why it is safe to unlock (--why)", 2)
    store.requests.unlock(ref, step, person, why.strip())
    emit(as_json, {"reference": ref, "step": step, "unlocked_by": person},
         f"{ref} {step}: unlocked; the next answer is checked as usual")  # fmt: skip


# --- people's own signing keys -------------------------------------------------------------------


@main.group("person-key")
def person_key() -> None:
    """Your own Ed25519 signing key, to answer with `--sign` instead of a one-time code."""


@person_key.command("generate")
@click.option("--as", "person", required=True, help="Your person id.")
@click.option("--replace", is_flag=True, help="Replace your key (the old one stops working).")
@json_option
def person_key_generate(person: str, replace: bool, as_json: bool) -> None:
    """Make your signing key here and register its public half for you.

    The private key is kept encrypted under your passphrase (from $INFOSHARE_PERSON_PASSPHRASE
    or asked for) in $INFOSHARE_HOME/keys/people, readable by you only."""
    store = open_store()
    if store.partnership().member(person) is None:
        fail(f"{person!r} is not registered in the partnership", 2)
    try:
        made = identity.generate_person_key(store, person, _passphrase(person, confirm=True),
                                            replace=replace)  # fmt: skip
    except identity.PersonKeyError as exc:
        fail(str(exc), 2)
        raise  # unreachable
    emit(
        as_json,
        {"person": person, "key_id": made.key_id, "signing_key": made.public_b64,
         "private_key": str(made.path)},
        f"{person}: signing key {made.key_id} registered; private key {made.path} (encrypted "
        f"under your passphrase).\nTo keep it when the registry is loaded elsewhere, add to "
        f'{person}\'s registry entry: "signing_key": "{made.public_b64}"',
    )  # fmt: skip


@person_key.command("show")
@click.option("--as", "person", required=True, help="A person id.")
@json_option
def person_key_show(person: str, as_json: bool) -> None:
    """The signing key registered for a person (public half only)."""
    store = open_store()
    if store.partnership().member(person) is None:
        fail(f"{person!r} is not registered in the partnership", 2)
    key = identity.registered_key(store, person)
    if key is None:
        fail(f"{person} has no registered signing key", 1)
    assert key is not None
    emit(as_json, {"person": person, "key_id": key.key_id, "signing_key": key.public_b64},
         f"{person}: signing key {key.key_id} ({key.public_b64})")  # fmt: skip
