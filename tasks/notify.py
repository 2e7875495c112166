"""Telling people: one-time codes to those who may answer a waiting step, the outcome to the
requester, the lock-out alert to the data-protection lead.

Plain functions called from the step tasks (so a code never becomes a task parameter or
result). Sending never blocks the request: a failed delivery is logged and audited (without the
code) and the flow goes on; the notification layer itself retries transient SMTP errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from prefect.exceptions import MissingContextError
from prefect.logging import get_logger, get_run_logger

from infoshare import identity, timeliness
from infoshare.policy import Step
from infoshare.registry import Member
from infoshare.store import Store, now_utc
from infoshare.worktime import LONDON
from notifications import DeliveryError, Kind, Notice, NoticeError, deliver, render

_KIND = {
    Step.OVERRIDE: Kind.OVERRIDE_NEEDED,
    Step.SIGNOFF: Kind.APPROVAL_NEEDED,
    Step.EMERGENCY: Kind.APPROVAL_NEEDED,
}


def _log() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The run's logger, or infoshare's own outside a run (a state hook runs in the worker)."""
    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger("infoshare.notify")


def run_link(store: Store, run_id: str) -> str:
    return f"{store.settings.prefect_ui_url.rstrip('/')}/runs/flow-run/{run_id}"


def _notice(store: Store, ref: str, kind: Kind, to: Member, **extra: object) -> Notice:
    """``items`` defaults to every item asked for; pass ``items=`` for those shared."""
    meta = store.meta(ref)
    p = store.partnership()
    requesting, disclosing = p.agency(meta.requesting_agency), p.agency(meta.disclosing_agency)
    return Notice(
        kind=kind,
        reference=ref,
        requesting_agency=requesting.name if requesting else meta.requesting_agency,
        disclosing_agency=disclosing.name if disclosing else meta.disclosing_agency,
        tier=meta.urgency,
        link=run_link(store, meta.flow_run_id or ""),
        recipient_name=to.name,
        recipient_id=to.id,
        recipient_email=to.email,
        **{"items": _items(meta.public), **extra},  # type: ignore[arg-type]
    )


def _items(public: dict[str, Any], only: set[str] | None = None) -> tuple[tuple[str, str], ...]:
    pairs = zip(public["item_ids"], public["items"], strict=True)
    return tuple((i, d["description"]) for i, d in pairs if only is None or i in only)


def _send(
    store: Store, ref: str, step: str | None, build: Callable[[], Notice], to: Member
) -> bool:
    log = _log()
    try:
        notice = build()
        where = deliver(render(notice), store.settings)
    except (DeliveryError, NoticeError) as exc:
        store.audit(ref, step, to.id, "notification failed", str(exc))
        log.warning("%s: notification to %s not delivered: %s", ref, to.id, exc)
        return False
    store.audit(ref, step, to.id, "notified", f"{notice.kind.value} via {where.method}")
    return True


def _step_due(store: Store, ref: str, step: Step) -> datetime:
    """When the person should answer: the step's own due time, else the request's deadline."""
    win = timeliness.window(store, ref, step)
    meta = store.meta(ref)
    return win.due_at if win else meta.due_at or now_utc() + timedelta(hours=24)


def send_codes(store: Store, ref: str, step: Step) -> int:
    """Issue one-time codes to the people first told about ``step`` (not the agency's cover,
    who are told on escalation) who hold none live; returns how many were sent. Codes expire at
    the request's deadline; the message asks for an answer by the step's due time."""
    meta = store.meta(ref)
    expires = meta.due_at or now_utc() + timedelta(hours=24)
    due = _step_due(store, ref, step)
    run_id = meta.flow_run_id or ""
    sent = 0
    for member in timeliness.first_told(store, ref, step):
        issued = identity.issue(store, ref, step.value, member.id, run_id, expires)
        if issued is None:
            continue
        sent += _send(
            store, ref, step.value,
            partial(_notice, store, ref, _KIND[step], member, due=due, step=step.value,
                    code=issued.code),
            member,
        )  # fmt: skip
    _log().info("%s: %s code(s) sent to %d person(s)", ref, step.value, sent)
    return sent


def send_escalation(store: Store, esc: timeliness.Escalation) -> int:
    """Tell the deputy (with their new code) and the people first told that a step passed its
    due time unanswered; returns how many were told."""
    meta = store.meta(esc.ref)
    missed = f"No answer by the step's due time ({_uk(esc.due_at)})."
    sent = 0
    if esc.to is not None:
        to = esc.to
        sent += _send(
            store, esc.ref, esc.step.value,
            partial(_notice, store, esc.ref, Kind.ESCALATION, to, due=meta.due_at or esc.due_at,
                    step=esc.step.value, code=esc.code.code if esc.code else None,
                    reasons=(missed, "You are the deputy for escalations: please decide, or make "
                             "sure it is decided, before the deadline.")),
            to,
        )  # fmt: skip
    handed = (
        f"It has been escalated to {esc.to.name} ({esc.to.role}); you can still answer with "
        "your code."
        if esc.to
        else "Nobody is registered to escalate it to: please answer."
    )
    for member in esc.told:
        sent += _send(
            store, esc.ref, esc.step.value,
            partial(_notice, store, esc.ref, Kind.ESCALATION, member,
                    due=meta.due_at or esc.due_at, step=esc.step.value, reasons=(missed, handed)),
            member,
        )  # fmt: skip
    return sent


def _uk(when: datetime) -> str:
    return f"{when.astimezone(LONDON):%a %d %b %H:%M} UK time"


def send_lockout_alert(store: Store, ref: str, step: Step, attempts: int) -> None:
    meta = store.meta(ref)
    p = store.partnership()
    agency = p.agency(meta.disclosing_agency)
    if agency is None or not agency.dpo_email:
        _log().error("%s locked: no data-protection lead registered to tell", ref)
        return
    dpo = Member("dpo", agency.id, f"Data-protection lead, {agency.name}", "DPO", agency.dpo_email)
    _send(store, ref, step.value,
          lambda: _notice(store, ref, Kind.LOCKOUT_ALERT, dpo, step=step.value, attempts=attempts),
          dpo)  # fmt: skip


OUTCOME_NOTICE = "outcome-notice"  # the step marking that the requester was told the outcome


def send_outcome(store: Store, ref: str) -> None:
    """Tell the requester what was decided, the reasons on the record and what was shared, once
    the record exists. Marked as sent only after the mail server took it: a process that dies in
    between sends it again on recovery rather than never (at least once)."""
    found = store.record(ref)
    done = store.step(ref, OUTCOME_NOTICE)
    if found is None or (done is not None and done.status == "DONE"):
        return
    record = found[0].public
    meta = store.meta(ref)
    requester = store.partnership().member(meta.requester_id)
    if requester is not None:
        shared = {i["id"] for i in record["items"] if i["shared"]}
        _send(store, ref, None,
              lambda: _notice(store, ref, Kind.OUTCOME, requester, decision=record["decision"],
                              reasons=tuple(record["reasons"]),
                              items=_items(meta.public, shared)),
              requester)  # fmt: skip
    store.complete_step(ref, OUTCOME_NOTICE)


def send_reminders(store: Store, ref: str, step: Step) -> int:
    """Remind the people first told about ``step`` (they hold their code already) of the step's
    due time."""
    due = _step_due(store, ref, step)
    sent = 0
    for member in timeliness.first_told(store, ref, step):
        sent += _send(
            store, ref, step.value,
            partial(_notice, store, ref, Kind.REMINDER, member, due=due, step=step.value),
            member,
        )  # fmt: skip
    return sent


def send_delivery_notice(store: Store, ref: str, items: list[str]) -> None:
    """Tell the requester that the approved items are in their agency's secure inbox."""
    meta = store.meta(ref)
    requester = store.partnership().member(meta.requester_id)
    if requester is None:
        return
    _send(store, ref, Step.TRANSFER.value,
          partial(_notice, store, ref, Kind.DELIVERY_NOTICE, requester,
                  items=_items(meta.public, set(items))),
          requester)  # fmt: skip


def send_delivery_escalation(store: Store, ref: str, reason: str) -> None:
    """Tell the disclosing agency's data-protection lead that approved items were not delivered
    (no receipt by the deadline, or the recipient refused them), once per request."""
    marker = "delivery-escalation"
    if store.step(ref, marker) is not None:
        return
    store.complete_step(ref, marker, public={"reason": reason})
    meta = store.meta(ref)
    agency = store.partnership().agency(meta.disclosing_agency)
    if agency is None or not agency.dpo_email:
        _log().error("%s not delivered: no data-protection lead registered to tell", ref)
        return
    dpo = Member("dpo", agency.id, f"Data-protection lead, {agency.name}", "DPO", agency.dpo_email)
    _send(store, ref, Step.TRANSFER.value,
          lambda: _notice(store, ref, Kind.ESCALATION, dpo, due=meta.due_at or now_utc(),
                          step="delivery", reasons=(reason,)),
          dpo)  # fmt: skip
