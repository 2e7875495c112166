"""Confirmation codes: proof that a person is who they claim to be for an action outside a run.

Registering or replacing one's own signing key (``infoshare person-key generate``), unlocking a
locked step (``infoshare unlock``) and preparing an item's content from the CLI
(``infoshare provide``) are done in a person's name: a bare ``--as`` claim is not enough. A code
is mailed to the person's registered address (``notifications.telling.Teller``), bound to them
and to the action (``purpose``, e.g. ``unlock ISR-... signoff``); they give it back. It works
once, for a quarter of an hour, and is void after a few wrong tries. Only a keyed hash of a
code is stored; asking again voids the last one. Every code asked for, refused or used is in
the audit trail, never the code.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from infoshare.db.tables import ConfirmationCodeRow
from infoshare.registry.partnership import Member
from infoshare.store import Store
from infoshare.worktime import now_utc

LIFETIME = timedelta(minutes=15)
MAX_TRIES = 3
PERSON_KEY = "person-key"  # the purpose of registering or replacing one's signing key
# How the message gives the code (notifications/templates/confirmation_code.txt.j2)
CODE_IN_MESSAGE = re.compile(r"Your confirmation code: ([A-Z2-7]{5}-[A-Z2-7]{5})")


def unlock_purpose(ref: str, step: str) -> str:
    return f"unlock {ref} {step}"


def provide_purpose(ref: str, item: str) -> str:
    return f"provide {ref} {item}"


class ConfirmationError(Exception):
    """No code can be sent (the person is not registered); the message says why."""


@dataclass(frozen=True)
class Confirmation:
    member: Member
    code: str  # for the message only: never logged or stored
    expires_at: datetime


def _hash(store: Store, person_id: str, purpose: str, code: str) -> str:
    normal = re.sub(r"[\s-]+", "", code).upper()
    msg = b"\0".join([b"infoshare-confirmation-v1", person_id.encode(), purpose.encode(),
                      normal.encode()])  # fmt: skip
    return hmac.new(store.master.derive("confirmation-codes-v1"), msg, hashlib.sha256).hexdigest()


def _audit(store: Store, ref: str | None, person_id: str, event: str, purpose: str) -> None:
    store.audit.write(ref, "confirmation", person_id, event, purpose)


def ask(store: Store, person_id: str, purpose: str, ref: str | None = None) -> Confirmation:
    """A new code for ``person_id`` to confirm ``purpose`` (any earlier live one is void); the
    caller mails it to the person's registered address."""
    member = store.partnership().member(person_id)
    if member is None:
        raise ConfirmationError(f"{person_id!r} is not registered in the partnership")
    raw = base64.b32encode(os.urandom(10)).decode()[:10]
    code = f"{raw[:5]}-{raw[5:]}"
    now = now_utc()
    with store.session() as s:
        s.execute(
            update(ConfirmationCodeRow)
            .where(ConfirmationCodeRow.person_id == person_id,
                   ConfirmationCodeRow.purpose == purpose, ConfirmationCodeRow.used_at.is_(None))
            .values(used_at=now)
        )  # fmt: skip
        s.add(
            ConfirmationCodeRow(person_id=person_id, purpose=purpose,
                                code_hash=_hash(store, person_id, purpose, code), issued_at=now,
                                expires_at=now + LIFETIME, used_at=None, failures=0)
        )  # fmt: skip
    _audit(store, ref, person_id, "confirmation code issued", purpose)
    return Confirmation(member, code, now + LIFETIME)


def confirm(
    store: Store, person_id: str, purpose: str, code: str, ref: str | None = None
) -> str | None:
    """Spend the person's code for ``purpose``: None if it is right, else why it was refused
    (audited, without the code)."""
    now = now_utc()
    with store.session() as s:
        row = s.scalars(
            select(ConfirmationCodeRow)
            .where(ConfirmationCodeRow.person_id == person_id,
                   ConfirmationCodeRow.purpose == purpose)
            .order_by(ConfirmationCodeRow.id.desc())
            .limit(1)
        ).first()  # fmt: skip
        if row is None or row.used_at is not None:
            why = "no confirmation code is waiting for this person and action: ask for a new one"
        elif row.expires_at <= now:
            why = "the confirmation code has expired: ask for a new one"
        elif not hmac.compare_digest(row.code_hash, _hash(store, person_id, purpose, code)):
            row.failures += 1
            if row.failures >= MAX_TRIES:
                row.used_at = now
            why = "the confirmation code is not right"
        else:
            row.used_at = now
            why = ""
    if why:
        _audit(store, ref, person_id, "confirmation refused", f"{purpose}: {why}")
        return why
    _audit(store, ref, person_id, "confirmed", purpose)
    return None
