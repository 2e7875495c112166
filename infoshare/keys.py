"""Agency key pairs: X25519 to receive envelopes, Ed25519 to sign what the agency discloses.

Private keys live under ``$INFOSHARE_HOME/keys/agencies/<agency>/`` as PKCS#8 PEM, encrypted with
a key derived from the store's master key, mode 0600. Public keys go into the registry.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from infoshare.crypto import MasterKey, write_secret_file

ENCRYPTION = "x25519"
SIGNING = "ed25519"


class KeyNotFound(LookupError):
    pass


def raw_public(key: X25519PublicKey | Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_raw: bytes) -> str:
    """Key id = first 16 bytes of SHA-256 of the raw public key, hex."""
    return hashlib.sha256(public_raw).hexdigest()[:32]


@dataclass(frozen=True)
class PublicKeyInfo:
    agency_id: str
    kind: str
    key_id: str
    public_raw: bytes


class AgencyKeyStore:
    def __init__(self, keys_dir: Path, master: MasterKey) -> None:
        self.root = keys_dir / "agencies"
        self._password = master.derive("agency-private-keys")

    def _path(self, agency_id: str, kind: str) -> Path:
        return self.root / agency_id / f"{kind}.pem"

    def has_keys(self, agency_id: str) -> bool:
        return all(self._path(agency_id, k).exists() for k in (ENCRYPTION, SIGNING))

    def generate(self, agency_id: str) -> list[PublicKeyInfo]:
        """Create both key pairs for an agency; refuses to overwrite existing keys."""
        enc = X25519PrivateKey.generate()
        sig = Ed25519PrivateKey.generate()
        out = []
        for kind, priv in ((ENCRYPTION, enc), (SIGNING, sig)):
            pem = priv.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(self._password),
            )
            write_secret_file(self._path(agency_id, kind), pem)
            pub = raw_public(priv.public_key())
            out.append(PublicKeyInfo(agency_id, kind, key_id(pub), pub))
        return out

    def _load(self, agency_id: str, kind: str) -> object:
        path = self._path(agency_id, kind)
        if not path.exists():
            raise KeyNotFound(f"no {kind} private key for agency {agency_id!r} on this machine")
        return serialization.load_pem_private_key(path.read_bytes(), password=self._password)

    def decryption_key(self, agency_id: str) -> X25519PrivateKey:
        key = self._load(agency_id, ENCRYPTION)
        assert isinstance(key, X25519PrivateKey)
        return key

    def decryption_keys(self, agency_id: str) -> list[X25519PrivateKey]:
        """The current decryption key and every retired one still kept (rotation overlap)."""
        keys = [self.decryption_key(agency_id)]
        for path in sorted((self.root / agency_id).glob(f"{ENCRYPTION}-*.pem")):
            key = serialization.load_pem_private_key(path.read_bytes(), password=self._password)
            assert isinstance(key, X25519PrivateKey)
            keys.append(key)
        return keys

    def signing_key(self, agency_id: str) -> Ed25519PrivateKey:
        key = self._load(agency_id, SIGNING)
        assert isinstance(key, Ed25519PrivateKey)
        return key
