"""Envelopes (docs/envelope-v1.md, docs/envelope-v2.md): round trips, tampering, replay, keys,
and the inbox. Every test that seals runs for each format version (the ``version`` fixture)."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
import threading
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infoshare.db.engine import make_engine
from infoshare.db.revision import upgrade
from infoshare.envelope import (
    DirectorySink,
    EnvelopeError,
    Header,
    Item,
    MemorySeenStore,
    Sealed,
    SealedItem,
    SealInfo,
    SqlSeenStore,
    open_bytes,
    open_envelope,
    seal,
    seal_items,
    stream,
)
from infoshare.envelope.format import (
    BY_MAGIC,
    CHUNK_SIZE,
    CT_CHUNK,
    MAGIC_LEN,
    MAX_RECIPIENTS,
    PREFIX_LEN,
    SIG_LEN,
    V1,
    V2,
    VERSIONS,
    WRAP_LEN,
    Version,
    canonical,
)
from infoshare.keys import key_id, raw_public
from infoshare.transport import DeliveryRefused, DirectoryInbox, TransientDeliveryError

RECIPIENT = X25519PrivateKey.generate()
SENDER = Ed25519PrivateKey.generate()
CREATED = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
NOW = CREATED + timedelta(hours=1)
DECISION = hashlib.sha256(b"sign-off").hexdigest()
ITEMS = [
    SealedItem("item-1", "A&E attendance dates, last 12 months", b"2026-10-01\n2026-11-02\n"),
    SealedItem(
        "item-2", "Injury descriptions", "bruising to the left forearm \u2013 noted".encode()
    ),
    SealedItem("item-3", "Empty item", b""),
]
# three chunks: the manifest and item-1 fill the first, item-2 spills into a short last chunk
BIG = [
    SealedItem("item-1", "Chronology", bytes(range(256)) * 300, "chronology.bin"),
    SealedItem("item-2", "Notes", os.urandom(CHUNK_SIZE + 1000), "notes.txt"),
]


@pytest.fixture(scope="module", params=VERSIONS.values(), ids=[f"v{n}" for n in VERSIONS])
def version(request: pytest.FixtureRequest) -> Version:
    return request.param  # type: ignore[no-any-return]


def _seal(
    version: Version,
    items: list[SealedItem] = ITEMS,
    recipients: list[X25519PublicKey] | None = None,
    sender: Ed25519PrivateKey = SENDER,
    transfer_id: str = "ISR-20261126-ABCDEFGH",
) -> Sealed:
    return seal_items(
        items,
        transfer_id=transfer_id,
        decision_sha256=DECISION,
        recipients=recipients or [RECIPIENT.public_key()],
        sender=sender,
        now=CREATED,
        version=version,
    )


def _seal_stream(out: BinaryIO, item: Item, version: Version) -> SealInfo:
    """``seal`` over file objects: one item, to the recipient, by the sender."""
    return seal(
        out,
        [item],
        transfer_id="ISR-1",
        decision_sha256=DECISION,
        recipients=[RECIPIENT.public_key()],
        sender=SENDER,
        created=CREATED,
        version=version,
    )


def _sign(body: bytes, sender: Ed25519PrivateKey = SENDER, rules: Version | None = None) -> bytes:
    """``body`` and a trailer that is ``sender``'s real signature over it, made by the rules
    (transcript hash, signature context) of the version its preamble names, or of ``rules``."""
    version = rules or BY_MAGIC[body[:MAGIC_LEN]]
    transcript = version.transcript_hash()
    transcript.update(body)
    return body + sender.sign(version.sig_context + transcript.digest())


def _open(data: bytes, **kw: Any) -> Any:
    args: dict[str, Any] = {"keys": [RECIPIENT], "sender_key": SENDER.public_key(), "now": NOW}
    return open_bytes(data, **{**args, **kw})


@dataclass
class Parts:
    """An envelope cut at its region boundaries, so tests can alter one region and re-sign."""

    prefix: bytes
    header: bytes
    wraps: list[bytes]
    chunks: list[bytes]
    sig: bytes

    @property
    def version(self) -> Version:
        return BY_MAGIC[self.prefix[:MAGIC_LEN]]

    def set_header(self, header: bytes, version: Version | None = None) -> None:
        self.header = header
        self.prefix = (version or self.version).magic + struct.pack(">I", len(header))

    @classmethod
    def of(cls, data: bytes) -> Parts:
        (hlen,) = struct.unpack_from(">I", data, MAGIC_LEN)
        header = data[PREFIX_LEN : PREFIX_LEN + hlen]
        n = len(Header.parse(header).recipients)
        w0 = PREFIX_LEN + hlen
        wraps = [data[w0 + i * WRAP_LEN : w0 + (i + 1) * WRAP_LEN] for i in range(n)]
        body = data[w0 + n * WRAP_LEN : -SIG_LEN]
        chunks = [body[i : i + CT_CHUNK] for i in range(0, len(body), CT_CHUNK)]
        return cls(data[:PREFIX_LEN], header, wraps, chunks, data[-SIG_LEN:])

    def regions(self) -> dict[str, range]:
        out = {"prefix": range(0, PREFIX_LEN)}
        pos = PREFIX_LEN
        out["header"] = range(pos, pos + len(self.header))
        pos += len(self.header)
        for i, w in enumerate(self.wraps):
            out[f"wrap{i}"] = range(pos, pos + len(w))
            pos += len(w)
        for i, c in enumerate(self.chunks):
            out[f"chunk{i}"] = range(pos, pos + len(c))
            pos += len(c)
        out["trailer"] = range(pos, pos + SIG_LEN)
        return out

    def body(self) -> bytes:
        return self.prefix + self.header + b"".join(self.wraps) + b"".join(self.chunks)

    def signed(self, sender: Ed25519PrivateKey = SENDER) -> bytes:
        """Re-sign as the rightful sender: the other layers must still catch the change."""
        return _sign(self.body(), sender)


@pytest.fixture(scope="module")
def sealed(version: Version) -> Sealed:
    return _seal(version)


@pytest.fixture(scope="module")
def big(version: Version) -> Sealed:
    return _seal(version, BIG)


# --- round trips ---------------------------------------------------------------------------------


def test_round_trip(sealed: Sealed) -> None:
    opened = _open(sealed.data)
    assert [(i.item_id, i.description, i.content) for i in opened.items] == [
        (i.item_id, i.description, i.content) for i in ITEMS
    ]
    h = opened.header
    assert h.message_id == sealed.message_id and len(h.message_id) == 32
    assert h.transfer_id == "ISR-20261126-ABCDEFGH" and h.decision_sha256 == DECISION
    assert h.recipients == (key_id(raw_public(RECIPIENT.public_key())),)
    assert h.sender_key_id == key_id(raw_public(SENDER.public_key()))
    assert (h.created, h.expires) == (CREATED, CREATED + timedelta(days=14))


def test_multi_chunk_round_trip(big: Sealed) -> None:
    parts = Parts.of(big.data)
    assert len(parts.chunks) == 3 and len(parts.chunks[-1]) < CT_CHUNK
    opened = _open(big.data)
    assert [(i.content, i.file_name) for i in opened.items] == [
        (i.content, i.file_name) for i in BIG
    ]


def test_each_seal_is_a_new_message(version: Version, sealed: Sealed) -> None:
    again = _seal(version)
    assert again.message_id != sealed.message_id
    assert again.data != sealed.data


def test_nothing_about_the_items_is_readable_in_transit(sealed: Sealed) -> None:
    for item in ITEMS:
        if item.content:
            assert item.content not in sealed.data
        assert item.description.encode() not in sealed.data
        assert item.item_id.encode() not in sealed.data
        assert item.name.encode() not in sealed.data
    header = Parts.of(sealed.data).header
    assert Header.parse(header).to_json().keys() == {
        "v", "suite", "message_id", "transfer_id", "decision_sha256", "sender_key_id",
        "recipients", "created", "expires", "chunk_size",
    }  # fmt: skip


def test_rotation_overlap_either_key_opens(version: Version) -> None:
    old, new = X25519PrivateKey.generate(), X25519PrivateKey.generate()
    s = _seal(version, recipients=[new.public_key(), old.public_key()])
    assert len(Parts.of(s.data).wraps) == 2
    for keys in ([old], [new], [X25519PrivateKey.generate(), old]):
        assert _open(s.data, keys=keys).items[0].content == ITEMS[0].content


def test_streams_in_constant_memory(tmp_path: Path, version: Version) -> None:
    size = 24 * 1024 * 1024
    src = tmp_path / "big.bin"
    with src.open("wb") as fh:
        for i in range(size // CHUNK_SIZE):
            fh.write(bytes([i % 251]) * CHUNK_SIZE)
    env = tmp_path / "big.isenv"
    tracemalloc.start()
    try:
        with src.open("rb") as inp, env.open("wb") as out:
            info = _seal_stream(
                out, Item("item-1", "Bulk extract", "extract.bin", size, inp), version
            )
        sealed_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with env.open("rb") as fh:
            opened = open_envelope(
                fh,
                DirectorySink(tmp_path / "out"),
                keys=[RECIPIENT],
                sender_key=lambda _k, _c: SENDER.public_key(),
                seen=None,
                now=NOW,
            )
        opened_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.size == env.stat().st_size and info.header.version is version
    assert opened.items[0].size == size and opened.header.version is version
    assert max(sealed_peak, opened_peak) < 4 * 1024 * 1024, (sealed_peak, opened_peak)
    with (tmp_path / "out" / "extract.bin").open("rb") as a, src.open("rb") as b:
        assert (
            hashlib.file_digest(a, "sha256").digest() == hashlib.file_digest(b, "sha256").digest()
        )


class _Pipe(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._src = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, b: Any) -> int:
        data = self._src.read(len(b))
        b[: len(data)] = data
        return len(data)


def test_opens_from_a_source_that_cannot_seek(big: Sealed) -> None:
    from infoshare.envelope import MemorySink

    sink = MemorySink()
    opened = open_envelope(
        _Pipe(big.data),  # type: ignore[arg-type]
        sink,
        keys=[RECIPIENT],
        sender_key=lambda _k, _c: SENDER.public_key(),
        seen=None,
        now=NOW,
    )
    assert [sink.contents[i.item_id] for i in opened.items] == [i.content for i in BIG]


# --- tampering -----------------------------------------------------------------------------------


def _accepted_flips(data: bytes, positions: list[int], mask: int = 0x01) -> list[int]:
    accepted = []
    for pos in positions:
        bad = bytearray(data)
        bad[pos] ^= mask
        try:
            _open(bytes(bad))
        except EnvelopeError:
            continue
        accepted.append(pos)
    return accepted


def test_every_single_byte_flip_is_rejected(sealed: Sealed) -> None:
    """A small envelope, every byte of every region, three masks."""
    regions = Parts.of(sealed.data).regions()
    assert set(regions) == {"prefix", "header", "wrap0", "chunk0", "trailer"}
    for mask in (0x01, 0x80, 0xFF):
        assert _accepted_flips(sealed.data, list(range(len(sealed.data))), mask) == []


def _edges_and_samples(r: range, n: int = 48) -> list[int]:
    step = max(1, len(r) // n)
    return sorted(set(r[:64]) | set(r[-64:]) | set(r[::step]))


def test_single_byte_flips_in_every_region_of_a_multi_chunk_envelope(big: Sealed) -> None:
    """Every byte of the header, wraps and trailer; each chunk's edges (nonce-free start, tag)
    and samples through its middle."""
    regions = Parts.of(big.data).regions()
    for name, r in regions.items():
        positions = list(r) if not name.startswith("chunk") else _edges_and_samples(r)
        assert _accepted_flips(big.data, positions) == [], name


@pytest.mark.parametrize("region", ["header", "wrap0", "chunk0", "chunk1", "chunk2"])
def test_flips_are_caught_even_when_re_signed_by_the_sender(big: Sealed, region: str) -> None:
    """The signature is not the only defence: header canonical form, the HPKE binding of the
    header hash and the AEAD tags each reject a change the sender's own key re-signed."""
    parts = Parts.of(big.data)
    r = parts.regions()[region]
    accepted = []
    for pos in _edges_and_samples(r, 24):
        bad = bytearray(parts.body())
        bad[pos] ^= 0x01
        forged = _sign(bytes(bad))
        try:
            _open(forged)
        except EnvelopeError:
            continue
        accepted.append(pos)
    assert accepted == []


def test_header_change_re_signed_does_not_decrypt(sealed: Sealed) -> None:
    parts = Parts.of(sealed.data)
    h = Header.parse(parts.header).to_json()
    parts.set_header(canonical({**h, "transfer_id": "ISR-OTHER"}))
    with pytest.raises(EnvelopeError, match="key wrap"):
        _open(parts.signed())


def test_non_canonical_header_is_rejected(sealed: Sealed) -> None:
    parts = Parts.of(sealed.data)
    parts.set_header(parts.header.replace(b'"v":', b'"v": '))
    with pytest.raises(EnvelopeError, match="canonical"):
        _open(parts.signed())


@pytest.mark.parametrize(
    ("created", "reason"),
    [("\u0662\u0660\u0662\u0666-11-26T10:00:00Z", "not a UTC time"),  # Arabic-Indic digits
     ("2026-11-26T10:00:00+00:00", "not a UTC time"),
     ("2026-02-30T10:00:00Z", "not a valid time")],
)  # fmt: skip
def test_header_times_are_strict(sealed: Sealed, created: str, reason: str) -> None:
    parts = Parts.of(sealed.data)
    parts.set_header(canonical({**Header.parse(parts.header).to_json(), "created": created}))
    with pytest.raises(EnvelopeError, match=reason):
        _open(parts.signed())


@pytest.mark.parametrize("cut", [0, 3, MAGIC_LEN, PREFIX_LEN, PREFIX_LEN + 10, -SIG_LEN - 1,
                                 -SIG_LEN, -1])  # fmt: skip
def test_truncated_is_rejected(big: Sealed, cut: int) -> None:
    with pytest.raises(EnvelopeError):
        _open(big.data[:cut])


def test_trailing_data_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError):
        _open(sealed.data + b"\0")


def test_dropping_the_last_chunk_is_rejected_even_re_signed(big: Sealed) -> None:
    """Truncation at a chunk boundary: the new last chunk was sealed as 'not last'."""
    parts = Parts.of(big.data)
    parts.chunks = parts.chunks[:-1]
    with pytest.raises(EnvelopeError, match="chunk 1 does not decrypt"):
        _open(parts.signed())
    with pytest.raises(EnvelopeError, match="signature"):
        _open(parts.body() + parts.sig)


def test_reordered_chunks_are_rejected_even_re_signed(big: Sealed) -> None:
    parts = Parts.of(big.data)
    parts.chunks[0], parts.chunks[1] = parts.chunks[1], parts.chunks[0]
    with pytest.raises(EnvelopeError, match="chunk 0 does not decrypt"):
        _open(parts.signed())


def test_chunk_swapped_from_another_envelope_is_rejected_even_re_signed(
    version: Version, big: Sealed
) -> None:
    """Same sender, same recipient, same items: the per-message key still tells them apart."""
    other = Parts.of(_seal(version, BIG).data)
    parts = Parts.of(big.data)
    parts.chunks[1] = other.chunks[1]
    with pytest.raises(EnvelopeError, match="chunk 1 does not decrypt"):
        _open(parts.signed())
    with pytest.raises(EnvelopeError, match="signature"):
        _open(parts.body() + parts.sig)


def test_wrap_moved_from_another_envelope_is_rejected(version: Version, sealed: Sealed) -> None:
    parts = Parts.of(sealed.data)
    parts.wraps = Parts.of(_seal(version).data).wraps
    with pytest.raises(EnvelopeError, match="key wrap"):
        _open(parts.signed())


def test_not_an_envelope_is_rejected() -> None:
    for junk in (b"PK\x03\x04 some zip file", b"ISENV0\n" + bytes(100), b"ISENV3\n" + bytes(100)):
        with pytest.raises(EnvelopeError, match="not an infoshare v1 envelope nor a v2 envelope"):
            _open(junk)


# --- versions ------------------------------------------------------------------------------------


def test_seals_version_2_by_default() -> None:
    s = seal_items(
        ITEMS,
        transfer_id="ISR-1",
        decision_sha256=DECISION,
        recipients=[RECIPIENT.public_key()],
        sender=SENDER,
        now=CREATED,
    )
    assert s.data.startswith(b"ISENV2\n")
    header = _open(s.data).header
    assert header.version is V2
    assert header.to_json()["v"] == 2 and header.to_json()["suite"].endswith("/BLAKE3-Ed25519")


def _other(version: Version) -> Version:
    return V1 if version is V2 else V2


def test_preamble_and_header_must_name_the_same_version(version: Version, sealed: Sealed) -> None:
    """The preamble picks the transcript hash: it must agree with the header's ``v``, even when
    the sender re-signs under the rules of the version the preamble names."""
    parts = Parts.of(sealed.data)
    parts.set_header(parts.header, _other(version))
    for data in (parts.signed(), parts.body() + parts.sig):
        with pytest.raises(EnvelopeError, match="header says version .*, the preamble"):
            _open(data)


def test_relabelled_as_the_other_version_and_re_signed_does_not_open(
    version: Version, big: Sealed
) -> None:
    """Preamble, header ``v`` and suite all changed to the other version and re-signed by the
    sender under its rules: the wrap and the payload key are bound to the version's labels and
    to the header hash, so the file key does not come out."""
    other = _other(version)
    parts = Parts.of(big.data)
    h = Header.parse(parts.header).to_json()
    parts.set_header(canonical({**h, "v": other.number, "suite": other.suite}), other)
    with pytest.raises(EnvelopeError, match="key wrap"):
        _open(parts.signed())


def test_signature_is_over_the_versions_own_transcript(version: Version, sealed: Sealed) -> None:
    """A real signature by the sender over the body, but with the other version's transcript
    hash or signature context, does not verify."""
    body = Parts.of(sealed.data).body()
    other = _other(version)
    own = version.transcript_hash()
    own.update(body)
    foreign = other.transcript_hash()
    foreign.update(body)
    assert own.digest() != foreign.digest()
    for message in (
        version.sig_context + foreign.digest(),
        other.sig_context + own.digest(),
        own.digest(),
    ):
        with pytest.raises(EnvelopeError, match="signature does not verify"):
            _open(body + SENDER.sign(message))
    assert _open(_sign(body)).items[0].content == ITEMS[0].content


def test_each_version_has_its_own_labels() -> None:
    labels = [
        (v.magic, v.suite, v.wrap_info, v.payload_info, v.sig_context) for v in VERSIONS.values()
    ]
    assert all(len(set(column)) == len(VERSIONS) for column in zip(*labels, strict=True))
    assert all(len(v.magic) == MAGIC_LEN for v in VERSIONS.values())


# --- keys, time, replay --------------------------------------------------------------------------


def test_wrong_recipient_key_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError, match="not addressed to any of this agency's keys"):
        _open(sealed.data, keys=[X25519PrivateKey.generate()])


def test_wrong_sender_key_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError, match="unknown sender key"):
        _open(sealed.data, sender_key=Ed25519PrivateKey.generate().public_key())


def test_forged_by_another_sender_claiming_the_real_key_id_is_rejected(sealed: Sealed) -> None:
    parts = Parts.of(sealed.data)
    with pytest.raises(EnvelopeError, match="signature does not verify"):
        _open(parts.signed(Ed25519PrivateKey.generate()))


def test_sender_key_is_looked_up_by_id_and_creation_time(sealed: Sealed) -> None:
    asked: list[tuple[str, datetime]] = []

    def lookup(kid: str, created: datetime) -> Any:
        asked.append((kid, created))
        return None

    with pytest.raises(EnvelopeError, match="unknown sender key"):
        _open(sealed.data, sender_key=lookup)
    assert asked == [(key_id(raw_public(SENDER.public_key())), CREATED)]


def test_expired_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError, match="expired"):
        _open(sealed.data, now=CREATED + timedelta(days=14))
    _open(sealed.data, now=CREATED + timedelta(days=14) - timedelta(seconds=1))


def test_created_in_the_future_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError, match="future"):
        _open(sealed.data, now=CREATED - timedelta(minutes=6))


def test_replay_is_rejected(sealed: Sealed) -> None:
    seen = MemorySeenStore()
    _open(sealed.data, seen=seen)
    with pytest.raises(EnvelopeError, match="replay"):
        _open(sealed.data, seen=seen)


def test_replay_is_rejected_across_processes_by_the_store_table(
    tmp_path: Path, sealed: Sealed
) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    upgrade(engine)
    _open(sealed.data, seen=SqlSeenStore(engine))
    again = SqlSeenStore(make_engine(url))  # a fresh connection, as another process would have
    assert again.seen(sealed.message_id)
    with pytest.raises(EnvelopeError, match="replay"):
        _open(sealed.data, seen=again)
    # a racing opener that passed the first check still loses at the atomic claim
    assert not again.claim(sealed.message_id, "x", CREATED + timedelta(days=1), NOW)
    assert again.purge(CREATED + timedelta(days=15)) == 1
    assert not again.seen(sealed.message_id)


def test_failed_open_does_not_burn_the_message_id(sealed: Sealed) -> None:
    seen = MemorySeenStore()
    bad = bytearray(sealed.data)
    bad[-80] ^= 1
    with pytest.raises(EnvelopeError):
        _open(bytes(bad), seen=seen)
    _open(sealed.data, seen=seen)


LOW_ORDER = [
    bytes(32),
    b"\x01" + bytes(31),
    bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
    bytes.fromhex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
]


@pytest.mark.parametrize("point", LOW_ORDER, ids=range(len(LOW_ORDER)))
def test_low_order_recipient_key_is_refused_when_sealing(version: Version, point: bytes) -> None:
    with pytest.raises(EnvelopeError, match="low-order"):
        _seal(version, recipients=[X25519PublicKey.from_public_bytes(point)])


@pytest.mark.parametrize("point", LOW_ORDER, ids=range(len(LOW_ORDER)))
def test_low_order_ephemeral_key_in_a_wrap_is_rejected(sealed: Sealed, point: bytes) -> None:
    parts = Parts.of(sealed.data)
    parts.wraps = [point + parts.wraps[0][32:]]
    with pytest.raises(EnvelopeError, match="key wrap"):
        _open(parts.signed())


def test_oversized_recipient_list_is_refused(version: Version) -> None:
    keys = [X25519PrivateKey.generate().public_key() for _ in range(MAX_RECIPIENTS + 1)]
    with pytest.raises(EnvelopeError, match="too many recipient keys"):
        _seal(version, recipients=keys)
    _seal(version, recipients=keys[:MAX_RECIPIENTS])


def test_oversized_recipient_list_is_rejected_before_reading_wraps(sealed: Sealed) -> None:
    parts = Parts.of(sealed.data)
    h = Header.parse(parts.header).to_json()
    h["recipients"] = [os.urandom(16).hex() for _ in range(MAX_RECIPIENTS + 1)]
    parts.set_header(canonical(h))
    with pytest.raises(EnvelopeError, match="too many recipient keys"):
        _open(parts.signed())


# --- opening into a directory --------------------------------------------------------------------


def _open_to(path: Path, data: bytes, **kw: Any) -> Any:
    args: dict[str, Any] = {
        "keys": [RECIPIENT],
        "sender_key": lambda _k, _c: SENDER.public_key(),
        "seen": None,
        "now": NOW,
    }
    return open_envelope(io.BytesIO(data), DirectorySink(path), **{**args, **kw})


def test_directory_open_writes_items_and_manifest_privately(tmp_path: Path, big: Sealed) -> None:
    out = tmp_path / "out"
    _open_to(out, big.data)
    assert sorted(p.name for p in out.iterdir()) == ["chronology.bin", "manifest.json", "notes.txt"]
    assert (out / "notes.txt").read_bytes() == BIG[1].content
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert stat.S_IMODE((out / "notes.txt").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_directory_open_releases_nothing_on_failure(tmp_path: Path, big: Sealed) -> None:
    parts = Parts.of(big.data)
    bad = bytearray(parts.body())
    bad[parts.regions()["chunk2"].start + 5] ^= 1  # the last chunk: items 1 and 2 came first
    forged = _sign(bytes(bad))
    with pytest.raises(EnvelopeError, match="chunk 2"):
        _open_to(tmp_path / "out", forged)
    assert list(tmp_path.iterdir()) == []


def _force_helper(monkeypatch: pytest.MonkeyPatch, helper: str) -> None:
    """Slabs of 8 chunks, and the transcript hashed inline, on a helper thread that only hashes,
    or on one that also does file I/O (reads ahead when opening, writes when sealing), for every
    version."""
    monkeypatch.setattr(stream, "SLAB_CHUNKS", 8)
    monkeypatch.setattr(
        stream,
        "THREADED_HASH_MIN_CHUNKS",
        dict.fromkeys(VERSIONS, 1 << 40 if helper == "inline" else 1),
    )
    monkeypatch.setattr(stream, "HELPER_IO", dict.fromkeys(VERSIONS, helper == "helper-io"))


HELPERS = ["inline", "hash-only", "helper-io"]


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("chunk", [5, 7, 8, 10])
def test_large_envelope_releases_nothing_before_the_signature(
    tmp_path: Path, version: Version, helper: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large payloads are read, hashed and decrypted a slab of chunks at a time, the hash inline
    or on a helper thread (which, opening, may also read ahead), while chunks are decrypted into
    staging: an altered chunk (not re-signed) or a forged one (re-signed), in the first slab or
    the last, at its edges or inside, leaves nothing behind."""
    _force_helper(monkeypatch, helper)
    items = [SealedItem("item-1", "Bulk", os.urandom(10 * CHUNK_SIZE + 7), "bulk.bin")]
    large = _seal(version, items)
    parts = Parts.of(large.data)
    assert len(parts.chunks) == 11
    assert _open(large.data).items[0].content == items[0].content
    pos = parts.regions()[f"chunk{chunk}"].start + 100
    altered = bytearray(large.data)
    altered[pos] ^= 1
    with pytest.raises(EnvelopeError, match="signature does not verify"):
        _open_to(tmp_path / "out", bytes(altered))
    body = bytearray(parts.body())
    body[pos] ^= 1
    forged = _sign(bytes(body))
    with pytest.raises(EnvelopeError, match=f"chunk {chunk} does not decrypt"):
        _open_to(tmp_path / "out", forged)
    assert list(tmp_path.iterdir()) == []
    _open_to(tmp_path / "out", large.data)
    assert (tmp_path / "out" / "bulk.bin").read_bytes() == items[0].content


class _FailingRead(io.RawIOBase):
    """A seekable envelope whose reads fail with OSError from byte ``at`` on."""

    def __init__(self, data: bytes, at: int) -> None:
        self.inner, self.at = io.BytesIO(data), at

    def seekable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        return self.inner.seek(pos, whence)

    def tell(self) -> int:
        return self.inner.tell()

    def readinto(self, buf: Any) -> int:
        if self.inner.tell() + len(buf) > self.at:
            raise OSError("disk gone")
        return self.inner.readinto(buf)


class _FailingSink(DirectorySink):
    def write(self, data: memoryview) -> None:
        raise OSError("disk full")


@pytest.mark.parametrize("helper", HELPERS)
@pytest.mark.parametrize("fail", ["read", "write"])
def test_io_errors_while_opening_stop_the_helper_and_release_nothing(
    tmp_path: Path, version: Version, helper: str, fail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read error (on the helper thread when it reads ahead) or a write error (on the caller)
    in the middle of a large envelope surfaces as itself, leaves nothing behind and leaves no
    helper thread running."""
    _force_helper(monkeypatch, helper)
    data = _seal(version, [SealedItem("item-1", "Bulk", os.urandom(30 * CHUNK_SIZE), "b.bin")]).data
    threads = threading.active_count()
    source = _FailingRead(data, len(data) // 2) if fail == "read" else io.BytesIO(data)
    sink = (DirectorySink if fail == "read" else _FailingSink)(tmp_path / "out")
    with pytest.raises(OSError, match="disk gone" if fail == "read" else "disk full"):
        open_envelope(
            source,
            sink,
            keys=[RECIPIENT],
            sender_key=lambda _k, _c: SENDER.public_key(),
            seen=None,
            now=NOW,
        )
    assert list(tmp_path.iterdir()) == []
    assert threading.active_count() == threads


class _FailingWrite(io.BytesIO):
    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.at:
            raise OSError("disk full")
        return super().write(data)


@pytest.mark.parametrize("helper", HELPERS)
def test_write_error_while_sealing_surfaces_and_stops_the_helper(
    version: Version, helper: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write error in the middle of a large envelope (on the helper thread when it writes)
    surfaces as itself and leaves no helper thread running; the same envelope written to a
    working output opens."""
    _force_helper(monkeypatch, helper)
    content = os.urandom(30 * CHUNK_SIZE)
    threads = threading.active_count()

    def seal_to(out: io.BytesIO) -> None:
        _seal_stream(
            out, Item("item-1", "Bulk", "b.bin", len(content), io.BytesIO(content)), version
        )

    with pytest.raises(OSError, match="disk full"):
        seal_to(_FailingWrite(15 * CHUNK_SIZE))
    assert threading.active_count() == threads
    good = io.BytesIO()
    seal_to(good)
    assert _open(good.getvalue()).items[0].content == content


def test_directory_open_refuses_a_non_empty_destination(tmp_path: Path, big: Sealed) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x").write_text("keep me")
    with pytest.raises(EnvelopeError, match="not an empty directory"):
        _open_to(tmp_path / "out", big.data)
    assert (tmp_path / "out" / "x").read_text() == "keep me"


def test_item_shorter_than_its_size_is_refused_when_sealing() -> None:
    with pytest.raises(EnvelopeError, match="shorter"):
        seal(
            io.BytesIO(),
            [Item("item-1", "d", "a.txt", 10, io.BytesIO(b"abc"))],
            transfer_id="ISR-1",
            decision_sha256=DECISION,
            recipients=[RECIPIENT.public_key()],
            sender=SENDER,
            created=CREATED,
        )


@pytest.mark.parametrize("name", ["../etc/passwd", ".hidden", "a/b", "", "x" * 101])
def test_unsafe_file_names_are_refused(version: Version, name: str) -> None:
    with pytest.raises(EnvelopeError, match="file name"):
        _seal(version, [SealedItem("item-1", "d", b"x", name or "/")])


# --- properties over sizes around chunk boundaries -----------------------------------------------


def _sizes() -> st.SearchStrategy[list[int]]:
    """Item sizes near chunk boundaries, near slab boundaries (v1 hashes on the helper thread,
    in slabs, from 8 chunks on; the large-envelope test forces each path for each version), and
    small."""
    near = st.builds(
        lambda k, d: max(0, k * CHUNK_SIZE + d), st.integers(0, 3), st.integers(-300, 300)
    )
    slab = st.builds(
        lambda k, d: max(0, k * stream.SLAB_CHUNKS * CHUNK_SIZE + d),
        st.integers(1, 2),
        st.integers(-300, 300),
    )
    return st.lists(st.one_of(near, slab, st.integers(0, 40)), min_size=1, max_size=3)


_prop = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_prop
@given(sizes=_sizes(), seed=st.integers(0, 255))
def test_property_round_trip(version: Version, sizes: list[int], seed: int) -> None:
    items = [SealedItem(f"item-{i}", "d", bytes([seed ^ i]) * n) for i, n in enumerate(sizes)]
    s = _seal(version, items)
    assert [i.content for i in _open(s.data).items] == [i.content for i in items]


@_prop
@given(sizes=_sizes(), data=st.data())
def test_property_any_truncation_or_extension_is_rejected(
    version: Version, sizes: list[int], data: Any
) -> None:
    s = _seal(version, [SealedItem(f"item-{i}", "d", b"\x5a" * n) for i, n in enumerate(sizes)])
    cut = data.draw(st.integers(0, len(s.data) - 1))
    with pytest.raises(EnvelopeError):
        _open(s.data[:cut])
    extra = data.draw(st.binary(min_size=1, max_size=CT_CHUNK + 20))
    with pytest.raises(EnvelopeError):
        _open(s.data + extra)


@_prop
@given(sizes=_sizes(), data=st.data())
def test_property_re_signed_chunk_truncation_is_rejected(
    version: Version, sizes: list[int], data: Any
) -> None:
    """Dropping trailing chunks or cutting inside the chunk region and re-signing as the sender
    still fails (the STREAM last-chunk flag and the tags)."""
    parts = Parts.of(
        _seal(version, [SealedItem("item-0", "d", b"\x01" * n) for n in sizes[:1]]).data
    )
    body = b"".join(parts.chunks)
    cut = data.draw(st.integers(0, len(body) - 1))
    parts.chunks = [body[:cut]] if cut else []
    with pytest.raises(EnvelopeError):
        _open(parts.signed())


# --- directory inbox -----------------------------------------------------------------------------


def test_inbox_delivers_atomically_with_private_mode(tmp_path: Path, sealed: Sealed) -> None:
    inbox = DirectoryInbox(tmp_path / "inbox")
    d = inbox.deliver("northshire-mash", sealed.message_id, sealed.data)
    final = tmp_path / "inbox" / "northshire-mash" / f"{sealed.message_id}.isenv"
    assert Path(d.location) == final
    assert (d.method, d.sha256) == ("SECURE_INBOX", sealed.sha256)
    assert final.read_bytes() == sealed.data
    assert stat.S_IMODE(final.stat().st_mode) == 0o600
    assert stat.S_IMODE(final.parent.stat().st_mode) == 0o700
    assert [p.name for p in final.parent.iterdir()] == [final.name]  # no temp file left
    _open(final.read_bytes())


def test_inbox_repeat_delivery_is_a_no_op(tmp_path: Path, sealed: Sealed) -> None:
    inbox = DirectoryInbox(tmp_path)
    first = inbox.deliver("northshire-mash", sealed.message_id, sealed.data)
    before = os.stat(first.location)
    again = inbox.deliver("northshire-mash", sealed.message_id, sealed.data)
    after = os.stat(again.location)
    assert again == first
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert len(list((tmp_path / "northshire-mash").iterdir())) == 1


def test_inbox_refuses_different_bytes_under_same_id(
    tmp_path: Path, version: Version, sealed: Sealed
) -> None:
    inbox = DirectoryInbox(tmp_path)
    d = inbox.deliver("northshire-mash", sealed.message_id, sealed.data)
    with pytest.raises(DeliveryRefused, match="different envelope"):
        inbox.deliver("northshire-mash", sealed.message_id, _seal(version).data)
    assert Path(d.location).read_bytes() == sealed.data


def test_inbox_failed_write_leaves_no_envelope_and_retry_succeeds(
    tmp_path: Path, sealed: Sealed, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = DirectoryInbox(tmp_path)
    final = tmp_path / "northshire-mash" / f"{sealed.message_id}.isenv"

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr("infoshare.transport.os.replace", fail)
        with pytest.raises(TransientDeliveryError, match="No space left"):
            inbox.deliver("northshire-mash", sealed.message_id, sealed.data)
    assert not final.exists()  # never a partial envelope under the final name
    inbox.deliver("northshire-mash", sealed.message_id, sealed.data)  # a stale temp file is fine
    assert final.read_bytes() == sealed.data
    assert [p.name for p in final.parent.iterdir()] == [final.name]
