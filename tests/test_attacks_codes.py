"""Issue 18, "Approval by someone else" and "Denial of service by anyone", as an outsider with
nothing but the Prefect API would try them on a served deployment: answer a waiting run with a
code seen in its run input, with someone else's code, or with junk until the step locks.

Each attack is refused, leaves an audit line (never the code), and the request still ends with
exactly one decision record, answered by the real approver.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from conftest import Mailbox, Stack, example, records_of, wait_until
from sqlalchemy import select

from infoshare import prefect_api
from infoshare.store import Store

TIMEOUT = 180


def outsider_resume(api: str, run_id: str, answer: dict[str, Any]) -> None:
    """POST the answer to the run's resume endpoint, as anyone who can reach the API can (the
    run shows Paused a moment before its form exists: wait for the form, as a person would)."""
    for _ in range(120):
        r = httpx.post(f"{api}/flow_runs/{run_id}/resume", json={"run_input": answer}, timeout=30)
        if r.status_code in (429, 502, 503, 504):  # a busy server (SQLite under write load)
            time.sleep(0.5)
            continue
        body = r.json()
        if body.get("status") == "ACCEPT":
            return
        if "schema not found" not in json.dumps(body):
            raise AssertionError(f"resume refused by Prefect: {body}")
        time.sleep(0.25)
    raise AssertionError("the run never offered its resume form")


def run_inputs(api: str, run_id: str) -> str:
    """Everything stored as the run's input (what an outsider can read), as text."""
    r = httpx.post(f"{api}/flow_runs/{run_id}/input/filter", json={"prefix": "", "limit": 100},
                   timeout=30)  # fmt: skip
    r.raise_for_status()
    return json.dumps(r.json())


def paused(run_id: str, after: str | None = None) -> str:
    """Wait until the run is paused in a pause other than ``after``; its state id."""

    def check() -> str | None:
        run = prefect_api.run(run_id)
        assert run.state_type not in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"), run
        return run.state_id if run.state_type == "PAUSED" and run.state_id != after else None

    return str(wait_until(f"run {run_id} to wait for an answer", check, TIMEOUT))


def finished(run_id: str) -> str:
    def check() -> str | None:
        run = prefect_api.run(run_id)
        return run.state_type if run.state_type in ("COMPLETED", "FAILED", "CRASHED") else None

    return str(wait_until(f"run {run_id} to finish", check, TIMEOUT))


def refusals(store: Store, ref: str) -> list[tuple[str | None, str]]:
    return [(e.actor_id, e.detail) for e in store.audit.trail(ref) if e.event == "input refused"]


def answer(person: str, code: str) -> dict[str, Any]:
    return {"approver_id": person, "code": code, "decision": "SHARE", "approved_items": ["item-1"],
            "reasons": "The attendance baseline is needed for the plan."}  # fmt: skip


def start(stack: Stack, store: Store) -> tuple[str, str, str]:
    """An officer's request to the school; the run waiting for sign-off."""
    run_id = prefect_api.submit({"request": example("scenario1-school-attendance.json")}).id
    state = paused(run_id)
    ref = store.requests.ref_for_run(run_id)
    assert ref is not None and store.requests.meta(ref).status == "AWAITING_SIGNOFF"
    return run_id, ref, state


def test_a_code_seen_with_a_refused_answer_signs_off_for_nobody(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    store, api = stack_store, stack.api_url
    head = store.partnership().member("school-head")
    assert head is not None
    run_id, ref, state = start(stack, store)
    code = mailbox.latest_code(ref, head.email)

    # the headteacher answers before the school prepared the content: refused on policy
    outsider_resume(api, run_id, answer("school-head", code))
    state = paused(run_id, state)
    assert "No content has been prepared" in refusals(store, ref)[-1][1]
    # her answer, code and all, is gone from the run's input: nothing to read there
    assert code not in run_inputs(api, run_id)

    # the content is prepared; an observer who saw her answer replays it: the code is spent
    store.requests.provide_item(ref, "item-1", b"Attendance 81%", "school-office")
    outsider_resume(api, run_id, answer("school-head", code))
    state = paused(run_id, state)
    assert "already been used" in refusals(store, ref)[-1][1]

    # she was sent a fresh code; someone else (the deputy's id) answering with it is refused
    fresh = wait_until("a fresh code", lambda: mailbox.codes(ref, head.email)[1:], 60)[-1]
    assert fresh != code
    outsider_resume(api, run_id, answer("school-dsl", fresh))
    state = paused(run_id, state)
    assert refusals(store, ref)[-1] == (
        "school-dsl",
        "Identity not proven: the code is not valid for this person, step and request.",
    )

    # that did not spend her code: she signs off, and the request ends with one record
    outsider_resume(api, run_id, answer("school-head", fresh))
    assert finished(run_id) == "COMPLETED"
    assert records_of(store, ref) == 1
    found = store.chain.record(ref)
    assert found is not None
    assert [(a["id"], a["proof"]) for a in found[0].public["approvers"]] == [
        ("school-head", "code")
    ]
    trail = json.dumps(refusals(store, ref))
    assert code not in trail and fresh not in trail  # audited, never with a code


def test_junk_answers_lock_out_the_junk_not_the_approver(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    store, api = stack_store, stack.api_url
    head = store.partnership().member("school-head")
    assert head is not None
    run_id, ref, state = start(stack, store)
    store.requests.provide_item(ref, "item-1", b"Attendance 81%", "school-office")

    # five junk answers, in made-up names, as anyone with the API could send
    for i in range(5):
        outsider_resume(api, run_id, answer(f"intruder-{i}", "ZZZZZ-ZZZZZ"))
        state = paused(run_id, state)
    refused = refusals(store, ref)
    assert len(refused) == 5 and {who for who, _ in refused} == {None}  # typed ids not kept
    assert all("nobody is registered" in why for _, why in refused)

    # the school's data-protection lead is told, with counts and no personal data
    school = store.partnership().agency("northshire-academy")
    assert school is not None
    alert = wait_until(
        "the DPO's alert",
        lambda: [
            m
            for m in mailbox.messages
            if m["X-Infoshare-Kind"] == "lockout_alert" and m["X-Infoshare-Reference"] == ref
        ],  # fmt: skip
        60,
    )[0]
    assert school.dpo_email in str(alert["To"])
    text = alert.get_body(("plain",)).get_content()
    assert "5 failed attempts" in str(alert["Subject"])
    for personal in ("Jamie", "Fictitious", "2011", "intruder"):
        assert personal not in text

    # the step is not locked for the headteacher: her code works, one record
    outsider_resume(api, run_id, answer("school-head", mailbox.latest_code(ref, head.email)))
    assert finished(run_id) == "COMPLETED"
    assert records_of(store, ref) == 1
    found = store.chain.record(ref)
    assert found is not None and found[0].public["approvers"][0]["id"] == "school-head"


def test_a_signing_key_cannot_be_registered_in_someone_elses_name(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """``person-key generate --as SOMEONE --replace`` let anyone sign as an approver. Now the
    person must give the code mailed to them; the attacker's forged answer is refused by the
    run, and the headteacher still signs off: one record."""
    import base64

    from click.testing import CliRunner
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from infoshare.cli import main
    from infoshare.identity import person_keys, signatures
    from infoshare.policy.answers import SignOffInput

    store, api = stack_store, stack.api_url
    head = store.partnership().member("school-head")
    assert head is not None
    before = person_keys.registered_key(store, "school-head")
    env = {"INFOSHARE_PERSON_PASSPHRASE": "the attacker's own passphrase"}
    generate = ["person-key", "generate", "--as", "school-head", "--replace"]
    tried = CliRunner().invoke(main, generate, env=env)
    assert tried.exit_code == 2 and "not confirmed" in tried.stderr
    guessed = CliRunner().invoke(main, [*generate, "--code", "ABCDE-FGHIJ"], env=env)
    assert guessed.exit_code == 2 and "not right" in guessed.stderr
    after = person_keys.registered_key(store, "school-head")
    assert (after.key_id if after else None) == (before.key_id if before else None)
    # the headteacher was mailed the code (so she knows someone asked in her name); audited
    assert mailbox.confirmation_codes(head.email)
    with store.session() as s:
        from infoshare.db.tables import AuditEventRow

        refused = list(s.scalars(select(AuditEventRow.detail).where(
            AuditEventRow.actor_id == "school-head",
            AuditEventRow.event == "confirmation refused")))  # fmt: skip
    assert any("person-key: the confirmation code is not right" in d for d in refused)

    # the attacker signs an answer with a key of their own and sends it through the API
    run_id, ref, state = start(stack, store)
    store.requests.provide_item(ref, "item-1", b"Attendance 81%", "school-office")
    forged = answer("school-head", "") | {"code": ""}
    inp = SignOffInput.model_validate(forged)
    sig = signatures.sign_answer(store, ref, "signoff", inp, Ed25519PrivateKey.generate())
    outsider_resume(api, run_id, {**forged, "signature": sig})
    state = paused(run_id, state)
    assert "Identity not proven" in refusals(store, ref)[-1][1]
    assert base64.b64decode(sig).hex() not in json.dumps(refusals(store, ref))

    outsider_resume(api, run_id, answer("school-head", mailbox.latest_code(ref, head.email)))
    assert finished(run_id) == "COMPLETED"
    assert records_of(store, ref) == 1


def test_a_signed_answer_refused_on_policy_cannot_be_replayed(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """The headteacher signs her answer with her own key (``approve --sign``) before the school
    prepared the content: refused on policy. An observer who saw her signed answer replays it
    once the content is there: refused (it was signed for a pause already answered) and
    audited. Her answer signed again, same words, for the pause open now, is accepted: one
    record, proven by her signature for that pause."""
    from click.testing import CliRunner

    from infoshare.cli import main
    from infoshare.identity import person_keys, signatures
    from infoshare.policy.answers import SignOffInput

    store, api = stack_store, stack.api_url
    passphrase = "the headteacher's own passphrase"  # noqa: S105 - a test key's passphrase
    person_keys.generate_person_key(store, "school-head", passphrase, replace=True)
    run_id, ref, state = start(stack, store)

    # her signed answer, as `infoshare approve --sign` makes and sends it
    words = {k: v for k, v in answer("school-head", "").items() if k != "code"}
    key = person_keys.load_person_key(store.settings, "school-head", passphrase)
    sig = signatures.sign_answer(store, ref, "signoff", SignOffInput.model_validate(words), key)
    hers = {**words, "signature": sig}
    outsider_resume(api, run_id, hers)
    state = paused(run_id, state)
    assert "No content has been prepared" in refusals(store, ref)[-1][1]

    # the content is prepared; an observer who saw her signed answer sends it again
    store.requests.provide_item(ref, "item-1", b"Attendance 81%", "school-office")
    outsider_resume(api, run_id, hers)
    state = paused(run_id, state)
    assert refusals(store, ref)[-1] == (
        "school-head",
        "Identity not proven: the signature was made for pause signoff-1, which has already been "
        "answered (a signed answer answers one pause only): sign the answer again.",
    )
    assert store.requests.meta(ref).status == "AWAITING_SIGNOFF"

    # she answers again, the same words, signed in her terminal for the pause open now
    sent = CliRunner().invoke(
        main,
        ["approve", ref, "--as", "school-head", "--sign", "--decision", "SHARE", "--item",
         "item-1", "--reasons", words["reasons"]],
        env={"INFOSHARE_PERSON_PASSPHRASE": passphrase},
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    assert "signed for pause signoff-3 only" in sent.output
    assert finished(run_id) == "COMPLETED"
    assert records_of(store, ref) == 1
    found = store.chain.record(ref)
    assert found is not None
    (approver,) = found[0].public["approvers"]
    assert (approver["id"], approver["proof"]) == ("school-head", "signature")
    assert approver["signature"] != sig and approver["signed_payload"]["pause"] == "signoff-3"
    assert signatures.verify_recorded(approver)
    assert sig not in json.dumps(refusals(store, ref))  # audited, never with the signature
