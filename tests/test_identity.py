"""Proof of identity for answers: one-time codes, separation of duties, lock-out. No Prefect:
these run over a real store; the end-to-end tests drive the same code through resume forms."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from infoshare import identity
from infoshare.models import ShareRequest
from infoshare.policy import OverrideInput, SignOffInput, Step
from infoshare.steps import apply_override, apply_signoff, run_triage
from infoshare.store import Store, now_utc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def take_in(store: Store, name: str) -> tuple[str, str]:
    run_id = str(uuid.uuid4())
    req = ShareRequest.model_validate(json.loads((EXAMPLES / name).read_text()))
    ref = store.register_request(req, run_id)
    run_triage(store, ref)
    return ref, run_id


def code_for(store: Store, ref: str, step: Step, person: str, run_id: str) -> str:
    issued = identity.issue(store, ref, step.value, person, run_id, now_utc() + timedelta(hours=4))
    assert issued is not None
    return issued.code


def signoff(approver: str, code: str, **extra: Any) -> SignOffInput:
    data = {"approver_id": approver, "code": code, "decision": "SHARE",
            "approved_items": ["item-1"], "reasons": "Necessary for the safety plan."}  # fmt: skip
    return SignOffInput.model_validate({**data, **extra})


def prepared(store: Store, ref: str) -> None:
    store.provide_item(ref, "item-1", b"dates", "nurse-lee")


def test_a_valid_code_proves_the_approver_once(store: Store) -> None:
    ref, run = take_in(store, "scenario2-hospital.json")
    prepared(store, ref)
    store.complete_step(ref, Step.OVERRIDE, actor_id="nurse-lee")
    code = code_for(store, ref, Step.SIGNOFF, "caldicott-rao", run)
    assert apply_signoff(store, ref, signoff("caldicott-rao", code)).accepted
    st = store.step(ref, Step.SIGNOFF)
    assert st is not None and st.actor_id == "caldicott-rao"
    assert "one-time code" in st.public["identity"]
    assert code not in json.dumps(st.public)  # the decision payload hash leaves the code out
    # what was approved is what goes: the content can no longer be changed
    with pytest.raises(KeyError, match="signed off"):
        store.provide_item(ref, "item-1", b"something else", "nurse-lee")
    assert set(st.private["approved_content_sha256"]) == {"item-1"}


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("wrong", "not valid"),
        ("expired", "expired"),
        ("replayed", "already been used"),
        ("other run", "not valid"),
        ("other person", "not valid"),
    ],
)
def test_bad_codes_are_refused_and_the_step_keeps_waiting(
    store: Store, case: str, reason: str
) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.provide_item(ref, "item-1", b"81%", "school-office")
    if case == "wrong":
        code = "ABCDE-FGHIJ"
    elif case == "expired":
        issued = identity.issue(store, ref, "signoff", "school-head", run, now_utc() - timedelta(1))
        assert issued is not None
        code = issued.code
    elif case == "replayed":
        code = code_for(store, ref, Step.SIGNOFF, "school-head", run)
        assert identity.redeem(store, ref, "signoff", "school-head", run, code) is None
    elif case == "other run":  # a code issued for another request's run
        other_ref, other_run = take_in(store, "scenario1-school-attendance.json")
        code = code_for(store, other_ref, Step.SIGNOFF, "school-head", other_run)
    else:  # the DSL's code, typed by the headteacher
        code = code_for(store, ref, Step.SIGNOFF, "school-dsl", run)
    verdict = apply_signoff(store, ref, signoff("school-head", code))
    assert not verdict.accepted
    assert reason in " ".join(verdict.reasons)
    assert store.step(ref, Step.SIGNOFF) is None or store.step(ref, Step.SIGNOFF).status != "DONE"  # type: ignore[union-attr]
    trail = [e for e in store.audit_trail(ref) if e.event == "input refused"]
    assert trail and code not in trail[-1].detail  # audited, without the code


def test_requester_and_override_justifier_cannot_sign_off(store: Store) -> None:
    ref, run = take_in(store, "scenario2-hospital.json")
    prepared(store, ref)
    own = code_for(store, ref, Step.SIGNOFF, "mash-social-worker", run)
    v = apply_signoff(store, ref, signoff("mash-social-worker", own))
    assert not v.accepted and "requester" in v.reasons[0]
    just = code_for(store, ref, Step.OVERRIDE, "nurse-lee", run)
    override = OverrideInput.model_validate(
        {"person_id": "nurse-lee", "code": just, "grounds": ["SAFEGUARD_CHILDREN"],
         "proportionality": "Children at risk; the minimum is shared.", "subject_informed": True}
    )  # fmt: skip
    assert apply_override(store, ref, override).accepted
    # the Caldicott Guardian could approve; a nurse who justified the override may not, even if
    # she held an approver role
    assert [m.id for m in identity.eligible(store, ref, "signoff")] == ["caldicott-rao"]


def test_unregistered_or_under_rank_people_get_no_code_and_are_refused(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    assert {m.id for m in identity.eligible(store, ref, "signoff")} == {"school-dsl", "school-head"}
    v = apply_signoff(store, ref, signoff("school-office", "ABCDE-FGHIJ"))
    assert not v.accepted and "needs one of" in v.reasons[0]
    v = apply_signoff(store, ref, signoff("mallory", "ABCDE-FGHIJ"))
    assert not v.accepted and "not registered" in v.reasons[0]


def test_the_sixth_attempt_finds_the_step_locked(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.provide_item(ref, "item-1", b"81%", "school-office")
    verdicts = [apply_signoff(store, ref, signoff("school-head", "ZZZZZ-ZZZZZ")) for _ in range(5)]
    assert [v.locked for v in verdicts] == [False, False, False, False, True]
    good = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    sixth = apply_signoff(store, ref, signoff("school-head", good))
    assert not sixth.accepted and sixth.locked and "locked" in sixth.reasons[0]
    # still counted, so the run's next pause gets a new key (Prefect refuses a reused one)
    assert store.attempts(ref, Step.SIGNOFF) == 6
    # the requester cannot unlock; the headteacher (an approver) can, and then a valid code works
    assert identity.unlock_refusal(store, ref, "yjs-worker") is not None
    assert identity.unlock_refusal(store, ref, "school-office") is not None  # not an approver
    assert identity.unlock_refusal(store, ref, "school-head") is None
    store.unlock(ref, "signoff", "school-head", "guessing stopped; DPO informed")
    # the locked attempt did not spend the code: it works once the step is unlocked
    assert apply_signoff(store, ref, signoff("school-head", good)).accepted
    unlocked = [e for e in store.audit_trail(ref) if e.event == "step unlocked"]
    assert [(e.actor_id, e.detail) for e in unlocked] == [
        ("school-head", "guessing stopped; DPO informed")
    ]


def test_codes_are_not_stored_and_not_reissued_while_live(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    first = identity.issue_for_step(store, ref, "signoff", run, now_utc() + timedelta(hours=1))
    assert {m.id for m, _ in first} == {"school-dsl", "school-head"}
    assert identity.issue_for_step(store, ref, "signoff", run, now_utc() + timedelta(hours=1)) == []
    raw = b"".join(p.read_bytes() for p in store.settings.home.glob("infoshare.db*"))
    for _, issued in first:
        assert issued.code.encode() not in raw and issued.code.replace("-", "").encode() not in raw


def test_malformed_codes_are_refused_before_any_lookup(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    for bad in ["", "12345-67890", "abcde", "A" * 200]:
        assert identity.redeem(store, ref, "signoff", "school-head", run, bad) is not None
