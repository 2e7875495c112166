"""Timeliness: which requests are waiting, which are overdue, and expiring them.

The watchdog flow calls these with its own clock (``now``), so tests move time instead of
sleeping. Expiry is decided here, in the store, and only then is the waiting run woken: the
run finds the request expired and records EXPIRED itself. Whatever input wakes it is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from infoshare.db import DecisionRecordRow, RequestRow, StepRow
from infoshare.policy import Step
from infoshare.store import DONE, Store

WAITING_STATUSES = {f"AWAITING_{s.name}": s for s in (Step.OVERRIDE, Step.SIGNOFF)}
EXPIRY = "expiry"


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

    @property
    def waiting_for(self) -> Step | None:
        return WAITING_STATUSES.get(self.status)

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


def open_requests(store: Store) -> list[OpenRequest]:
    """Requests with no decision record yet, soonest deadline first."""
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
            )
            .where(RequestRow.ref.not_in(recorded))
            .order_by(RequestRow.due_at.is_(None), RequestRow.due_at)
        ).all()
    return [OpenRequest(*r) for r in rows]


def overdue(store: Store, now: datetime) -> list[OpenRequest]:
    """Requests waiting for a person past their deadline."""
    return [
        r
        for r in open_requests(store)
        if r.waiting_for is not None and r.due_at is not None and r.due_at <= now
    ]


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
    store.complete_step(
        req.ref,
        EXPIRY,
        actor_id="infoshare-watchdog",
        public={
            "step": step.value,
            "due_at": req.due_at.isoformat() if req.due_at else None,
            "at": now.isoformat(),
        },
    )
    store.set_status(req.ref, "EXPIRED")
    return True


def is_expired(store: Store, ref: str) -> bool:
    st = store.step(ref, EXPIRY)
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
    for r in open_requests(store):
        if r.status != "EXPIRED" or r.flow_run_id is None:
            continue
        marker = store.step(r.ref, EXPIRY)
        if marker is not None:
            out.append(ToWake(r.ref, r.flow_run_id, Step(marker.public["step"])))
    return out


REMINDER_AT = (0.5, 0.8)  # fractions of a waiting step's time


@dataclass(frozen=True)
class Reminder:
    request: OpenRequest
    step: Step
    at_fraction: float

    @property
    def marker(self) -> str:
        return f"reminder-{self.step.value}-{round(self.at_fraction * 100)}"


def reminders_due(store: Store, now: datetime) -> list[Reminder]:
    """Waiting steps past 50% or 80% of their time whose reminder has not been sent; only the
    latest threshold passed is reminded (a sweep after a long outage sends one, not two)."""
    out = []
    for r in open_requests(store):
        step = r.waiting_for
        if step is None or r.due_at is None or r.due_at <= now:
            continue
        budget = (r.due_at - r.received_at).total_seconds()
        elapsed = (now - r.received_at).total_seconds() / budget if budget > 0 else 1.0
        passed = [f for f in REMINDER_AT if elapsed >= f]
        if not passed:
            continue
        due = Reminder(r, step, passed[-1])
        if store.step(r.ref, due.marker) is None:
            out.append(due)
    return out


def mark_reminded(store: Store, reminder: Reminder, now: datetime) -> None:
    store.complete_step(
        reminder.request.ref,
        reminder.marker,
        actor_id="infoshare-watchdog",
        public={"at": now.isoformat()},
    )
    for earlier in REMINDER_AT:  # a later reminder also stands for any earlier one
        if earlier < reminder.at_fraction:
            store.complete_step(
                reminder.request.ref,
                Reminder(reminder.request, reminder.step, earlier).marker,
                actor_id="infoshare-watchdog",
                public={"at": now.isoformat(), "covered_by": reminder.marker},
            )


def in_transit(store: Store, received_before: datetime) -> list[OpenRequest]:
    """Requests with no record that are neither waiting for a person nor expired, received
    before ``received_before``: their run should be working on them, or have recorded them.
    The watchdog checks each one's run (it may be stuck, deleted, or ended unrecorded)."""
    return [
        r
        for r in open_requests(store)
        if r.flow_run_id is not None
        and r.status not in WAITING_STATUSES
        and r.status != "EXPIRED"
        and r.received_at < received_before
    ]
