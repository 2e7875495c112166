"""Keys and at-rest encryption for the store.

Personal fields of a request are encrypted with AES-256-GCM under a per-request data key; the
data key is itself wrapped by the store's master key. Destroying a request's wrapped data key
later destroys its personal data (crypto-shredding) without touching anything else.

The master key comes from ``INFOSHARE_MASTER_KEY`` (base64, 32 bytes) or, on the embedded
default, from a 0600 file created on first use under ``$INFOSHARE_HOME/keys``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_LEN = 12
KEY_LEN = 32


class DecryptionError(Exception):
    """Ciphertext could not be authenticated: wrong key, wrong context, or tampering."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_json(obj: Any) -> str:
    """SHA-256 of canonical JSON (sorted keys, no whitespace, UTF-8)."""
    return sha256_hex(
        json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        ).encode()
    )


def write_secret_file(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 (never readable by others, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def seal(key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """AES-256-GCM with a random nonce; ``context`` is bound as associated data."""
    nonce = os.urandom(NONCE_LEN)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, context)


def unseal(key: bytes, blob: bytes, context: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:NONCE_LEN], blob[NONCE_LEN:], context)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    @classmethod
    def load(cls, keys_dir: Path, env_value: str | None = None) -> MasterKey:
        if env_value:
            try:
                key = base64.b64decode(env_value, validate=True)
            except ValueError as exc:
                raise ValueError("INFOSHARE_MASTER_KEY is not valid base64") from exc
            if len(key) != KEY_LEN:
                raise ValueError("INFOSHARE_MASTER_KEY must decode to exactly 32 bytes")
            return cls(key)
        path = keys_dir / "master.key"
        if not path.exists():
            # another process may create it first: then read theirs
            with contextlib.suppress(FileExistsError):
                write_secret_file(path, base64.b64encode(os.urandom(KEY_LEN)))
        return cls(base64.b64decode(path.read_bytes()))

    def new_data_key(self, context: str) -> tuple[bytes, bytes]:
        """Return (data key, data key wrapped for storage)."""
        data_key = AESGCM.generate_key(bit_length=256)
        return data_key, seal(self.key, data_key, b"data-key:" + context.encode())

    def unwrap(self, wrapped: bytes, context: str) -> bytes:
        return unseal(self.key, wrapped, b"data-key:" + context.encode())

    def derive(self, label: str) -> bytes:
        """A sub-key for a named purpose (e.g. protecting agency private keys at rest)."""
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=None, info=label.encode())
        return hkdf.derive(self.key)
