"""The store's record of its master keys: rotations (``master_key_rotations``) and the sub-keys
carried over from one key to the next (``master_key_derivations``).

Every store open asks it (one query each) which key ids were retired and which pinned
derivations the given key unwraps, so a process given a retired key refuses to run, with the
reason, instead of writing personal data under a key that is about to be destroyed.
The procedure that rotates is ``infoshare.rotation``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from infoshare.config import ConfigError
from infoshare.crypto import DecryptionError, MasterKey, seal, unseal
from infoshare.db.tables import MasterKeyDerivationRow, MasterKeyRotationRow


class RetiredMasterKey(ConfigError):
    """The master key given was retired by a rotation."""


def _context(label: str, key_id: str) -> bytes:
    return f"master-key-derivation:{label}:{key_id}".encode()


def wrap_derivation(master: MasterKey, label: str, value: bytes) -> MasterKeyDerivationRow:
    return MasterKeyDerivationRow(
        label=label,
        key_id=master.key_id,
        wrapped=seal(master.key, value, _context(label, master.key_id)),
    )


@dataclass(frozen=True)
class Rotation:
    old_key_id: str
    new_key_id: str
    finished: bool


def rotations(s: Session) -> list[Rotation]:
    """Every rotation, oldest first."""
    rows = s.scalars(select(MasterKeyRotationRow).order_by(MasterKeyRotationRow.id))
    return [Rotation(r.old_key_id, r.new_key_id, r.finished_at is not None) for r in rows]


def with_pins(s: Session, master: MasterKey) -> MasterKey:
    """``master`` with the pinned derivations the store keeps under it (none on a store never
    rotated: they are then derived from this key, its first). Raises ``RetiredMasterKey`` for
    a key a finished rotation retired, and ``ConfigError`` for a key a rotated store does not
    know."""
    done = rotations(s)
    for r in done:
        if r.old_key_id == master.key_id and r.finished:
            raise RetiredMasterKey(
                f"the master key given (id {master.key_id}) was retired by a rotation to key "
                f"{r.new_key_id}: give this process the new key (INFOSHARE_MASTER_KEY, or "
                "keys/master.key; README: Rotating the master key)"
            )
    rows = s.scalars(
        select(MasterKeyDerivationRow).where(MasterKeyDerivationRow.key_id == master.key_id)
    ).all()
    if not rows:
        if done and not any(r.old_key_id == master.key_id for r in done):
            raise ConfigError(
                f"the master key given (id {master.key_id}) is not this store's: it was rotated "
                f"to key {done[-1].new_key_id}"
            )
        return master  # never rotated (or this is the key a running rotation moves from)
    try:
        pinned = {r.label: unseal(master.key, r.wrapped, _context(r.label, r.key_id)) for r in rows}
    except DecryptionError:
        raise ConfigError(
            "the store's carried-over sub-keys do not open with the master key given: "
            "the store was altered"
        ) from None
    return replace(master, pinned=pinned)
