"""Agency key pairs: X25519 to receive envelopes, Ed25519 to sign what the agency discloses.

Private keys live under ``$INFOSHARE_HOME/keys/agencies/<agency>/<kind>-<key id>.key``, one JSON
file each, mode 0600 in a 0700 directory. The raw private key is encrypted with AES-256-GCM under
a key derived from a secret:

* ``INFOSHARE_KEY_PASSPHRASE`` (or a passphrase typed at ``infoshare keys --ask-passphrase``)
  when it is set, stretched with scrypt (a passphrase can be guessed: each guess must cost), or
* the store's master key (``INFOSHARE_MASTER_KEY`` or its 0600 key file) otherwise, so the
  embedded default needs no set-up, with HKDF-SHA256: a random 32-byte key cannot be guessed,
  so stretching it bought nothing and cost every process that signs 0.1 s of CPU. Files written
  under the master key before 7 December 2026 say scrypt, and still open: ``infoshare keys
  rotate`` writes an agency's new current keys with HKDF (its retired decryption key stays as
  written until it expires), ``keys rotate-master`` writes every file again, and ``keys
  rewrap`` writes again those still under scrypt, keys unchanged. Versions before
  then call the HKDF files malformed: no going back to them once such a file is written.

Each file says which of the two protects it, so a missing or wrong passphrase gets a clear
error; a file under the master key also names that key's id (``master_key_id``, absent in files
written before master key rotation), so ``infoshare keys rotate-master`` knows what to move and a
machine given the wrong key is told which one the file needs. The file's metadata (agency, kind, key id, KDF parameters) is the associated data, so it
cannot be altered or swapped. The newest file of a kind is the agency's current key; rotation
writes new files, removes the retired signing key and keeps retired decryption keys for
``DECRYPTION_KEY_RETENTION`` so envelopes sealed to them still open. Public keys and their
validity live in the registry (``registry.add_public_keys``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from infoshare.crypto import MasterKey, write_secret_file

ENCRYPTION = "x25519"
SIGNING = "ed25519"
KINDS = (ENCRYPTION, SIGNING)
PASSPHRASE_ENV = "INFOSHARE_KEY_PASSPHRASE"  # noqa: S105  (a variable name, not a secret)
FILE_FORMAT = "infoshare-agency-private-key/1"
# for a passphrase: 32 MiB and about 0.1 s per derivation; derived keys are cached per process
# and salt
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
# for the master key (its "agency-private-keys" sub-key), with the writing process's random
# salt (one for all the files it writes; each file has its own random nonce)
HKDF_INFO = b"infoshare agency private key file"
# A retired decryption key is kept this long after it stopped being current: longer than any
# rotation overlap (at most MAX_OVERLAP) plus the longest envelope lifetime (30 days).
DECRYPTION_KEY_RETENTION = timedelta(days=365)
MAX_OVERLAP = timedelta(days=90)


class KeyStoreError(Exception):
    """A private key cannot be used: missing, unreadable, too open, or the wrong passphrase."""


class KeyNotFound(KeyStoreError, LookupError):
    pass


class WrongPassphrase(KeyStoreError):
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


@dataclass(frozen=True)
class LocalKey:
    """What this machine holds for one private key (never the key itself)."""

    agency_id: str
    kind: str
    key_id: str
    created: datetime
    path: Path


@dataclass(frozen=True)
class Rotation:
    agency_id: str
    new: list[PublicKeyInfo]
    retired: list[LocalKey]  # the keys that were current before


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _aad(meta: dict[str, Any]) -> bytes:
    return json.dumps(meta, sort_keys=True, separators=(",", ":")).encode()


def check_private_mode(path: Path) -> None:
    """Refuse a private key file that others could read or write (like ssh does)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyStoreError(
            f"private key file {path} has mode {mode:04o}; it must be readable by its owner "
            f"only: chmod 600 {path}"
        )


class AgencyKeyStore:
    def __init__(self, keys_dir: Path, master: MasterKey, passphrase: str | None = None) -> None:
        self.root = keys_dir / "agencies"
        self._master_id = master.key_id
        self._master_secret = master.derive("agency-private-keys")
        # while a rotation runs: the key being retired opens the files not moved yet
        self._master_secrets = {master.key_id: self._master_secret}
        if master.previous is not None:
            self._master_secrets[master.previous.key_id] = master.previous.derive(
                "agency-private-keys"
            )
        self.passphrase = passphrase or None
        self._derived: dict[tuple[Any, ...], bytes] = {}
        self._salt: bytes | None = None  # one salt for the keys this process writes

    # --- secrets --------------------------------------------------------------------------

    def _secret(self, protected_by: str, path: Path, master_key_id: str | None = None) -> bytes:
        if protected_by == "master-key":
            if master_key_id is None:  # written before key ids: the key of that time
                return self._master_secret
            if master_key_id not in self._master_secrets:
                raise WrongPassphrase(
                    f"private key file {path} is protected by master key {master_key_id}, not by "
                    f"the one given ({self._master_id}): give the key it was written under, or "
                    "after a rotation run `infoshare keys rotate-master` on this machine "
                    "(README: Rotating the master key)"
                )
            return self._master_secrets[master_key_id]
        if self.passphrase is None:  # "passphrase" (``_kek`` refuses any other)
            raise WrongPassphrase(
                f"private key file {path} is protected by a passphrase: set {PASSPHRASE_ENV} "
                "(`infoshare keys` commands also take --ask-passphrase)"
            )
        return self.passphrase.encode()

    def _kdf(self, protected_by: str) -> dict[str, Any]:
        """How a file this process writes derives its key (its salt: ``self._salt``)."""
        if self._salt is None:
            self._salt = os.urandom(16)
        if protected_by == "master-key":
            return {"name": "hkdf-sha256", "salt": _b64(self._salt)}
        return {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
                "salt": _b64(self._salt)}  # fmt: skip

    def _kek(
        self, protected_by: str, path: Path, kdf: dict[str, Any], master_key_id: str | None = None
    ) -> bytes:
        """The key that encrypts a file's private key, as its ``kdf`` says (cached). A file is
        checked before any work is done for it: its derivation, its parameters and its master
        key id are authenticated only once the key they give opens it."""
        malformed = KeyStoreError(f"private key file {path} is malformed")
        if protected_by not in ("master-key", "passphrase"):
            raise KeyStoreError(f"private key file {path} is protected by unknown {protected_by!r}")
        if master_key_id is not None and not isinstance(master_key_id, str):
            raise malformed
        try:
            name, salt = kdf["name"], base64.b64decode(kdf["salt"], validate=True)
            params = (kdf["n"], kdf["r"], kdf["p"]) if name == "scrypt" else ()
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed from exc
        if name == "hkdf-sha256" and protected_by != "master-key":
            # a passphrase must be stretched: a file that says otherwise was altered
            raise KeyStoreError(f"private key file {path} derives a passphrase's key with HKDF")
        if name not in ("scrypt", "hkdf-sha256"):
            raise KeyStoreError(f"private key file {path} uses an unknown key derivation {name!r}")
        if name == "scrypt" and params != (SCRYPT_N, SCRYPT_R, SCRYPT_P):
            # the only ones these files were ever written with: others (huge ones would take
            # memory and CPU before the file is found altered) are refused
            raise KeyStoreError(
                f"private key file {path} names scrypt parameters this version never writes"
            )
        secret = self._secret(protected_by, path, master_key_id)
        cache = (protected_by, name, hashlib.sha256(secret + salt).digest(), *params)
        if cache not in self._derived:
            if name == "scrypt":
                scrypt = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
                self._derived[cache] = scrypt.derive(secret)
            else:
                hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=HKDF_INFO)
                self._derived[cache] = hkdf.derive(secret)
        return self._derived[cache]

    # --- files ----------------------------------------------------------------------------

    def _dir(self, agency_id: str) -> Path:
        return self.root / agency_id

    def _write(
        self,
        agency_id: str,
        kind: str,
        raw_private: bytes,
        pub: bytes,
        at: datetime,
        protected_by: str | None = None,
        replace: bool = False,
    ) -> Path:
        """Write a key file (``replace``: over the one there, atomically)."""
        kid = key_id(pub)
        path = self._dir(agency_id) / f"{kind}-{kid}.key"
        if protected_by is None:
            protected_by = "master-key" if self.passphrase is None else "passphrase"
        kdf = self._kdf(protected_by)
        meta: dict[str, Any] = {
            "format": FILE_FORMAT,
            "agency": agency_id,
            "kind": kind,
            "key_id": kid,
            "created": _time(at),
            "protected_by": protected_by,
            "kdf": kdf,
            "cipher": "AES-256-GCM",
        }
        master_key_id = self._master_id if protected_by == "master-key" else None
        if master_key_id is not None:  # which one (master key rotation)
            meta["master_key_id"] = master_key_id
        kek = self._kek(protected_by, path, kdf, master_key_id)
        nonce = os.urandom(12)
        body = {**meta, "nonce": _b64(nonce),
                "ciphertext": _b64(AESGCM(kek).encrypt(nonce, raw_private, _aad(meta)))}  # fmt: skip
        self._dir(agency_id).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps(body, indent=2).encode()
        if not replace:
            write_secret_file(path, data)
            return path
        fresh = path.with_suffix(".rewrap")
        fresh.unlink(missing_ok=True)  # left by a run that stopped
        write_secret_file(fresh, data)
        fresh.replace(path)
        return path

    def _read_meta(self, path: Path) -> dict[str, Any]:
        try:
            body: dict[str, Any] = json.loads(path.read_bytes())
            if body.get("format") != FILE_FORMAT:
                raise ValueError("not an infoshare private key file")
            return body
        except (OSError, ValueError) as exc:
            raise KeyStoreError(f"private key file {path} is unreadable: {exc}") from exc

    def _decrypt(self, key: LocalKey) -> bytes:
        check_private_mode(key.path)
        body = self._read_meta(key.path)
        meta = {k: v for k, v in body.items() if k not in ("nonce", "ciphertext")}
        # a file from before master key ids: whichever master key given opens it (a rotation
        # holds the old and the new)
        ids: list[str | None] = [meta.get("master_key_id")]
        if meta.get("protected_by") == "master-key" and ids[0] is None:
            ids = list(self._master_secrets)
        for i, master_key_id in enumerate(ids):
            try:
                nonce, ct = base64.b64decode(body["nonce"]), base64.b64decode(body["ciphertext"])
                kdf = meta["kdf"]
            except (KeyError, TypeError, ValueError) as exc:
                raise KeyStoreError(f"private key file {key.path} is malformed") from exc
            kek = self._kek(meta.get("protected_by", ""), key.path, kdf, master_key_id)
            try:
                return AESGCM(kek).decrypt(nonce, ct, _aad(meta))
            except ValueError as exc:  # e.g. a nonce of the wrong length
                raise KeyStoreError(f"private key file {key.path} is malformed") from exc
            except InvalidTag as exc:
                if i + 1 < len(ids):
                    continue
                which = (
                    PASSPHRASE_ENV
                    if meta["protected_by"] == "passphrase"
                    else "the store's master key"
                )
                raise WrongPassphrase(
                    f"private key file {key.path} does not open: wrong passphrase ({which}), or "
                    "the file was altered"
                ) from exc
        raise AssertionError("unreachable")

    def local_keys(self, agency_id: str, kind: str | None = None) -> list[LocalKey]:
        """This machine's private keys of an agency, newest first (the first of a kind is
        current)."""
        out = []
        for path in self._dir(agency_id).glob("*.key"):
            meta = self._read_meta(path)
            if kind is not None and meta.get("kind") != kind:
                continue
            if (
                meta.get("agency") != agency_id
                or path.name != f"{meta['kind']}-{meta['key_id']}.key"
            ):
                raise KeyStoreError(f"private key file {path} does not match its name or agency")
            created = datetime.strptime(meta["created"], "%Y-%m-%dT%H:%M:%S.%fZ")
            out.append(
                LocalKey(agency_id, meta["kind"], meta["key_id"], created.replace(tzinfo=UTC), path)
            )
        return sorted(out, key=lambda k: (k.created, k.key_id), reverse=True)

    def _current(self, agency_id: str, kind: str) -> LocalKey:
        keys = self.local_keys(agency_id, kind)
        if not keys:
            raise KeyNotFound(f"no {kind} private key for agency {agency_id!r} on this machine")
        return keys[0]

    def has_keys(self, agency_id: str) -> bool:
        return all(self.local_keys(agency_id, k) for k in KINDS)

    # --- operations -----------------------------------------------------------------------

    def _new_pair(self, agency_id: str, at: datetime) -> list[PublicKeyInfo]:
        enc, sig = X25519PrivateKey.generate(), Ed25519PrivateKey.generate()
        out, written = [], []
        try:
            for kind, priv in ((ENCRYPTION, enc), (SIGNING, sig)):
                raw = priv.private_bytes(
                    serialization.Encoding.Raw,
                    serialization.PrivateFormat.Raw,
                    serialization.NoEncryption(),
                )
                pub = raw_public(priv.public_key())
                written.append(self._write(agency_id, kind, raw, pub, at))
                out.append(PublicKeyInfo(agency_id, kind, key_id(pub), pub))
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        return out

    def generate(self, agency_id: str, at: datetime | None = None) -> list[PublicKeyInfo]:
        """Create both key pairs for an agency; refuses when it already has keys here."""
        if any(self.local_keys(agency_id, k) for k in KINDS):
            raise KeyStoreError(
                f"agency {agency_id!r} already has keys on this machine; "
                f"use `infoshare keys rotate --agency {agency_id}`"
            )
        return self._new_pair(agency_id, at or datetime.now(UTC))

    def rotate(self, agency_id: str, at: datetime | None = None) -> Rotation:
        """Write new current key pairs. Call ``finish`` once the registry knows them (the old
        signing key is then destroyed), or ``undo_new`` if it could not be told."""
        retired = [self._current(agency_id, k) for k in KINDS]
        for k in retired:  # the old keys must still open before they are replaced
            self._decrypt(k)
        at = at or datetime.now(UTC)
        if any(at <= k.created for k in retired):
            at = max(k.created for k in retired) + timedelta(microseconds=1)
        return Rotation(agency_id, self._new_pair(agency_id, at), retired)

    def undo_new(self, agency_id: str, infos: list[PublicKeyInfo]) -> None:
        """Delete keys just made (the registry could not be told about them)."""
        for info in infos:
            (self._dir(agency_id) / f"{info.kind}-{info.key_id}.key").unlink(missing_ok=True)

    def finish(self, rotation: Rotation, now: datetime) -> list[LocalKey]:
        """Remove the retired signing key and decryption keys past their retention; returns
        what was removed."""
        removed = [k for k in rotation.retired if k.kind == SIGNING]
        removed += self.expired_decryption_keys(rotation.agency_id, now)
        self.remove(removed)
        return removed

    def expired_decryption_keys(self, agency_id: str, now: datetime) -> list[LocalKey]:
        """Retired decryption keys whose successor has been current for longer than
        DECRYPTION_KEY_RETENTION: nothing still in flight can need them. The retention job
        removes them daily, and each rotation does too."""
        keys = self.local_keys(agency_id, ENCRYPTION)
        return [
            older
            for newer, older in zip(keys, keys[1:], strict=False)
            if newer.created + DECRYPTION_KEY_RETENTION <= now
        ]

    def remove(self, keys: list[LocalKey]) -> None:
        for k in keys:
            with contextlib.suppress(FileNotFoundError):
                k.path.unlink()

    def convert_legacy(self) -> list[Path]:
        """Rewrite private keys written before this file format (before 2f6947d, stop 8:
        ``<kind>.pem``, the current one, and retired ``<kind>-*.pem``; PKCS#8 PEM encrypted
        with the master-key secret) as key files of this format, and delete the PEM files.
        Returns the files written. Needs the master key those were written under."""
        written = []
        for pem in sorted(self.root.glob("*/*.pem")):
            agency_id, kind = pem.parent.name, pem.stem.split("-")[0]
            try:
                key = serialization.load_pem_private_key(pem.read_bytes(), self._master_secret)
            except (OSError, ValueError, TypeError) as exc:
                raise KeyStoreError(
                    f"private key file {pem} (written before stop 8) does not open with this "
                    f"store's master key: {exc}"
                ) from exc
            if kind not in KINDS or not isinstance(key, X25519PrivateKey | Ed25519PrivateKey):
                raise KeyStoreError(f"private key file {pem} is not an agency key")
            raw = key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            pub = raw_public(key.public_key())
            if not (self._dir(agency_id) / f"{kind}-{key_id(pub)}.key").exists():  # not yet
                # the current key (no suffix) stays the newest: a moment after the others
                at = datetime.fromtimestamp(pem.stat().st_mtime, UTC)
                if "-" not in pem.stem:
                    at += timedelta(seconds=1)
                written.append(self._write(agency_id, kind, raw, pub, at))
            pem.unlink()
        return written

    def _files_where(self, wanted: Callable[[dict[str, Any]], bool]) -> list[LocalKey]:
        """This machine's key files, every agency's, whose metadata is ``wanted``."""
        return [
            key
            for agency in sorted(p.name for p in self.root.glob("*") if p.is_dir())
            for key in self.local_keys(agency)
            if wanted(self._read_meta(key.path))
        ]

    def under_other_master_key(self) -> list[LocalKey]:
        """Key files protected by a master key other than the one given (or by the key of
        before key ids were kept): what a master key rotation must still move."""
        return self._files_where(
            lambda meta: (
                meta.get("protected_by") == "master-key"
                and meta.get("master_key_id") != self._master_id
            )
        )

    def stretched_master_key_files(self) -> list[LocalKey]:
        """Key files under the master key given that still derive their key with scrypt
        (written before 7 December 2026): what ``infoshare keys rewrap`` writes again."""
        return self._files_where(
            lambda meta: (
                meta.get("protected_by") == "master-key"
                and meta.get("master_key_id") in (None, self._master_id)
                and isinstance(meta.get("kdf"), dict)
                and meta["kdf"].get("name") == "scrypt"
            )
        )

    def rewrap(self, key: LocalKey) -> None:
        """Write a key file again under the master key given (its previous one opens it), in
        place and atomically: a run stopped at any point leaves the old file or the new."""
        raw = self._decrypt(key)
        if key.kind == ENCRYPTION:
            pub = raw_public(X25519PrivateKey.from_private_bytes(raw).public_key())
        else:
            pub = raw_public(Ed25519PrivateKey.from_private_bytes(raw).public_key())
        self._write(key.agency_id, key.kind, raw, pub, key.created, "master-key", replace=True)

    # --- use ------------------------------------------------------------------------------

    def decryption_key(self, agency_id: str) -> X25519PrivateKey:
        return X25519PrivateKey.from_private_bytes(
            self._decrypt(self._current(agency_id, ENCRYPTION))
        )

    def decryption_keys(self, agency_id: str) -> list[X25519PrivateKey]:
        """The current decryption key and every retired one still kept (rotation overlap)."""
        keys = self.local_keys(agency_id, ENCRYPTION)
        if not keys:
            raise KeyNotFound(
                f"no {ENCRYPTION} private key for agency {agency_id!r} on this machine"
            )
        return [X25519PrivateKey.from_private_bytes(self._decrypt(k)) for k in keys]

    def signing_key(self, agency_id: str) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(
            self._decrypt(self._current(agency_id, SIGNING))
        )
