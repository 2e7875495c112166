"""Proof of who answers a waiting run: one-time codes bound to run, step, person and request.

Prefect's open-source server has no user identity: anyone who can reach it can resume a run
with any input. So the flow sends each person who may answer a one-time code at their
registered contact, and accepts an answer only with a valid code:

    code = base32(HMAC-SHA256(key, "infoshare-code-v1" | run id | step | person | request hash
                              | nonce))[:10]

``key`` is derived from infoshare's master key and never leaves infoshare (it is not a Prefect
variable or block); the nonce is stored, the code is not. A code expires at the step's deadline
and is spent by its first successful use. Codes are compared in constant time.

The other way to prove who answers is a signature with the person's own Ed25519 key (``infoshare
approve --sign``): non-repudiation, since only they hold the private key. The public key is
registered with their registry entry (``person_keys``); the private key stays on their machine,
encrypted under their passphrase. The signature covers the canonical JSON of
:func:`signed_payload`: the run, the step, the person, the decision and items, the request's
content hash and the hash of the whole answer (docs/records-canonical-form.md, section 7).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import select, update

from infoshare import registry
from infoshare.config import Settings
from infoshare.crypto import DecryptionError, digest_json, seal, unseal, write_secret_file
from infoshare.db import OneTimeCodeRow
from infoshare.keys import key_id, raw_public
from infoshare.models import ShareRequest
from infoshare.policy import (
    CODE_PATTERN,
    EmergencyInput,
    OverrideInput,
    SignOffInput,
    Step,
    signoff_requirement,
)
from infoshare.records.canonical import canonical_json
from infoshare.registry import Member
from infoshare.store import Store
from infoshare.worktime import now_utc

MAX_FAILED_ATTEMPTS = 5
_CODE = re.compile(CODE_PATTERN)


@dataclass(frozen=True)
class IssuedCode:
    person_id: str
    code: str  # hand it to the notification; never log or store it
    expires_at: datetime


def _key(store: Store) -> bytes:
    return store.master.derive("one-time-codes-v1")


def request_hash(store: Store, ref: str) -> str:
    """SHA-256 of the request's canonical content: a code for one request fits no other."""
    return digest_json(store.requests.request(ref).model_dump(mode="json"))


def _compute(
    key: bytes, run_id: str, step: str, person_id: str, req_hash: str, nonce: bytes
) -> str:
    msg = b"\0".join(
        [b"infoshare-code-v1", run_id.encode(), step.encode(), person_id.encode(),
         req_hash.encode(), nonce]
    )  # fmt: skip
    raw = base64.b32encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()[:10]
    return f"{raw[:5]}-{raw[5:]}"


def normalise(code: str) -> str:
    c = code.strip().upper().replace(" ", "")
    return f"{c[:5]}-{c[5:]}" if "-" not in c else c


def issue(
    store: Store, ref: str, step: str, person_id: str, run_id: str, expires_at: datetime
) -> IssuedCode | None:
    """A new code for this person and step, unless one they hold is still valid (then None:
    they already have it; codes are not re-sent on every wake-up of the run)."""
    now = now_utc()
    with store.session() as s:
        live = s.scalar(
            select(OneTimeCodeRow.id).where(
                OneTimeCodeRow.ref == ref,
                OneTimeCodeRow.step == step,
                OneTimeCodeRow.person_id == person_id,
                OneTimeCodeRow.flow_run_id == run_id,
                OneTimeCodeRow.used_at.is_(None),
                OneTimeCodeRow.expires_at > now,
            )
        )
        if live is not None:
            return None
    nonce = os.urandom(16)
    code = _compute(_key(store), run_id, step, person_id, request_hash(store, ref), nonce)
    with store.session() as s:
        s.add(
            OneTimeCodeRow(
                ref=ref, step=step, person_id=person_id, flow_run_id=run_id, nonce=nonce,
                issued_at=now, expires_at=expires_at, used_at=None,
            )
        )  # fmt: skip
    store.audit.write(ref, step, person_id, "one-time code issued")
    return IssuedCode(person_id, code, expires_at)


def redeem(
    store: Store, ref: str, step: str, person_id: str, run_id: str, code: str | None
) -> str | None:
    """Spend a valid code; returns None on success, or the reason it was refused (for the
    audit trail: never the code itself)."""
    if not isinstance(code, str) or not _CODE.match(code.strip().upper().replace(" ", "")):
        return "the code is missing or malformed"
    given = normalise(code)
    now = now_utc()
    key = _key(store)
    req_hash = request_hash(store, ref)
    with store.session() as s:
        rows = list(
            s.scalars(
                select(OneTimeCodeRow).where(
                    OneTimeCodeRow.ref == ref,
                    OneTimeCodeRow.step == step,
                    OneTimeCodeRow.person_id == person_id,
                )
            )
        )
        for row in rows:
            expected = _compute(key, row.flow_run_id, step, person_id, req_hash, row.nonce)
            if not hmac.compare_digest(expected, given):
                continue
            if row.flow_run_id != run_id:
                return "the code was issued for another run"
            if row.used_at is not None:
                return "the code has already been used"
            if row.expires_at <= now:
                return "the code has expired"
            spent = s.execute(
                update(OneTimeCodeRow)
                .where(OneTimeCodeRow.id == row.id, OneTimeCodeRow.used_at.is_(None))
                .values(used_at=now)
            )
            if spent.rowcount != 1:  # type: ignore[attr-defined]
                return "the code has already been used"
            return None
    return "the code is not valid for this person, step and request"


def approvals_given(store: Store, ref: str) -> list[dict[str, Any]]:
    """Under four eyes, the approvals already given for a sign-off that still waits for the
    next approver (empty otherwise)."""
    st = store.requests.step(ref, Step.SIGNOFF)
    if st is None or st.status == "DONE":
        return []
    return list(st.public.get("approvals", []))


def _may_sign_off(p: registry.Partnership, req: ShareRequest) -> list[Member]:
    need = signoff_requirement(req, p)
    roles = need.roles if need else ()
    return [m for m in p.members_of(req.disclosing_agency) if m.role in roles]


def eligible(store: Store, ref: str, step: str) -> list[Member]:
    """Who may answer ``step``: for sign-off, the disclosing agency's people of the role or rank
    its policy requires for this request; for an override justification, its people. Never the
    requester, never the override's justifier for the sign-off of the same request, and never
    someone who has already approved it (four eyes)."""
    meta = store.requests.meta(ref)
    p = store.partnership()
    if step == Step.SIGNOFF:
        people = _may_sign_off(p, store.requests.request(ref))
        override = store.requests.step(ref, Step.OVERRIDE)
        excluded = {meta.requester_id, override.actor_id if override else None}
        excluded |= {a["person_id"] for a in approvals_given(store, ref)}
    else:
        people = p.members_of(meta.disclosing_agency)
        excluded = {meta.requester_id}
    return [m for m in people if m.id not in excluded]


def issue_for_step(
    store: Store, ref: str, step: str, run_id: str, expires_at: datetime
) -> list[tuple[Member, IssuedCode]]:
    """Codes for everyone who may answer and does not yet hold a live one."""
    out = []
    for member in eligible(store, ref, step):
        issued = issue(store, ref, step, member.id, run_id, expires_at)
        if issued is not None:
            out.append((member, issued))
    return out


def withdraw_codes(store: Store, ref: str, step: str, why: str) -> int:
    """Void every live code for ``step`` (e.g. once the first of two approvals is given: the
    remaining approvers get new codes for the second). Returns how many were voided."""
    with store.session() as s:
        voided = s.execute(
            update(OneTimeCodeRow)
            .where(
                OneTimeCodeRow.ref == ref,
                OneTimeCodeRow.step == step,
                OneTimeCodeRow.used_at.is_(None),
            )
            .values(used_at=now_utc())
        )
        n = int(voided.rowcount)  # type: ignore[attr-defined]
    if n:
        store.audit.write(ref, step, None, "one-time codes withdrawn", f"{n} codes: {why}")
    return n


def unlock_refusal(store: Store, ref: str, person_id: str) -> str | None:
    """Why ``person_id`` may not unlock a step of this request, or None: only someone of the
    disclosing agency who may sign this request off, and not the requester."""
    meta = store.requests.meta(ref)
    approvers = {m.id for m in _may_sign_off(store.partnership(), store.requests.request(ref))}
    if person_id == meta.requester_id:
        return "the requester cannot unlock their own request"
    if person_id not in approvers:
        return f"only a sign-off approver of {meta.disclosing_agency} can unlock it"
    return None


# --- signed answers ------------------------------------------------------------------------------

Answer = OverrideInput | SignOffInput | EmergencyInput
SIGNED_FORMAT = "infoshare-signed-answer/1"
CODE_PROOF = "one-time code sent to the person's registered contact"
SIGNATURE_PROOF = "Ed25519 signature with the person's registered key"
MIN_PASSPHRASE = 10


class PersonKeyError(Exception):
    """A person's signing key cannot be made, found or opened; the message says why."""


def answer_sha256(inp: Answer) -> str:
    """Hash of the whole answer (reasons and all) without its proof: the decision payload."""
    return digest_json(inp.model_dump(mode="json", exclude={"code", "signature"}))


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
    if inp.signature and inp.code:
        return "give either the one-time code or a signature, not both"
    if not inp.signature:
        problem = redeem(store, ref, step, inp.person, run_id, inp.code)
        return problem or Proof({"proof": "code", "identity": CODE_PROOF})
    with store.session() as s:
        row = registry.person_key(s, inp.person)
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


# --- people's signing keys -----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonKey:
    person_id: str
    key_id: str
    public_b64: str
    path: Path


def person_key_path(settings: Settings, person_id: str) -> Path:
    return settings.keys_dir / "people" / f"{person_id}.key"


# The private key file: JSON with the raw Ed25519 private key sealed (AES-256-GCM, bound to the
# person and key id) under a key stretched from the passphrase with scrypt, so a copied file
# resists guessing (PKCS#8 as `cryptography` writes it uses only 2048 PBKDF2 rounds).
KEY_FILE_FORMAT = "infoshare-person-key/1"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def _stretch(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _key_file(person_id: str, key: Ed25519PrivateKey, passphrase: str) -> bytes:
    salt = os.urandom(16)
    kid = key_id(raw_public(key.public_key()))
    private_raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    sealed = seal(_stretch(passphrase, salt, **SCRYPT), private_raw, f"{person_id}:{kid}".encode())
    return json.dumps(
        {"format": KEY_FILE_FORMAT, "person_id": person_id, "key_id": kid,
         "kdf": {"name": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode()},
         "sealed": base64.b64encode(sealed).decode()},
        indent=2,
    ).encode()  # fmt: skip


def generate_person_key(
    store: Store, person_id: str, passphrase: str, replace: bool = False
) -> PersonKey:
    """Make the person's Ed25519 key pair: the private key encrypted under ``passphrase``
    (mode 0600, under $INFOSHARE_HOME/keys/people), the public key registered for them. With
    ``replace``, a new pair replaces theirs (the old public key is retired, not deleted)."""
    if store.partnership().member(person_id) is None:
        raise PersonKeyError(f"{person_id!r} is not registered in the partnership")
    if len(passphrase) < MIN_PASSPHRASE:
        raise PersonKeyError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    path = person_key_path(store.settings, person_id)
    if path.exists() and not replace:
        raise PersonKeyError(
            f"{person_id} already has a signing key here ({path}); --replace makes a new one"
        )
    key = Ed25519PrivateKey.generate()
    fresh = path.with_suffix(".new")
    with contextlib.suppress(FileNotFoundError):
        fresh.unlink()
    write_secret_file(fresh, _key_file(person_id, key, passphrase))
    public_raw = raw_public(key.public_key())
    with store.session() as s:
        registry.register_person_key(s, person_id, public_raw, "cli")
    fresh.replace(path)
    store.audit.write(None, None, person_id, "signing key registered", f"key {key_id(public_raw)}")
    return PersonKey(person_id, key_id(public_raw), base64.b64encode(public_raw).decode(), path)


def load_person_key(settings: Settings, person_id: str, passphrase: str) -> Ed25519PrivateKey:
    path = person_key_path(settings, person_id)
    if not path.exists():
        raise PersonKeyError(
            f"no signing key for {person_id} on this machine: `infoshare person-key generate "
            f"--as {person_id}` makes one"
        )
    try:
        data = json.loads(path.read_bytes())
        kdf = data["kdf"]
        stretched = _stretch(passphrase, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"],
                             kdf["p"])  # fmt: skip
        sealed = base64.b64decode(data["sealed"])
        context = f"{person_id}:{data['key_id']}".encode()
    except (ValueError, KeyError, TypeError):
        raise PersonKeyError(f"{path} is not an infoshare signing key file") from None
    try:
        return Ed25519PrivateKey.from_private_bytes(unseal(stretched, sealed, context))
    except DecryptionError:
        raise PersonKeyError(f"wrong passphrase for {person_id}'s signing key") from None


def registered_key(store: Store, person_id: str) -> PersonKey | None:
    with store.session() as s:
        row = registry.person_key(s, person_id)
        if row is None:
            return None
        return PersonKey(person_id, row.key_id, base64.b64encode(row.public_raw).decode(),
                         person_key_path(store.settings, person_id))  # fmt: skip
