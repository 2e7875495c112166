"""A person's own signing key: an Ed25519 key pair whose public key is registered with their
registry entry (``person_keys``) and whose private key stays on their machine, sealed under
their passphrase (scrypt, AES-256-GCM) in a 0600 file.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from infoshare.config import Settings
from infoshare.crypto import DecryptionError, seal, unseal, write_secret_file
from infoshare.keys import key_id, raw_public
from infoshare.registry import public_keys
from infoshare.store import Store

MIN_PASSPHRASE = 10


class PersonKeyError(Exception):
    """A person's signing key cannot be made, found or opened; the message says why."""


@dataclass(frozen=True)
class PersonKey:
    person_id: str
    key_id: str
    public_b64: str
    path: Path
    replaced: str | None = None  # the key id it replaced (kept, retired: old signatures verify)


def person_key_path(settings: Settings, person_id: str) -> Path:
    return settings.keys_dir / "people" / f"{person_id}.key"


# The private key file: JSON with the raw Ed25519 private key sealed (AES-256-GCM, bound to the
# person and key id) under a key stretched from the passphrase with scrypt, so a copied file
# resists guessing (PKCS#8 as `cryptography` writes it uses only 2048 PBKDF2 rounds).
KEY_FILE_FORMAT = "infoshare-person-key/1"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


def _stretch(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode())


def _key_file(person_id: str, key: Ed25519PrivateKey, passphrase: str) -> bytes:
    salt = os.urandom(16)
    kid = key_id(raw_public(key.public_key()))
    private_raw = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    sealed = seal(_stretch(passphrase, salt, **SCRYPT), private_raw, f"{person_id}:{kid}".encode())
    return json.dumps(
        {"format": KEY_FILE_FORMAT, "person_id": person_id, "key_id": kid,
         "kdf": {"name": "scrypt", **SCRYPT, "salt": base64.b64encode(salt).decode()},
         "sealed": base64.b64encode(sealed).decode()},
        indent=2,
    ).encode()  # fmt: skip


def generate_person_key(
    store: Store, person_id: str, passphrase: str, replace: bool = False
) -> PersonKey:
    """Make the person's Ed25519 key pair: the private key encrypted under ``passphrase``
    (mode 0600, under $INFOSHARE_HOME/keys/people), the public key registered for them. With
    ``replace``, a new pair replaces theirs (the old public key is retired, not deleted: what
    was signed with it still verifies). Who may do this is proven before (``infoshare
    person-key generate`` asks for a code mailed to the person, ``identity.confirmations``),
    and the person is told (``Teller.key_registered``)."""
    if store.partnership().member(person_id) is None:
        raise PersonKeyError(f"{person_id!r} is not registered in the partnership")
    if len(passphrase) < MIN_PASSPHRASE:
        raise PersonKeyError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    path = person_key_path(store.settings, person_id)
    if path.exists() and not replace:
        raise PersonKeyError(
            f"{person_id} already has a signing key here ({path}); --replace makes a new one"
        )
    current = registered_key(store, person_id)
    if current is not None and not replace:
        raise PersonKeyError(
            f"{person_id} already has a registered signing key ({current.key_id}); --replace "
            "makes a new one"
        )
    key = Ed25519PrivateKey.generate()
    fresh = path.with_suffix(".new")
    with contextlib.suppress(FileNotFoundError):
        fresh.unlink()
    write_secret_file(fresh, _key_file(person_id, key, passphrase))
    public_raw = raw_public(key.public_key())
    with store.session() as s:
        public_keys.register_person_key(s, person_id, public_raw, "cli")
    fresh.replace(path)
    old = current.key_id if current else None
    store.audit.write(None, None, person_id, "signing key registered",
                      f"key {key_id(public_raw)}" + (f", replacing key {old}" if old else ""))  # fmt: skip
    return PersonKey(
        person_id, key_id(public_raw), base64.b64encode(public_raw).decode(), path, old
    )


def load_person_key(settings: Settings, person_id: str, passphrase: str) -> Ed25519PrivateKey:
    path = person_key_path(settings, person_id)
    if not path.exists():
        raise PersonKeyError(
            f"no signing key for {person_id} on this machine: `infoshare person-key generate "
            f"--as {person_id}` makes one"
        )
    try:
        data = json.loads(path.read_bytes())
        kdf = data["kdf"]
        stretched = _stretch(passphrase, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"],
                             kdf["p"])  # fmt: skip
        sealed = base64.b64decode(data["sealed"])
        context = f"{person_id}:{data['key_id']}".encode()
    except (ValueError, KeyError, TypeError):
        raise PersonKeyError(f"{path} is not an infoshare signing key file") from None
    try:
        return Ed25519PrivateKey.from_private_bytes(unseal(stretched, sealed, context))
    except DecryptionError:
        raise PersonKeyError(f"wrong passphrase for {person_id}'s signing key") from None


def registered_key(store: Store, person_id: str) -> PersonKey | None:
    with store.session() as s:
        row = public_keys.person_key(s, person_id)
        if row is None:
            return None
        return PersonKey(person_id, row.key_id, base64.b64encode(row.public_raw).decode(),
                         person_key_path(store.settings, person_id))  # fmt: skip
