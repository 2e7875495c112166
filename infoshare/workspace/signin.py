"""Signing in with a mailed code: asked for with a person id or email, sent to the person's
registered address, bound to the browser session that asked, single-use, short-lived.

Nothing tells a visitor whether the id or email they gave is registered: the answer, the page
after it and the time it takes are the same (the mail is sent after the answer). Codes asked for
are limited per person and per client address; a code is void after a few wrong tries, and a
person after many wrong codes is locked out for a while (codes asked for then are not sent).
Every request for a code, refusal and sign-in is in the audit trail (never the code, never what
was typed). Only a keyed hash of a code is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from infoshare.db.tables import WorkspaceSignInCodeRow, WorkspaceSignInEventRow
from infoshare.registry.partnership import Member
from infoshare.store import Store
from infoshare.workspace.config import WorkspaceSettings
from infoshare.workspace.sessions import Session
from infoshare.worktime import now_utc

CODE_FORMAT = re.compile(r"^[A-Z2-7]{4}-?[A-Z2-7]{4}$")
ASKED, FAILED, SIGNED_IN = "code asked for", "wrong code", "signed in"
NOT_RIGHT = "That code is not right. Check it, or ask for a new one."


@dataclass(frozen=True)
class CodeToSend:
    member: Member
    code: str  # for the message only: never logged or stored
    expires_at: datetime


@dataclass(frozen=True)
class Verdict:
    person_id: str | None  # signed in as, or None with ``problem``
    problem: str = ""


def find_member(store: Store, given: str) -> Member | None:
    """The registered person with this id or email (case ignored), if any."""
    given = given.strip()
    p = store.partnership()
    member = p.member(given)
    if member is not None:
        return member
    wanted = given.casefold()
    return next((m for m in p.members.values() if m.email.casefold() == wanted), None)


class SignIn:
    def __init__(self, store: Store, settings: WorkspaceSettings) -> None:
        self.store = store
        self.settings = settings
        self._key = store.master.derive("workspace-signin-codes-v1")

    def _hash(self, code: str) -> str:
        normal = code.strip().upper().replace(" ", "").replace("-", "")
        return hmac.new(self._key, normal.encode(), hashlib.sha256).hexdigest()

    def _event(self, kind: str, person_id: str | None, address: str) -> None:
        with self.store.session() as s:
            s.add(WorkspaceSignInEventRow(at=now_utc(), kind=kind, person_id=person_id,
                                          address=address[:64]))  # fmt: skip

    def _count(self, kind: str, since: datetime, **who: str) -> int:
        with self.store.session() as s:
            q = select(func.count()).select_from(WorkspaceSignInEventRow).where(
                WorkspaceSignInEventRow.kind == kind, WorkspaceSignInEventRow.at >= since,
                *[getattr(WorkspaceSignInEventRow, k) == v for k, v in who.items()],
            )  # fmt: skip
            return int(s.scalar(q) or 0)

    def locked(self, person_id: str) -> bool:
        since = now_utc() - self.settings.lockout
        return self._count(FAILED, since, person_id=person_id) >= self.settings.failures_per_person

    def _audit(self, person_id: str | None, event: str, detail: str = "") -> None:
        self.store.audit.write(None, "workspace sign-in", person_id, event, detail)

    # --- asking for a code ------------------------------------------------------------------

    def ask(self, session: Session, given: str, address: str) -> CodeToSend | None:
        """A code for whoever ``given`` names, bound to ``session``; the code to mail, or None
        (unknown, rate-limited or locked out: the visitor is told the same either way)."""
        member = find_member(self.store, given)
        person_id = member.id if member else None
        now = now_utc()
        since = now - self.settings.rate_window
        too_many = None
        if self._count(ASKED, since, address=address) >= self.settings.codes_per_address:
            too_many = "too many codes asked for from this address"
        elif person_id and self._count(ASKED, since, person_id=person_id) >= (
            self.settings.codes_per_person
        ):
            too_many = "too many codes asked for this person"
        elif person_id and self.locked(person_id):
            too_many = "locked out after too many wrong codes"
        self._event(ASKED, person_id, address)
        code = base64.b32encode(os.urandom(5)).decode()  # 8 characters
        code = f"{code[:4]}-{code[4:]}"
        with self.store.session() as s:
            # one live code per browser session: asking again voids the last one
            s.execute(
                update(WorkspaceSignInCodeRow)
                .where(WorkspaceSignInCodeRow.session_hash == session.id_hash,
                       WorkspaceSignInCodeRow.used_at.is_(None))
                .values(used_at=now)
            )  # fmt: skip
            s.add(
                WorkspaceSignInCodeRow(
                    session_hash=session.id_hash,
                    person_id=person_id if too_many is None else None,
                    code_hash=self._hash(code), issued_at=now,
                    expires_at=now + self.settings.code_lifetime, used_at=None, failures=0,
                )
            )  # fmt: skip
        if member is None:
            self._audit(None, "sign-in code not sent", "the id or email given is not registered")
            return None
        if too_many:
            self._audit(person_id, "sign-in code not sent", too_many)
            return None
        self._audit(person_id, "sign-in code sent")
        return CodeToSend(member, code, now + self.settings.code_lifetime)

    # --- giving it back ---------------------------------------------------------------------

    def check(self, session: Session, code: str, address: str) -> Verdict:
        """Spend the code if it is the one this browser session asked for and still good."""
        if not CODE_FORMAT.match(code.strip().upper().replace(" ", "")):
            return Verdict(None, "A sign-in code looks like ABCD-EFGH.")
        given = self._hash(code)
        now = now_utc()
        with self.store.session() as s:
            rows = list(
                s.scalars(
                    select(WorkspaceSignInCodeRow)
                    .where(WorkspaceSignInCodeRow.code_hash == given)
                    .order_by(WorkspaceSignInCodeRow.id.desc())
                )
            )
            mine = next((r for r in rows if r.session_hash == session.id_hash), None)
            pending = s.scalar(
                select(WorkspaceSignInCodeRow)
                .where(WorkspaceSignInCodeRow.session_hash == session.id_hash)
                .order_by(WorkspaceSignInCodeRow.id.desc())
                .limit(1)
            )
            if mine is None:
                other = rows[0] if rows else None
                if other is not None and other.used_at is not None:
                    refusal = (other.person_id, "the code was already used", "This code has "
                               "already been used. Ask for a new one.")  # fmt: skip
                elif other is not None:
                    other.used_at = now  # it may have been stolen: it works for nobody now
                    refusal = (other.person_id, "the code was asked for in another browser "
                               "session", "This code was asked for in another browser window "
                               "or device: ask for a new one here.")  # fmt: skip
                else:
                    refusal = None
                if refusal is not None:
                    who, why, say = refusal
                else:
                    who, why, say = (
                        (pending.person_id if pending else None),
                        "wrong code",
                        NOT_RIGHT,
                    )
                    if pending is not None:
                        pending.failures += 1
                        if pending.failures >= self.settings.failures_per_code:
                            pending.used_at = now
                            say = "Too many wrong codes: ask for a new one."
            elif mine.used_at is not None:
                who, why, say = (
                    mine.person_id,
                    "the code was already used",
                    ("This code has already been used. Ask for a new one."),
                )
            elif mine.expires_at <= now:
                who, why, say = (
                    mine.person_id,
                    "the code has expired",
                    ("This code has expired. Ask for a new one."),
                )
            elif mine.person_id is None or self.locked(mine.person_id):
                who, why, say = mine.person_id, "no code was sent for this session", NOT_RIGHT
            else:
                mine.used_at = now
                who, why, say = mine.person_id, "", ""
        if not why:
            self._event(SIGNED_IN, who, address)
            return Verdict(who)
        self._event(FAILED, who, address)
        self._audit(who, "sign-in refused", why)
        limit = self.settings.failures_per_person
        if who is not None and self._count(FAILED, now - self.settings.lockout,
                                           person_id=who) == limit:  # fmt: skip
            self._audit(who, "sign-in locked", f"{self.settings.failures_per_person} wrong codes "
                        f"within {self.settings.lockout}")  # fmt: skip
        return Verdict(None, say)
