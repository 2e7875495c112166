"""Sealing and opening v1 envelopes over file objects, in constant memory.

Sealing writes sequentially (the output need not seek). Opening makes two passes over a seekable
source (a pipe is first copied to an anonymous temporary file): pass 1 checks the layout and the
sender's signature; pass 2 decrypts into a sink that releases nothing until every chunk has
authenticated and the bytes read are the bytes that were verified.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from infoshare.envelope.format import (
    CHUNK_SIZE,
    CLOCK_SKEW,
    CT_CHUNK,
    KEY_LEN,
    MAGIC,
    MAX_HEADER,
    MAX_MANIFEST,
    MAX_RECIPIENTS,
    PREFIX_LEN,
    SIG_CONTEXT,
    SIG_LEN,
    WRAP_INFO,
    WRAP_LEN,
    EnvelopeError,
    Header,
    ManifestItem,
    chunk_count,
    encode_manifest,
    nonce,
    parse_manifest,
    payload_key,
)
from infoshare.envelope.replay import SeenStore
from infoshare.keys import key_id, raw_public

HPKE_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
DEFAULT_LIFETIME = timedelta(days=14)
_READ = 1 << 20

# (recipient public key, file key, HPKE info) -> 80-byte wrap. Tests inject a deterministic one.
Wrapper = Callable[[X25519PublicKey, bytes, bytes], bytes]
# (sender key id, envelope creation time) -> the sender's public key valid then, or None.
SenderLookup = Callable[[str, datetime], Ed25519PublicKey | None]


def hpke_wrap(recipient: X25519PublicKey, file_key: bytes, info: bytes) -> bytes:
    try:
        return HPKE_SUITE.encrypt(file_key, recipient, info=info)
    except ValueError as exc:  # the X25519 shared secret is all zeros
        kid = key_id(raw_public(recipient))
        raise EnvelopeError(f"recipient key {kid} is a low-order X25519 point; refused") from exc


@dataclass(frozen=True)
class Item:
    """One item to seal: its content is read from ``source``, exactly ``size`` bytes."""

    item_id: str
    description: str
    file_name: str
    size: int
    source: BinaryIO


@dataclass(frozen=True)
class SealInfo:
    header: Header
    sha256: str
    size: int

    @property
    def message_id(self) -> str:
        return self.header.message_id


class _Writer:
    """Writes to ``out`` while hashing the transcript (everything before the trailer)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.transcript = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.transcript.update(data)
        self.size += len(data)


def _plaintext(manifest: bytes, items: Sequence[Item]) -> Iterator[bytes]:
    yield struct.pack(">I", len(manifest)) + manifest
    for item in items:
        left = item.size
        while left:
            piece = item.source.read(min(left, CHUNK_SIZE))
            if not piece:
                raise EnvelopeError(f"item {item.item_id} is shorter than its stated size")
            left -= len(piece)
            yield piece
        if item.source.read(1):
            raise EnvelopeError(f"item {item.item_id} is longer than its stated size")


def seal(
    out: BinaryIO,
    items: Sequence[Item],
    *,
    transfer_id: str,
    decision_sha256: str,
    recipients: Sequence[X25519PublicKey],
    sender: Ed25519PrivateKey,
    created: datetime,
    expires: datetime | None = None,
    file_key: bytes | None = None,
    message_id: str | None = None,
    wrap: Wrapper = hpke_wrap,
) -> SealInfo:
    """Seal ``items`` for every key in ``recipients`` and write the envelope to ``out``.

    ``file_key``, ``message_id`` and ``wrap`` exist for test vectors; leave them unset."""
    if len(recipients) > MAX_RECIPIENTS:
        raise EnvelopeError(
            f"too many recipient keys ({len(recipients)}; at most {MAX_RECIPIENTS})"
        )
    created = created.replace(microsecond=0)
    header = Header(
        message_id=message_id or os.urandom(16).hex(),
        transfer_id=transfer_id,
        decision_sha256=decision_sha256,
        sender_key_id=key_id(raw_public(sender.public_key())),
        recipients=tuple(key_id(raw_public(r)) for r in recipients),
        created=created,
        expires=(expires or created + DEFAULT_LIFETIME).replace(microsecond=0),
    )
    header_bytes = header.encode()
    manifest = encode_manifest(
        [ManifestItem(i.item_id, i.description, i.file_name, i.size) for i in items]
    )
    fk = file_key if file_key is not None else os.urandom(KEY_LEN)
    if len(fk) != KEY_LEN:
        raise ValueError("file key must be 32 bytes")
    header_hash = hashlib.sha256(header_bytes).digest()
    wraps = [wrap(r, fk, WRAP_INFO + header_hash) for r in recipients]
    aead = AESGCM(payload_key(fk, header.message_id, header_hash))

    w = _Writer(out)
    w.write(MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes)
    for wrapped in wraps:
        if len(wrapped) != WRAP_LEN:
            raise EnvelopeError("key wrap has the wrong length")
        w.write(wrapped)
    buf = bytearray()
    index = 0
    for piece in _plaintext(manifest, items):
        buf += piece
        while len(buf) > CHUNK_SIZE:  # more follows this chunk, so it is not the last
            w.write(aead.encrypt(nonce(index, False), bytes(buf[:CHUNK_SIZE]), None))
            del buf[:CHUNK_SIZE]
            index += 1
    w.write(aead.encrypt(nonce(index, True), bytes(buf), None))
    signature = sender.sign(SIG_CONTEXT + w.transcript.digest())
    whole = w.transcript.copy()
    whole.update(signature)
    out.write(signature)
    return SealInfo(header, whole.hexdigest(), w.size + SIG_LEN)


# --- opening ---------------------------------------------------------------------------------


class Sink(Protocol):
    """Receives an envelope's items during pass 2; nothing is released before ``commit``."""

    def begin(self, item: ManifestItem) -> None: ...

    def write(self, data: bytes) -> None: ...

    def commit(self, header: Header, items: list[ManifestItem]) -> None: ...

    def abort(self) -> None: ...


class MemorySink:
    def __init__(self) -> None:
        self._parts: dict[str, bytearray] = {}
        self._current: bytearray | None = None
        self.contents: dict[str, bytes] = {}

    def begin(self, item: ManifestItem) -> None:
        self._current = self._parts.setdefault(item.item_id, bytearray())

    def write(self, data: bytes) -> None:
        assert self._current is not None
        self._current += data

    def commit(self, header: Header, items: list[ManifestItem]) -> None:
        self.contents = {k: bytes(v) for k, v in self._parts.items()}

    def abort(self) -> None:
        self._parts.clear()


class DirectorySink:
    """Writes items into a private staging directory beside ``dest``; ``commit`` renames it to
    ``dest`` (which must not exist, or be an empty directory) with a ``manifest.json``."""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise EnvelopeError(f"output {dest} already exists and is not an empty directory")
        dest.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.opening-", dir=dest.parent))
        self._fh: BinaryIO | None = None

    def _close(self) -> None:
        if self._fh is not None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None

    def begin(self, item: ManifestItem) -> None:
        self._close()
        fd = os.open(self.staging / item.file_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        assert self._fh is not None
        self._fh.write(data)

    def commit(self, header: Header, items: list[ManifestItem]) -> None:
        import json

        self._close()
        manifest = {"header": header.to_json(), "items": [i.to_json() for i in items]}
        fd = os.open(self.staging / "manifest.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=2, ensure_ascii=False)
        os.replace(self.staging, self.dest)

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        shutil.rmtree(self.staging, ignore_errors=True)


@dataclass(frozen=True)
class Opened:
    header: Header
    items: list[ManifestItem]


class _Payload:
    """Splits the decrypted stream into the manifest and each item, in order."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.head = bytearray()
        self.items: list[ManifestItem] | None = None
        self.index = -1
        self.left = 0

    def _next_item(self) -> None:
        assert self.items is not None
        while self.left == 0 and self.index + 1 < len(self.items):
            self.index += 1
            self.sink.begin(self.items[self.index])
            self.left = self.items[self.index].size

    def feed(self, data: bytes) -> None:
        view = memoryview(data)
        while self.items is None:
            if not view:
                return
            need = 4
            if len(self.head) >= 4:
                (mlen,) = struct.unpack_from(">I", self.head)
                if mlen > MAX_MANIFEST:
                    raise EnvelopeError("manifest is larger than 1 MiB")
                need = 4 + mlen
            take = min(len(view), need - len(self.head))
            self.head += view[:take]
            view = view[take:]
            if len(self.head) >= 4 and len(self.head) == 4 + struct.unpack_from(">I", self.head)[0]:
                self.items = parse_manifest(bytes(self.head[4:]))
                self._next_item()
        while view:
            if self.left == 0:
                raise EnvelopeError("payload is longer than its manifest says")
            take = min(len(view), self.left)
            self.sink.write(bytes(view[:take]))
            self.left -= take
            view = view[take:]
            self._next_item()

    def finish(self) -> list[ManifestItem]:
        if self.items is None or self.left or self.index + 1 < len(self.items):
            raise EnvelopeError("payload is shorter than its manifest says")
        return self.items


def _read_exact(src: BinaryIO, n: int) -> bytes:
    data = src.read(n)
    if len(data) != n:
        raise EnvelopeError("envelope is truncated")
    return data


def _seekable(src: BinaryIO) -> tuple[BinaryIO, bool]:
    try:
        if src.seekable():
            return src, False
    except (AttributeError, OSError):
        pass
    tmp = tempfile.TemporaryFile()  # noqa: SIM115  (closed by open_envelope)
    shutil.copyfileobj(src, tmp, _READ)
    tmp.seek(0)
    return tmp, True


def _hash_range(src: BinaryIO, n: int, h: hashlib._Hash) -> None:
    while n:
        data = src.read(min(n, _READ))
        if not data:
            raise EnvelopeError("envelope is truncated")
        h.update(data)
        n -= len(data)


def open_envelope(
    source: BinaryIO,
    sink: Sink,
    *,
    keys: Sequence[X25519PrivateKey],
    sender_key: SenderLookup,
    seen: SeenStore | None,
    now: datetime,
) -> Opened:
    """Verify, then decrypt ``source`` into ``sink``; see docs/envelope-v1.md, "Opening"."""
    src, temporary = _seekable(source)
    try:
        return _open(src, sink, keys, sender_key, seen, now)
    except BaseException:
        sink.abort()
        raise
    finally:
        if temporary:
            src.close()


def _open(
    src: BinaryIO,
    sink: Sink,
    keys: Sequence[X25519PrivateKey],
    sender_key: SenderLookup,
    seen: SeenStore | None,
    now: datetime,
) -> Opened:
    start = src.tell()
    total = src.seek(0, os.SEEK_END) - start
    src.seek(start)
    # 1. preamble and header
    prefix = src.read(PREFIX_LEN)
    if not prefix.startswith(MAGIC[: len(prefix)]) or len(prefix) < len(MAGIC):
        raise EnvelopeError("not an infoshare v1 envelope")
    if len(prefix) < PREFIX_LEN:
        raise EnvelopeError("envelope is truncated")
    (hlen,) = struct.unpack_from(">I", prefix, len(MAGIC))
    if not 1 <= hlen <= MAX_HEADER:
        raise EnvelopeError("header length is out of range")
    header_bytes = _read_exact(src, hlen)
    header = Header.parse(header_bytes)
    header_hash = hashlib.sha256(header_bytes).digest()
    wraps_len = WRAP_LEN * len(header.recipients)
    wraps = _read_exact(src, wraps_len)
    region = total - PREFIX_LEN - hlen - wraps_len - SIG_LEN
    n_chunks = chunk_count(region)
    # 2. sender key
    sender = sender_key(header.sender_key_id, header.created)
    if sender is None:
        raise EnvelopeError(f"unknown sender key {header.sender_key_id} (not in the registry)")
    # 3. pass 1: signature over everything before the trailer
    transcript = hashlib.sha256(prefix + header_bytes + wraps)
    _hash_range(src, region, transcript)
    signature = _read_exact(src, SIG_LEN)
    try:
        sender.verify(signature, SIG_CONTEXT + transcript.digest())
    except InvalidSignature as exc:
        raise EnvelopeError("signature does not verify: not from this sender, or altered") from exc
    # 4. time
    if now >= header.expires:
        raise EnvelopeError(f"envelope expired at {header.to_json()['expires']}")
    if header.created > now + CLOCK_SKEW:
        raise EnvelopeError("envelope was created in the future")
    # 5. replay
    if seen is not None and seen.seen(header.message_id):
        raise EnvelopeError(f"envelope {header.message_id} was already opened here (replay)")
    # 6. key wrap
    mine = {key_id(raw_public(k.public_key())): k for k in keys}
    slot = next((i for i, kid in enumerate(header.recipients) if kid in mine), None)
    if slot is None:
        raise EnvelopeError("envelope is not addressed to any of this agency's keys")
    wrapped = wraps[slot * WRAP_LEN : (slot + 1) * WRAP_LEN]
    try:
        file_key = HPKE_SUITE.decrypt(
            wrapped, mine[header.recipients[slot]], info=WRAP_INFO + header_hash
        )
    except Exception as exc:  # InvalidTag, or a low-order ephemeral key
        raise EnvelopeError("the key wrap for this agency's key does not open") from exc
    if len(file_key) != KEY_LEN:
        raise EnvelopeError("the key wrap holds a key of the wrong length")
    aead = AESGCM(payload_key(file_key, header.message_id, header_hash))
    # 7. pass 2: decrypt into the sink while checking the bytes are those verified
    src.seek(start)
    again = hashlib.sha256()
    _hash_range(src, PREFIX_LEN + hlen + wraps_len, again)
    payload = _Payload(sink)
    for index in range(n_chunks):
        last = index == n_chunks - 1
        chunk = src.read(CT_CHUNK if not last else region - index * CT_CHUNK)
        again.update(chunk)
        try:
            plain = aead.decrypt(nonce(index, last), chunk, None)
        except InvalidTag as exc:
            raise EnvelopeError(f"chunk {index} does not decrypt: altered or reordered") from exc
        payload.feed(plain)
    items = payload.finish()
    if again.digest() != transcript.digest():
        raise EnvelopeError("envelope changed while being opened")
    # 8. replay claim, then 9. release
    if seen is not None and not seen.claim(
        header.message_id, header.sender_key_id, header.expires, now
    ):
        raise EnvelopeError(f"envelope {header.message_id} was already opened here (replay)")
    sink.commit(header, items)
    return Opened(header, items)
