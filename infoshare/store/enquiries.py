"""The enquiry aggregate: a multi-agency enquiry, held sealed in a ``requests`` row of its own
(reference ``ENQ-...``, which names itself as its enquiry, and which carries the enquiry's
record at the end), and the agencies it asks (``enquiry_agencies``): each one's share request
and run once started, or withdrawn.

The enquiry itself (its people, its purpose, each agency's items and their necessity) is sealed
under the enquiry's own data key; its ``public`` view names no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from infoshare.db.tables import ENQUIRY_PREFIX, DecisionRecordRow, EnquiryAgencyRow, RequestRow
from infoshare.models import AgencyAsk, Enquiry
from infoshare.redaction import public_enquiry
from infoshare.store.errors import UnknownRequest
from infoshare.store.requests import new_reference
from infoshare.worktime import now_utc

if TYPE_CHECKING:
    from infoshare.store import Store

ASKED = "ASKED"
WITHDRAWN = "WITHDRAWN"
OPEN = "ENQUIRY_OPEN"
REFUSED = "ENQUIRY_REFUSED"  # could not be asked as submitted: recorded at once, nobody asked


class EnquiryClosed(ValueError):
    """An enquiry with its record written takes no more changes."""


@dataclass(frozen=True)
class Asked:
    """One agency an enquiry asks, as the store holds it (no personal data)."""

    agency: str
    status: str
    added_at: datetime
    added_by: str
    child_run_id: str | None
    child_ref: str | None
    withdrawn_at: datetime | None

    @classmethod
    def of(cls, r: EnquiryAgencyRow) -> Asked:
        return cls(r.agency, r.status, r.added_at, r.added_by, r.child_run_id, r.child_ref,
                   r.withdrawn_at)  # fmt: skip


def is_enquiry(ref: str) -> bool:
    return ref.startswith(ENQUIRY_PREFIX)


class Enquiries:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._sealer = store.sealer
        self._audit = store.audit

    def register(
        self, enq: Enquiry, flow_run_id: str | None, problems: list[str] | None = None
    ) -> str:
        """Store a new enquiry (sealed) and the agencies it asks; idempotent per flow run. One
        with ``problems`` is stored REFUSED, asking nobody."""
        if flow_run_id is not None and (known := self._store.requests.ref_for_run(flow_run_id)):
            return known
        at = now_utc()
        ref = new_reference(at, ENQUIRY_PREFIX.rstrip("-"))
        wrapped, key_id = self._sealer.new_wrapped_key(ref)
        row = RequestRow(
            ref=ref,
            flow_run_id=flow_run_id,
            received_at=at,
            requesting_agency=enq.requesting_agency,
            # the enquiry's record joins the requesting agency's chain
            disclosing_agency=enq.requesting_agency,
            requester_id=enq.requester_id,
            urgency=enq.urgency.value,
            due_at=None,
            status=REFUSED if problems else OPEN,
            public={**public_enquiry(enq), "problems": problems or []},
            wrapped_key=wrapped,
            wrapped_key_id=key_id,
            enquiry_ref=ref,
        )
        row.sealed_request = self._sealer.seal(row, "enquiry", enq.model_dump_json().encode())
        try:
            with self._store.session() as s:
                s.add(row)
                s.flush()
                if not problems:
                    for ask in enq.agencies:
                        s.add(self._asked(ref, ask.disclosing_agency, enq.requester_id, at))
                self._audit.add(s, ref, "intake", enq.requester_id, "enquiry received")
        except IntegrityError:
            if flow_run_id is not None and (known := self._store.requests.ref_for_run(flow_run_id)):
                return known
            raise
        return ref

    @staticmethod
    def _asked(ref: str, agency: str, by: str, at: datetime) -> EnquiryAgencyRow:
        return EnquiryAgencyRow(enquiry_ref=ref, agency=agency, added_at=at, added_by=by,
                                status=ASKED)  # fmt: skip

    def enquiry(self, ref: str) -> Enquiry:
        with self._store.session() as s:
            row = self._row(s, ref)
            raw = self._sealer.unseal(row, "enquiry", row.sealed_request or b"")
        return Enquiry.model_validate_json(raw)

    @staticmethod
    def _row(s: Any, ref: str) -> RequestRow:
        row = s.get(RequestRow, ref)
        if row is None or not is_enquiry(ref):
            raise UnknownRequest(ref)
        return row

    def exists(self, ref: str) -> bool:
        with self._store.session() as s:
            return is_enquiry(ref) and s.get(RequestRow, ref) is not None

    def asked(self, ref: str) -> list[Asked]:
        with self._store.session() as s:
            rows = s.scalars(
                select(EnquiryAgencyRow)
                .where(EnquiryAgencyRow.enquiry_ref == ref)
                .order_by(EnquiryAgencyRow.added_at, EnquiryAgencyRow.agency)
            )
            return [Asked.of(r) for r in rows]

    def closed(self, ref: str) -> bool:
        """Its record is written."""
        with self._store.session() as s:
            return (
                s.scalar(select(DecisionRecordRow.id).where(DecisionRecordRow.ref == ref))
                is not None
            )

    def open_refs(self) -> list[str]:
        """Enquiries without a record, oldest first."""
        with self._store.session() as s:
            return list(
                s.scalars(
                    select(RequestRow.ref)
                    .where(
                        RequestRow.ref.like(f"{ENQUIRY_PREFIX}%"),
                        RequestRow.ref.not_in(select(DecisionRecordRow.ref)),
                    )
                    .order_by(RequestRow.received_at)
                )
            )

    def latest(self, limit: int = 50) -> list[str]:
        with self._store.session() as s:
            return list(
                s.scalars(
                    select(RequestRow.ref)
                    .where(RequestRow.ref.like(f"{ENQUIRY_PREFIX}%"))
                    .order_by(RequestRow.received_at.desc())
                    .limit(limit)
                )
            )

    def children(self, ref: str) -> list[str]:
        """The share requests made for the enquiry (each agency's, once its run took it in)."""
        with self._store.session() as s:
            return list(
                s.scalars(
                    select(RequestRow.ref).where(
                        RequestRow.enquiry_ref == ref, RequestRow.ref != ref
                    )
                )
            )

    def enquiry_of(self, ref: str) -> str | None:
        """The enquiry a share request is a part of, if any."""
        with self._store.session() as s:
            found = s.scalar(select(RequestRow.enquiry_ref).where(RequestRow.ref == ref))
        return found if found and found != ref else None

    def set_status(self, ref: str, status: str, due_at: datetime | None = None) -> None:
        self._store.requests.set_status(ref, status, due_at)

    # --- the agencies' runs -----------------------------------------------------------------

    def child_started(self, ref: str, agency: str, run_id: str) -> None:
        """The run that answers for ``agency`` (created with a key of its own, so there is
        only ever one: a repeat names the same run)."""
        with self._store.session() as s:
            s.execute(
                update(EnquiryAgencyRow)
                .where(EnquiryAgencyRow.enquiry_ref == ref, EnquiryAgencyRow.agency == agency,
                       EnquiryAgencyRow.child_run_id.is_(None))
                .values(child_run_id=run_id)
            )  # fmt: skip

    def claim(self, ref: str, agency: str, run_id: str, key_matches: bool) -> str | None:
        """Let run ``run_id`` take ``agency``'s part of open enquiry ``ref``: the run recorded
        for the part, or (none recorded yet) the run created under the part's own idempotency
        key (``key_matches``: Prefect keeps one run per key, the first). Returns why not, or
        None when it may."""
        with self._store.session() as s:
            row = s.get(RequestRow, ref) if is_enquiry(ref) else None
            if row is None:
                return f"{ref} is not an enquiry"
            if row.status != OPEN:
                return f"enquiry {ref} is not open"
            asked = s.get(EnquiryAgencyRow, (ref, agency), with_for_update=True)
            if asked is None:
                return f"enquiry {ref} does not ask {agency}"
            if asked.status != ASKED:
                return f"{agency} was withdrawn from enquiry {ref}"
            if asked.child_run_id is None and key_matches:
                asked.child_run_id = run_id
            if asked.child_run_id != run_id:
                return f"{agency}'s part of enquiry {ref} is answered by another run"
        return None

    def child_taken_in(self, ref: str, agency: str, child_ref: str) -> None:
        with self._store.session() as s:
            asked = s.get(EnquiryAgencyRow, (ref, agency), with_for_update=True)
            if asked is not None and asked.child_ref is None:
                asked.child_ref = child_ref
                self._audit.add(s, ref, "enquiry", None, f"{agency} asked as {child_ref}")

    # --- the requester changes the enquiry --------------------------------------------------

    def add(self, ref: str, ask: AgencyAsk, by: str) -> None:
        """Ask one more agency (its part sealed into the enquiry)."""
        enq = self.enquiry(ref)
        if enq.ask(ask.disclosing_agency) is not None:
            raise ValueError(f"enquiry {ref} already asks {ask.disclosing_agency}")
        enq.agencies.append(ask)
        with self._store.session() as s:
            row = self._row(s, ref)
            if row.status != OPEN or s.scalar(
                select(DecisionRecordRow.id).where(DecisionRecordRow.ref == ref)
            ):
                raise EnquiryClosed(f"enquiry {ref} is closed: it takes no more agencies")
            row.sealed_request = self._sealer.seal(row, "enquiry", enq.model_dump_json().encode())
            row.public = {**public_enquiry(enq), "problems": []}
            s.add(self._asked(ref, ask.disclosing_agency, by, now_utc()))
            self._audit.add(s, ref, "enquiry", by, f"{ask.disclosing_agency} added")

    def withdraw(self, ref: str, agency: str, by: str) -> Asked:
        """Mark ``agency``'s part withdrawn; returns it as it was before (its run, if any)."""
        with self._store.session() as s:
            row = self._row(s, ref)
            if row.status != OPEN or s.scalar(
                select(DecisionRecordRow.id).where(DecisionRecordRow.ref == ref)
            ):
                raise EnquiryClosed(f"enquiry {ref} is closed: nothing can be withdrawn")
            asked = s.get(EnquiryAgencyRow, (ref, agency), with_for_update=True)
            if asked is None:
                raise ValueError(f"enquiry {ref} does not ask {agency}")
            before = Asked.of(asked)
            if asked.status != WITHDRAWN:
                asked.status = WITHDRAWN
                asked.withdrawn_at = now_utc()
                self._audit.add(s, ref, "enquiry", by, f"{agency} withdrawn")
            return before

    def refuse(self, ref: str, reason: str) -> None:
        with self._store.session() as s:
            row = self._row(s, ref)
            row.status = REFUSED
            row.public = {**row.public, "problems": [*row.public.get("problems", []), reason]}
            self._audit.add(s, ref, "enquiry", None, "enquiry refused", reason)
