"""Disposal of a closed request's personal data under the retention rules, and what is left
once its decision record is deleted too.

Which requests are due is ``infoshare.retention``'s rule; this module destroys, in one
transaction, what one request holds, and lists what was destroyed (counts, never content).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from infoshare.db.tables import (
    DecisionRecordRow,
    ItemContentRow,
    OneTimeCodeRow,
    RequestRow,
    StepRow,
    SubjectIndexRow,
)
from infoshare.store.errors import NotClosed
from infoshare.store.requests import DONE, WAITING, Requests
from infoshare.worktime import now_utc

if TYPE_CHECKING:
    from infoshare.store import Store

DISPOSAL = "disposal"  # the step recording that a request's personal data was disposed of


@dataclass(frozen=True)
class Disposal:
    """What disposing of one request's personal data destroys (counts, never content)."""

    ref: str
    request: bool  # the sealed request and its wrapped data key
    steps: int  # steps with sealed data (answers, justifications, staged envelopes)
    items: int  # prepared item contents
    codes: int  # one-time code rows
    index: int  # subject blind-index entries (keyed tags of names and dates of birth)
    record: bool  # the decision record's sealed personal part (and its commitment salts)
    flow_run_id: str | None  # the Prefect run, deleted through the API afterwards

    def parts(self) -> list[str]:
        return [
            p
            for p in [
                "the sealed request and its data key" if self.request else "",
                f"sealed data of {self.steps} step(s)" if self.steps else "",
                f"{self.items} prepared item content(s)" if self.items else "",
                f"{self.codes} one-time code row(s)" if self.codes else "",
                f"{self.index} subject index entr(y/ies)" if self.index else "",
                "the record's sealed personal part" if self.record else "",
                "the Prefect run" if self.flow_run_id else "",
            ]
            if p
        ]

    def what(self) -> str:
        return ", ".join(self.parts()) or "nothing left to dispose"


class Disposals:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._audit = store.audit

    @staticmethod
    def _inventory(s: Session, ref: str) -> Disposal:
        req_row = Requests.row(s, ref)
        record = s.scalar(select(DecisionRecordRow).where(DecisionRecordRow.ref == ref))
        if record is None:
            raise NotClosed(ref)
        count = func.count()
        return Disposal(
            ref=ref,
            request=req_row.wrapped_key is not None or req_row.sealed_request is not None,
            steps=s.scalar(select(count).where(StepRow.ref == ref, StepRow.sealed.is_not(None)))
            or 0,
            items=s.scalar(select(count).where(ItemContentRow.ref == ref)) or 0,
            codes=s.scalar(select(count).where(OneTimeCodeRow.ref == ref)) or 0,
            index=s.scalar(select(count).where(SubjectIndexRow.ref == ref)) or 0,
            record=record.sealed_personal is not None,
            flow_run_id=req_row.flow_run_id,
        )

    def inventory(self, ref: str) -> Disposal:
        """What disposing of the request's personal data would destroy (changes nothing)."""
        with self._store.session() as s:
            return self._inventory(s, ref)

    def dispose_personal(self, ref: str, at: datetime, rule: str) -> Disposal:
        """Destroy a closed request's personal data, in one transaction: its data key and sealed
        request (crypto-shredding), the sealed data of its steps (answers, staged envelopes),
        its prepared item contents, its one-time code rows, its subject blind-index entries and
        its decision record's sealed personal part (the one UPDATE the record triggers allow).
        Kept: the record's decision, reasons, agencies, dates, hashes and commitments, so the
        chain still verifies.

        The request's Prefect run is noted as still to delete (step ``disposal`` WAITING) until
        ``run_data_deleted``. Logged in the audit trail with the rule, never personal data."""
        with self._store.session() as s:
            if self._store.engine.dialect.name == "sqlite":
                s.connection().exec_driver_sql("BEGIN IMMEDIATE")
            done = self._inventory(s, ref)
            if s.get(StepRow, (ref, DISPOSAL)) is not None:
                return done  # disposed already (e.g. by a concurrent run)
            req_row = Requests.row(s, ref)
            req_row.wrapped_key = None
            req_row.sealed_request = None
            s.execute(update(StepRow).where(StepRow.ref == ref).values(sealed=None))
            s.execute(delete(ItemContentRow).where(ItemContentRow.ref == ref))
            s.execute(delete(OneTimeCodeRow).where(OneTimeCodeRow.ref == ref))
            s.execute(delete(SubjectIndexRow).where(SubjectIndexRow.ref == ref))
            s.execute(
                update(DecisionRecordRow)
                .where(DecisionRecordRow.ref == ref, DecisionRecordRow.disposed_at.is_(None))
                .values(sealed_personal=None, disposed_at=at)
            )
            run = "pending" if req_row.flow_run_id else "none"
            s.merge(
                StepRow(
                    ref=ref,
                    step=DISPOSAL,
                    status=WAITING if req_row.flow_run_id else DONE,
                    attempts=0,
                    actor_id=None,
                    updated_at=now_utc(),
                    public={"at": at.isoformat(), "rule": rule, "prefect_run": run},
                    sealed=None,
                )
            )
            self._audit.add(
                s, ref, DISPOSAL, None, "personal data disposed", f"{rule}; disposed: {done.what()}"
            )
        return done

    def runs_to_delete(self) -> list[tuple[str, str]]:
        """(reference, flow run id) of disposed requests whose Prefect run is not deleted yet."""
        with self._store.session() as s:
            rows = s.execute(
                select(RequestRow.ref, RequestRow.flow_run_id)
                .join(StepRow, StepRow.ref == RequestRow.ref)
                .where(StepRow.step == DISPOSAL, StepRow.status == WAITING)
                .order_by(RequestRow.ref)
            )
            return [(r.ref, r.flow_run_id) for r in rows if r.flow_run_id]

    def run_data_deleted(self, ref: str, outcome: str) -> None:
        """The request's Prefect run is gone (``outcome``: deleted, or already absent)."""
        with self._store.session() as s:
            row = s.get(StepRow, (ref, DISPOSAL), with_for_update=True)
            if row is None or row.status == DONE:
                return
            row.status = DONE
            row.updated_at = now_utc()
            row.public = {**row.public, "prefect_run": outcome}
            self._audit.add(s, ref, DISPOSAL, None, "prefect run data deleted", outcome)

    def delete_requests_without_record(self) -> list[str]:
        """Delete what is left of requests whose decision record was deleted under the record
        retention rule (``records.checkpoints.delete_prefix``): the request row, its steps and
        any item contents, code rows or index entries. Only requests whose personal data was
        disposed of and whose Prefect run is gone (step ``disposal`` DONE) and that have no
        record; the audit trail stays. Returns their references."""
        with self._store.session() as s:
            refs = list(
                s.scalars(
                    select(StepRow.ref).where(
                        StepRow.step == DISPOSAL,
                        StepRow.status == DONE,
                        StepRow.ref.not_in(select(DecisionRecordRow.ref)),
                    )
                )
            )
            for start in range(0, len(refs), 500):
                part = refs[start : start + 500]
                for table in (StepRow, ItemContentRow, OneTimeCodeRow, SubjectIndexRow):
                    s.execute(delete(table).where(table.ref.in_(part)))
                s.execute(delete(RequestRow).where(RequestRow.ref.in_(part)))
            for ref in refs:
                self._audit.add(s, ref, DISPOSAL, None, "request deleted", "its record was deleted")
        return refs
