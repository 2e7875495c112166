"""One-time codes: proof of who answers a waiting run, bound to run, step, person and request.

Prefect's open-source server has no user identity: anyone who can reach it can resume a run
with any input. So the flow sends each person who may answer a one-time code at their
registered contact, and accepts an answer only with a valid code:

    code = base32(HMAC-SHA256(key, "infoshare-code-v1" | run id | step | person | request hash
                              | nonce))[:10]

``key`` is derived from infoshare's master key and never leaves infoshare (it is not a Prefect
variable or block); the nonce is stored, the code is not. A code expires at the step's deadline
and is spent by the first answer that presents it, before the answer's content is checked and
whatever the outcome (``infoshare.steps``): a code seen with a refused answer (in Prefect's run
input, say) is no use to anyone, and its holder is sent a fresh one. Codes are compared in
constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from infoshare.crypto import digest_json
from infoshare.db.tables import OneTimeCodeRow
from infoshare.identity.eligibility import eligible
from infoshare.policy.answers import CODE_PATTERN
from infoshare.registry.partnership import Member
from infoshare.store import Store
from infoshare.worktime import now_utc

MAX_FAILED_ATTEMPTS = 5
CODE_PATTERN_NORMAL = re.compile(CODE_PATTERN)  # a code as issued, after normalise()
_CODE = CODE_PATTERN_NORMAL


@dataclass(frozen=True)
class IssuedCode:
    person_id: str
    code: str  # hand it to the notification; never log or store it
    expires_at: datetime


def _key(store: Store) -> bytes:
    return store.master.derive("one-time-codes-v1")


def request_hash(store: Store, ref: str) -> str:
    """SHA-256 of the request's canonical content: a code for one request fits no other."""
    return digest_json(store.requests.request(ref).model_dump(mode="json"))


def _compute(
    key: bytes, run_id: str, step: str, person_id: str, req_hash: str, nonce: bytes
) -> str:
    msg = b"\0".join(
        [b"infoshare-code-v1", run_id.encode(), step.encode(), person_id.encode(),
         req_hash.encode(), nonce]
    )  # fmt: skip
    raw = base64.b32encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()[:10]
    return f"{raw[:5]}-{raw[5:]}"


# How a notice gives the code (notifications/templates/_code.txt.j2), for `infoshare outbox`.
CODE_IN_NOTICE = re.compile(r"Your one-time code: ([A-Z2-7]{5}-[A-Z2-7]{5})")


def normalise(code: str) -> str:
    """A code as typed (any case, spaces, dashes anywhere) in the form it was issued."""
    c = re.sub(r"[\s-]+", "", code).upper()
    return f"{c[:5]}-{c[5:]}"


def issue(
    store: Store, ref: str, step: str, person_id: str, run_id: str, expires_at: datetime
) -> IssuedCode | None:
    """A new code for this person and step, unless one they hold is still valid (then None:
    they already have it; codes are not re-sent on every wake-up of the run)."""
    return issue_each(store, ref, step, [person_id], run_id, expires_at).get(person_id)


def issue_each(
    store: Store, ref: str, step: str, person_ids: list[str], run_id: str, expires_at: datetime
) -> dict[str, IssuedCode]:
    """``issue`` for several people at once, by person: one transaction, with each code's audit
    line, and the request read once for them all."""
    now = now_utc()
    out: dict[str, IssuedCode] = {}
    with store.session() as s:
        live = set(
            s.scalars(
                select(OneTimeCodeRow.person_id).where(
                    OneTimeCodeRow.ref == ref,
                    OneTimeCodeRow.step == step,
                    OneTimeCodeRow.person_id.in_(person_ids),
                    OneTimeCodeRow.flow_run_id == run_id,
                    OneTimeCodeRow.used_at.is_(None),
                    OneTimeCodeRow.expires_at > now,
                )
            )
        )
        wanted = [p for p in dict.fromkeys(person_ids) if p not in live]
        if not wanted:
            return out
        key, req_hash = _key(store), request_hash(store, ref)
        for person_id in wanted:
            nonce = os.urandom(16)
            s.add(
                OneTimeCodeRow(
                    ref=ref, step=step, person_id=person_id, flow_run_id=run_id, nonce=nonce,
                    issued_at=now, expires_at=expires_at, used_at=None,
                )
            )  # fmt: skip
            store.audit.add(s, ref, step, person_id, "one-time code issued")
            code = _compute(key, run_id, step, person_id, req_hash, nonce)
            out[person_id] = IssuedCode(person_id, code, expires_at)
    return out


def redeem(
    store: Store, ref: str, step: str, person_id: str, run_id: str, code: str | None
) -> str | None:
    """Spend a valid code; returns None on success, or the reason it was refused (for the
    audit trail: never the code itself)."""
    given = normalise(code) if isinstance(code, str) else ""
    if not _CODE.match(given):
        return "the code is missing or malformed"
    now = now_utc()
    key = _key(store)
    req_hash = request_hash(store, ref)
    with store.session() as s:
        rows = list(
            s.scalars(
                select(OneTimeCodeRow).where(
                    OneTimeCodeRow.ref == ref,
                    OneTimeCodeRow.step == step,
                    OneTimeCodeRow.person_id == person_id,
                )
            )
        )
        for row in rows:
            expected = _compute(key, row.flow_run_id, step, person_id, req_hash, row.nonce)
            if not hmac.compare_digest(expected, given):
                continue
            if row.flow_run_id != run_id:
                return "the code was issued for another run"
            if row.used_at is not None:
                return "the code has already been used"
            if row.expires_at <= now:
                return "the code has expired"
            spent = s.execute(
                update(OneTimeCodeRow)
                .where(OneTimeCodeRow.id == row.id, OneTimeCodeRow.used_at.is_(None))
                .values(used_at=now)
            )
            if spent.rowcount != 1:  # type: ignore[attr-defined]
                return "the code has already been used"
            return None
    return "the code is not valid for this person, step and request"


def holders(store: Store, ref: str, step: str, run_id: str) -> set[str]:
    """Who has been issued a code for ``step`` of this run (live, spent or expired)."""
    with store.session() as s:
        return set(
            s.scalars(
                select(OneTimeCodeRow.person_id).where(
                    OneTimeCodeRow.ref == ref,
                    OneTimeCodeRow.step == step,
                    OneTimeCodeRow.flow_run_id == run_id,
                )
            )
        )


def issue_for_step(
    store: Store, ref: str, step: str, run_id: str, expires_at: datetime
) -> list[tuple[Member, IssuedCode]]:
    """Codes for everyone who may answer and does not yet hold a live one."""
    members = eligible(store, ref, step)
    issued = issue_each(store, ref, step, [m.id for m in members], run_id, expires_at)
    return [(m, issued[m.id]) for m in members if m.id in issued]


def withdraw_codes(store: Store, ref: str, step: str, why: str) -> int:
    """Void every live code for ``step`` (e.g. once the first of two approvals is given: the
    remaining approvers get new codes for the second). Returns how many were voided."""
    with store.session() as s:
        voided = s.execute(
            update(OneTimeCodeRow)
            .where(
                OneTimeCodeRow.ref == ref,
                OneTimeCodeRow.step == step,
                OneTimeCodeRow.used_at.is_(None),
            )
            .values(used_at=now_utc())
        )
        n = int(voided.rowcount)  # type: ignore[attr-defined]
    if n:
        store.audit.write(ref, step, None, "one-time codes withdrawn", f"{n} codes: {why}")
    return n


def withdraw_person(s: Session, person_id: str) -> int:
    """Void every live code of someone no longer registered (in the caller's transaction:
    the registry load that deactivated them). Returns how many were voided."""
    voided = s.execute(
        update(OneTimeCodeRow)
        .where(OneTimeCodeRow.person_id == person_id, OneTimeCodeRow.used_at.is_(None))
        .values(used_at=now_utc())
    )
    return int(voided.rowcount)  # type: ignore[attr-defined]
