"""The v0 sealed envelope (HPKE + Ed25519) and the directory inbox that delivers it."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from infoshare.envelope import (
    MAGIC,
    EnvelopeError,
    Sealed,
    SealedItem,
    open_envelope,
    read_header,
    seal_items,
)
from infoshare.keys import key_id, raw_public
from infoshare.transport import DirectoryInbox, TransientDeliveryError

RECIPIENT = X25519PrivateKey.generate()
SENDER = Ed25519PrivateKey.generate()
ITEMS = [
    SealedItem("item-1", "A&E attendance dates, last 12 months", b"2026-10-01\n2026-11-02\n"),
    SealedItem(
        "item-2", "Injury descriptions", "bruising to the left forearm \u2013 noted".encode()
    ),
    SealedItem("item-3", "Empty item", b""),
]
CREATED = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def _seal(items: list[SealedItem] = ITEMS) -> Sealed:
    return seal_items(
        items,
        transfer_id="ISR-20261126-ABCDEFGH",
        recipient=RECIPIENT.public_key(),
        sender=SENDER,
        now=CREATED,
    )


def _open(data: bytes) -> object:
    return open_envelope(data, recipient=RECIPIENT, sender=SENDER.public_key())


@pytest.fixture(scope="module")
def sealed() -> Sealed:
    return _seal()


def test_round_trip(sealed: Sealed) -> None:
    opened = open_envelope(sealed.data, recipient=RECIPIENT, sender=SENDER.public_key())
    assert opened.items == ITEMS
    h = opened.header
    assert h["message_id"] == sealed.message_id
    assert h["transfer_id"] == "ISR-20261126-ABCDEFGH"
    assert h["recipient_key_id"] == key_id(raw_public(RECIPIENT.public_key()))
    assert h["sender_key_id"] == key_id(raw_public(SENDER.public_key()))
    assert h["created"] == CREATED.isoformat()
    assert sealed.sha256 == hashlib.sha256(sealed.data).hexdigest()


def test_each_seal_is_a_new_message(sealed: Sealed) -> None:
    again = _seal()
    assert again.message_id != sealed.message_id
    assert again.data != sealed.data


def test_nothing_about_the_items_is_readable_in_transit(sealed: Sealed) -> None:
    for item in ITEMS:
        if item.content:
            assert item.content not in sealed.data
        assert item.description.encode() not in sealed.data
        assert item.item_id.encode() not in sealed.data
    header, *_ = read_header(sealed.data)
    assert set(header) == {
        "version",
        "suite",
        "message_id",
        "transfer_id",
        "sender_key_id",
        "recipient_key_id",
        "created",
    }


def _regions(data: bytes) -> dict[str, range]:
    (hlen,) = struct.unpack_from(">I", data, len(MAGIC))
    h0 = len(MAGIC) + 4
    (clen,) = struct.unpack_from(">I", data, h0 + hlen)
    c0 = h0 + hlen + 4
    return {
        "magic": range(0, len(MAGIC)),
        "header_length": range(len(MAGIC), h0),
        "header": range(h0, h0 + hlen),
        "ciphertext_length": range(h0 + hlen, c0),
        "ciphertext": range(c0, c0 + clen),
        "signature": range(c0 + clen, len(data)),
    }


def _sample(r: range, n: int) -> list[int]:
    if len(r) <= n:
        return list(r)
    step = (len(r) - 1) / (n - 1)
    return sorted({r[round(i * step)] for i in range(n)})


@pytest.mark.parametrize(
    ("region", "samples"),
    [
        ("magic", 7),
        ("header_length", 4),
        ("header", 14),
        ("ciphertext_length", 4),
        ("ciphertext", 14),
        ("signature", 8),
    ],
)
@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
def test_flipped_byte_is_rejected(sealed: Sealed, region: str, samples: int, mask: int) -> None:
    regions = _regions(sealed.data)
    assert regions["signature"].stop == len(sealed.data) and len(regions["signature"]) == 64
    accepted = []
    for pos in _sample(regions[region], samples):
        bad = bytearray(sealed.data)
        bad[pos] ^= mask
        try:
            _open(bytes(bad))
        except EnvelopeError:
            continue
        accepted.append(pos)
    assert accepted == [], f"altered bytes at {accepted} were accepted"


def test_wrong_recipient_key_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError, match="not addressed to this key"):
        open_envelope(
            sealed.data, recipient=X25519PrivateKey.generate(), sender=SENDER.public_key()
        )


def test_wrong_sender_key_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError, match="signature"):
        open_envelope(
            sealed.data, recipient=RECIPIENT, sender=Ed25519PrivateKey.generate().public_key()
        )


def test_forged_by_another_sender_is_rejected() -> None:
    forged = seal_items(
        ITEMS,
        transfer_id="ISR-X",
        recipient=RECIPIENT.public_key(),
        sender=Ed25519PrivateKey.generate(),
    )
    with pytest.raises(EnvelopeError, match="signature"):
        _open(forged.data)


def test_re_signed_body_with_swapped_header_is_rejected(sealed: Sealed) -> None:
    """Even the rightful sender's key cannot make a header swap decrypt: HPKE binds the header."""
    header, header_bytes, ciphertext, _body = read_header(sealed.data)
    other_header = json.dumps({**header, "transfer_id": "ISR-OTHER"}, sort_keys=True,
                              separators=(",", ":")).encode()  # fmt: skip
    body = (
        MAGIC
        + struct.pack(">I", len(other_header))
        + other_header
        + struct.pack(">I", len(ciphertext))
        + ciphertext
    )
    with pytest.raises(EnvelopeError, match="decrypt"):
        _open(body + SENDER.sign(body))


@pytest.mark.parametrize("keep", [0, 3, len(MAGIC), len(MAGIC) + 2, 60, -200, -64, -1])
def test_truncated_is_rejected(sealed: Sealed, keep: int) -> None:
    with pytest.raises(EnvelopeError):
        _open(sealed.data[:keep])


def test_trailing_data_is_rejected(sealed: Sealed) -> None:
    with pytest.raises(EnvelopeError, match="trailing"):
        _open(sealed.data + b"\0")


def test_not_an_envelope_is_rejected() -> None:
    with pytest.raises(EnvelopeError, match="not an infoshare"):
        _open(b"PK\x03\x04 some zip file")


def test_header_must_be_a_json_object() -> None:
    header = b"[1,2,3]"
    body = MAGIC + struct.pack(">I", len(header)) + header + struct.pack(">I", 0)
    with pytest.raises(EnvelopeError, match="header"):
        read_header(body + SENDER.sign(body))


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


def test_inbox_refuses_different_bytes_under_same_id(tmp_path: Path, sealed: Sealed) -> None:
    inbox = DirectoryInbox(tmp_path)
    d = inbox.deliver("northshire-mash", sealed.message_id, sealed.data)
    with pytest.raises(FileExistsError):
        inbox.deliver("northshire-mash", sealed.message_id, _seal().data)
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
