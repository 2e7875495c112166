"""Envelope wire format, versions 1 and 2: the versions, the canonical header, the manifest,
chunk layout, keys.

The normative description is ``docs/envelope-v1.md`` (version 1) and ``docs/envelope-v2.md``
(what version 2 changes: the transcript hash); this module is their executable form. The
versions differ only in the values a ``Version`` holds, so every other rule has one definition.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import blake3
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

CHUNK_SIZE = 64 * 1024
TAG_LEN = 16
CT_CHUNK = CHUNK_SIZE + TAG_LEN
WRAP_LEN = 80
SIG_LEN = 64
KEY_LEN = 32
MAGIC_LEN = 7
PREFIX_LEN = MAGIC_LEN + 4
MAX_HEADER = 64 * 1024
MAX_RECIPIENTS = 16
MAX_MANIFEST = 1 << 20
MAX_CHUNKS = 1 << 32
MAX_LIFETIME = timedelta(days=30)
CLOCK_SKEW = timedelta(minutes=5)


class TranscriptHash(Protocol):
    """An incremental hash of the signed transcript (``hashlib.sha256``, ``blake3.blake3``)."""

    def update(self, data: bytes | memoryview, /) -> object: ...

    def digest(self) -> bytes: ...


@dataclass(frozen=True)
class Version:
    """Everything that tells one format version from another.

    Each version has its own preamble, header ``v`` and ``suite``, and its own domain-separation
    labels (so nothing made for one version verifies, unwraps or decrypts as another), and names
    the hash ``T`` of the signed transcript. Layout, header members, STREAM chunks, HPKE wrap and
    the opening rules are the same for every version."""

    number: int
    suite: str
    transcript_hash: Callable[[], TranscriptHash]

    @property
    def magic(self) -> bytes:
        return b"ISENV%d\n" % self.number

    def _label(self, purpose: str) -> bytes:
        return b"infoshare/envelope/v%d/%s\0" % (self.number, purpose.encode())

    @property
    def wrap_info(self) -> bytes:
        return self._label("wrap")

    @property
    def payload_info(self) -> bytes:
        return self._label("payload")

    @property
    def sig_context(self) -> bytes:
        return self._label("signature")


V1 = Version(1, "X25519-HKDF-SHA256-AES-256-GCM/STREAM-AES-256-GCM-64K/Ed25519", hashlib.sha256)
V2 = Version(
    2, "X25519-HKDF-SHA256-AES-256-GCM/STREAM-AES-256-GCM-64K/BLAKE3-Ed25519", blake3.blake3
)
VERSIONS = {v.number: v for v in (V1, V2)}
BY_MAGIC = {v.magic: v for v in VERSIONS.values()}
CURRENT = V2  # what ``seal`` writes unless told otherwise; openers accept every version above
MAGIC = CURRENT.magic

_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TRANSFER = re.compile(r"[\x21-\x7e]{1,100}")
_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_ITEM_ID = re.compile(r"[\x21-\x7e]{1,64}")


class EnvelopeError(Exception):
    """The envelope is malformed, forged, altered, expired, replayed or not for these keys."""


def canonical(obj: object) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the one encoding of a JSON value that is signed."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def format_time(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("envelope times must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: object, what: str) -> datetime:
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise EnvelopeError(f"header {what} is not a UTC time YYYY-MM-DDTHH:MM:SSZ")
    try:  # not strptime: its first call in a process costs about 4 ms (it builds its regexes)
        year, month, day, hour, minute, second = (int(g) for g in match.groups())
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise EnvelopeError(f"header {what} is not a valid time") from exc


def _parse_canonical_object(raw: bytes, what: str, parse_obj: Any = None) -> dict[str, Any]:
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise EnvelopeError(f"{what} is not valid UTF-8 JSON") from exc
    if not isinstance(obj, dict):
        raise EnvelopeError(f"{what} is not a JSON object")
    if canonical(obj) != raw:
        raise EnvelopeError(f"{what} is not canonically encoded")
    return obj


@dataclass(frozen=True)
class Header:
    message_id: str
    transfer_id: str
    decision_sha256: str
    sender_key_id: str
    recipients: tuple[str, ...]
    created: datetime
    expires: datetime
    version: Version = CURRENT

    def to_json(self) -> dict[str, Any]:
        return {
            "v": self.version.number,
            "suite": self.version.suite,
            "message_id": self.message_id,
            "transfer_id": self.transfer_id,
            "decision_sha256": self.decision_sha256,
            "sender_key_id": self.sender_key_id,
            "recipients": list(self.recipients),
            "created": format_time(self.created),
            "expires": format_time(self.expires),
            "chunk_size": CHUNK_SIZE,
        }

    def encode(self) -> bytes:
        self.validate()
        return canonical(self.to_json())

    def validate(self) -> None:
        if VERSIONS.get(self.version.number) is not self.version:
            raise EnvelopeError(f"unsupported envelope version {self.version.number}")
        if not _HEX32.fullmatch(self.message_id):
            raise EnvelopeError("header message_id must be 32 lowercase hex digits")
        if not _TRANSFER.fullmatch(self.transfer_id):
            raise EnvelopeError("header transfer_id must be 1-100 printable ASCII characters")
        if not _HEX64.fullmatch(self.decision_sha256):
            raise EnvelopeError("header decision_sha256 must be 64 lowercase hex digits")
        if not _HEX32.fullmatch(self.sender_key_id):
            raise EnvelopeError("header sender_key_id must be a key id (32 lowercase hex digits)")
        if not 1 <= len(self.recipients) <= MAX_RECIPIENTS:
            raise EnvelopeError(
                f"an envelope has 1 to {MAX_RECIPIENTS} recipient keys, not {len(self.recipients)}"
            )
        if not all(isinstance(r, str) and _HEX32.fullmatch(r) for r in self.recipients):
            raise EnvelopeError("header recipients must be key ids (32 lowercase hex digits)")
        if len(set(self.recipients)) != len(self.recipients):
            raise EnvelopeError("header lists a recipient key twice")
        if not self.created < self.expires <= self.created + MAX_LIFETIME:
            raise EnvelopeError("header expires must be after created and within 30 days of it")

    @classmethod
    def parse(cls, raw: bytes) -> Header:
        """The header of any supported version (``version`` says which; the opener checks that
        it is the version the preamble names)."""
        obj = _parse_canonical_object(raw, "header")
        expected = {
            "v",
            "suite",
            "message_id",
            "transfer_id",
            "decision_sha256",
            "sender_key_id",
            "recipients",
            "created",
            "expires",
            "chunk_size",
        }
        if set(obj) != expected:
            extra, missing = sorted(set(obj) - expected), sorted(expected - set(obj))
            raise EnvelopeError(f"header members wrong (unknown {extra}, missing {missing})")
        version = VERSIONS.get(obj["v"]) if type(obj["v"]) is int else None
        if version is None:
            raise EnvelopeError(f"unsupported envelope version {obj['v']!r}")
        if obj["suite"] != version.suite:
            raise EnvelopeError("unsupported envelope suite")
        if obj["chunk_size"] != CHUNK_SIZE or type(obj["chunk_size"]) is not int:
            raise EnvelopeError("unsupported chunk size")
        for name in ("message_id", "transfer_id", "decision_sha256", "sender_key_id"):
            if not isinstance(obj[name], str):
                raise EnvelopeError(f"header {name} is not a string")
        recipients = obj["recipients"]
        if not isinstance(recipients, list):
            raise EnvelopeError("header recipients is not a list")
        if len(recipients) > MAX_RECIPIENTS:
            raise EnvelopeError(
                f"too many recipient keys ({len(recipients)}; at most {MAX_RECIPIENTS})"
            )
        header = cls(
            message_id=obj["message_id"],
            transfer_id=obj["transfer_id"],
            decision_sha256=obj["decision_sha256"],
            sender_key_id=obj["sender_key_id"],
            recipients=tuple(recipients),
            created=parse_time(obj["created"], "created"),
            expires=parse_time(obj["expires"], "expires"),
            version=version,
        )
        header.validate()
        return header


@dataclass(frozen=True)
class ManifestItem:
    item_id: str
    description: str
    file_name: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.item_id,
            "description": self.description,
            "file_name": self.file_name,
            "size": self.size,
        }


def validate_manifest(items: list[ManifestItem]) -> None:
    ids, names = set(), set()
    for i in items:
        if not _ITEM_ID.fullmatch(i.item_id):
            raise EnvelopeError("manifest item id must be 1-64 printable ASCII characters")
        if not _FILE_NAME.fullmatch(i.file_name) or i.file_name in (".", ".."):
            raise EnvelopeError(f"manifest file name {i.file_name!r} is not a plain file name")
        if i.size < 0:
            raise EnvelopeError("manifest item size is negative")
        if i.item_id in ids or i.file_name in names:
            raise EnvelopeError("manifest repeats an item id or a file name")
        ids.add(i.item_id)
        names.add(i.file_name)


def encode_manifest(items: list[ManifestItem]) -> bytes:
    validate_manifest(items)
    raw = canonical({"items": [i.to_json() for i in items]})
    if len(raw) > MAX_MANIFEST:
        raise EnvelopeError("manifest is larger than 1 MiB")
    return raw


def parse_manifest(raw: bytes) -> list[ManifestItem]:
    obj = _parse_canonical_object(raw, "manifest")
    entries = obj.get("items")
    if set(obj) != {"items"} or not isinstance(entries, list):
        raise EnvelopeError("manifest must be an object with exactly an items list")
    items = []
    for e in entries:
        if not isinstance(e, dict) or set(e) != {"id", "description", "file_name", "size"}:
            raise EnvelopeError("manifest item must have exactly id, description, file_name, size")
        if not all(isinstance(e[k], str) for k in ("id", "description", "file_name")):
            raise EnvelopeError("manifest item id, description and file_name must be strings")
        if type(e["size"]) is not int:
            raise EnvelopeError("manifest item size must be an integer")
        items.append(ManifestItem(e["id"], e["description"], e["file_name"], e["size"]))
    validate_manifest(items)
    return items


def chunk_count(region_len: int) -> int:
    """Number of chunks in a chunk region of ``region_len`` bytes; rejects impossible lengths."""
    full, rem = divmod(region_len, CT_CHUNK)
    if region_len <= 0 or 0 < rem < TAG_LEN or (rem == TAG_LEN and full > 0):
        raise EnvelopeError("envelope is truncated or has trailing data")
    n = full + (1 if rem else 0)
    if n > MAX_CHUNKS:
        raise EnvelopeError("envelope has too many chunks")
    return n


def nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def payload_key(version: Version, file_key: bytes, message_id: str, header_hash: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_LEN,
        salt=bytes.fromhex(message_id),
        info=version.payload_info + header_hash,
    ).derive(file_key)
