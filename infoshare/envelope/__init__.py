"""The sealed envelope that carries approved items to the recipient agency.

The format is written down in ``docs/envelope-v1.md`` and ``docs/envelope-v2.md`` (what version
2 changes). Sealing writes version 2 unless told otherwise; opening accepts versions 1 and 2.
``stream`` seals and opens over file
objects in constant memory; ``seal_items`` / ``open_bytes`` below are the in-memory interface
the transfer step and small callers use.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from infoshare.envelope.format import (
    CHUNK_SIZE,
    CURRENT,
    MAGIC,
    MAX_RECIPIENTS,
    VERSIONS,
    EnvelopeError,
    Header,
    ManifestItem,
    Version,
)
from infoshare.envelope.replay import MemorySeenStore, SeenStore, SqlSeenStore
from infoshare.envelope.stream import (
    DirectorySink,
    Item,
    MemorySink,
    Opened,
    SealInfo,
    SenderLookup,
    open_envelope,
    seal,
)
from infoshare.keys import key_id, raw_public

__all__ = [
    "CHUNK_SIZE",
    "CURRENT",
    "MAGIC",
    "MAX_RECIPIENTS",
    "VERSIONS",
    "DirectorySink",
    "EnvelopeError",
    "Header",
    "Item",
    "ManifestItem",
    "MemorySeenStore",
    "MemorySink",
    "Opened",
    "OpenedItems",
    "SealInfo",
    "Sealed",
    "SealedItem",
    "SeenStore",
    "SenderLookup",
    "SqlSeenStore",
    "Version",
    "fixed_sender",
    "open_bytes",
    "open_envelope",
    "seal",
    "seal_items",
]


@dataclass(frozen=True)
class SealedItem:
    item_id: str
    description: str
    content: bytes
    file_name: str = ""

    @property
    def name(self) -> str:
        return self.file_name or f"{self.item_id}.txt"


@dataclass(frozen=True)
class Sealed:
    message_id: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class OpenedItems:
    header: Header
    items: list[SealedItem]


def seal_items(
    items: Sequence[SealedItem],
    *,
    transfer_id: str,
    decision_sha256: str,
    recipients: Sequence[X25519PublicKey],
    sender: Ed25519PrivateKey,
    now: datetime | None = None,
    expires: datetime | None = None,
    version: Version = CURRENT,
) -> Sealed:
    """Seal in-memory items to every key in ``recipients`` (all of the agency's current keys)."""
    out = io.BytesIO()
    info = seal(
        out,
        [
            Item(i.item_id, i.description, i.name, len(i.content), io.BytesIO(i.content))
            for i in items
        ],
        transfer_id=transfer_id,
        decision_sha256=decision_sha256,
        recipients=recipients,
        sender=sender,
        created=now or datetime.now(UTC),
        expires=expires,
        version=version,
    )
    return Sealed(info.message_id, out.getvalue())


def fixed_sender(public: Ed25519PublicKey) -> SenderLookup:
    """A sender lookup that knows exactly one key (for callers that already know the sender)."""
    kid = key_id(raw_public(public))
    return lambda wanted, _created: public if wanted == kid else None


def open_bytes(
    data: bytes,
    *,
    keys: Sequence[X25519PrivateKey],
    sender_key: SenderLookup | Ed25519PublicKey,
    seen: SeenStore | None = None,
    now: datetime | None = None,
) -> OpenedItems:
    lookup = fixed_sender(sender_key) if isinstance(sender_key, Ed25519PublicKey) else sender_key
    sink = MemorySink()
    opened = open_envelope(
        io.BytesIO(data),
        sink,
        keys=keys,
        sender_key=lookup,
        seen=seen,
        now=now or datetime.now(UTC),
    )
    return OpenedItems(
        opened.header,
        [
            SealedItem(i.item_id, i.description, sink.contents.get(i.item_id, b""), i.file_name)
            for i in opened.items
        ],
    )
