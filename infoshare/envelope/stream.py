"""Sealing and opening envelopes (every version in ``format.VERSIONS``) over file objects, in
constant memory. (Longer than infoshare's other modules: sealing and opening are one pipeline
read in both directions, and splitting them would separate each check from its inverse.)

Sealing writes sequentially (the output need not seek). Opening reads a seekable source once
(a pipe is first copied to an anonymous temporary file): each chunk is hashed into the signed
transcript and decrypted into a sink that stages it privately; the sink releases the items only
after the sender's signature over the whole transcript has verified and every other check has
passed (see docs/envelope-v1.md, "Opening").

Speed: chunks are encrypted/decrypted with ``encrypt_into`` / ``decrypt_into`` into a few
reused buffers (no per-chunk allocation). For large payloads the transcript hash runs on a
helper thread (hashlib, blake3 and file reads release the GIL), so it overlaps AES-GCM and the
file I/O; the chunks are then read, written and hashed a slab (``SLAB_CHUNKS`` chunks) at a
time, so the two threads seldom wait for each other or for the GIL. Opening version 2, the
helper also reads ahead, which splits the work about evenly between the two threads. Version 2's
BLAKE3 transcript hashes several times faster than version 1's SHA-256, which kept version 1
well below the speed of the bare cipher loop.
"""

from __future__ import annotations

import hashlib
import os
import queue
import shutil
import struct
import tempfile
import threading
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
    BY_MAGIC,
    CHUNK_SIZE,
    CLOCK_SKEW,
    CT_CHUNK,
    CURRENT,
    KEY_LEN,
    MAGIC_LEN,
    MAX_CHUNKS,
    MAX_HEADER,
    MAX_MANIFEST,
    MAX_RECIPIENTS,
    PREFIX_LEN,
    SIG_LEN,
    TAG_LEN,
    VERSIONS,
    WRAP_LEN,
    EnvelopeError,
    Header,
    ManifestItem,
    Version,
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
SLAB_CHUNKS = 8  # chunks per slab when hashing on the thread (512 KiB of plaintext)
# Hash on a helper thread from this many chunks on, by version: below, starting a thread costs
# more than it saves (measured on this project's VM, see bench/README.md).
THREADED_HASH_MIN_CHUNKS = {1: 8, 2: 64}
_RING = 3  # slab buffers in flight between the caller and the hashing thread
# By version: whether the helper thread also does file I/O, reading when opening (see _Region)
# and writing when sealing (see _Transcript). Not for version 1, whose SHA-256 alone takes the
# helper longer than the caller's share.
HELPER_IO = {1: False, 2: True}
_NOT_AN_ENVELOPE = "not an infoshare " + " nor a ".join(f"v{v} envelope" for v in VERSIONS)

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
    size: int

    @property
    def message_id(self) -> str:
        return self.header.message_id


class _Transcript:
    """The version's hash ``T`` of everything before the trailer, fed in order a slab at a time:
    ``slab_chunks`` consecutive chunks, the unit in which the caller reads, writes and hashes.

    ``buffer`` gives the next free slab buffer to fill; ``add`` hashes a view of it, and writes it
    to ``out`` first when ``writes`` is true (else the caller writes it). A large payload is
    hashed on a helper thread, in slabs of ``SLAB_CHUNKS`` chunks taken from a ring of reused
    buffers; a buffer is handed out again only after it has been hashed. With a fast hash
    (``HELPER_IO``: version 2's BLAKE3) the helper also writes the slabs, which splits sealing
    about evenly: the caller reads and encrypts, the helper writes and hashes. A small payload is
    hashed inline one chunk at a time: no thread to start, and buffers as small as a chunk (on
    this VM, first touching fresh memory costs about 0.5 ms per MiB). Buffers are allocated as
    they are first needed."""

    def __init__(
        self,
        version: Version,
        first: bytes,
        n_chunks: int,
        region_len: int,
        out: BinaryIO | None = None,
    ) -> None:
        self._hash = version.transcript_hash()
        self._hash.update(first)
        threaded = n_chunks >= THREADED_HASH_MIN_CHUNKS[version.number]
        self._out = out if threaded and HELPER_IO[version.number] else None
        self.writes = self._out is not None
        self._error: BaseException | None = None
        self.slab_chunks = SLAB_CHUNKS if threaded else 1
        self._slab_len = min(region_len, self.slab_chunks * CT_CHUNK)
        self._ring = _RING if threaded else 1
        self._bufs: list[memoryview] = []
        self._next = 0
        self._thread: threading.Thread | None = None
        if threaded:
            self._free = threading.Semaphore(_RING)
            self._queue: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._run, name="envelope-hash", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while (view := self._queue.get()) is not None:
            if self._out is not None and self._error is None:
                try:
                    self._out.write(view)
                except BaseException as exc:  # raised to the caller by buffer() or digest()
                    self._error = exc
            self._hash.update(view)
            self._free.release()

    def buffer(self) -> memoryview:
        if self._thread is not None:
            self._free.acquire()
            if self._error is not None:
                raise self._error
        if self._next == len(self._bufs):
            self._bufs.append(memoryview(bytearray(self._slab_len)))
        buf = self._bufs[self._next]
        self._next = (self._next + 1) % self._ring
        return buf

    def add(self, view: memoryview) -> None:
        if self._thread is not None:
            self._queue.put(view)
        else:
            self._hash.update(view)

    def close(self) -> None:
        """Wait for the helper thread to hash what it was given, and stop it."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def digest(self) -> bytes:
        self.close()
        if self._error is not None:
            raise self._error
        return self._hash.digest()


def _read_into(src: BinaryIO, buf: memoryview) -> int:
    """``readinto`` where the file object has it (no copy), else ``read``."""
    readinto = getattr(src, "readinto", None)
    if readinto is not None:
        return int(readinto(buf) or 0)
    data = src.read(len(buf))
    buf[: len(data)] = data
    return len(data)


def _read_full(src: BinaryIO, buf: memoryview) -> int:
    """Fill ``buf`` unless the source ends first; the number of bytes read."""
    pos = 0
    while pos < len(buf) and (got := _read_into(src, buf[pos:])):
        pos += got
    return pos


class _Region:
    """The chunk region of an envelope being opened, read from ``src`` a slab at a time
    (``slab_chunks`` chunks) with every byte hashed into the transcript ``T``, which starts with
    ``first``; iterating gives each slab, valid until the next one is asked for. The caller must
    not touch ``src`` before ``digest``.

    A small payload is read and hashed inline, chunk by chunk. For a large one a helper thread
    works beside the caller (hashlib, blake3 and file reads release the GIL), with a ring of
    ``_RING`` reused slab buffers. With a fast hash (``HELPER_IO``: version 2's BLAKE3) the
    helper reads and hashes ahead while the caller decrypts and writes the slab before: the two
    halves take about the same time, whereas a helper that only hashed left the caller reading,
    decrypting and writing alone (opening ran at 83% of the bare cipher loop instead of 100%).
    With version 1's SHA-256, hashing alone takes longer than the caller's share, so the helper
    only hashes and the caller reads."""

    def __init__(
        self, version: Version, first: bytes, src: BinaryIO, n_chunks: int, region_len: int
    ) -> None:
        self._hash = version.transcript_hash()
        self._hash.update(first)
        self._src = src
        threaded = n_chunks >= THREADED_HASH_MIN_CHUNKS[version.number]
        self.slab_chunks = step = SLAB_CHUNKS if threaded else 1
        self._sizes = [
            min(region_len - base * CT_CHUNK, step * CT_CHUNK) for base in range(0, n_chunks, step)
        ]
        self._ring = _RING if threaded else 1
        self._bufs: list[memoryview] = []
        self._thread: threading.Thread | None = None
        self._reads = threaded and HELPER_IO[version.number]
        if threaded:
            self._stop = False
            # buffers the caller and the helper are done with
            self._free = threading.Semaphore(_RING)
            # read ahead: filled slabs (or what the helper raised) for the caller; else slabs
            # for the helper to hash (None: no more)
            self._queue: queue.SimpleQueue[memoryview | BaseException | None] = queue.SimpleQueue()
            run = self._read_ahead if self._reads else self._hash_only
            self._thread = threading.Thread(target=run, name="envelope-open", daemon=True)
            self._thread.start()

    def _read(self, index: int) -> memoryview:
        """Read slab ``index`` into its buffer."""
        slot = index % self._ring
        if slot == len(self._bufs):
            self._bufs.append(memoryview(bytearray(self._sizes[0])))
        slab = self._bufs[slot][: self._sizes[index]]
        if _read_full(self._src, slab) != len(slab):
            raise EnvelopeError("envelope is truncated")
        return slab

    def _read_ahead(self) -> None:
        try:
            for index in range(len(self._sizes)):
                self._free.acquire()
                if self._stop:
                    return
                slab = self._read(index)
                self._hash.update(slab)
                self._queue.put(slab)
        except BaseException as exc:  # handed to the caller, which raises it
            self._queue.put(exc)

    def _hash_only(self) -> None:
        while isinstance(slab := self._queue.get(), memoryview):
            self._hash.update(slab)
            self._free.release()

    def __iter__(self) -> Iterator[memoryview]:
        for index in range(len(self._sizes)):
            if self._thread is None:
                slab = self._read(index)
                self._hash.update(slab)
            elif self._reads:
                got = self._queue.get()
                if isinstance(got, BaseException):
                    raise got
                assert got is not None
                slab = got
            else:
                self._free.acquire()
                slab = self._read(index)
                self._queue.put(slab)
            yield slab
            if self._reads:
                self._free.release()

    def close(self) -> None:
        """Stop the helper thread (at once if the caller gave up) and wait for it."""
        if self._thread is not None:
            if self._reads:
                self._stop = True
                self._free.release()  # wakes it if it waits for a buffer
            else:
                self._queue.put(None)
            self._thread.join()
            self._thread = None

    def digest(self) -> bytes:
        self.close()
        return self._hash.digest()


class _PlainReader:
    """Fills chunk buffers from the plaintext stream ``u32 len || manifest || item contents``,
    checking that every item holds exactly its stated size."""

    def __init__(self, manifest: bytes, items: Sequence[Item]) -> None:
        self.head = memoryview(struct.pack(">I", len(manifest)) + manifest)
        self.items = items
        self.index = 0  # the item being read
        self.left = items[0].size if items else 0

    def fill(self, buf: memoryview) -> None:
        pos = min(len(self.head), len(buf))
        buf[:pos] = self.head[:pos]
        self.head = self.head[pos:]
        while pos < len(buf):
            while self.left == 0:
                self._next_item()
            item = self.items[self.index]
            got = _read_into(item.source, buf[pos : pos + min(self.left, len(buf) - pos)])
            if not got:
                raise EnvelopeError(f"item {item.item_id} is shorter than its stated size")
            pos += got
            self.left -= got

    def _next_item(self) -> None:
        item = self.items[self.index]
        if item.source.read(1):
            raise EnvelopeError(f"item {item.item_id} is longer than its stated size")
        self.index += 1
        if self.index < len(self.items):
            self.left = self.items[self.index].size

    def finish(self) -> None:
        """After the last chunk: every remaining (empty) item ends where it should."""
        while self.index < len(self.items):
            self._next_item()


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
    version: Version = CURRENT,
    file_key: bytes | None = None,
    message_id: str | None = None,
    wrap: Wrapper = hpke_wrap,
) -> SealInfo:
    """Seal ``items`` for every key in ``recipients`` and write the envelope to ``out``.

    ``version`` is the format version to write: the current one unless an older opener must
    read it. ``file_key``, ``message_id`` and ``wrap`` exist for test vectors; leave them unset."""
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
        version=version,
    )
    header_bytes = header.encode()
    manifest = encode_manifest(
        [ManifestItem(i.item_id, i.description, i.file_name, i.size) for i in items]
    )
    fk = file_key if file_key is not None else os.urandom(KEY_LEN)
    if len(fk) != KEY_LEN:
        raise ValueError("file key must be 32 bytes")
    header_hash = hashlib.sha256(header_bytes).digest()
    wraps = [wrap(r, fk, version.wrap_info + header_hash) for r in recipients]
    if any(len(w) != WRAP_LEN for w in wraps):
        raise EnvelopeError("key wrap has the wrong length")
    aead = AESGCM(payload_key(version, fk, header.message_id, header_hash))
    # The plaintext's length is known, so each chunk is filled exactly and the last is known.
    plain_len = 4 + len(manifest) + sum(i.size for i in items)
    n_chunks = max(1, -(-plain_len // CHUNK_SIZE))
    if n_chunks > MAX_CHUNKS:
        raise EnvelopeError("the items are too large for one envelope")
    region_len = plain_len + n_chunks * TAG_LEN

    first = b"".join([version.magic, struct.pack(">I", len(header_bytes)), header_bytes, *wraps])
    out.write(first)
    transcript = _Transcript(version, first, n_chunks, region_len, out)
    step = transcript.slab_chunks
    try:
        reader = _PlainReader(manifest, items)
        plain = memoryview(bytearray(min(plain_len, step * CHUNK_SIZE)))
        left = plain_len
        for base in range(0, n_chunks, step):  # base: the slab's first chunk
            size = min(left, step * CHUNK_SIZE)
            reader.fill(plain[:size])
            slab = transcript.buffer()
            end = 0
            for index in range(base, min(base + step, n_chunks)):
                pt = plain[(index - base) * CHUNK_SIZE : size][:CHUNK_SIZE]
                ct = slab[end : end + len(pt) + TAG_LEN]
                aead.encrypt_into(nonce(index, index == n_chunks - 1), pt, None, ct)
                end += len(ct)
            if not transcript.writes:
                out.write(slab[:end])
            transcript.add(slab[:end])
            left -= size
        reader.finish()
        digest = transcript.digest()
    finally:
        transcript.close()
    out.write(sender.sign(version.sig_context + digest))
    return SealInfo(header, len(first) + region_len + SIG_LEN)


# --- opening ---------------------------------------------------------------------------------


class Sink(Protocol):
    """Receives an envelope's items while it is read, before the sender's signature has been
    checked: it must stage them where nobody else can read them and release nothing before
    ``commit`` (``abort`` discards). ``data`` is valid only during the call (the buffer is
    reused)."""

    def begin(self, item: ManifestItem) -> None: ...

    def write(self, data: memoryview) -> None: ...

    def commit(self, header: Header, items: list[ManifestItem]) -> None: ...

    def abort(self) -> None: ...


class MemorySink:
    def __init__(self) -> None:
        self._parts: dict[str, bytearray] = {}
        self._current: bytearray | None = None
        self.contents: dict[str, bytes] = {}

    def begin(self, item: ManifestItem) -> None:
        self._current = self._parts.setdefault(item.item_id, bytearray())

    def write(self, data: memoryview) -> None:
        assert self._current is not None
        self._current += data

    def commit(self, header: Header, items: list[ManifestItem]) -> None:
        self.contents = {k: bytes(v) for k, v in self._parts.items()}

    def abort(self) -> None:
        self._parts.clear()


class DirectorySink:
    """Writes items into a private staging directory (0700, files 0600) beside ``dest``;
    ``commit`` renames it to ``dest`` (which must not exist, or be an empty directory) with a
    ``manifest.json``. The staging directory is made when the first item comes, and
    ``open_envelope`` gives a sink nothing before the sender's signature has verified: an
    envelope that fails it leaves no plaintext anywhere, even if the opener is killed.
    (Unnamed ``O_TMPFILE`` files would also leave nothing of a verified envelope killed
    mid-way, but linking them by name fails on this project's machines.)"""

    def __init__(self, dest: Path) -> None:
        self.dest = dest
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise EnvelopeError(f"output {dest} already exists and is not an empty directory")
        dest.parent.mkdir(parents=True, exist_ok=True)
        self._staging: Path | None = None
        self._fh: BinaryIO | None = None

    @property
    def staging(self) -> Path:
        if self._staging is None:
            made = tempfile.mkdtemp(prefix=f".{self.dest.name}.opening-", dir=self.dest.parent)
            self._staging = Path(made)
        return self._staging

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

    def write(self, data: memoryview) -> None:
        assert self._fh is not None
        self._fh.write(data)

    def commit(self, header: Header, items: list[ManifestItem]) -> None:
        import json

        self._close()
        manifest = {"header": header.to_json(), "items": [i.to_json() for i in items]}
        text = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        fd = os.open(self.staging / "manifest.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:  # one write: json.dump to a text file writes piecemeal
            fh.write(text)
        os.replace(self.staging, self.dest)

    def abort(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)


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

    def feed(self, view: memoryview) -> None:
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
            self.sink.write(view[:take])
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


def open_envelope(
    source: BinaryIO,
    sink: Sink,
    *,
    keys: Sequence[X25519PrivateKey],
    sender_key: SenderLookup,
    seen: SeenStore | None,
    now: datetime,
) -> Opened:
    """Verify, then decrypt ``source`` (any supported version) into ``sink``; see
    docs/envelope-v1.md, "Opening"."""
    src, temporary = _seekable(source)
    try:
        return _open(src, sink, keys, sender_key, seen, now)
    except BaseException:
        sink.abort()
        raise
    finally:
        if temporary:
            src.close()


def _unwrap(
    header: Header, wraps: bytes, header_hash: bytes, keys: Sequence[X25519PrivateKey]
) -> AESGCM:
    version = header.version
    mine = {key_id(raw_public(k.public_key())): k for k in keys}
    slot = next((i for i, kid in enumerate(header.recipients) if kid in mine), None)
    if slot is None:
        raise EnvelopeError("envelope is not addressed to any of this agency's keys")
    wrapped = wraps[slot * WRAP_LEN : (slot + 1) * WRAP_LEN]
    try:
        file_key = HPKE_SUITE.decrypt(
            wrapped, mine[header.recipients[slot]], info=version.wrap_info + header_hash
        )
    except Exception as exc:  # InvalidTag, or a low-order ephemeral key
        raise EnvelopeError("the key wrap for this agency's key does not open") from exc
    if len(file_key) != KEY_LEN:
        raise EnvelopeError("the key wrap holds a key of the wrong length")
    return AESGCM(payload_key(version, file_key, header.message_id, header_hash))


def _region_digest(version: Version, first: bytes, src: BinaryIO, region: int) -> bytes:
    """The transcript hash ``T`` of ``first`` and the next ``region`` bytes of ``src``."""
    digest = version.transcript_hash()
    digest.update(first)
    buf = memoryview(bytearray(min(region, _READ))) if region > 0 else memoryview(bytearray())
    left = region
    while left > 0:
        got = _read_full(src, buf[: min(left, len(buf))])
        if got == 0:
            raise EnvelopeError("envelope is truncated")
        digest.update(buf[:got])
        left -= got
    return digest.digest()


def _verify(sender: Ed25519PublicKey, version: Version, digest: bytes, src: BinaryIO) -> None:
    """Check the signature that follows the region (``src`` is just before it)."""
    signature = _read_exact(src, SIG_LEN)
    try:
        sender.verify(signature, version.sig_context + digest)
    except InvalidSignature as exc:
        raise EnvelopeError("signature does not verify: not from this sender, or altered") from exc


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
    version = BY_MAGIC.get(prefix[:MAGIC_LEN])
    if version is None:
        raise EnvelopeError(_NOT_AN_ENVELOPE)
    if len(prefix) < PREFIX_LEN:
        raise EnvelopeError("envelope is truncated")
    (hlen,) = struct.unpack_from(">I", prefix, MAGIC_LEN)
    if not 1 <= hlen <= MAX_HEADER:
        raise EnvelopeError("header length is out of range")
    header_bytes = _read_exact(src, hlen)
    header = Header.parse(header_bytes)
    if header.version is not version:
        raise EnvelopeError(
            f"header says version {header.version.number}, the preamble {version.number}"
        )
    header_hash = hashlib.sha256(header_bytes).digest()
    wraps_len = WRAP_LEN * len(header.recipients)
    wraps = _read_exact(src, wraps_len)
    region = total - PREFIX_LEN - hlen - wraps_len - SIG_LEN
    n_chunks = chunk_count(region)
    # 2. sender key
    sender = sender_key(header.sender_key_id, header.created)
    if sender is None:
        raise EnvelopeError(f"unknown sender key {header.sender_key_id} (not in the registry)")
    # 3. the signature over the whole transcript, before any chunk is decrypted: a first pass
    # that only reads and hashes, so an envelope anyone could have made (every agency's public
    # key is public) never puts a byte of plaintext into the sink, not even a staged one
    first = prefix + header_bytes + wraps
    region_at = src.tell()
    _verify(sender, version, _region_digest(version, first, src, region), src)
    src.seek(region_at)
    # Steps 4-6 need only the header: check them now, so an envelope that will be refused is
    # not decrypted, but report them after the signature (step 3), in the documented order.
    problem: EnvelopeError | None = None
    if now >= header.expires:
        problem = EnvelopeError(f"envelope expired at {header.to_json()['expires']}")
    elif header.created > now + CLOCK_SKEW:
        problem = EnvelopeError("envelope was created in the future")
    elif seen is not None and seen.seen(header.message_id):
        problem = EnvelopeError(f"envelope {header.message_id} was already opened here (replay)")
    aead: AESGCM | None = None
    if problem is None:
        try:
            aead = _unwrap(header, wraps, header_hash, keys)
        except EnvelopeError as exc:
            problem = exc
    # 3 and 7. one pass: hash every chunk into the transcript and decrypt it into the sink,
    # which stages it privately; a failure stops the decryption but not the hashing.
    chunks = _Region(version, first, src, n_chunks, region)
    step = chunks.slab_chunks
    payload = _Payload(sink)
    try:
        plain = memoryview(bytearray(min(region, step * CHUNK_SIZE)))
        # base: the slab's first chunk
        for base, slab in zip(range(0, n_chunks, step), chunks, strict=True):
            if aead is None:
                continue
            end, failed = 0, None
            for index in range(base, min(base + step, n_chunks)):
                ct = slab[(index - base) * CT_CHUNK :][:CT_CHUNK]
                pt = plain[end : end + len(ct) - TAG_LEN]
                try:
                    aead.decrypt_into(nonce(index, index == n_chunks - 1), ct, None, pt)
                except InvalidTag:
                    failed = EnvelopeError(f"chunk {index} does not decrypt: altered or reordered")
                    break
                end += len(pt)
            try:
                payload.feed(plain[:end])  # the chunks before a failed one come first
            except EnvelopeError as exc:
                failed = exc
            if failed is not None:
                problem, aead = failed, None
        digest = chunks.digest()
    finally:
        chunks.close()
    # and again over what was decrypted: the source must not have changed since the first pass
    _verify(sender, version, digest, src)
    if problem is not None:
        raise problem
    items = payload.finish()
    # 8. replay claim, then 9. release
    if seen is not None and not seen.claim(
        header.message_id, header.sender_key_id, header.expires, now
    ):
        raise EnvelopeError(f"envelope {header.message_id} was already opened here (replay)")
    sink.commit(header, items)
    return Opened(header, items)
