"""Proof of identity for answers: one-time codes, separation of duties, lock-out. No Prefect:
these run over a real store; the end-to-end tests drive the same code through resume forms."""

from __future__ import annotations

import base64
import json
import os
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from infoshare.identity import codes, eligibility, person_keys, signatures
from infoshare.models import ShareRequest, Step
from infoshare.policy.answers import OverrideInput, SignOffInput
from infoshare.records.compose import record_decision
from infoshare.steps import apply_override, apply_signoff, run_triage
from infoshare.store import Store
from infoshare.worktime import now_utc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def take_in(store: Store, name: str) -> tuple[str, str]:
    run_id = str(uuid.uuid4())
    req = ShareRequest.model_validate(json.loads((EXAMPLES / name).read_text()))
    ref = store.requests.register(req, run_id)
    run_triage(store, ref)
    return ref, run_id


def code_for(store: Store, ref: str, step: Step, person: str, run_id: str) -> str:
    issued = codes.issue(store, ref, step.value, person, run_id, now_utc() + timedelta(hours=4))
    assert issued is not None
    return issued.code


def signoff(approver: str, code: str, **extra: Any) -> SignOffInput:
    data = {"approver_id": approver, "code": code, "decision": "SHARE",
            "approved_items": ["item-1"], "reasons": "Necessary for the safety plan."}  # fmt: skip
    return SignOffInput.model_validate({**data, **extra})


def prepared(store: Store, ref: str) -> None:
    store.requests.provide_item(ref, "item-1", b"dates", "nurse-lee")


def test_codes_issued_at_once_each_prove_their_holder_and_skip_those_holding_one(
    store: Store,
) -> None:
    """A step opening tells several people at once: one code each, each audited, none for
    someone who still holds a live one; each proves only its own holder."""
    ref, run = take_in(store, "scenario2-hospital.json")
    held = code_for(store, ref, Step.SIGNOFF, "caldicott-rao", run)
    expires = now_utc() + timedelta(hours=4)
    issued = codes.issue_each(
        store, ref, Step.SIGNOFF.value, ["caldicott-rao", "caldicott-deputy", "nurse-lee"],
        run, expires,
    )  # fmt: skip
    assert sorted(issued) == ["caldicott-deputy", "nurse-lee"]
    assert len({i.code for i in issued.values()} | {held}) == 3
    lines = [(e.actor_id, e.event) for e in store.audit.trail(ref)]
    for person in ("caldicott-rao", "caldicott-deputy", "nurse-lee"):
        assert lines.count((person, "one-time code issued")) == 1, lines
    assert codes.issue_each(store, ref, Step.SIGNOFF.value, ["nurse-lee"], run, expires) == {}
    deputy = issued["caldicott-deputy"].code
    step = Step.SIGNOFF.value
    assert codes.redeem(store, ref, step, "nurse-lee", run, deputy) is not None
    assert codes.redeem(store, ref, step, "caldicott-deputy", run, deputy) is None


def test_a_valid_code_proves_the_approver_once(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    code = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    assert apply_signoff(store, ref, signoff("school-head", code)).accepted
    st = store.requests.step(ref, Step.SIGNOFF)
    assert st is not None and st.status == "DONE" and st.actor_id == "school-head"
    assert "one-time code" in st.public["identity"]
    assert code not in json.dumps(st.public)  # the decision payload hash leaves the code out
    # what was approved is what goes: the content can no longer be changed
    with pytest.raises(KeyError, match="signed off"):
        store.requests.provide_item(ref, "item-1", b"something else", "school-office")
    assert set(st.private["approved_content_sha256"]) == {"item-1"}
    # and the code was spent
    assert codes.redeem(store, ref, "signoff", "school-head", run, code) is not None


def test_a_code_typed_in_lower_case_with_spaces_is_the_same_code(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    code = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    typed = " " + " ".join(code.lower().replace("-", " - ")) + " "  # " a b c d e - f g ... "
    assert apply_signoff(store, ref, signoff("school-head", typed)).accepted
    # the resume forms take it as typed (the server would refuse a pattern with a regex)
    from infoshare.policy.answers import EmergencyInput, OverrideInput, SignOffInput

    for form, command in ((OverrideInput, "justify"), (SignOffInput, "approve"),
                          (EmergencyInput, "confirm")):  # fmt: skip
        props = form.model_json_schema()["properties"]
        assert "pattern" not in props["code"]
        assert f"`infoshare {command} --sign`" in props["signature"]["description"]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("wrong", "not valid"),
        ("expired", "expired"),
        ("replayed", "already been used"),
        ("other run", "not valid"),
        ("other person", "not valid"),
        ("none", "missing or malformed"),  # the form's code left empty, no signature either
    ],
)
def test_bad_codes_are_refused_and_the_step_keeps_waiting(
    store: Store, case: str, reason: str
) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    if case == "wrong":
        code = "ABCDE-FGHIJ"
    elif case == "expired":
        issued = codes.issue(store, ref, "signoff", "school-head", run, now_utc() - timedelta(1))
        assert issued is not None
        code = issued.code
    elif case == "replayed":
        code = code_for(store, ref, Step.SIGNOFF, "school-head", run)
        assert codes.redeem(store, ref, "signoff", "school-head", run, code) is None
    elif case == "none":
        code = ""
    elif case == "other run":  # a code issued for another request's run
        other_ref, other_run = take_in(store, "scenario1-school-attendance.json")
        code = code_for(store, other_ref, Step.SIGNOFF, "school-head", other_run)
    else:  # the DSL's code, typed by the headteacher
        code = code_for(store, ref, Step.SIGNOFF, "school-dsl", run)
    verdict = apply_signoff(store, ref, signoff("school-head", code))
    assert not verdict.accepted
    assert reason in " ".join(verdict.reasons)
    assert (
        store.requests.step(ref, Step.SIGNOFF) is None
        or store.requests.step(ref, Step.SIGNOFF).status != "DONE"
    )  # type: ignore[union-attr]
    trail = [e for e in store.audit.trail(ref) if e.event == "input refused"]
    assert trail and (not code or code not in trail[-1].detail)  # audited, without the code


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
    # the Caldicott Guardian and her deputy could approve; the nurse who justified the override
    # may not, even if she held an approver role
    assert [m.id for m in eligibility.eligible(store, ref, "signoff")] == [
        "caldicott-rao",
        "caldicott-deputy",
    ]
    v = apply_signoff(store, ref, signoff("nurse-lee", code_for(store, ref, Step.SIGNOFF,
                                                                 "nurse-lee", run)))  # fmt: skip
    assert not v.accepted and "justified the consent override" in " ".join(v.reasons)


def test_unregistered_or_under_rank_people_get_no_code_and_are_refused(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    assert {m.id for m in eligibility.eligible(store, ref, "signoff")} == {
        "school-dsl",
        "school-head",
    }
    # identity is checked first: without a code of their own they are refused for that
    v = apply_signoff(store, ref, signoff("school-office", "ABCDE-FGHIJ"))
    assert not v.accepted and "Identity not proven" in v.reasons[0]
    # proven (a code issued to her for another reason), the policy still refuses her
    own = code_for(store, ref, Step.SIGNOFF, "school-office", run)
    v = apply_signoff(store, ref, signoff("school-office", own))
    assert not v.accepted and "needs one of" in v.reasons[0]
    v = apply_signoff(store, ref, signoff("mallory", "ABCDE-FGHIJ"))
    assert not v.accepted and "nobody is registered" in v.reasons[0]
    # an unregistered id typed is not put in the audit trail as an actor
    assert [e.actor_id for e in store.audit.trail(ref) if e.event == "input refused"][-1] is None


def test_the_sixth_attempt_finds_the_step_locked(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    verdicts = [apply_signoff(store, ref, signoff("school-head", "ZZZZZ-ZZZZZ")) for _ in range(5)]
    assert [v.locked for v in verdicts] == [False, False, False, False, True]
    good = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    sixth = apply_signoff(store, ref, signoff("school-head", good))
    assert not sixth.accepted and sixth.locked and "locked" in sixth.reasons[0]
    # still counted, so the run's next pause gets a new key (Prefect refuses a reused one)
    assert store.requests.attempts(ref, Step.SIGNOFF) == 6
    # the requester cannot unlock; the headteacher (an approver) can, and then a valid code works
    assert eligibility.unlock_refusal(store, ref, "yjs-worker") is not None
    assert eligibility.unlock_refusal(store, ref, "school-office") is not None  # not an approver
    assert eligibility.unlock_refusal(store, ref, "school-head") is None
    store.requests.unlock(ref, "signoff", "school-head", "guessing stopped; DPO informed")
    # the locked attempt did not spend the code: it works once the step is unlocked
    assert apply_signoff(store, ref, signoff("school-head", good)).accepted
    unlocked = [e for e in store.audit.trail(ref) if e.event == "step unlocked"]
    assert [(e.actor_id, e.detail) for e in unlocked] == [
        ("school-head", "guessing stopped; DPO informed")
    ]


def test_junk_in_other_names_locks_out_the_junk_not_the_approvers(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    unknown = [apply_signoff(store, ref, signoff(f"nobody-{i}", "ZZZZZ-ZZZZZ")) for i in range(5)]
    office = [apply_signoff(store, ref, signoff("school-office", "ZZZZZ-ZZZZZ")) for _ in range(6)]
    # every unregistered id counts as one claimant; a registered one for herself
    assert [v.locked for v in unknown] == [False, False, False, False, True]
    assert [v.locked for v in office] == [False, False, False, False, True, True]
    # the DPO is told when a claimant is locked out and at 5, 10, 20... junk answers
    assert [v.alert for v in unknown + office] == ([False] * 4 + [True]) * 2 + [False]
    assert "locked" in office[-1].reasons[0] and "Others may still answer" in office[-1].reasons[0]
    # the approvers are not locked out: the headteacher's code works
    good = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    assert apply_signoff(store, ref, signoff("school-head", good)).accepted
    assert store.requests.attempts(ref, Step.SIGNOFF) == 11


def test_a_code_given_with_an_answer_the_policy_refuses_is_spent(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    code = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    early = apply_signoff(store, ref, signoff("school-head", code))  # nothing prepared yet
    assert not early.accepted and "Identity" not in early.reasons[0]
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    # whoever saw that answer (and its code) cannot use it now that content is prepared
    replay = apply_signoff(store, ref, signoff("school-head", code))
    assert not replay.accepted and "already been used" in replay.reasons[0]
    assert store.requests.step(ref, Step.SIGNOFF).status != "DONE"  # type: ignore[union-attr]
    # she holds no live code, so she is issued a fresh one when the step opens again
    assert "school-head" in codes.holders(store, ref, "signoff", run)
    fresh = codes.issue(store, ref, "signoff", "school-head", run, now_utc() + timedelta(hours=1))
    assert fresh is not None and fresh.code != code
    assert apply_signoff(store, ref, signoff("school-head", fresh.code)).accepted


def test_codes_are_not_stored_and_not_reissued_while_live(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    first = codes.issue_for_step(store, ref, "signoff", run, now_utc() + timedelta(hours=1))
    assert {m.id for m, _ in first} == {"school-dsl", "school-head"}
    assert codes.issue_for_step(store, ref, "signoff", run, now_utc() + timedelta(hours=1)) == []
    raw = b"".join(p.read_bytes() for p in store.settings.home.glob("infoshare.db*"))
    for _, issued in first:
        assert issued.code.encode() not in raw and issued.code.replace("-", "").encode() not in raw


def test_malformed_codes_are_refused_before_any_lookup(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    for bad in ["", "12345-67890", "abcde", "A" * 200]:
        assert codes.redeem(store, ref, "signoff", "school-head", run, bad) is not None


# --- role and rank by tier and data type -----------------------------------------------------------


def police_request(store: Store, urgency: str) -> tuple[str, str]:
    """Youth justice asks the police (consent obtained: one approver)."""
    raw = json.loads((EXAMPLES / "scenario1-school-attendance.json").read_text())
    raw |= {"disclosing_agency": "northshire-police", "urgency": urgency}
    run_id = str(uuid.uuid4())
    ref = store.requests.register(ShareRequest.model_validate(raw), run_id)
    assert run_triage(store, ref).accepted
    store.requests.provide_item(ref, "item-1", b"two call-outs", "pc-ahmed")
    return ref, run_id


@pytest.mark.parametrize(
    ("urgency", "person", "accepted"),
    [
        ("GREEN", "ds-okafor", True),  # a sergeant may sign off GREEN
        ("GREEN", "pc-ahmed", False),  # a constable never
        ("RED", "ds-okafor", False),  # RED needs an inspector or above
        ("RED", "insp-hughes", True),
        ("AMBER", "ci-patel", True),
    ],
)
def test_police_rank_required_follows_the_tier(
    store: Store, urgency: str, person: str, accepted: bool
) -> None:
    ref, run = police_request(store, urgency)
    eligible = {m.id for m in eligibility.eligible(store, ref, "signoff")}
    assert (person in eligible) == accepted
    v = apply_signoff(store, ref, signoff(person, code_for(store, ref, Step.SIGNOFF, person, run)))
    assert v.accepted == accepted, v.reasons
    if not accepted:
        assert "Inspector or above" in v.reasons[0] or "Sergeant or above" in v.reasons[0]


# --- four eyes -------------------------------------------------------------------------------------


def hospital_overridden(store: Store) -> tuple[str, str]:
    """Scenario 2 at the hospital (RED, consent refused, special-category data): the nurse has
    justified the override, items are prepared; two approvers must agree."""
    ref, run = take_in(store, "scenario2-hospital.json")
    store.requests.provide_item(ref, "item-1", b"dates", "nurse-lee")
    store.requests.provide_item(ref, "item-2", b"injuries", "nurse-lee")
    just = code_for(store, ref, Step.OVERRIDE, "nurse-lee", run)
    override = OverrideInput.model_validate(
        {"person_id": "nurse-lee", "code": just, "grounds": ["SAFEGUARD_CHILDREN"],
         "proportionality": "Children at risk; the minimum is shared.", "subject_informed": True}
    )  # fmt: skip
    assert apply_override(store, ref, override).accepted
    return ref, run


def test_four_eyes_needs_a_second_different_approver_who_confirms(store: Store) -> None:
    ref, run = hospital_overridden(store)
    later = now_utc() + timedelta(hours=4)
    old = {m.id: i.code for m, i in codes.issue_for_step(store, ref, "signoff", run, later)}
    assert set(old) == {"caldicott-rao", "caldicott-deputy"}
    both = ["item-1", "item-2"]
    assert apply_signoff(store, ref, signoff("caldicott-rao", old["caldicott-rao"],
                                             approved_items=both)).accepted  # fmt: skip
    st = store.requests.step(ref, Step.SIGNOFF)
    assert st is not None and st.status != "DONE"  # nothing decided yet
    assert [a["person_id"] for a in st.public["approvals"]] == ["caldicott-rao"]
    # what the first approved is frozen
    with pytest.raises(KeyError, match="signed off"):
        store.requests.provide_item(ref, "item-1", b"changed", "nurse-lee")
    # the deputy's first code is withdrawn; only she is asked now, with a new code
    stale = apply_signoff(store, ref, signoff("caldicott-deputy", old["caldicott-deputy"],
                                              approved_items=both))  # fmt: skip
    assert not stale.accepted and "already been used" in stale.reasons[0]
    assert [m.id for m in eligibility.eligible(store, ref, "signoff")] == ["caldicott-deputy"]
    ((deputy, renewed),) = codes.issue_for_step(store, ref, "signoff", run, later)
    assert deputy.id == "caldicott-deputy"

    # refused: the same person again; the override's justifier; the requester; other items
    rao_again = code_for(store, ref, Step.SIGNOFF, "caldicott-rao", run)
    same = apply_signoff(store, ref, signoff("caldicott-rao", rao_again, approved_items=both))
    assert not same.accepted and "someone other than the first approver" in " ".join(same.reasons)
    for person, fragment in (("nurse-lee", "justified the consent override"),
                             ("mash-social-worker", "requester")):  # fmt: skip
        own = code_for(store, ref, Step.SIGNOFF, person, run)  # proven, still refused
        v = apply_signoff(store, ref, signoff(person, own, approved_items=["item-1"]))
        assert not v.accepted and fragment in " ".join(v.reasons)
    other = apply_signoff(store, ref, signoff("caldicott-deputy", renewed.code))  # item-1 only
    assert not other.accepted and "confirms exactly" in " ".join(other.reasons)
    # four refused answers from three people: nobody is locked out (each counts for themselves)
    assert not other.locked
    # the code came with a refused answer: it is spent; the deputy is given a fresh one
    again = apply_signoff(store, ref, signoff("caldicott-deputy", renewed.code,
                                              approved_items=["item-2", "item-1"]))  # fmt: skip
    assert not again.accepted and "already been used" in again.reasons[0]
    fresh = code_for(store, ref, Step.SIGNOFF, "caldicott-deputy", run)

    second = signoff("caldicott-deputy", fresh, approved_items=["item-2", "item-1"])
    assert apply_signoff(store, ref, second).accepted
    done = store.requests.step(ref, Step.SIGNOFF)
    assert done is not None and done.status == "DONE"
    assert done.public["decision"] == "SHARE_PARTIAL"
    assert done.public["approved_items"] == ["item-1", "item-2"]
    assert [a["person_id"] for a in done.public["approvals"]] == [
        "caldicott-rao",
        "caldicott-deputy",
    ]
    record_decision(store, ref)
    found = store.chain.record(ref)
    assert found is not None
    rec = found[0].public
    assert [(a["id"], a["role"], a["proof"]) for a in rec["approvers"]] == [
        ("caldicott-rao", "Caldicott Guardian", "code"),
        ("caldicott-deputy", "Deputy Caldicott Guardian", "code"),
    ]
    assert rec["approvals_required"] == 2
    assert all(len(a["input_sha256"]) == 64 and a["at"] for a in rec["approvers"])
    assert rec["override"]["justified_by"]["id"] == "nurse-lee"
    assert rec["override"]["proof"] == "code" and len(rec["override"]["input_sha256"]) == 64


def test_four_eyes_second_approver_can_refuse(store: Store) -> None:
    ref, run = hospital_overridden(store)
    rao = code_for(store, ref, Step.SIGNOFF, "caldicott-rao", run)
    assert apply_signoff(store, ref, signoff("caldicott-rao", rao)).accepted
    ((_, renewed),) = codes.issue_for_step(store, ref, "signoff", run, now_utc() + timedelta(1))
    veto = signoff("caldicott-deputy", renewed.code, decision="REFUSE", approved_items=[],
                   reasons="Injury records are not necessary for this plan.")  # fmt: skip
    assert apply_signoff(store, ref, veto).accepted
    done = store.requests.step(ref, Step.SIGNOFF)
    assert done is not None and done.status == "DONE"
    assert (done.public["decision"], done.public["approved_items"]) == ("REFUSE", [])
    assert done.actor_id == "caldicott-deputy"
    assert done.private["approved_content_sha256"] == {}  # nothing can be sent


def test_four_eyes_can_be_turned_off_per_agency(env: dict[str, str], tmp_path: Path) -> None:
    from infoshare.config import load_settings
    from infoshare.registry.spec import DEMO_REGISTRY
    from infoshare.setup import initialise

    raw = json.loads(DEMO_REGISTRY.read_text())
    for agency in raw["agencies"]:
        if agency["id"] == "northshire-hospitals":
            agency["four_eyes"] = False
    reg = tmp_path / "registry.json"
    reg.write_text(json.dumps(raw))
    store = Store(load_settings(env))
    try:
        initialise(store, reg)
        ref, run = hospital_overridden(store)
        rao = code_for(store, ref, Step.SIGNOFF, "caldicott-rao", run)
        assert apply_signoff(store, ref, signoff("caldicott-rao", rao)).accepted
        assert store.requests.step(ref, Step.SIGNOFF).status == "DONE"  # type: ignore[union-attr]
    finally:
        store.close()


def test_a_refusal_by_the_first_approver_needs_no_second(store: Store) -> None:
    ref, run = hospital_overridden(store)
    rao = code_for(store, ref, Step.SIGNOFF, "caldicott-rao", run)
    no = signoff("caldicott-rao", rao, decision="SEND_BACK", approved_items=[],
                 reasons="Say which attendances matter.")  # fmt: skip
    assert apply_signoff(store, ref, no).accepted
    done = store.requests.step(ref, Step.SIGNOFF)
    assert done is not None and done.status == "DONE" and done.public["decision"] == "DEFER"


# --- signed answers (infoshare approve --sign) -----------------------------------------------------

PASSPHRASE = "correct horse battery"  # noqa: S105 - a test key's passphrase


def signed(store: Store, ref: str, inp: SignOffInput, signer: str) -> SignOffInput:
    key = person_keys.load_person_key(store.settings, signer, PASSPHRASE)
    sig = signatures.sign_answer(store, ref, "signoff", inp, key)
    return inp.model_copy(update={"code": "", "signature": sig})


def school_with_keys(store: Store) -> tuple[str, str]:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    for person in ("school-head", "school-dsl"):
        person_keys.generate_person_key(store, person, PASSPHRASE)
    return ref, run


def test_a_signature_with_the_registered_key_proves_the_approver(store: Store) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    from infoshare.records.canonical import canonical_json

    ref, run = school_with_keys(store)
    path = person_keys.person_key_path(store.settings, "school-head")
    assert path.stat().st_mode & 0o777 == 0o600
    kept = json.loads(path.read_bytes())
    assert (
        kept["kdf"]["name"] == "scrypt"
        and kept["key_id"] == person_keys.registered_key(store, "school-head").key_id
    )  # type: ignore[union-attr]
    private = person_keys.load_person_key(store.settings, "school-head", PASSPHRASE)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    assert raw not in path.read_bytes() and base64.b64encode(raw) not in path.read_bytes()
    answer = signed(store, ref, signoff("school-head", "ABCDE-FGHIJ"), "school-head")
    assert apply_signoff(store, ref, answer).accepted
    record_decision(store, ref)
    found = store.chain.record(ref)
    assert found is not None
    (approver,) = found[0].public["approvers"]
    assert approver["id"] == "school-head" and approver["proof"] == "signature"
    payload = approver["signed_payload"]
    assert (payload["run_id"], payload["step"], payload["decision"], payload["items"]) == (
        run, "signoff", "SHARE", ["item-1"]
    )  # fmt: skip
    assert payload["request_sha256"] == codes.request_hash(store, ref)
    assert payload["answer_sha256"] == approver["input_sha256"]
    # anyone can check it again from the record alone (and the key id against the registry)
    Ed25519PublicKey.from_public_bytes(base64.b64decode(approver["public_key"])).verify(
        base64.b64decode(approver["signature"]), canonical_json(payload)
    )
    assert approver["key_id"] == person_keys.registered_key(store, "school-head").key_id  # type: ignore[union-attr]


def _forged(store: Store, ref: str, run: str) -> SignOffInput:
    return signoff("school-head", "ABCDE-FGHIJ").model_copy(
        update={"code": "", "signature": base64.b64encode(os.urandom(64)).decode()}
    )


def _other_persons_key(store: Store, ref: str, run: str) -> SignOffInput:
    return signed(store, ref, signoff("school-head", "ABCDE-FGHIJ"), "school-dsl")


def _changed_after_signing(store: Store, ref: str, run: str) -> SignOffInput:
    inp = signed(store, ref, signoff("school-head", "ABCDE-FGHIJ"), "school-head")
    return inp.model_copy(update={"reasons": "Everything is needed, share it all."})


def _other_run(store: Store, ref: str, run: str) -> SignOffInput:
    other, _ = take_in(store, "scenario1-school-attendance.json")
    return signed(store, other, signoff("school-head", "ABCDE-FGHIJ"), "school-head")


def _no_registered_key(store: Store, ref: str, run: str) -> SignOffInput:
    return signed(store, ref, signoff("school-head", "ABCDE-FGHIJ"), "school-head").model_copy(
        update={"approver_id": "school-office"}  # no key, no rank: refused on rank first
    )


def _code_and_signature(store: Store, ref: str, run: str) -> SignOffInput:
    good = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    inp = signed(store, ref, signoff("school-head", good), "school-head")
    return inp.model_copy(update={"code": good})


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_forged, "does not verify"),
        (_other_persons_key, "does not verify"),
        (_changed_after_signing, "does not verify"),
        (_other_run, "does not verify"),
        (_code_and_signature, "not both"),
    ],
    ids=["forged", "other-persons-key", "changed-after-signing", "other-run", "code-and-signature"],
)
def test_bad_signatures_are_refused_like_wrong_codes(store: Store, make: Any, reason: str) -> None:
    ref, run = school_with_keys(store)
    inp = make(store, ref, run)
    v = apply_signoff(store, ref, inp)
    assert not v.accepted and reason in " ".join(v.reasons), v.reasons
    assert store.requests.step(ref, Step.SIGNOFF).status != "DONE"  # type: ignore[union-attr]
    (refused,) = [e for e in store.audit.trail(ref) if e.event == "input refused"]
    assert refused.actor_id == "school-head" and "Identity not proven" in refused.detail
    assert inp.signature not in refused.detail
    assert store.requests.attempts(ref, Step.SIGNOFF) == 1  # it counts toward the lock


def test_a_signed_answer_refused_on_policy_answers_nothing_when_replayed(store: Store) -> None:
    """Issue 18: the headteacher's signed answer, refused because nothing was prepared yet, is
    replayed by someone who saw it once the content is there: refused, naming the pause it was
    signed for; her answer signed again (same words) is accepted and goes on the record."""
    from infoshare.identity import pauses

    ref, run = take_in(store, "scenario1-school-attendance.json")
    person_keys.generate_person_key(store, "school-head", PASSPHRASE)
    early = signed(store, ref, signoff("school-head", ""), "school-head")
    refused = apply_signoff(store, ref, early)
    assert not refused.accepted and "No content has been prepared" in refused.reasons[0]
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    replayed = apply_signoff(store, ref, early)
    assert not replayed.accepted
    assert replayed.reasons == [
        "Identity not proven: the signature was made for pause signoff-1, which has already been "
        "answered (a signed answer answers one pause only): sign the answer again."
    ]
    assert store.requests.step(ref, Step.SIGNOFF).status != "DONE"  # type: ignore[union-attr]
    trail = [e for e in store.audit.trail(ref) if e.event == "input refused"]
    assert [e.actor_id for e in trail] == ["school-head", "school-head"]
    assert "signoff-1" in trail[-1].detail and early.signature not in trail[-1].detail
    # her honest re-send of the very same answer signs the pause open now: a new signature
    assert pauses.current(store, ref, "signoff").key == "signoff-3"
    again = signed(store, ref, signoff("school-head", ""), "school-head")
    assert again.signature != early.signature
    assert apply_signoff(store, ref, again).accepted
    # and once accepted, that signature answers nothing more either (the step is done)
    record_decision(store, ref)
    found = store.chain.record(ref)
    assert found is not None
    (approver,) = found[0].public["approvers"]
    payload = approver["signed_payload"]
    assert (payload["format"], payload["pause"]) == ("infoshare-signed-answer/2", "signoff-3")
    assert signatures.verify_recorded(approver)
    assert not signatures.verify_recorded(
        {**approver, "signed_payload": {**payload, "pause": "signoff-1"}}
    )


def test_a_signature_answers_only_the_pause_it_was_made_for(store: Store) -> None:
    """Signed for one pause, presented at the next (another answer came first): refused, and
    the signer signs again; a signature in the old form (format 1, before pauses) is refused as
    an answer with a reason, while records that hold one still verify."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from infoshare.keys import key_id, raw_public
    from infoshare.records.canonical import canonical_json

    ref, run = school_with_keys(store)
    hers = signed(store, ref, signoff("school-head", ""), "school-head")
    junk = apply_signoff(store, ref, signoff("school-dsl", "ZZZZZ-ZZZZZ"))  # came first
    assert not junk.accepted
    late = apply_signoff(store, ref, hers)
    assert (
        not late.accepted
        and "pause signoff-1, which has already been answered" in (late.reasons[0])
    )
    key = person_keys.load_person_key(store.settings, "school-head", PASSPHRASE)
    inp = signoff("school-head", "")
    old_form = signatures._payload_v1(store, ref, "signoff", inp)
    old_sig = base64.b64encode(key.sign(canonical_json(old_form))).decode()
    v1 = apply_signoff(store, ref, inp.model_copy(update={"code": "", "signature": old_sig}))
    assert not v1.accepted and "old form (infoshare-signed-answer/1)" in v1.reasons[0]
    # a record written before pauses: its signed answer checks as it always did
    other = Ed25519PrivateKey.generate()
    raw = raw_public(other.public_key())
    entry = {"input_sha256": old_form["answer_sha256"], "key_id": key_id(raw),
             "public_key": base64.b64encode(raw).decode(), "signed_payload": old_form,
             "signature": base64.b64encode(other.sign(canonical_json(old_form))).decode()}  # fmt: skip
    assert signatures.verify_recorded(entry)
    assert not signatures.verify_recorded({**entry, "input_sha256": "0" * 64})
    assert not signatures.verify_recorded({**entry, "signature": old_sig})
    # signed again for the open pause: accepted
    assert apply_signoff(store, ref, signed(store, ref, inp, "school-head")).accepted


def test_a_person_without_a_registered_key_cannot_sign(store: Store) -> None:
    ref, run = take_in(store, "scenario1-school-attendance.json")
    store.requests.provide_item(ref, "item-1", b"81%", "school-office")
    person_keys.generate_person_key(store, "school-dsl", PASSPHRASE)
    # the headteacher signs with a key that was never registered for her
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    inp = signoff("school-head", "ABCDE-FGHIJ")
    sig = signatures.sign_answer(store, ref, "signoff", inp, Ed25519PrivateKey.generate())
    v = apply_signoff(store, ref, inp.model_copy(update={"code": "", "signature": sig}))
    assert not v.accepted and "no signing key is registered for school-head" in v.reasons[0]


def test_forged_signatures_lock_out_codes_in_that_name_not_her_signature(store: Store) -> None:
    ref, run = school_with_keys(store)
    verdicts = [apply_signoff(store, ref, _forged(store, ref, run)) for _ in range(5)]
    assert [v.locked for v in verdicts] == [False, False, False, False, True]
    assert [v.alert for v in verdicts] == [False, False, False, False, True]
    # a code in her name is not even looked at now (guessing stops) ...
    code = code_for(store, ref, Step.SIGNOFF, "school-head", run)
    assert apply_signoff(store, ref, signoff("school-head", code)).locked
    # ... but her own signature cannot be guessed: the forger did not lock her out
    good = signed(store, ref, signoff("school-head", "ABCDE-FGHIJ"), "school-head")
    assert apply_signoff(store, ref, good).accepted


def test_person_keys_need_a_registered_person_and_a_passphrase(store: Store) -> None:
    with pytest.raises(person_keys.PersonKeyError, match="not registered"):
        person_keys.generate_person_key(store, "mallory", PASSPHRASE)
    with pytest.raises(person_keys.PersonKeyError, match="at least"):
        person_keys.generate_person_key(store, "school-head", "short")
    first = person_keys.generate_person_key(store, "school-head", PASSPHRASE)
    with pytest.raises(person_keys.PersonKeyError, match="already has"):
        person_keys.generate_person_key(store, "school-head", PASSPHRASE)
    with pytest.raises(person_keys.PersonKeyError, match="wrong passphrase"):
        person_keys.load_person_key(store.settings, "school-head", "not the passphrase")
    second = person_keys.generate_person_key(store, "school-head", PASSPHRASE, replace=True)
    assert second.key_id != first.key_id
    assert person_keys.registered_key(store, "school-head").key_id == second.key_id  # type: ignore[union-attr]
    # loading the registry again does not bring anything back or fail
    from infoshare.setup import initialise

    initialise(store)
    assert person_keys.registered_key(store, "school-head").key_id == second.key_id  # type: ignore[union-attr]


def test_an_override_justification_can_be_signed_too(store: Store) -> None:
    ref, run = take_in(store, "scenario2-hospital.json")
    person_keys.generate_person_key(store, "nurse-lee", PASSPHRASE)
    key = person_keys.load_person_key(store.settings, "nurse-lee", PASSPHRASE)
    inp = OverrideInput.model_validate(
        {"person_id": "nurse-lee", "grounds": ["SAFEGUARD_CHILDREN"],
         "proportionality": "Children at risk; the minimum is shared.", "subject_informed": True}
    )  # fmt: skip
    # a signature made for the sign-off step does not answer the override
    wrong_step = signatures.sign_answer(store, ref, "signoff", inp, key)
    refused = apply_override(store, ref, inp.model_copy(update={"signature": wrong_step}))
    assert not refused.accepted and "does not verify" in refused.reasons[0]
    sig = signatures.sign_answer(store, ref, "override", inp, key)  # for the pause open now
    assert apply_override(store, ref, inp.model_copy(update={"signature": sig})).accepted
    st = store.requests.step(ref, Step.OVERRIDE)
    assert st is not None and st.public["proof"] == "signature"
    assert st.public["signed_payload"]["decision"] == "OVERRIDE"


def test_a_replaced_key_keeps_its_history_and_what_it_signed_still_verifies(store: Store) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy import select

    from infoshare.db.tables import PersonKeyRow
    from infoshare.records.canonical import canonical_json
    from infoshare.records.chain import verify_chain

    ref, run = school_with_keys(store)
    old = person_keys.registered_key(store, "school-head")
    assert old is not None
    first = signed(store, ref, signoff("school-head", ""), "school-head")
    assert apply_signoff(store, ref, first).accepted
    record_decision(store, ref)
    new = person_keys.generate_person_key(store, "school-head", PASSPHRASE, replace=True)
    assert new.replaced == old.key_id
    # without --replace a registered key is never swapped
    with pytest.raises(person_keys.PersonKeyError, match="already has"):
        person_keys.generate_person_key(store, "school-dsl", PASSPHRASE)
    with store.session() as s:
        rows = {r.key_id: r.retired_at for r in s.scalars(
            select(PersonKeyRow).where(PersonKeyRow.person_id == "school-head"))}  # fmt: skip
    assert set(rows) == {old.key_id, new.key_id}
    assert rows[old.key_id] is not None and rows[new.key_id] is None
    # the record's signature checks against the old key, kept retired in the registry
    found = store.chain.record(ref)
    assert found is not None
    (approver,) = found[0].public["approvers"]
    with store.session() as s:
        retired = s.get(PersonKeyRow, approver["key_id"])
        assert retired is not None and retired.key_id == old.key_id
        public_raw = retired.public_raw
    Ed25519PublicKey.from_public_bytes(public_raw).verify(
        base64.b64decode(approver["signature"]), canonical_json(approver["signed_payload"])
    )
    assert verify_chain(store, "northshire-academy").ok
    from infoshare.db.tables import AuditEventRow

    with store.session() as s:
        lines = list(s.scalars(select(AuditEventRow.detail).where(
            AuditEventRow.actor_id == "school-head",
            AuditEventRow.event == "signing key registered")))  # fmt: skip
    assert lines[-1] == f"key {new.key_id}, replacing key {old.key_id}"
