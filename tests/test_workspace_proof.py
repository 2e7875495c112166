"""The proof the workspace gives an answer, checked by the flow's own step functions (as a
run does after the workspace resumes it): bound to the signed-in person, the run, the step,
the request and the answer; spent once; short-lived. The record says how identity was proven."""

from __future__ import annotations

from datetime import timedelta

import workspace_support
from sqlalchemy import update
from workspace_support import new_request, override_by

from infoshare.db.tables import WorkspaceProofRow
from infoshare.identity import workspace_proof
from infoshare.identity.signatures import answer_sha256
from infoshare.models import Step
from infoshare.policy.answers import SignOffInput
from infoshare.records.compose import record_decision
from infoshare.steps import apply_signoff
from infoshare.store import Store
from infoshare.worktime import now_utc

ws_store, smtp = workspace_support.ws_store, workspace_support.smtp  # the fixtures


def _answer(
    who: str = "caldicott-rao", reasons: str = "Necessary; nothing else goes."
) -> SignOffInput:
    return SignOffInput(approver_id=who, decision="REFUSE", reasons=reasons)


def _with(answer: SignOffInput, proof: str) -> SignOffInput:
    return SignOffInput.model_validate({**answer.model_dump(), "workspace": proof})


def _proof(
    store: Store, ref: str, answer: SignOffInput, how: str = "passkey", step: str = "signoff"
) -> str:
    return workspace_proof.issue(store, ref, step, answer.person, answer_sha256(answer), how)


def test_a_workspace_proof_proves_one_answer_by_one_person_once(ws_store: Store) -> None:
    ref = new_request(ws_store)
    override_by(ws_store, ref, "nurse-lee")
    answer = _answer()
    refused = []
    # someone else's proof, a proof for another answer, for another step, and a forged one
    deputy = _answer("caldicott-deputy")
    for bad in (
        _with(answer, _proof(ws_store, ref, deputy)),
        _with(answer, _proof(ws_store, ref, _answer(reasons="Something else entirely."))),
        _with(answer, _proof(ws_store, ref, answer, step="override")),
        _with(answer, _proof(ws_store, ref, answer)[:-4] + "AAAA"),
        SignOffInput.model_validate(
            {
                **answer.model_dump(),
                "workspace": _proof(ws_store, ref, answer),
                "code": "ABCDE-FGHIJ",
            }
        ),
    ):
        verdict = apply_signoff(ws_store, ref, bad)
        assert not verdict.accepted
        refused += verdict.reasons
    assert refused == [
        "Identity not proven: the workspace proof is not valid for this person, step and request.",
        "Identity not proven: the workspace proof does not match this answer.",
        "Identity not proven: the workspace proof is not valid for this person, step and request.",
        "Identity not proven: the workspace proof does not match this answer.",
        "Identity not proven: give one proof of identity: a code, a signature or the workspace's.",
    ]
    ws_store.requests.unlock(ref, "signoff", "caldicott-rao", "five refusals made by the test")
    expired = _proof(ws_store, ref, answer)
    with ws_store.session() as s:
        s.execute(update(WorkspaceProofRow).where(WorkspaceProofRow.nonce == expired.split(".")[0])
                  .values(expires_at=now_utc() - timedelta(seconds=1)))  # fmt: skip
    assert apply_signoff(ws_store, ref, _with(answer, expired)).reasons == [
        "Identity not proven: the workspace proof has expired."
    ]
    good = _proof(ws_store, ref, answer)
    assert apply_signoff(ws_store, ref, _with(answer, good)).accepted
    assert workspace_proof.redeem(ws_store, ref, "signoff", "caldicott-rao",
                                  answer_sha256(answer), good) == (
        "the workspace proof has already been used"
    )  # fmt: skip
    assert ws_store.requests.attempts(ref, Step.SIGNOFF) == 6  # each refusal counted
    summary = record_decision(ws_store, ref)
    row, _ = ws_store.chain.record(ref)  # type: ignore[misc]
    assert summary.decision.value == "REFUSE"
    (approver,) = row.public["approvers"]
    assert approver["identity"] == "workspace sign-in: passkey"
    assert approver["proof"] == "workspace"
    override = row.public["override"]
    assert override["identity"] == "workspace sign-in: mailed code"
