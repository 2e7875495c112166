"""Delivery receipts: the recipient agency's signed acknowledgement of an envelope.

The intake endpoint (``infoshare.intake``) makes them; the sender (``infoshare.transport``)
verifies them and the decision record keeps them. A receipt is the canonical JSON of

    {"format": "infoshare-delivery-receipt/1", "message_id": ..., "envelope_sha256": ...,
     "transfer_id": ..., "recipient_agency": ..., "key_id": ..., "received_at": ...}

signed with the recipient agency's Ed25519 key (``key_id`` names it; it must be registered for
that agency and valid at ``received_at``), sent and stored as
``{"receipt": {...}, "signature": "<base64>"}``. See docs/records-canonical-form.md.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from infoshare.keys import key_id, raw_public
from infoshare.records.canonical import canonical_json, timestamp

RECEIPT_FORMAT = "infoshare-delivery-receipt/1"
ENVELOPE_MEDIA_TYPE = "application/vnd.infoshare.envelope"  # any version: the preamble says which
_FIELDS = {
    "format",
    "message_id",
    "envelope_sha256",
    "transfer_id",
    "recipient_agency",
    "key_id",
    "received_at",
}

# (key id, time) -> the recipient agency's Ed25519 public key registered under that id and
# valid then, or None.
SigningKeyLookup = Callable[[str, datetime], Ed25519PublicKey | None]


class ReceiptError(ValueError):
    """A receipt is malformed, for another envelope, or not signed by the recipient agency."""


def make_receipt(
    *,
    message_id: str,
    envelope_sha256: str,
    transfer_id: str,
    recipient_agency: str,
    signer: Ed25519PrivateKey,
    received_at: datetime,
) -> dict[str, Any]:
    statement = {
        "format": RECEIPT_FORMAT,
        "message_id": message_id,
        "envelope_sha256": envelope_sha256,
        "transfer_id": transfer_id,
        "recipient_agency": recipient_agency,
        "key_id": key_id(raw_public(signer.public_key())),
        "received_at": timestamp(received_at),
    }
    signature = signer.sign(canonical_json(statement))
    return {"receipt": statement, "signature": base64.b64encode(signature).decode()}


def verify_receipt(
    obj: Any,
    *,
    message_id: str,
    envelope_sha256: str,
    recipient_agency: str,
    key_lookup: SigningKeyLookup,
) -> dict[str, Any]:
    """Check that ``obj`` is a receipt for exactly this envelope, signed by a key registered for
    ``recipient_agency``; returns it (as canonical data) or raises ``ReceiptError``."""
    if not isinstance(obj, dict) or set(obj) != {"receipt", "signature"}:
        raise ReceiptError("not a receipt (expected receipt and signature)")
    statement, sig_b64 = obj["receipt"], obj["signature"]
    if not isinstance(statement, dict) or set(statement) != _FIELDS:
        raise ReceiptError(f"receipt must have exactly {', '.join(sorted(_FIELDS))}")
    if not all(isinstance(v, str) for v in statement.values()):
        raise ReceiptError("receipt fields must be strings")
    if statement["format"] != RECEIPT_FORMAT:
        raise ReceiptError(f"unknown receipt format {statement['format'][:60]!r}")
    for name, expected in (
        ("message_id", message_id),
        ("envelope_sha256", envelope_sha256),
        ("recipient_agency", recipient_agency),
    ):
        if statement[name] != expected:
            raise ReceiptError(f"receipt is for another {name.replace('_', ' ')}")
    try:
        received = datetime.strptime(statement["received_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError as exc:
        raise ReceiptError("receipt received_at is not a UTC time") from exc
    public = key_lookup(statement["key_id"], received.replace(tzinfo=UTC))
    if public is None:
        raise ReceiptError(
            f"receipt signed with key {statement['key_id'][:32]}, which is not a signing key "
            f"of {recipient_agency} valid at {statement['received_at']}"
        )
    try:
        signature = base64.b64decode(sig_b64, validate=True) if isinstance(sig_b64, str) else b""
        public.verify(signature, canonical_json(statement))
    except (InvalidSignature, binascii.Error) as exc:
        raise ReceiptError(
            f"receipt signature does not verify under {recipient_agency}'s key"
        ) from exc
    return {"receipt": statement, "signature": sig_b64}
