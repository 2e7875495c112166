"""Tamper evidence for decision records: the canonical form, the hash chain, checkpoints.

Pure functions, no database: the store appends with them (``infoshare.store.chain``), the
chain is verified with them (``infoshare.records.chain``), and an auditor can re-implement them
from docs/records-canonical-form.md.

- ``canonical_json``: the one byte form everything is hashed or signed in.
- ``commit_personal``: salted SHA-256 commitments to each personal field; the salts are sealed
  with the personal data, so destroying that (crypto-shredding) leaves the commitments, and
  therefore every hash in the chain, intact.
- ``ChainFields.digest``: SHA-256 of a record's canonical form, which includes the previous record's
  hash and the record's position (``seq``) in its disclosing agency's chain.
- checkpoints: the chain head (agency, seq, head hash) signed with the agency's Ed25519 key.
- floors: where a chain starts once its oldest records were deleted under retention (signed).
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infoshare.crypto import sha256_hex
from infoshare.keys import key_id, raw_public

if TYPE_CHECKING:
    from sqlalchemy import Row

    from infoshare.db.tables import DecisionRecordRow

RECORD_FORMAT = "infoshare-decision-record/1"
CHECKPOINT_FORMAT = "infoshare-chain-checkpoint/1"
GENESIS = "0" * 64
SALT_BYTES = 16


class CanonicalFormError(ValueError):
    """A value that has no canonical form (NaN, non-string keys, non-JSON types)."""


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON, keys sorted by code point, no insignificant whitespace (see the docs)."""
    try:
        text = json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise CanonicalFormError(f"no canonical JSON form: {exc}") from exc
    return text.encode("utf-8")


def timestamp(at: datetime | None) -> str | None:
    """Times in the canonical form: UTC, microseconds, 'Z' (what both backends store exactly)."""
    if at is None:
        return None
    if at.tzinfo is None:
        raise CanonicalFormError("naive datetime in a decision record")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def commitment(salt_hex: str, value: Any) -> str:
    return sha256_hex(bytes.fromhex(salt_hex) + canonical_json(value))


def commit_personal(personal: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Return (commitments, salts): one fresh random salt per field."""
    salts = {k: os.urandom(SALT_BYTES).hex() for k in personal}
    return {k: commitment(salts[k], v) for k, v in personal.items()}, salts


def check_commitments(
    commitments: dict[str, str], salts: dict[str, str], personal: dict[str, Any]
) -> list[str]:
    """Names of personal fields that do not match their commitments (empty when all match)."""
    bad = sorted(set(commitments) ^ set(personal))
    for k in sorted(set(commitments) & set(personal)):
        if k not in salts or commitment(salts[k], personal[k]) != commitments[k]:
            bad.append(k)
    return bad


@dataclass(frozen=True)
class ChainFields:
    """Everything a record's hash covers, as read from (or about to be written to) the store."""

    agency: str
    seq: int
    prev: str
    ref: str
    recorded_at: datetime
    decided_at: datetime
    due_at: datetime | None
    decision: str
    requesting_agency: str
    urgency: str
    envelope_id: str | None
    envelope_sha256: str | None
    public: dict[str, Any]
    personal_commitments: dict[str, str]

    def canonical(self) -> dict[str, Any]:
        return {
            "format": RECORD_FORMAT,
            "agency": self.agency,
            "seq": self.seq,
            "prev": self.prev,
            "ref": self.ref,
            "recorded_at": timestamp(self.recorded_at),
            "decided_at": timestamp(self.decided_at),
            "due_at": timestamp(self.due_at),
            "decision": self.decision,
            "requesting_agency": self.requesting_agency,
            "urgency": self.urgency,
            "envelope_id": self.envelope_id,
            "envelope_sha256": self.envelope_sha256,
            "public": self.public,
            "personal_commitments": self.personal_commitments,
        }

    def digest(self) -> str:
        return sha256_hex(canonical_json(self.canonical()))

    @classmethod
    def of(cls, row: DecisionRecordRow | Row[Any]) -> ChainFields:
        """The fields of a stored record (or one about to be stored)."""
        return cls(
            agency=row.disclosing_agency,
            seq=row.chain_seq,
            prev=row.prev_sha256,
            ref=row.ref,
            recorded_at=row.recorded_at,
            decided_at=row.decided_at,
            due_at=row.due_at,
            decision=row.decision,
            requesting_agency=row.requesting_agency,
            urgency=row.urgency,
            envelope_id=row.envelope_id,
            envelope_sha256=row.envelope_sha256,
            public=row.public,
            personal_commitments=row.personal_commitments,
        )


_string = json.encoder.encode_basestring  # the string encoder json.dumps uses


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def stored_digest(
    *,
    agency: str,
    seq: int,
    prev: str,
    ref: str,
    recorded_at: str,
    decided_at: str,
    due_at: str | None,
    decision: str,
    requesting_agency: str,
    urgency: str,
    envelope_id: str | None,
    envelope_sha256: str | None,
    public_json: str,
    commitments_json: str,
) -> str:
    """``ChainFields.digest()`` computed from the stored text, without parsing any JSON.

    The store writes JSON columns in canonical form (``db.engine.json_text``), so a record's
    canonical form is the stored JSON text spliced between its other fields, in sorted key
    order. Times are the canonical strings (``timestamp``). Verification of millions of records
    uses this; a record whose stored text is not canonical (written by an older version) gives a
    different digest here and is then checked the slow way, by parsing (``ChainFields.digest``).

    Splicing is unambiguous: the only unparsed texts, ``personal_commitments`` and ``public``,
    are separated by ``,"prev":"<hash>","public":``, which cannot occur inside either of them
    (no key named ``prev`` in either, and ``"`` is escaped inside JSON strings)."""
    return sha256_hex(
        (
            f'{{"agency":{_string(agency)},"decided_at":{_string(decided_at)},'
            f'"decision":{_string(decision)},"due_at":{_text(due_at)},'
            f'"envelope_id":{_text(envelope_id)},"envelope_sha256":{_text(envelope_sha256)},'
            f'"format":"{RECORD_FORMAT}","personal_commitments":{commitments_json},'
            f'"prev":{_string(prev)},"public":{public_json},'
            f'"recorded_at":{_string(recorded_at)},"ref":{_string(ref)},'
            f'"requesting_agency":{_string(requesting_agency)},"seq":{seq},'
            f'"urgency":{_string(urgency)}}}'
        ).encode()
    )


def _signed_by(public_raw: bytes, kid: str, signature: bytes, statement: dict[str, Any]) -> bool:
    """The statement's canonical JSON carries a valid Ed25519 signature by this key (whose id
    the statement names)."""
    if key_id(public_raw) != kid:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, canonical_json(statement))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- checkpoints ---------------------------------------------------------------------------------


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read or whose signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    agency: str
    seq: int
    head: str
    signed_at: datetime
    key_id: str
    signature: bytes
    public_key: bytes | None = None  # in exported files, so they can be checked anywhere

    def statement(self) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "agency": self.agency,
            "seq": self.seq,
            "head": self.head,
            "signed_at": timestamp(self.signed_at),
            "key_id": self.key_id,
        }

    def verify(self, public_raw: bytes) -> bool:
        return _signed_by(public_raw, self.key_id, self.signature, self.statement())

    def to_file(self) -> dict[str, Any]:
        return {
            "checkpoint": self.statement(),
            "signature": base64.b64encode(self.signature).decode(),
            "public_key": base64.b64encode(self.public_key or b"").decode(),
        }

    @classmethod
    def from_file(cls, data: Any) -> Checkpoint:
        try:
            st = data["checkpoint"]
            if st["format"] != CHECKPOINT_FORMAT:
                raise CheckpointError(f"not a {CHECKPOINT_FORMAT} checkpoint")
            seq = st["seq"]
            if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
                raise CheckpointError("checkpoint seq must be a positive integer")
            return cls(
                agency=str(st["agency"]),
                seq=seq,
                head=str(st["head"]),
                signed_at=datetime.strptime(st["signed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                    tzinfo=UTC
                ),
                key_id=str(st["key_id"]),
                signature=base64.b64decode(data["signature"], validate=True),
                public_key=base64.b64decode(data["public_key"], validate=True),
            )
        except CheckpointError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(
                f"malformed checkpoint file ({type(exc).__name__}: {exc})"
            ) from exc


def sign_checkpoint(
    key: Ed25519PrivateKey, agency: str, seq: int, head: str, at: datetime
) -> Checkpoint:
    pub = raw_public(key.public_key())
    unsigned = Checkpoint(agency, seq, head, at, key_id(pub), b"", pub)
    sig = key.sign(canonical_json(unsigned.statement()))
    return Checkpoint(agency, seq, head, at, unsigned.key_id, sig, pub)


# --- floors --------------------------------------------------------------------------------------

FLOOR_FORMAT = "infoshare-chain-floor/1"


@dataclass(frozen=True)
class Floor:
    """Where a chain starts after records 1..``seq`` were deleted under the record retention
    rule: ``head`` is record ``seq``'s hash, which record ``seq`` + 1 links to. Signed with the
    agency's key at the deletion (``at``), next to the checkpoint signed at ``seq``."""

    agency: str
    seq: int
    head: str
    at: datetime
    key_id: str
    signature: bytes

    def statement(self) -> dict[str, Any]:
        return {
            "format": FLOOR_FORMAT,
            "agency": self.agency,
            "seq": self.seq,
            "head": self.head,
            "at": timestamp(self.at),
            "key_id": self.key_id,
        }

    def verify(self, public_raw: bytes) -> bool:
        return _signed_by(public_raw, self.key_id, self.signature, self.statement())


def sign_floor(key: Ed25519PrivateKey, agency: str, seq: int, head: str, at: datetime) -> Floor:
    kid = key_id(raw_public(key.public_key()))
    unsigned = Floor(agency, seq, head, at, kid, b"")
    return Floor(agency, seq, head, at, kid, key.sign(canonical_json(unsigned.statement())))
