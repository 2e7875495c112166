"""Public keys registered for the partnership: each agency's X25519 (to receive envelopes) and
Ed25519 (to sign) keys with their validity windows, and people's own signing keys. Private
keys never come here (``infoshare.keys`` holds an agency's, on the machine that uses them).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from infoshare.db.tables import AgencyKeyRow, PersonKeyRow
from infoshare.keys import SIGNING, PublicKeyInfo, key_id


def add_public_keys(
    session: Session, keys: list[PublicKeyInfo], not_before: datetime, not_after: datetime
) -> None:
    for k in keys:
        session.merge(
            AgencyKeyRow(
                key_id=k.key_id,
                agency_id=k.agency_id,
                kind=k.kind,
                public_raw=k.public_raw,
                not_before=not_before,
                not_after=not_after,
            )
        )


def current_public_key(session: Session, agency_id: str, kind: str, at: datetime) -> bytes | None:
    row = session.scalars(
        select(AgencyKeyRow)
        .where(
            AgencyKeyRow.agency_id == agency_id,
            AgencyKeyRow.kind == kind,
            AgencyKeyRow.not_before <= at,
            AgencyKeyRow.not_after > at,
        )
        .order_by(AgencyKeyRow.not_before.desc())
    ).first()
    return None if row is None else row.public_raw


def signing_key_at(
    session: Session, key_id: str, at: datetime, agency_id: str | None = None
) -> bytes | None:
    """The raw Ed25519 public key registered under ``key_id`` and valid at ``at`` (of
    ``agency_id``, when given), or None."""
    query = select(AgencyKeyRow.public_raw).where(
        AgencyKeyRow.key_id == key_id,
        AgencyKeyRow.kind == SIGNING,
        AgencyKeyRow.not_before <= at,
        AgencyKeyRow.not_after > at,
    )
    if agency_id is not None:
        query = query.where(AgencyKeyRow.agency_id == agency_id)
    return session.scalar(query)


def signing_key_lookup(
    sessions: Callable[[], AbstractContextManager[Session]], agency_id: str | None = None
) -> Callable[[str, datetime], Ed25519PublicKey | None]:
    """(key id, time) -> the registered Ed25519 key (of ``agency_id``, when given) valid then:
    who may have signed an envelope, or a receipt."""

    def lookup(kid: str, at: datetime) -> Ed25519PublicKey | None:
        with sessions() as s:
            raw = signing_key_at(s, kid, at, agency_id)
        return None if raw is None else Ed25519PublicKey.from_public_bytes(raw)

    return lookup


def register_person_key(session: Session, person_id: str, public_raw: bytes, source: str) -> bool:
    """Make ``public_raw`` the person's signing key, retiring any other; False (and nothing
    changes) if this key was registered before, so loading the same registry again never brings
    back a key that was replaced since. Retired keys are kept: old signatures still verify."""
    kid = key_id(public_raw)
    if session.get(PersonKeyRow, kid) is not None:
        return False
    now = datetime.now(UTC)
    current = person_key(session, person_id)
    if current is not None:
        current.retired_at = now
    session.add(
        PersonKeyRow(key_id=kid, person_id=person_id, public_raw=public_raw, registered_at=now,
                     retired_at=None, source=source)
    )  # fmt: skip
    return True


def person_key(session: Session, person_id: str) -> PersonKeyRow | None:
    """The person's current signing key, if they have registered one."""
    return session.scalars(
        select(PersonKeyRow).where(
            PersonKeyRow.person_id == person_id, PersonKeyRow.retired_at.is_(None)
        )
    ).first()


def agency_public_keys(session: Session, agency_id: str) -> list[AgencyKeyRow]:
    """Every public key registered for an agency, newest first within each kind."""
    return list(
        session.scalars(
            select(AgencyKeyRow)
            .where(AgencyKeyRow.agency_id == agency_id)
            .order_by(AgencyKeyRow.kind, AgencyKeyRow.not_before.desc(), AgencyKeyRow.key_id)
        )
    )


def valid_public_keys(session: Session, agency_id: str, kind: str, at: datetime) -> list[bytes]:
    """The agency's keys of ``kind`` valid at ``at``, newest first: during a rotation overlap a
    sender seals to all of them."""
    return list(
        session.scalars(
            select(AgencyKeyRow.public_raw)
            .where(
                AgencyKeyRow.agency_id == agency_id,
                AgencyKeyRow.kind == kind,
                AgencyKeyRow.not_before <= at,
                AgencyKeyRow.not_after > at,
            )
            .order_by(AgencyKeyRow.not_before.desc(), AgencyKeyRow.key_id)
        )
    )


def key_status(row: AgencyKeyRow, newest_valid: str | None, at: datetime) -> str:
    """current (the newest key of its kind valid now), overlap (still valid, superseded),
    retired (no longer valid) or pending (not valid yet)."""
    if row.key_id == newest_valid:
        return "current"
    if row.not_before > at:
        return "pending"
    return "overlap" if row.not_after > at else "retired"


def end_key_validity(session: Session, key_id: str, at: datetime) -> None:
    """Shorten a key's validity to end at ``at`` (rotation); never lengthens it."""
    row = session.get(AgencyKeyRow, key_id)
    if row is not None and row.not_after > at:
        row.not_after = at
