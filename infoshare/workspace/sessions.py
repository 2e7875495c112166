"""Workspace sessions: a random session id in a signed cookie, the session itself in the store.

The cookie holds ``<session id>.<HMAC of it>`` under a key derived from the store's master key;
the store keeps only the SHA-256 of the id, with who signed in, how, when, the CSRF token and
a little state (which requests the person has said why they look at, an answer being checked,
a passkey challenge). A session ends after ``idle`` unused or ``absolute`` after it began,
whichever comes first, and at sign-out; signing in always starts a new session (new id), so an
id set before sign-in is worth nothing after it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_

from infoshare.db.tables import WorkspaceSessionRow
from infoshare.store import Store
from infoshare.workspace.config import WorkspaceSettings
from infoshare.worktime import now_utc

TOUCH_EVERY = timedelta(seconds=30)  # last_seen is written at most this often


@dataclass
class Session:
    id_hash: str
    person_id: str | None
    proof: str | None  # how the person signed in: "passkey" or "mailed code"
    csrf: str
    created_at: datetime
    signed_in_at: datetime | None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def signed_in(self) -> bool:
        return self.person_id is not None


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


class Sessions:
    def __init__(self, store: Store, settings: WorkspaceSettings) -> None:
        self.store = store
        self.settings = settings
        self._key = store.master.derive("workspace-session-cookie-v1")

    # --- the cookie -------------------------------------------------------------------------

    def _mac(self, sid: str) -> str:
        digest = hmac.new(self._key, sid.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def cookie_for(self, sid: str) -> str:
        return f"{sid}.{self._mac(sid)}"

    def _sid(self, cookie: str | None) -> str | None:
        sid, _, mac = (cookie or "").partition(".")
        if not sid or not hmac.compare_digest(self._mac(sid), mac):
            return None
        return sid

    # --- sessions ---------------------------------------------------------------------------

    def load(self, cookie: str | None) -> Session | None:
        """The live session this cookie names, or None (no cookie, forged, ended, timed out)."""
        sid = self._sid(cookie)
        if sid is None:
            return None
        now = now_utc()
        with self.store.session() as s:
            row = s.get(WorkspaceSessionRow, _hash(sid))
            if row is None:
                return None
            began = row.signed_in_at or row.created_at
            if now - row.last_seen > self.settings.idle or now - began > self.settings.absolute:
                s.delete(row)
                return None
            if now - row.last_seen > TOUCH_EVERY:
                row.last_seen = now
            return Session(row.id_hash, row.person_id, row.proof, row.csrf, row.created_at,
                           row.signed_in_at, dict(row.data or {}))  # fmt: skip

    def _create(self, person_id: str | None, proof: str | None) -> tuple[Session, str]:
        sid = secrets.token_urlsafe(32)
        now = now_utc()
        row = WorkspaceSessionRow(
            id_hash=_hash(sid), person_id=person_id, proof=proof, csrf=secrets.token_urlsafe(32),
            created_at=now, signed_in_at=now if person_id else None, last_seen=now, data={},
        )  # fmt: skip
        with self.store.session() as s:
            s.add(row)
        session = Session(row.id_hash, person_id, proof, row.csrf, now, row.signed_in_at, {})
        return session, self.cookie_for(sid)

    def new_visitor(self) -> tuple[Session, str]:
        """A session for someone not signed in (it carries the CSRF token and their sign-in)."""
        self.purge()
        return self._create(None, None)

    def sign_in(self, old: Session, person_id: str, proof: str) -> tuple[Session, str]:
        """End ``old`` and start a new session (new id) for the person: no id known before
        sign-in (e.g. one planted in their browser) is worth anything after it."""
        self.end(old)
        session, cookie = self._create(person_id, proof)
        self.store.audit.write(None, None, person_id, "workspace signed in", f"by {proof}")
        return session, cookie

    def end(self, session: Session) -> None:
        with self.store.session() as s:
            s.execute(
                delete(WorkspaceSessionRow).where(WorkspaceSessionRow.id_hash == session.id_hash)
            )

    def save(self, session: Session) -> None:
        with self.store.session() as s:
            row = s.get(WorkspaceSessionRow, session.id_hash)
            if row is not None:
                row.data = dict(session.data)

    def purge(self) -> None:
        """Forget sessions that have timed out."""
        now = now_utc()
        with self.store.session() as s:
            s.execute(
                delete(WorkspaceSessionRow).where(
                    or_(
                        WorkspaceSessionRow.last_seen < now - self.settings.idle,
                        WorkspaceSessionRow.created_at < now - self.settings.absolute,
                    )
                )
            )
