"""The EMERGENCY path: share first when a life is at risk, sign off afterwards.

A requester who asserts a risk to life (EMERGENCY tier, ``risk_to_life`` ticked) gets an on-call
approver of the disclosing agency asked to confirm within minutes
(``Settings.emergency_confirm``). On CONFIRM the ticked items are shared at once, and the
override justification (if consent is missing) and the sign-off are then chased like any other
step, due inside the EMERGENCY budget (24 hours): reminders, escalation, expiry. On DECLINE, or
when nobody confirms in time (the watchdog marks the step LAPSED), the request falls back to
the RED path: RED's deadline from when it was received, sign-off before anything is shared.
"""

from __future__ import annotations

from datetime import datetime

from infoshare.models import Step, UrgencyTier
from infoshare.store import Store
from infoshare.store.requests import DONE, StepState
from infoshare.worktime import OfficeHours

CONFIRMED = "CONFIRMED"
DECLINED = "DECLINED"
LAPSED = "LAPSED"
FALLBACK_TIER = UrgencyTier.RED
WATCHDOG = "infoshare-watchdog"


def answered(store: Store, ref: str) -> StepState | None:
    st = store.requests.step(ref, Step.EMERGENCY)
    return st if st is not None and st.status == DONE else None


def confirmed(store: Store, ref: str) -> bool:
    """Whether an on-call approver confirmed sharing now."""
    st = answered(store, ref)
    return st is not None and bool(st.public.get("confirmed"))


def authorising_step(store: Store, ref: str) -> StepState | None:
    """What a transfer carries out: the on-call confirmation of an emergency share (made
    before sign-off), or else the sign-off."""
    st = answered(store, ref)
    if st is not None and st.public.get("confirmed"):
        return st
    return store.requests.step(ref, Step.SIGNOFF)


def fall_back(store: Store, ref: str, now: datetime, status: str | None = None) -> datetime:
    """Give the request RED's deadline, counted from when it was received; returns it. A run
    still suspended on the confirmation keeps its AWAITING status until the watchdog wakes it
    (``status`` None)."""
    meta = store.requests.meta(ref)
    agency = store.partnership().agency(meta.disclosing_agency)
    hours = agency.office_hours if agency else OfficeHours()
    due = store.settings.tier_budgets[FALLBACK_TIER].due(meta.received_at, hours)
    store.requests.set_status(ref, status or store.requests.meta(ref).status, due_at=due)
    store.audit.write(
        ref, Step.EMERGENCY.value, None, "emergency fell back",
        f"no on-call confirmation at {now.isoformat()}: {FALLBACK_TIER.value} path, due "
        f"{due.isoformat()}",
    )  # fmt: skip
    return due


def lapse(store: Store, ref: str, now: datetime, due_at: datetime | None) -> bool:
    """The on-call approver did not answer in time: mark the step LAPSED and fall back. False
    if it was answered meanwhile (or has lapsed already)."""
    if answered(store, ref) is not None:
        return False
    store.requests.complete_step(
        ref,
        Step.EMERGENCY,
        actor_id=WATCHDOG,
        public={
            "outcome": LAPSED,
            "confirmed": False,
            "approved_items": [],
            "due_at": due_at.isoformat() if due_at else None,
            "at": now.isoformat(),
        },
    )
    st = answered(store, ref)
    if st is None or st.actor_id != WATCHDOG:  # a person's answer won the race
        return False
    fall_back(store, ref, now)
    return True


def effective_tier(store: Store, ref: str) -> UrgencyTier:
    """The tier whose clock the request runs on: RED once an emergency has fallen back."""
    tier = UrgencyTier(store.requests.meta(ref).urgency)
    st = answered(store, ref)
    if tier == UrgencyTier.EMERGENCY and st is not None and not st.public.get("confirmed"):
        return FALLBACK_TIER
    return tier
