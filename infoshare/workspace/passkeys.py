"""Passkeys (WebAuthn) for signing in to the workspace, with the ``webauthn`` package.

A person signed in (by a mailed code, the first time) may register a passkey; after that they
sign in with it, with no id to type (a discoverable credential). Each ceremony's challenge is
kept in the browser session that asked for it, used once and good for five minutes; the origin
and relying-party id are the workspace's own address (``INFOSHARE_WORKSPACE_URL``), so a
passkey works only there. The user handle given to authenticators is a keyed hash of the
person id, not the id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import webauthn
from sqlalchemy import select
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from infoshare.db.tables import WorkspacePasskeyRow
from infoshare.registry.partnership import Member
from infoshare.store import Store
from infoshare.workspace.config import WorkspaceSettings
from infoshare.workspace.sessions import Session
from infoshare.worktime import now_utc

CHALLENGE_LIFETIME = timedelta(minutes=5)
RP_NAME = "infoshare workspace"


@dataclass(frozen=True)
class Passkey:
    credential_id: str
    created_at: datetime
    last_used_at: datetime | None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class Passkeys:
    def __init__(self, store: Store, settings: WorkspaceSettings) -> None:
        self.store = store
        self.settings = settings
        self._handle_key = store.master.derive("workspace-passkey-user-handle-v1")

    def _handle(self, person_id: str) -> bytes:
        return hmac.new(self._handle_key, person_id.encode(), hashlib.sha256).digest()[:16]

    def of(self, person_id: str) -> list[Passkey]:
        with self.store.session() as s:
            rows = s.scalars(
                select(WorkspacePasskeyRow)
                .where(WorkspacePasskeyRow.person_id == person_id)
                .order_by(WorkspacePasskeyRow.created_at)
            )
            return [Passkey(r.credential_id, r.created_at, r.last_used_at) for r in rows]

    def remove(self, person_id: str, credential_id: str) -> bool:
        with self.store.session() as s:
            row = s.get(WorkspacePasskeyRow, credential_id)
            if row is None or row.person_id != person_id:
                return False
            s.delete(row)
        self.store.audit.write(None, "workspace sign-in", person_id, "passkey removed")
        return True

    # --- challenges kept in the browser session ---------------------------------------------

    @staticmethod
    def _keep(session: Session, kind: str, challenge: bytes) -> None:
        session.data["webauthn"] = {"kind": kind, "challenge": _b64url(challenge),
                                    "at": now_utc().isoformat()}  # fmt: skip

    @staticmethod
    def _take(session: Session, kind: str) -> bytes | None:
        kept = session.data.pop("webauthn", None)
        if not kept or kept.get("kind") != kind:
            return None
        if now_utc() - datetime.fromisoformat(kept["at"]) > CHALLENGE_LIFETIME:
            return None
        return webauthn.base64url_to_bytes(kept["challenge"])

    # --- registering a passkey --------------------------------------------------------------

    def registration_options(self, session: Session, person: Member) -> dict[str, Any]:
        options = webauthn.generate_registration_options(
            rp_id=self.settings.host,
            rp_name=RP_NAME,
            user_id=self._handle(person.id),
            user_name=person.id,
            user_display_name=person.name,
            challenge=secrets.token_bytes(32),
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=[
                PublicKeyCredentialDescriptor(id=webauthn.base64url_to_bytes(p.credential_id))
                for p in self.of(person.id)
            ],
        )
        self._keep(session, "register", options.challenge)
        out: dict[str, Any] = json.loads(webauthn.options_to_json(options))
        return out

    def register(self, session: Session, person: Member, credential: dict[str, Any]) -> str:
        """Verify and keep a new passkey; returns "" or why it was refused."""
        challenge = self._take(session, "register")
        if challenge is None:
            return "the passkey request expired; try again"
        try:
            verified = webauthn.verify_registration_response(
                credential=credential, expected_challenge=challenge,
                expected_rp_id=self.settings.host, expected_origin=self.settings.origin,
                require_user_verification=True,
            )  # fmt: skip
        except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
            self.store.audit.write(None, "workspace sign-in", person.id, "passkey refused",
                                   f"registration: {type(exc).__name__}")  # fmt: skip
            return "the passkey could not be verified"
        transports = credential.get("response", {}).get("transports") or []
        with self.store.session() as s:
            s.add(
                WorkspacePasskeyRow(
                    credential_id=_b64url(verified.credential_id), person_id=person.id,
                    public_key=verified.credential_public_key, sign_count=verified.sign_count,
                    transports=[str(t) for t in transports][:8], created_at=now_utc(),
                    last_used_at=None,
                )
            )  # fmt: skip
        self.store.audit.write(None, "workspace sign-in", person.id, "passkey registered")
        return ""

    # --- signing in with one ----------------------------------------------------------------

    def authentication_options(self, session: Session) -> dict[str, Any]:
        options = webauthn.generate_authentication_options(
            rp_id=self.settings.host,
            challenge=secrets.token_bytes(32),
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        self._keep(session, "authenticate", options.challenge)
        out: dict[str, Any] = json.loads(webauthn.options_to_json(options))
        return out

    def authenticate(self, session: Session, credential: dict[str, Any]) -> tuple[str | None, str]:
        """(person id, "") when the passkey verifies, else (None, why)."""
        challenge = self._take(session, "authenticate")
        credential_id = str(credential.get("id") or credential.get("rawId") or "")
        with self.store.session() as s:
            row = s.get(WorkspacePasskeyRow, credential_id)
            if challenge is None:
                return None, "the passkey request expired; try again"
            if row is None:
                self.store.audit.write(None, "workspace sign-in", None, "sign-in refused",
                                       "an unknown passkey")  # fmt: skip
                return None, "this passkey is not registered with infoshare"
            person_id = row.person_id
            try:
                verified = webauthn.verify_authentication_response(
                    credential=credential, expected_challenge=challenge,
                    expected_rp_id=self.settings.host, expected_origin=self.settings.origin,
                    credential_public_key=row.public_key,
                    credential_current_sign_count=row.sign_count, require_user_verification=True,
                )  # fmt: skip
                row.sign_count = verified.new_sign_count
                row.last_used_at = now_utc()
                why = ""
            except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
                why = type(exc).__name__
        if why:
            self.store.audit.write(None, "workspace sign-in", person_id, "sign-in refused",
                                   f"passkey did not verify ({why})")  # fmt: skip
            return None, "the passkey could not be verified"
        return person_id, ""
