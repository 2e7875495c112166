"""Signed answers, and the proof of identity of any answer.

The other way to prove who answers (besides a one-time code) is a signature with the person's
own Ed25519 key (``infoshare approve --sign``): non-repudiation, since only they hold the
private key. The signature covers the canonical JSON of :func:`signed_payload`: the run, the
step, the person, the decision and items, the request's content hash and the hash of the whole
answer (docs/records-canonical-form.md, section 7). :func:`prove` checks either proof, or the
proof the workspace gives an answer made there (``workspace_proof``).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infoshare.crypto import digest_json
from infoshare.identity import workspace_proof
from infoshare.identity.codes import redeem, request_hash
from infoshare.keys import key_id
from infoshare.policy.answers import EmergencyInput, OverrideInput, SignOffInput
from infoshare.records.canonical import canonical_json
from infoshare.registry import public_keys
from infoshare.store import Store

Answer = OverrideInput | SignOffInput | EmergencyInput
SIGNED_FORMAT = "infoshare-signed-answer/1"
CODE_PROOF = "one-time code sent to the person's registered contact"
SIGNATURE_PROOF = "Ed25519 signature with the person's registered key"


def answer_sha256(inp: Answer) -> str:
    """Hash of the whole answer (reasons and all) without its proof: the decision payload."""
    return digest_json(inp.model_dump(mode="json", exclude={"code", "signature", "workspace"}))


def _claim(inp: Answer) -> tuple[str, list[str]]:
    if isinstance(inp, SignOffInput | EmergencyInput):
        return inp.decision.value, sorted(inp.approved_items)
    return "OVERRIDE", []


def signed_payload(store: Store, ref: str, step: str, inp: Answer) -> dict[str, Any]:
    """What a signed answer signs (as canonical JSON): never personal data."""
    decision, items = _claim(inp)
    return {
        "format": SIGNED_FORMAT,
        "ref": ref,
        "run_id": store.requests.meta(ref).flow_run_id or "",
        "step": step,
        "person_id": inp.person,
        "decision": decision,
        "items": items,
        "request_sha256": request_hash(store, ref),
        "answer_sha256": answer_sha256(inp),
    }


def sign_answer(store: Store, ref: str, step: str, inp: Answer, key: Ed25519PrivateKey) -> str:
    return base64.b64encode(
        key.sign(canonical_json(signed_payload(store, ref, step, inp)))
    ).decode()


@dataclass(frozen=True)
class Proof:
    """How an accepted answer proved who gave it; ``facts`` go on the record as they are."""

    facts: dict[str, Any]


def prove(store: Store, ref: str, step: str, inp: Answer) -> Proof | str:
    """Check the answer's proof of identity: its signature, or else its one-time code (spent
    here). Returns the proof, or why it was refused (never quoting the code)."""
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
    payload = signed_payload(store, ref, step, inp)
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(
            base64.b64decode(inp.signature, validate=True), canonical_json(payload)
        )
    except (InvalidSignature, binascii.Error, ValueError):
        return f"the signature does not verify with the key registered for {inp.person}"
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
