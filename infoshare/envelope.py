"""The sealed envelope that carries approved items to the recipient agency.

Interim format (v0) until the streamed v1 format is written down:

    b"ISENV0\\n" | u32 header length | header JSON (canonical, UTF-8)
                 | u32 ciphertext length | HPKE ciphertext | Ed25519 signature (64 bytes)

* The header holds only routing data: version, suite, message id, transfer id (the request
  reference), sender and recipient key ids, creation time. Item names and content travel in the
  encrypted manifest.
* The manifest is sealed to the recipient's X25519 key with HPKE base mode
  (DHKEM-X25519, HKDF-SHA256, AES-256-GCM); ``info`` binds the ciphertext to the header hash.
* The disclosing agency's Ed25519 key signs everything before the signature; ``open_envelope``
  checks the signature before it decrypts anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from infoshare.keys import key_id, raw_public

MAGIC = b"ISENV0\n"
SUITE_NAME = "HPKE-base/DHKEM-X25519-HKDF-SHA256/HKDF-SHA256/AES-256-GCM+Ed25519"
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_SIG_LEN = 64
_MAX_HEADER = 64 * 1024


class EnvelopeError(Exception):
    """The envelope is malformed, forged, altered, or not for this key."""


@dataclass(frozen=True)
class SealedItem:
    item_id: str
    description: str
    content: bytes


@dataclass(frozen=True)
class Sealed:
    message_id: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Opened:
    header: dict[str, object]
    items: list[SealedItem]


def _canonical(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _info(header_bytes: bytes) -> bytes:
    return b"infoshare-envelope-v0\0" + hashlib.sha256(header_bytes).digest()


def seal_items(
    items: list[SealedItem],
    *,
    transfer_id: str,
    recipient: X25519PublicKey,
    sender: Ed25519PrivateKey,
    now: datetime | None = None,
) -> Sealed:
    message_id = uuid.uuid4().hex
    header = {
        "version": 0,
        "suite": SUITE_NAME,
        "message_id": message_id,
        "transfer_id": transfer_id,
        "sender_key_id": key_id(raw_public(sender.public_key())),
        "recipient_key_id": key_id(raw_public(recipient)),
        "created": (now or datetime.now(UTC)).isoformat(),
    }
    header_bytes = _canonical(header)
    manifest = _canonical(
        {
            "items": [
                {
                    "id": i.item_id,
                    "description": i.description,
                    "content": base64.b64encode(i.content).decode(),
                }
                for i in items
            ]
        }
    )
    ciphertext = _SUITE.encrypt(manifest, recipient, info=_info(header_bytes))
    body = (
        MAGIC
        + struct.pack(">I", len(header_bytes))
        + header_bytes
        + struct.pack(">I", len(ciphertext))
        + ciphertext
    )
    return Sealed(message_id, body + sender.sign(body))


def read_header(data: bytes) -> tuple[dict[str, object], bytes, bytes, bytes]:
    """Split an envelope into (header, header bytes, ciphertext, signed body); no crypto."""
    if not data.startswith(MAGIC):
        raise EnvelopeError("not an infoshare v0 envelope")
    pos = len(MAGIC)
    try:
        (hlen,) = struct.unpack_from(">I", data, pos)
        if hlen > _MAX_HEADER:
            raise EnvelopeError("header too large")
        header_bytes = data[pos + 4 : pos + 4 + hlen]
        pos += 4 + hlen
        (clen,) = struct.unpack_from(">I", data, pos)
        ciphertext = data[pos + 4 : pos + 4 + clen]
        pos += 4 + clen
    except struct.error as exc:
        raise EnvelopeError("envelope is truncated") from exc
    if len(header_bytes) != hlen or len(ciphertext) != clen or len(data) != pos + _SIG_LEN:
        raise EnvelopeError("envelope is truncated or has trailing data")
    try:
        header = json.loads(header_bytes)
    except ValueError as exc:
        raise EnvelopeError("header is not valid JSON") from exc
    if not isinstance(header, dict):
        raise EnvelopeError("header is not a JSON object")
    return header, header_bytes, ciphertext, data[:pos]


def open_envelope(data: bytes, *, recipient: X25519PrivateKey, sender: Ed25519PublicKey) -> Opened:
    header, header_bytes, ciphertext, body = read_header(data)
    try:
        sender.verify(data[len(body) :], body)
    except InvalidSignature as exc:
        raise EnvelopeError("signature does not verify: not from this sender, or altered") from exc
    if header.get("recipient_key_id") != key_id(raw_public(recipient.public_key())):
        raise EnvelopeError("envelope is not addressed to this key")
    try:
        manifest = json.loads(_SUITE.decrypt(ciphertext, recipient, info=_info(header_bytes)))
    except Exception as exc:  # the HPKE binding raises a generic error on any failure
        raise EnvelopeError("payload does not decrypt with this key") from exc
    items = [
        SealedItem(i["id"], i["description"], base64.b64decode(i["content"]))
        for i in manifest["items"]
    ]
    return Opened(header, items)
