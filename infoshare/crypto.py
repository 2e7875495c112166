"""Keys and at-rest encryption for the store.

Personal fields of a request are encrypted with AES-256-GCM under a per-request data key; the
data key is itself wrapped by the store's master key. Destroying a request's wrapped data key
later destroys its personal data (crypto-shredding) without touching anything else.

The master key comes from ``INFOSHARE_MASTER_KEY`` (base64, 32 bytes) or, on the embedded
default, from a 0600 file created on first use under ``$INFOSHARE_HOME/keys``.

A master key has a *key id* (a hash of it, never the key): each wrapped data key and each agency
key file says which master key wraps it, so ``infoshare keys rotate-master``
(``infoshare.rotation``) can move them to a new key in batches and pick up where it stopped.

Sub-keys are derived from the master key by label (``derive``). Two of them name things kept
outside infoshare's reach or in bulk, and must not change when the master key does
(``PINNED_DERIVATIONS``): a rotation carries their values over, wrapped under the new key in
the store (``master_key_derivations``), and ``derive`` returns the carried value. The others
guard short-lived secrets (sessions, mailed codes, proofs) and are derived afresh from the new
key, so whoever held the old key can forge none of them.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_LEN = 12
KEY_LEN = 32
# Derivations carried over by a master key rotation instead of derived afresh:
# - "subject-index": the blind index's tags (``infoshare.store.chain``), one per name in every
#   decision record; new tags would need every record re-opened and the index rebuilt;
# - "workspace-passkey-user-handle-v1": the user handle people's authenticators keep with their
#   passkeys (``infoshare.workspace.passkeys``); it cannot be changed on their devices.
PINNED_DERIVATIONS = ("subject-index", "workspace-passkey-user-handle-v1")


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


def master_key_id(key: bytes) -> str:
    """A master key's id: 32 hex digits of a hash of it, which reveal nothing of the key."""
    return hashlib.sha256(b"infoshare-master-key-id-v1\0" + key).hexdigest()[:32]


def decode_master_key(text: str | bytes, where: str) -> bytes:
    """A master key as written (base64 of 32 bytes), or ValueError naming ``where``."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError:
        raise ValueError(f"{where} is not valid base64") from None
    if len(key) != KEY_LEN:
        raise ValueError(f"{where} must decode to exactly 32 bytes")
    return key


@dataclass(frozen=True)
class MasterKey:
    key: bytes = field(repr=False)
    # values of PINNED_DERIVATIONS carried over from an earlier master key (the store's)
    pinned: Mapping[str, bytes] = field(default_factory=dict, repr=False)
    # only while a rotation runs: the key being retired, which still opens what is not moved yet
    previous: MasterKey | None = field(default=None, repr=False)

    @property
    def key_id(self) -> str:
        return master_key_id(self.key)

    @classmethod
    def load(cls, keys_dir: Path, env_value: str | None = None) -> MasterKey:
        if env_value:
            return cls(decode_master_key(env_value, "INFOSHARE_MASTER_KEY"))
        path = keys_dir / "master.key"
        if not path.exists():
            # another process may create it first: then read theirs
            with contextlib.suppress(FileExistsError):
                write_secret_file(path, base64.b64encode(os.urandom(KEY_LEN)))
        return cls(base64.b64decode(path.read_bytes()))

    def new_data_key(self, context: str) -> tuple[bytes, bytes]:
        """Return (data key, data key wrapped for storage)."""
        data_key = AESGCM.generate_key(bit_length=256)
        return data_key, self.wrap(data_key, context)

    def wrap(self, data_key: bytes, context: str) -> bytes:
        return seal(self.key, data_key, b"data-key:" + context.encode())

    def unwrap(self, wrapped: bytes, context: str) -> bytes:
        try:
            return unseal(self.key, wrapped, b"data-key:" + context.encode())
        except DecryptionError:
            if self.previous is None:
                raise
            return self.previous.unwrap(wrapped, context)

    def derive(self, label: str) -> bytes:
        """A sub-key for a named purpose (e.g. protecting agency private keys at rest); a
        pinned one (``PINNED_DERIVATIONS``) as carried over from the store's first key."""
        if label in self.pinned:
            return self.pinned[label]
        hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=None, info=label.encode())
        return hkdf.derive(self.key)
