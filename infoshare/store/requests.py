"""The request aggregate: a request, its progress through the steps, refused answers and the
lock-out, and the prepared content of its items.

Steps are recorded as they complete, so a resumed Prefect run never does a completed step
again; what a step keeps that may name people is sealed (``private``), the rest is plain
(``public``) for reports. Item contents can change until the first approval, then are frozen.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from infoshare.db.tables import ItemContentRow, RequestRow, StepRow, share_requests
from infoshare.models import ShareRequest
from infoshare.redaction import public_view
from infoshare.store.errors import UnknownRequest
from infoshare.worktime import now_utc

if TYPE_CHECKING:
    from infoshare.store import Store

DONE = "DONE"
WAITING = "WAITING"


def new_reference(at: datetime, kind: str = "ISR") -> str:
    """Human-quotable, unguessable, unique without a shared counter: ISR-20261126-7KQ3XM9P
    (an enquiry's: ENQ-...)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{kind}-{at:%Y%m%d}-" + "".join(secrets.choice(alphabet) for _ in range(8))


@dataclass(frozen=True)
class RequestMeta:
    ref: str
    flow_run_id: str | None
    received_at: datetime
    requesting_agency: str
    disclosing_agency: str
    requester_id: str
    urgency: str
    due_at: datetime | None
    status: str
    public: dict[str, Any]
    enquiry_ref: str | None = None

    @classmethod
    def of(cls, r: RequestRow) -> RequestMeta:
        return cls(
            r.ref,
            r.flow_run_id,
            r.received_at,
            r.requesting_agency,
            r.disclosing_agency,
            r.requester_id,
            r.urgency,
            r.due_at,
            r.status,
            dict(r.public),
            r.enquiry_ref,
        )


@dataclass(frozen=True)
class Refusal:
    """A refused answer, counted: the step's total, the claimant's and the step's junk (answers
    whose identity was not proven) since the last unlock."""

    attempts: int
    by_claimant: int
    junk: int


@dataclass(frozen=True)
class StepState:
    status: str
    attempts: int
    actor_id: str | None
    public: dict[str, Any]
    private: dict[str, Any]


@dataclass(frozen=True)
class StepProgress:
    """A step's state without what it keeps sealed: enough to say who may answer it next."""

    status: str
    attempts: int
    actor_id: str | None
    public: dict[str, Any]


# one request's steps' progress by step name, from what was read for many (``Requests.progress``)
ProgressOf = Callable[[str], StepProgress | None]


def progress_of(found: dict[tuple[str, str], StepProgress], ref: str) -> ProgressOf:
    return lambda step: found.get((ref, step))


BATCH = 500  # refs per query when reading many requests at once


class Requests:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._sealer = store.sealer
        self._audit = store.audit

    @staticmethod
    def row(s: Session, ref: str) -> RequestRow:
        row = s.get(RequestRow, ref)
        if row is None:
            raise UnknownRequest(ref)
        return row

    # --- the request ------------------------------------------------------------------------

    def register(
        self,
        req: ShareRequest,
        flow_run_id: str | None,
        received_at: datetime | None = None,
        enquiry_ref: str | None = None,
    ) -> str:
        """Store a new request (personal fields sealed); idempotent per flow run.
        ``enquiry_ref``: the multi-agency enquiry it is one agency's part of."""
        if flow_run_id is not None:
            existing = self.ref_for_run(flow_run_id)
            if existing:
                return existing
        at = received_at or now_utc()
        ref = new_reference(at)
        wrapped, key_id = self._sealer.new_wrapped_key(ref)
        row = RequestRow(
            ref=ref,
            flow_run_id=flow_run_id,
            received_at=at,
            requesting_agency=req.requesting_agency,
            disclosing_agency=req.disclosing_agency,
            requester_id=req.requester_id,
            urgency=req.urgency.value,
            due_at=None,
            status="RECEIVED",
            public=public_view(req),
            wrapped_key=wrapped,
            wrapped_key_id=key_id,
            enquiry_ref=enquiry_ref,
        )
        row.sealed_request = self._sealer.seal(row, "request", req.model_dump_json().encode())
        try:
            with self._store.session() as s:
                s.add(row)
                self._audit.add(s, ref, "intake", req.requester_id, "request received")
        except IntegrityError:
            if flow_run_id is not None and (existing := self.ref_for_run(flow_run_id)):
                return existing  # a concurrent attempt for the same run won the race
            raise
        return ref

    def ref_for_run(self, flow_run_id: str) -> str | None:
        with self._store.session() as s:
            return s.scalar(select(RequestRow.ref).where(RequestRow.flow_run_id == flow_run_id))

    def request(self, ref: str) -> ShareRequest:
        with self._store.session() as s:
            row = self.row(s, ref)
            raw = self._sealer.unseal(row, "request", row.sealed_request or b"")
        return ShareRequest.model_validate_json(raw)

    def many(self, refs: list[str]) -> dict[str, tuple[RequestMeta, ShareRequest]]:
        """Several requests at once, each with its metadata: a query per 500, not per request
        (a person's inbox reads every request waiting at their agency)."""
        out: dict[str, tuple[RequestMeta, ShareRequest]] = {}
        with self._store.session() as s:
            for start in range(0, len(refs), BATCH):
                chunk = refs[start : start + BATCH]
                for row in s.scalars(select(RequestRow).where(RequestRow.ref.in_(chunk))):
                    raw = self._sealer.unseal(row, "request", row.sealed_request or b"")
                    out[row.ref] = (RequestMeta.of(row), ShareRequest.model_validate_json(raw))
        return out

    def progress(self, refs: list[str], *steps: str) -> dict[tuple[str, str], StepProgress]:
        """Those steps' progress for several requests at once, by (ref, step); nothing is
        unsealed."""
        out: dict[tuple[str, str], StepProgress] = {}
        with self._store.session() as s:
            for start in range(0, len(refs), BATCH):
                chunk = refs[start : start + BATCH]
                for row in s.scalars(
                    select(StepRow).where(StepRow.ref.in_(chunk), StepRow.step.in_(steps))
                ):
                    out[(row.ref, row.step)] = StepProgress(
                        row.status, row.attempts, row.actor_id, dict(row.public)
                    )
        return out

    def meta(self, ref: str) -> RequestMeta:
        with self._store.session() as s:
            return RequestMeta.of(self.row(s, ref))

    def set_status(self, ref: str, status: str, due_at: datetime | None = None) -> None:
        with self._store.session() as s:
            row = self.row(s, ref)
            row.status = status
            if due_at is not None:
                row.due_at = due_at

    def latest(self, limit: int = 50) -> list[RequestMeta]:
        with self._store.session() as s:
            rows = s.scalars(
                select(RequestRow)
                .where(share_requests())
                .order_by(RequestRow.received_at.desc())
                .limit(limit)
            )
            return [RequestMeta.of(r) for r in rows]

    # --- steps ------------------------------------------------------------------------------

    def step(self, ref: str, step: str) -> StepState | None:
        with self._store.session() as s:
            row = s.get(StepRow, (ref, step))
            if row is None:
                return None
            return StepState(
                row.status,
                row.attempts,
                row.actor_id,
                dict(row.public),
                self._sealer.unseal_json(self.row(s, ref), f"step:{step}", row.sealed),
            )

    @staticmethod
    def _upsert_step(s: Session, ref: str, step: str) -> StepRow:
        row = s.get(StepRow, (ref, step), with_for_update=True)
        if row is None:
            row = StepRow(
                ref=ref, step=step, status=WAITING, attempts=0, public={}, updated_at=now_utc()
            )
            s.add(row)
        return row

    def complete_step(
        self,
        ref: str,
        step: str,
        *,
        actor_id: str | None = None,
        public: dict[str, Any] | None = None,
        private: dict[str, Any] | None = None,
    ) -> None:
        """Mark a step DONE with its outcome; ``private`` is sealed (free text may name people)."""
        with self._store.session() as s:
            req_row = self.row(s, ref)
            row = self._upsert_step(s, ref, step)
            if row.status == DONE:
                return
            row.status = DONE
            row.actor_id = actor_id
            row.updated_at = now_utc()
            row.public = public or {}
            row.sealed = self._sealer.seal_json(req_row, f"step:{step}", private or {})
            self._audit.add(s, ref, step, actor_id, "step completed")

    def stage_step(
        self, ref: str, step: str, *, public: dict[str, Any], private: dict[str, Any]
    ) -> None:
        """Keep work in progress for a step that is not DONE yet (e.g. a sealed envelope
        before delivery, so a retry delivers the same message instead of a second one)."""
        with self._store.session() as s:
            req_row = self.row(s, ref)
            row = self._upsert_step(s, ref, step)
            if row.status == DONE:
                return
            row.updated_at = now_utc()
            row.public = public
            row.sealed = self._sealer.seal_json(req_row, f"step:{step}", private)

    # --- refused answers and the lock-out ---------------------------------------------------

    def refuse_attempt(
        self, ref: str, step: str, actor_id: str | None, reasons: list[str],
        claimant: str | None = None, junk: bool = False,
    ) -> Refusal:  # fmt: skip
        """Count a refused input for a waiting step: in the step's total (which names the run's
        next pause), against ``claimant`` (the person it claims to be; the lock-out counts per
        person) and, if ``junk`` (identity not proven), in the step's junk count. All but the
        total start again when the step is unlocked."""
        who = claimant or actor_id or ""
        with self._store.session() as s:
            row = self._upsert_step(s, ref, step)
            row.attempts += 1
            row.updated_at = now_utc()
            by = dict(row.public.get("refused_by") or {})
            by[who] = int(by.get(who, 0)) + 1
            junk_count = int(row.public.get("junk", 0)) + (1 if junk else 0)
            row.public = {**row.public, "last_refusal": reasons, "refused_by": by,
                          "junk": junk_count}  # fmt: skip
            self._audit.add(s, ref, step, actor_id, "input refused", "; ".join(reasons))
            return Refusal(row.attempts, by[who], junk_count)

    def attempts(self, ref: str, step: str) -> int:
        with self._store.session() as s:
            row = s.get(StepRow, (ref, step))
            return 0 if row is None else row.attempts

    def refused_by(self, ref: str, step: str, claimant: str) -> int:
        """Refused answers claiming to be ``claimant`` since the step was last unlocked: what
        the lock-out counts."""
        with self._store.session() as s:
            row = s.get(StepRow, (ref, step))
            return 0 if row is None else int((row.public.get("refused_by") or {}).get(claimant, 0))

    def unlock(self, ref: str, step: str, actor_id: str, why: str) -> None:
        """Let everyone locked out of the step answer again (the counts start again)."""
        with self._store.session() as s:
            row = self._upsert_step(s, ref, step)
            row.public = {**row.public, "refused_by": {}, "junk": 0, "last_refusal": []}
            row.updated_at = now_utc()
            self._audit.add(s, ref, step, actor_id, "step unlocked", why)

    # --- item content -----------------------------------------------------------------------

    def provide_item(self, ref: str, item: str, content: bytes, provided_by: str) -> None:
        with self._store.session() as s:
            req_row = self.row(s, ref)
            if item not in req_row.public.get("item_ids", []):
                raise KeyError(f"request {ref} has no item {item!r}")
            signed = s.get(StepRow, (ref, "signoff"))
            # frozen from the first approval on (under four eyes a second one confirms it)
            if signed is not None and (signed.status == DONE or signed.public.get("approvals")):
                raise KeyError(f"{ref} is signed off: its items' content can no longer change")
            s.merge(
                ItemContentRow(
                    ref=ref,
                    item_id=item,
                    provided_by=provided_by,
                    provided_at=now_utc(),
                    size=len(content),
                    sealed=self._sealer.seal(req_row, f"item:{item}", content),
                )
            )
            self._audit.add(s, ref, "prepare", provided_by, f"content prepared for {item}")

    def prepared(self, ref: str) -> dict[str, tuple[str, datetime, int]]:
        """For each item with content prepared: who prepared it, when, and its size (the
        content itself stays sealed)."""
        with self._store.session() as s:
            rows = s.execute(
                select(ItemContentRow.item_id, ItemContentRow.provided_by,
                       ItemContentRow.provided_at, ItemContentRow.size)
                .where(ItemContentRow.ref == ref)
            )  # fmt: skip
            return {r.item_id: (r.provided_by, r.provided_at, r.size) for r in rows}

    def prepared_items(self, ref: str) -> set[str]:
        with self._store.session() as s:
            return set(s.scalars(select(ItemContentRow.item_id).where(ItemContentRow.ref == ref)))

    def item_contents(self, ref: str, items: list[str]) -> dict[str, bytes]:
        with self._store.session() as s:
            req_row = self.row(s, ref)
            rows = s.scalars(
                select(ItemContentRow).where(
                    ItemContentRow.ref == ref, ItemContentRow.item_id.in_(items)
                )
            )
            return {
                r.item_id: self._sealer.unseal(req_row, f"item:{r.item_id}", r.sealed) for r in rows
            }
