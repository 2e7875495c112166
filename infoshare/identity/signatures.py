"""Signed answers, and the proof of identity of any answer.

The other way to prove who answers (besides a one-time code) is a signature with the person's
own Ed25519 key (``infoshare approve --sign``): non-repudiation, since only they hold the
private key. The signature covers the canonical JSON of :func:`signed_payload`: the run, the
step and the one pause of it the answer is for (its key and nonce, ``identity.pauses``), the
person, the decision and items, the request's content hash and the hash of the whole answer
(docs/records-canonical-form.md, section 7). A pause is spent by the first answer that reaches
the step's checks, whatever the outcome: a signed answer refused (on policy, say) and replayed
later by someone who saw it answers nothing. :func:`prove` checks either proof, or the proof
the workspace gives an answer made there (``workspace_proof``).

Format 1 (before pauses) is no longer accepted as an answer; records holding it still verify
(:func:`verify_recorded`).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infoshare.crypto import digest_json
from infoshare.identity import pauses, workspace_proof
from infoshare.identity.codes import redeem, request_hash
from infoshare.identity.pauses import Pause
from infoshare.keys import key_id
from infoshare.policy.answers import EmergencyInput, OverrideInput, SignOffInput
from infoshare.records.canonical import canonical_json
from infoshare.registry import public_keys
from infoshare.store import Store

Answer = OverrideInput | SignOffInput | EmergencyInput
SIGNED_FORMAT = "infoshare-signed-answer/2"  # bound to one pause of the step
SIGNED_FORMAT_V1 = "infoshare-signed-answer/1"  # not bound to a pause: on old records only
CODE_PROOF = "one-time code sent to the person's registered contact"
SIGNATURE_PROOF = "Ed25519 signature with the person's registered key"


def answer_sha256(inp: Answer) -> str:
    """Hash of the whole answer (reasons and all) without its proof: the decision payload."""
    return digest_json(inp.model_dump(mode="json", exclude={"code", "signature", "workspace"}))


def _claim(inp: Answer) -> tuple[str, list[str]]:
    if isinstance(inp, SignOffInput | EmergencyInput):
        return inp.decision.value, sorted(inp.approved_items)
    return "OVERRIDE", []


def _payload_v1(store: Store, ref: str, step: str, inp: Answer) -> dict[str, Any]:
    decision, items = _claim(inp)
    return {
        "format": SIGNED_FORMAT_V1,
        "ref": ref,
        "run_id": store.requests.meta(ref).flow_run_id or "",
        "step": step,
        "person_id": inp.person,
        "decision": decision,
        "items": items,
        "request_sha256": request_hash(store, ref),
        "answer_sha256": answer_sha256(inp),
    }


def signed_payload(store: Store, ref: str, step: str, inp: Answer, pause: Pause) -> dict[str, Any]:
    """What a signed answer signs (as canonical JSON): never personal data."""
    return _payload_v1(store, ref, step, inp) | {
        "format": SIGNED_FORMAT,
        "pause": pause.key,
        "pause_nonce": pause.nonce,
    }


def sign_answer(
    store: Store, ref: str, step: str, inp: Answer, key: Ed25519PrivateKey,
    pause: Pause | None = None,
) -> str:  # fmt: skip
    """Sign the answer for ``pause`` (by default the step's open pause, opened if need be)."""
    pause = pause or pauses.current(store, ref, step)
    return base64.b64encode(
        key.sign(canonical_json(signed_payload(store, ref, step, inp, pause)))
    ).decode()


def _verifies(public_raw: bytes, signature: bytes, payload: dict[str, Any]) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, canonical_json(payload))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_recorded(entry: dict[str, Any]) -> bool:
    """Whether a record's signed answer (an entry of ``approvers``, or ``override``) checks
    again from the record alone, in either format: the signature over ``signed_payload`` with
    ``public_key``, whose id is ``key_id``, and the payload's answer hash is the entry's.
    (That the key is registered for the person is the registry's to say: ``person_keys``.)"""
    payload = entry.get("signed_payload")
    try:
        public_raw = base64.b64decode(entry["public_key"], validate=True)
        signature = base64.b64decode(entry["signature"], validate=True)
    except (KeyError, TypeError, binascii.Error, ValueError):
        return False
    return (
        isinstance(payload, dict)
        and payload.get("format") in (SIGNED_FORMAT, SIGNED_FORMAT_V1)
        and payload.get("answer_sha256") == entry.get("input_sha256")
        and key_id(public_raw) == entry.get("key_id")
        and _verifies(public_raw, signature, payload)
    )


def _unverified(
    store: Store, ref: str, step: str, inp: Answer, public_raw: bytes, signature: bytes,
    pause: Pause | None,
) -> str:  # fmt: skip
    """Why a signature that does not answer this pause (or no pause was open) was refused: it
    answered an earlier one (a replay, or the signer's answer overtaken by another), it is in
    the old form, or it does not verify at all."""
    for spent in pauses.answered(store, ref, step):
        if spent != pause and _verifies(
            public_raw, signature, signed_payload(store, ref, step, inp, spent)
        ):
            return (
                f"the signature was made for pause {spent.key}, which has already been "
                "answered (a signed answer answers one pause only): sign the answer again"
            )
    if _verifies(public_raw, signature, _payload_v1(store, ref, step, inp)):
        return (
            f"the signature is in the old form ({SIGNED_FORMAT_V1}), not bound to a pause: "
            "sign the answer again with this version of infoshare"
        )
    return f"the signature does not verify with the key registered for {inp.person}"


@dataclass(frozen=True)
class Proof:
    """How an accepted answer proved who gave it; ``facts`` go on the record as they are."""

    facts: dict[str, Any]


def prove(store: Store, ref: str, step: str, inp: Answer, pause: Pause | None) -> Proof | str:
    """Check the answer's proof of identity: its signature (for ``pause``, the pause of the
    step it arrived at, spent by the caller), or else its one-time code (spent here). Returns
    the proof, or why it was refused (never quoting the code or the signature)."""
    run_id = store.requests.meta(ref).flow_run_id or ""
    if inp.workspace:  # answered in the workspace, by the person signed in there
        if inp.signature or inp.code:
            return "give one proof of identity: a code, a signature or the workspace's"
        facts = workspace_proof.redeem(
            store, ref, step, inp.person, answer_sha256(inp), inp.workspace
        )
        return Proof(facts) if isinstance(facts, dict) else facts
    if inp.signature and inp.code:
        return "give either the one-time code or a signature, not both"
    if not inp.signature:
        problem = redeem(store, ref, step, inp.person, run_id, inp.code)
        return problem or Proof({"proof": "code", "identity": CODE_PROOF})
    with store.session() as s:
        row = public_keys.person_key(s, inp.person)
        public_raw = None if row is None else row.public_raw
    if public_raw is None:
        return f"no signing key is registered for {inp.person}"
    try:
        signature = base64.b64decode(inp.signature, validate=True)
    except (binascii.Error, ValueError):
        return f"the signature does not verify with the key registered for {inp.person}"
    payload = None if pause is None else signed_payload(store, ref, step, inp, pause)
    if payload is None or not _verifies(public_raw, signature, payload):
        return _unverified(store, ref, step, inp, public_raw, signature, pause)
    return Proof(
        {
            "proof": "signature",
            "identity": SIGNATURE_PROOF,
            "key_id": key_id(public_raw),
            "public_key": base64.b64encode(public_raw).decode(),
            "signature": inp.signature,
            "signed_payload": payload,
        }
    )
