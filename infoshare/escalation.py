"""Keeping a waiting step moving: who is told when it opens, reminders at 50% and 80% of the
step's own window, and escalation at its due time (a new code for the agency's deputy, and
the people first told are told), each once however many watchdog sweeps see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from infoshare.identity import codes, eligibility
from infoshare.identity.codes import IssuedCode
from infoshare.models import ShareRequest, Step
from infoshare.policy.approval import signoff_requirement
from infoshare.registry.partnership import Member, Partnership
from infoshare.store import Store
from infoshare.store.requests import DONE, ProgressOf, RequestMeta, progress_of
from infoshare.timeliness import (
    PERSON_STEPS,
    WAITING_STATUSES,
    WATCHDOG,
    OpenRequest,
    claim_once,
    open_requests,
    waiting_for_person,
)

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
    """Waiting steps past 50% or 80% of their own window (from when the step opened to when it
    is due) whose reminder has not been sent; only the latest threshold passed is reminded (a
    sweep after a long outage sends one, not two). A step past its due time is escalated
    instead."""
    out = []
    for r in open_requests(store, waiting_for_person(*WAITING_STATUSES)):
        step, win = r.waiting_for, r.step_window
        if step is None or win is None or win[1] <= now:
            continue
        opened, due_at = win
        budget = (due_at - opened).total_seconds()
        elapsed = (now - opened).total_seconds() / budget if budget > 0 else 1.0
        passed = [f for f in REMINDER_AT if elapsed >= f]
        if not passed:
            continue
        due = Reminder(r, step, passed[-1])
        if store.requests.step(r.ref, due.marker) is None:
            out.append(due)
    return out


def mark_reminded(store: Store, reminder: Reminder, now: datetime) -> None:
    store.requests.complete_step(
        reminder.request.ref,
        reminder.marker,
        actor_id="infoshare-watchdog",
        public={"at": now.isoformat()},
    )
    for earlier in REMINDER_AT:  # a later reminder also stands for any earlier one
        if earlier < reminder.at_fraction:
            store.requests.complete_step(
                reminder.request.ref,
                Reminder(reminder.request, reminder.step, earlier).marker,
                actor_id="infoshare-watchdog",
                public={"at": now.isoformat(), "covered_by": reminder.marker},
            )


def first_told(store: Store, ref: str, step: Step) -> list[Member]:
    """Who is sent a code when ``step`` opens: those who may answer, except the agency's cover
    (deputy, on-call), who are told only on escalation, unless nobody else may answer. For an
    emergency confirmation: the on-call approvers (any approver if none is registered)."""
    meta = store.requests.meta(ref)
    p = store.partnership()
    agency = p.agency(meta.disclosing_agency)
    if step == Step.EMERGENCY:
        on_call = [p.member(pid) for pid in (agency.on_call if agency else ())]
        people = [m for m in on_call if m is not None] or p.approvers_of(meta.disclosing_agency)
        return [m for m in people if m.id != meta.requester_id]
    may = _may_answer(store, ref, step)
    cover = set(agency.cover) if agency else set()
    return [m for m in may if m.id not in cover] or may


# the steps whose progress says who may answer a step (eligibility, and an emergency's on-call
# confirmation)
ANSWERING = tuple(s.value for s in PERSON_STEPS)


def _may_answer(store: Store, ref: str, step: Step) -> list[Member]:
    meta, req = store.requests.many([ref])[ref]
    found = store.requests.progress([ref], *ANSWERING)
    return _may_answer_among(store.partnership(), meta, req, step, progress_of(found, ref))


def _may_answer_among(
    p: Partnership, meta: RequestMeta, req: ShareRequest, step: Step, progress: ProgressOf
) -> list[Member]:
    """Who may answer; for the retrospective sign-off of an emergency share, not whoever
    confirmed it on call (a second pair of eyes). From what was read already."""
    may = eligibility.eligible_among(p, meta, req, step.value, progress)
    shared = progress(Step.EMERGENCY.value)
    if (
        step == Step.SIGNOFF
        and shared is not None
        and shared.status == DONE
        and shared.public.get("confirmed")
    ):
        return [m for m in may if m.id != shared.actor_id]
    return may


@dataclass(frozen=True)
class EscalationDue:
    request: OpenRequest
    step: Step
    due_at: datetime
    # why it is escalated before its due time: the step can no longer be answered as it must
    deadlock: str | None = None

    @property
    def marker(self) -> str:
        return escalation_marker(self.step)


def escalation_marker(step: Step) -> str:
    """The step kept once a step is escalated: it is escalated once, however many sweeps."""
    return f"escalation-{step.value}"


@dataclass(frozen=True)
class Escalation:
    ref: str
    step: Step
    due_at: datetime
    to: Member | None  # None: the agency registers nobody who may take it
    code: IssuedCode | None  # the new code for ``to``; never logged or stored
    told: list[Member]  # the people first told, told that it was escalated
    deadlock: str | None = None  # escalated at once: why the step cannot be answered as it is


def escalations_due(store: Store, now: datetime) -> list[EscalationDue]:
    """Override and sign-off steps past their own due time, still unanswered and not yet
    escalated (an emergency's on-call confirmation falls back instead: ``lapses_due``); and, at
    once, sign-offs that can no longer be given as they must (``deadlock``). The requests
    waiting are read all at once (a few queries each made the sweep take 11.8 s with 1,000
    waiting; bench/load.py)."""
    waiting = waiting_for_person(*(f"AWAITING_{s.name}" for s in (Step.OVERRIDE, Step.SIGNOFF)))
    rows = [
        r for r in open_requests(store, waiting)
        if r.waiting_for is not None and r.step_due_at is not None
        and not (r.due_at is not None and now >= r.due_at)
    ]  # fmt: skip
    refs = [r.ref for r in rows]
    markers = {escalation_marker(s) for s in (Step.OVERRIDE, Step.SIGNOFF)}
    found = store.requests.progress(refs, *ANSWERING, *markers)
    signoffs = [r.ref for r in rows if r.waiting_for == Step.SIGNOFF]
    requests = store.requests.many(signoffs)
    p = store.partnership()
    out = []
    for r in rows:
        step, step_due_at = r.waiting_for, r.step_due_at
        assert step is not None and step_due_at is not None  # as filtered above
        due = EscalationDue(r, step, step_due_at)
        if (r.ref, due.marker) in found:
            continue  # escalated once already
        stuck = None
        if step == Step.SIGNOFF and r.ref in requests:
            stuck = _deadlock_among(p, *requests[r.ref], progress_of(found, r.ref))
        if step_due_at <= now or stuck is not None:
            out.append(EscalationDue(r, step, step_due_at, stuck))
    return out


def deadlock(store: Store, ref: str) -> str | None:
    """Why a waiting sign-off can never be given as it must, or None: fewer people left who may
    answer it than approvals still needed (four eyes, when the deputy justified the override
    and one approver remains, or approvers were deactivated by a registry load)."""
    meta, req = store.requests.many([ref])[ref]
    found = store.requests.progress([ref], *ANSWERING)
    return _deadlock_among(store.partnership(), meta, req, progress_of(found, ref))


def _deadlock_among(
    p: Partnership, meta: RequestMeta, req: ShareRequest, progress: ProgressOf
) -> str | None:
    need = signoff_requirement(req, p)
    if need is None:
        return None  # an unknown disclosing agency: refused at triage
    still = need.approvals - len(eligibility.approvals_in(progress(Step.SIGNOFF.value)))
    left = len(_may_answer_among(p, meta, req, Step.SIGNOFF, progress))
    if left >= still:
        return None
    return (
        f"Sign-off cannot be completed: {still} more approval(s) needed"
        f"{' (four eyes)' if need.four_eyes else ''} from {need.text} at "
        f"{meta.disclosing_agency}, and only {left} person(s) who may give one remain (never the "
        "requester, whoever justified the override or whoever approved already). Escalated at "
        "once: register another approver, or decide how the request is to be answered."
    )


def escalate(store: Store, due: EscalationDue, now: datetime) -> Escalation | None:
    """Escalate once (None if it was already, or the step was answered meanwhile): pick the
    deputy (or else an on-call approver) who may answer, issue them a new one-time code valid
    to the request's deadline, and put it in the audit trail. The caller tells them (with
    the code) and the people first told."""
    ref, step = due.request.ref, due.step
    answered = store.requests.step(ref, step.value)
    if answered is not None and answered.status == DONE:
        return None
    meta = store.requests.meta(ref)
    agency = store.partnership().agency(meta.disclosing_agency)
    may = {m.id: m for m in _may_answer(store, ref, step)}
    to = next((may[pid] for pid in (agency.cover if agency else ()) if pid in may), None)
    if not claim_once(store, ref, due.marker, {"at": now.isoformat(), "due_at": due.due_at.isoformat(),
                                          "to": to.id if to else None}):  # fmt: skip
        return None
    told = [m for m in first_told(store, ref, step) if to is None or m.id != to.id]
    why = due.deadlock or f"no answer by {due.due_at.isoformat()}"
    if to is None and due.deadlock:
        store.audit.write(ref, step.value, WATCHDOG, "escalated",
                          f"{why} To the data-protection lead: no deputy or on-call approver "
                          "registered who may answer")  # fmt: skip
        return Escalation(ref, step, due.due_at, None, None, told, due.deadlock)
    if to is None:
        store.audit.write(ref, step.value, WATCHDOG, "not escalated",
                    f"{why}; no deputy or on-call approver registered who may answer")  # fmt: skip
        return Escalation(ref, step, due.due_at, None, None, told, due.deadlock)
    code = codes.issue(
        store, ref, step.value, to.id, meta.flow_run_id or "", meta.due_at or due.due_at
    )
    store.audit.write(ref, step.value, WATCHDOG, "escalated",
                f"{why}: escalated to {to.id} ({to.role}); "
                f"{'a new one-time code issued' if code else 'they already hold a code'}; "
                f"told {', '.join(m.id for m in told) or 'nobody else'}")  # fmt: skip
    return Escalation(ref, step, due.due_at, to, code, told, due.deadlock)
