"""Answers given in the workspace: the proof that the signed-in person gave them.

The workspace resumes a waiting run through the Prefect API like the resume form, but instead
of a one-time code it puts a proof in the answer's ``workspace`` field:

    <nonce>.<base64url(HMAC-SHA256(key, "infoshare-workspace-proof-v1" | run id | step | person
                                   | request hash | answer hash | how signed in | nonce))>

``key`` is derived from the store's master key (the workspace and the flows share the store, so
the flow can check it and nobody without the master key can make one); the nonce is stored with
what it is bound to, and the proof is spent by its first successful use and expires after a few
minutes. ``how signed in`` ("passkey" or "mailed code") goes on the record as
"workspace sign-in: passkey".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from infoshare.db.tables import WorkspaceProofRow
from infoshare.identity.codes import request_hash
from infoshare.store import Store
from infoshare.worktime import now_utc

PATTERN = r"^[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$"
LIFETIME = timedelta(minutes=10)
HOW = ("passkey", "mailed code")


def identity_text(how: str) -> str:
    return f"workspace sign-in: {how}"


def _mac(store: Store, row: WorkspaceProofRow, req_hash: str, answer_sha256: str) -> str:
    msg = b"\0".join(
        [b"infoshare-workspace-proof-v1", row.flow_run_id.encode(), row.step.encode(),
         row.person_id.encode(), req_hash.encode(), answer_sha256.encode(),
         row.signed_in_by.encode(), row.nonce.encode()]
    )  # fmt: skip
    key = store.master.derive("workspace-proof-v1")
    return base64.urlsafe_b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()[:43]


def issue(store: Store, ref: str, step: str, person_id: str, answer_sha256: str, how: str) -> str:
    """A proof for this answer by ``person_id``, signed in ``how``; the workspace puts it in the
    answer it resumes the run with."""
    if how not in HOW:
        raise ValueError(f"unknown way of signing in: {how!r}")
    run_id = store.requests.meta(ref).flow_run_id or ""
    now = now_utc()
    row = WorkspaceProofRow(
        nonce=os.urandom(16).hex(), ref=ref, step=step, person_id=person_id, flow_run_id=run_id,
        answer_sha256=answer_sha256, signed_in_by=how, issued_at=now, expires_at=now + LIFETIME,
        used_at=None,
    )  # fmt: skip
    token = f"{row.nonce}.{_mac(store, row, request_hash(store, ref), answer_sha256)}"
    with store.session() as s:
        s.add(row)
    return token


def redeem(
    store: Store, ref: str, step: str, person_id: str, answer_sha256: str, proof: str
) -> dict[str, Any] | str:
    """Spend a workspace proof; returns the facts for the record, or why it was refused."""
    nonce, _, given = proof.partition(".")
    run_id = store.requests.meta(ref).flow_run_id or ""
    with store.session() as s:
        row = s.get(WorkspaceProofRow, nonce)
        if row is None or row.ref != ref or row.person_id != person_id or row.step != step:
            return "the workspace proof is not valid for this person, step and request"
        expected = _mac(store, row, request_hash(store, ref), answer_sha256)
        if not hmac.compare_digest(expected, given):
            return "the workspace proof does not match this answer"
        if row.flow_run_id != run_id:
            return "the workspace proof was given for another run"
        if row.used_at is not None:
            return "the workspace proof has already been used"
        if row.expires_at <= now_utc():
            return "the workspace proof has expired"
        spent = s.execute(
            update(WorkspaceProofRow)
            .where(WorkspaceProofRow.nonce == nonce, WorkspaceProofRow.used_at.is_(None))
            .values(used_at=now_utc())
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            return "the workspace proof has already been used"
        how = row.signed_in_by
    return {"proof": "workspace", "identity": identity_text(how), "signed_in_by": how}
