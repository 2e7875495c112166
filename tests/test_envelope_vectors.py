"""Envelope test vectors (tests/vectors/), one index per format version: fixed keys and fixed
randomness, checked both ways. Version 2 seals the same inputs as version 1.

Regenerate (only when a format version is added: the vectors of an existing version never
change) with ``.venv/bin/python tests/test_envelope_vectors.py --write``.

The HPKE wrap here is RFC 9180 base-mode single-shot Seal written out step by step, so the
ephemeral key can be fixed; production code uses ``cryptography``'s HPKE, which must open it.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from infoshare.envelope import EnvelopeError, Item, open_bytes, seal
from infoshare.envelope.format import V1, V2, VERSIONS, Version, parse_time, payload_key
from infoshare.envelope.stream import Wrapper

VECTORS = Path(__file__).parent / "vectors"
VERSION_IDS = [f"v{n}" for n in VERSIONS]


def _index_path(version: Version) -> Path:
    return VECTORS / f"envelope-v{version.number}.json"


def _file(version: Version, name: str) -> str:
    """v1's files kept their unprefixed names; later versions' names start with the version."""
    return f"{name}.isenv" if version is V1 else f"v{version.number}-{name}.isenv"


# --- RFC 9180: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, mode_base -------------------

_KEM_ID, _KDF_ID, _AEAD_ID = 0x0020, 0x0001, 0x0002
_KEM_SUITE = b"KEM" + _KEM_ID.to_bytes(2, "big")
_HPKE_SUITE = b"HPKE" + b"".join(i.to_bytes(2, "big") for i in (_KEM_ID, _KDF_ID, _AEAD_ID))


def _extract(salt: bytes, label: bytes, ikm: bytes, suite: bytes) -> bytes:
    return hmac.new(salt or bytes(32), b"HPKE-v1" + suite + label + ikm, "sha256").digest()


def _expand(prk: bytes, label: bytes, info: bytes, n: int, suite: bytes) -> bytes:
    labeled = n.to_bytes(2, "big") + b"HPKE-v1" + suite + label + info
    return HKDFExpand(hashes.SHA256(), n, labeled).derive(prk)


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def hpke_seal_fixed(pk_r: X25519PublicKey, sk_e: X25519PrivateKey, info: bytes, pt: bytes) -> bytes:
    dh = sk_e.exchange(pk_r)
    enc = _raw(sk_e.public_key())
    prk = _extract(b"", b"eae_prk", dh, _KEM_SUITE)
    shared = _expand(prk, b"shared_secret", enc + _raw(pk_r), 32, _KEM_SUITE)
    context = (
        b"\x00"
        + _extract(b"", b"psk_id_hash", b"", _HPKE_SUITE)
        + _extract(b"", b"info_hash", info, _HPKE_SUITE)
    )
    secret = _extract(shared, b"secret", b"", _HPKE_SUITE)
    key = _expand(secret, b"key", context, 32, _HPKE_SUITE)
    base_nonce = _expand(secret, b"base_nonce", context, 12, _HPKE_SUITE)
    return enc + AESGCM(key).encrypt(base_nonce, pt, b"")


def fixed_wrap(ephemerals: list[X25519PrivateKey]) -> Wrapper:
    queue = list(ephemerals)
    return lambda pk, file_key, info: hpke_seal_fixed(pk, queue.pop(0), info, file_key)


# --- the vectors ---------------------------------------------------------------------------------


def _seed(label: str) -> bytes:
    return hashlib.sha256(b"infoshare envelope v1 test vector: " + label.encode()).digest()


def _definitions() -> list[dict[str, Any]]:
    common = {
        "sender_private_key": _seed("sender").hex(),
        "transfer_id": "ISR-20261126-ABCDEFGH",
        "decision_sha256": hashlib.sha256(b"sign-off decision").hexdigest(),
        "created": "2026-11-26T10:00:00Z",
        "expires": "2026-12-10T10:00:00Z",
        "open_at": "2026-11-26T11:00:00Z",
    }
    return [
        {
            **common,
            "name": "two-items-one-recipient",
            "recipient_private_keys": [_seed("recipient-a").hex()],
            "ephemeral_private_keys": [_seed("ephemeral-1").hex()],
            "file_key": _seed("file-key-1").hex(),
            "message_id": _seed("message-id-1")[:16].hex(),
            "items": [
                {
                    "id": "item-1",
                    "description": "A&E attendance dates, last 12 months",
                    "file_name": "item-1.txt",
                    "content_hex": b"2026-10-01\n2026-11-02\n".hex(),
                },
                {
                    "id": "item-2",
                    "description": "Empty item",
                    "file_name": "item-2.txt",
                    "content_hex": "",
                },
            ],
        },
        {
            **common,
            "name": "two-chunks-two-recipients",
            "recipient_private_keys": [_seed("recipient-a").hex(), _seed("recipient-b").hex()],
            "ephemeral_private_keys": [_seed("ephemeral-2").hex(), _seed("ephemeral-3").hex()],
            "file_key": _seed("file-key-2").hex(),
            "message_id": _seed("message-id-2")[:16].hex(),
            "items": [
                {
                    "id": "item-1",
                    "description": "Chronology",
                    "file_name": "chronology.bin",
                    "content_hex": bytes((i * 7) % 256 for i in range(66000)).hex(),
                },
            ],
        },
    ]


def _x(hexkey: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(bytes.fromhex(hexkey))


def _sender(v: dict[str, Any]) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(v["sender_private_key"]))


def _time(v: dict[str, Any], name: str) -> datetime:
    return parse_time(v[name], name)


def seal_vector(version: Version, v: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    seal(
        out,
        [
            Item(
                i["id"],
                i["description"],
                i["file_name"],
                len(bytes.fromhex(i["content_hex"])),
                io.BytesIO(bytes.fromhex(i["content_hex"])),
            )
            for i in v["items"]
        ],
        transfer_id=v["transfer_id"],
        decision_sha256=v["decision_sha256"],
        recipients=[_x(k).public_key() for k in v["recipient_private_keys"]],
        sender=_sender(v),
        created=_time(v, "created"),
        expires=_time(v, "expires"),
        version=version,
        file_key=bytes.fromhex(v["file_key"]),
        message_id=v["message_id"],
        wrap=fixed_wrap([_x(k) for k in v["ephemeral_private_keys"]]),
    )
    return out.getvalue()


def _intermediates(version: Version, v: dict[str, Any], data: bytes) -> dict[str, str]:
    hlen = int.from_bytes(data[7:11], "big")
    header = data[11 : 11 + hlen]
    h = hashlib.sha256(header).digest()
    transcript = version.transcript_hash()
    transcript.update(data[:-64])
    return {
        "header_sha256": h.hex(),
        "payload_key": payload_key(version, bytes.fromhex(v["file_key"]), v["message_id"], h).hex(),
        f"transcript_{transcript.name}": transcript.digest().hex(),  # type: ignore[attr-defined]
        "envelope_sha256": hashlib.sha256(data).hexdigest(),
    }


def _flip(pos: int) -> Callable[[bytes], bytes]:
    return lambda d: d[:pos] + bytes([d[pos] ^ 1]) + d[pos + 1 :]


def _signed_over_sha256_transcript(d: bytes) -> bytes:
    """Version 2 with the trailer a real signature by the sender, but over a SHA-256
    transcript (version 1's hash) with version 2's context: an opener must use BLAKE3."""
    body = d[:-64]
    sender = _sender(_definitions()[0])
    return body + sender.sign(V2.sig_context + hashlib.sha256(body).digest())


def _rejects(version: Version) -> list[tuple[str, str, Callable[[bytes], bytes]]]:
    common = [
        ("flipped-last-chunk-byte", "signature does not verify", _flip(-70)),
        ("flipped-header-byte", "header", _flip(20)),
        ("trailer-removed", "signature does not verify", lambda d: d[:-64]),
    ]
    if version is V1:
        return common
    return [
        *common,
        ("preamble-says-v1", "header says version 2, the preamble 1",
         lambda d: V1.magic + d[len(V1.magic) :]),
        ("signed-over-sha256-transcript", "signature does not verify",
         _signed_over_sha256_transcript),
    ]  # fmt: skip


def write(version: Version) -> None:
    VECTORS.mkdir(exist_ok=True)
    index: dict[str, Any] = {
        "format": f"infoshare envelope v{version.number} (docs/envelope-v{version.number}.md)",
        "vectors": [],
        "must_reject": [],
    }
    for v in _definitions():
        data = seal_vector(version, v)
        (VECTORS / _file(version, v["name"])).write_bytes(data)
        index["vectors"].append(
            {**v, **_intermediates(version, v, data), "envelope": _file(version, v["name"])}
        )
    first = index["vectors"][0]
    valid = (VECTORS / first["envelope"]).read_bytes()
    for name, reason, alter in _rejects(version):
        (VECTORS / _file(version, f"reject-{name}")).write_bytes(alter(valid))
        index["must_reject"].append(
            {
                "name": name,
                "envelope": _file(version, f"reject-{name}"),
                "open_as": first["name"],
                "reason": reason,
            }  # fmt: skip
        )
    _index_path(version).write_text(json.dumps(index, indent=1) + "\n")


# --- the checks ----------------------------------------------------------------------------------


def _index(version: Version) -> dict[str, Any]:
    return json.loads(_index_path(version).read_text())


def _by_name(version: Version) -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in _index(version)["vectors"]}


_each_version = pytest.mark.parametrize("version", VERSIONS.values(), ids=VERSION_IDS)
_each_vector = pytest.mark.parametrize("name", [v["name"] for v in _definitions()])


@_each_version
@_each_vector
def test_sealing_the_fixed_inputs_reproduces_the_vector(version: Version, name: str) -> None:
    v = _by_name(version)[name]
    data = seal_vector(version, v)
    assert data == (VECTORS / v["envelope"]).read_bytes()
    assert _intermediates(version, v, data) == {k: v[k] for k in _intermediates(version, v, data)}


@_each_version
@_each_vector
def test_vector_opens_with_each_recipient_key(version: Version, name: str) -> None:
    v = _by_name(version)[name]
    data = (VECTORS / v["envelope"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == v["envelope_sha256"]
    assert data.startswith(version.magic)
    for k in v["recipient_private_keys"]:
        opened = open_bytes(
            data, keys=[_x(k)], sender_key=_sender(v).public_key(), now=_time(v, "open_at")
        )
        assert [(i.item_id, i.description, i.file_name, i.content.hex()) for i in opened.items] == [
            (i["id"], i["description"], i["file_name"], i["content_hex"]) for i in v["items"]
        ]
        assert opened.header.message_id == v["message_id"]
        assert opened.header.version is version


@_each_version
def test_definitions_match_the_stored_inputs(version: Version) -> None:
    """The vector file is exactly what the definitions here produce (no hand edits)."""
    for d in _definitions():
        stored = _by_name(version)[d["name"]]
        assert {k: stored[k] for k in d} == d


@pytest.mark.parametrize(
    ("version", "name"),
    [(v, name) for v in VERSIONS.values() for name, _, _ in _rejects(v)],
    ids=[f"v{v.number}-{name}" for v in VERSIONS.values() for name, _, _ in _rejects(v)],
)
def test_must_reject_vectors_are_rejected(version: Version, name: str) -> None:
    (entry,) = [e for e in _index(version)["must_reject"] if e["name"] == name]
    v = _by_name(version)[entry["open_as"]]
    data = (VECTORS / entry["envelope"]).read_bytes()
    valid = (VECTORS / v["envelope"]).read_bytes()
    assert data == {n: alter for n, _, alter in _rejects(version)}[name](valid)
    with pytest.raises(EnvelopeError, match=entry["reason"]):
        open_bytes(
            data,
            keys=[_x(v["recipient_private_keys"][0])],
            sender_key=_sender(v).public_key(),
            now=_time(v, "open_at"),
        )


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: test_envelope_vectors.py --write")
    for each in VERSIONS.values():
        write(each)
