"""Timeliness: which requests are waiting, which are overdue, and expiring them.

The watchdog flow calls these with its own clock (``now``), so tests move time instead of
sleeping. Expiry is decided here, in the store, and only then is the waiting run woken: the
run finds the request expired and records EXPIRED itself. Whatever input wakes it is ignored.

Each person's step has its own window inside the request's deadline, stored on the step when
it opens (``StepRow.opened_at``/``due_at``): the override justification is due at 50% and the
sign-off at 75% of the tier's budget, counted in working time for working-time tiers
(``Settings.step_due``), and an on-call confirmation of an emergency share within minutes
(``Settings.emergency_confirm``). Reminders go at 50% and 80% of the step's window. At the
step's due time an unanswered step is escalated: the agency's deputy (or on-call approver) gets
a new one-time code and the people first told are told (``infoshare.escalation``); an
unconfirmed emergency falls back to the RED path instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.exc import IntegrityError

from infoshare import emergency
from infoshare.db.tables import DecisionRecordRow, RequestRow, StepRow, share_requests
from infoshare.models import Step, UrgencyTier
from infoshare.store import Store
from infoshare.store.requests import DONE, WAITING
from infoshare.worktime import OfficeHours, now_utc, part_of

if TYPE_CHECKING:
    from infoshare.records.compose import RecordSummary

PERSON_STEPS = (Step.EMERGENCY, Step.OVERRIDE, Step.SIGNOFF)
WAITING_STATUSES = {f"AWAITING_{s.name}": s for s in PERSON_STEPS}
EMERGENCY_WAIT = f"AWAITING_{Step.EMERGENCY.name}"
EXPIRY = "expiry"
WATCHDOG = emergency.WATCHDOG


@dataclass(frozen=True)
class OpenRequest:
    ref: str
    flow_run_id: str | None
    urgency: str
    requesting_agency: str
    disclosing_agency: str
    status: str
    received_at: datetime
    due_at: datetime | None
    step_opened_at: datetime | None = None  # the waiting step's own window, if it has one
    step_due_at: datetime | None = None

    @property
    def waiting_for(self) -> Step | None:
        return WAITING_STATUSES.get(self.status)

    @property
    def step_window(self) -> tuple[datetime, datetime] | None:
        """When the waiting step opened and is due; the request's own window for a step
        opened before steps had windows."""
        if self.step_opened_at is not None and self.step_due_at is not None:
            return self.step_opened_at, self.step_due_at
        if self.due_at is not None:
            return self.received_at, self.due_at
        return None

    def time_left(self, now: datetime) -> float | None:
        """Seconds to the deadline (negative when overdue)."""
        return None if self.due_at is None else (self.due_at - now).total_seconds()

    def rag(self, now: datetime) -> str:
        """RED when overdue or under 20% of the budget left, AMBER under 50%, else GREEN."""
        if self.due_at is None:
            return "GREEN"
        budget = (self.due_at - self.received_at).total_seconds() or 1.0
        left = (self.due_at - now).total_seconds() / budget
        return "RED" if left < 0.2 else "AMBER" if left < 0.5 else "GREEN"


def open_requests(store: Store, *where: ColumnElement[bool]) -> list[OpenRequest]:
    """Requests with no decision record yet (and matching ``where``, over the request and its
    waiting step), soonest deadline first, with the window of the step each one waits for."""
    waiting_step = case(
        *[(RequestRow.status == status, step.value) for status, step in WAITING_STATUSES.items()],
        else_=None,
    )
    with store.session() as s:
        recorded = select(DecisionRecordRow.ref)
        rows = s.execute(
            select(
                RequestRow.ref,
                RequestRow.flow_run_id,
                RequestRow.urgency,
                RequestRow.requesting_agency,
                RequestRow.disclosing_agency,
                RequestRow.status,
                RequestRow.received_at,
                RequestRow.due_at,
                StepRow.opened_at,
                StepRow.due_at,
            )
            .outerjoin(StepRow, and_(StepRow.ref == RequestRow.ref, StepRow.step == waiting_step))
            .where(RequestRow.ref.not_in(recorded), share_requests(), *where)
            .order_by(RequestRow.due_at.is_(None), RequestRow.due_at)
        ).all()
    return [OpenRequest(*tuple(r)) for r in rows]


# --- each person's step: its window inside the request's deadline ------------------------------


def _office_hours(store: Store, agency_id: str) -> OfficeHours:
    agency = store.partnership().agency(agency_id)
    return agency.office_hours if agency else OfficeHours()


def step_due(store: Store, ref: str, step: Step) -> datetime | None:
    """When ``step`` is due: a fixed share of the request's budget, whenever the step opens
    (a step that opens late is late already), or minutes after receipt for an emergency's
    on-call confirmation. None for a request without a deadline."""
    meta = store.requests.meta(ref)
    if step == Step.EMERGENCY:
        return meta.received_at + store.settings.emergency_confirm
    fraction = store.settings.step_due.get(step.value)
    if meta.due_at is None or fraction is None:
        return meta.due_at
    tier = emergency.effective_tier(store, ref)
    budget = store.settings.tier_budgets.get(tier) or store.settings.tier_budgets[UrgencyTier.RED]
    hours = _office_hours(store, meta.disclosing_agency)
    return part_of(meta.received_at, meta.due_at, fraction, hours, budget.in_working_time)


@dataclass(frozen=True)
class StepWindow:
    opened_at: datetime
    due_at: datetime


def open_window(store: Store, ref: str, step: Step, now: datetime) -> StepWindow | None:
    """The step's window, set the first time it opens and kept (a run woken and waiting again
    keeps its step's due time)."""
    due = step_due(store, ref, step)
    if due is None:
        return None
    with store.session() as s:
        row = s.get(StepRow, (ref, step.value), with_for_update=True)
        if row is None:
            row = StepRow(
                ref=ref, step=step.value, status=WAITING, attempts=0, public={}, updated_at=now
            )
            s.add(row)
        if row.opened_at is None or row.due_at is None:
            row.opened_at, row.due_at = now, due
        return StepWindow(row.opened_at, row.due_at)


def window(store: Store, ref: str, step: Step) -> StepWindow | None:
    with store.session() as s:
        row = s.get(StepRow, (ref, step.value))
        if row is None or row.opened_at is None or row.due_at is None:
            return None
        return StepWindow(row.opened_at, row.due_at)


def claim_once(store: Store, ref: str, marker: str, public: dict[str, object]) -> bool:
    """Record ``marker`` as done for this request; False if it was already (so each reminder,
    escalation, ... happens once, however many sweeps see it)."""
    try:
        with store.session() as s:
            if s.get(StepRow, (ref, marker)) is not None:
                return False
            s.add(
                StepRow(ref=ref, step=marker, status=DONE, attempts=0, actor_id=WATCHDOG,
                        public=public, updated_at=now_utc())
            )  # fmt: skip
    except IntegrityError:  # a concurrent sweep claimed it first
        return False
    return True


def overdue(store: Store, now: datetime) -> list[OpenRequest]:
    """Requests waiting for a person past their deadline."""
    return open_requests(store, waiting_for_person(*WAITING_STATUSES), RequestRow.due_at <= now)


def waiting_for_person(*statuses: str) -> ColumnElement[bool]:
    return RequestRow.status.in_(statuses)


def disclosed_by(agency_id: str) -> ColumnElement[bool]:
    return RequestRow.disclosing_agency == agency_id


def expire(store: Store, req: OpenRequest, now: datetime) -> bool:
    """Mark a waiting request EXPIRED in the store. False if its step was completed meanwhile
    (a person answered just in time) or it is already expired."""
    step = req.waiting_for
    if step is None:
        return False
    with store.session() as s:
        answered = s.get(StepRow, (req.ref, step.value))
        already = s.get(StepRow, (req.ref, EXPIRY))
        if already is not None or (answered is not None and answered.status == DONE):
            return False
    store.requests.complete_step(
        req.ref,
        EXPIRY,
        actor_id="infoshare-watchdog",
        public={
            "step": step.value,
            "due_at": req.due_at.isoformat() if req.due_at else None,
            "at": now.isoformat(),
        },
    )
    store.requests.set_status(req.ref, "EXPIRED")
    return True


def is_expired(store: Store, ref: str) -> bool:
    st = store.requests.step(ref, EXPIRY)
    return st is not None and st.status == DONE


# What the watchdog sends to wake a suspended run whose request has expired. The run's resume
# form must accept it (the server validates it against the form's schema), but the run ignores
# its content: the expiry marker in the store is what counts.
WAKE_INPUTS: dict[Step, dict[str, object]] = {
    Step.OVERRIDE: {
        "person_id": "infoshare-watchdog",
        "code": "AAAAA-AAAAA",
        "grounds": ["PREVENT_OFFENCES"],
        "proportionality": "Deadline passed: woken only to record EXPIRED.",
        "subject_informed": False,
        "not_informed_reason": "Not applicable: expired.",
    },
    Step.SIGNOFF: {
        "approver_id": "infoshare-watchdog",
        "code": "AAAAA-AAAAA",
        "decision": "REFUSE",
        "approved_items": [],
        "reasons": "Deadline passed: woken only to record EXPIRED.",
    },
    Step.EMERGENCY: {
        "approver_id": "infoshare-watchdog",
        "code": "AAAAA-AAAAA",
        "decision": "DECLINE",
        "approved_items": [],
        "reasons": "No on-call confirmation in time: woken to go on down the RED path.",
    },
}


@dataclass(frozen=True)
class ToWake:
    ref: str
    flow_run_id: str
    step: Step


def expired_unrecorded(store: Store) -> list[ToWake]:
    """Expired requests whose run has not yet written the record: their run must be woken
    (again, if an earlier wake-up did not get through)."""
    out = []
    for r in open_requests(store, RequestRow.status == "EXPIRED"):
        if r.flow_run_id is None:
            continue
        marker = store.requests.step(r.ref, EXPIRY)
        if marker is not None:
            out.append(ToWake(r.ref, r.flow_run_id, Step(marker.public["step"])))
    return out


def to_reconcile(store: Store, received_before: datetime) -> list[OpenRequest]:
    """Requests with no record whose run the watchdog must check: every one waiting for a
    person or expired (its run may have been deleted, forced to Completed, or made unwakeable
    while it waits), and every other one received before ``received_before`` (its run should
    be working on it, or have recorded it; it may be stuck, deleted, or ended unrecorded)."""
    return [
        r
        for r in open_requests(store)
        if r.flow_run_id is not None
        and (
            r.status in WAITING_STATUSES or r.status == "EXPIRED" or r.received_at < received_before
        )
    ]


# Why the watchdog recorded a request itself, from the store, without its run.
RUN_DELETED = "the run was deleted"
RUN_UNWAKEABLE = "its run could not be woken after the deadline"


def record_without_run(store: Store, ref: str, why: str) -> RecordSummary:
    """The decision record of a request whose run cannot write it (deleted, ended without it,
    or unwakeable past the deadline): EXPIRED when the deadline passed, else FAILED with
    ``why``; an audit line says the watchdog wrote it and why. Idempotent."""
    from infoshare.records.compose import record_decision  # compose imports this module

    summary = record_decision(store, ref, why)
    if summary.written:
        store.audit.write(ref, "record", WATCHDOG, "recorded by the watchdog", why)
    return summary


# --- an emergency nobody confirmed in time -----------------------------------------------------


def lapses_due(store: Store, now: datetime) -> list[OpenRequest]:
    """Emergency shares waiting for on-call confirmation past its time."""
    return [
        r
        for r in open_requests(store, waiting_for_person(EMERGENCY_WAIT), StepRow.due_at <= now)
        if emergency.answered(store, r.ref) is None
    ]


def lapse_emergency(store: Store, req: OpenRequest, now: datetime) -> bool:
    return emergency.lapse(store, req.ref, now, req.step_due_at)


def fell_back_waiting(store: Store) -> list[ToWake]:
    """Runs still suspended on an emergency confirmation that is settled (it lapsed): they must
    be woken to go on down the RED path (again, if an earlier wake-up did not get through)."""
    return [
        ToWake(r.ref, r.flow_run_id, Step.EMERGENCY)
        for r in open_requests(store, waiting_for_person(EMERGENCY_WAIT))
        if r.flow_run_id is not None and emergency.answered(store, r.ref) is not None
    ]
