"""Who is told what, and when: one-time codes to the people who may answer a waiting step,
reminders and escalations by the step's due time, the outcome and the delivery to the
requester, the alerts to the data-protection lead (a step locked, approved items not
delivered), and the workspace's sign-in codes.

``Teller`` decides and sends; it is called from the flow's steps and the watchdog (through
``tasks.notify``, which gives it the run's logger), never with a code as a task parameter or
result. Sending never blocks the request: a failed delivery is logged and audited (without the
code) and the flow goes on; ``deliver`` itself retries transient SMTP errors.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import partial
from typing import Any

from infoshare import escalation, timeliness
from infoshare.identity import codes, confirmations, eligibility
from infoshare.models import Step
from infoshare.registry.partnership import Member
from infoshare.store import Store
from infoshare.transport import envelope_path
from infoshare.worktime import LONDON, now_utc
from notifications.confirm import confirmation_message, key_registered_message
from notifications.delivery import DeliveryError, deliver
from notifications.notice import Kind, Notice, NoticeError
from notifications.render import render
from notifications.signin import signin_message

Log = logging.Logger | logging.LoggerAdapter[logging.Logger]

_KIND = {
    Step.OVERRIDE: Kind.OVERRIDE_NEEDED,
    Step.SIGNOFF: Kind.APPROVAL_NEEDED,
    Step.EMERGENCY: Kind.APPROVAL_NEEDED,
}
OUTCOME_NOTICE = "outcome-notice"  # the step marking that the requester was told the outcome
DELIVERY_ESCALATION = "delivery-escalation"  # the step marking that the DPO was told


def run_link(store: Store, run_id: str) -> str:
    return f"{store.settings.prefect_ui_url.rstrip('/')}/runs/flow-run/{run_id}"


def _items(public: dict[str, Any], only: set[str] | None = None) -> tuple[tuple[str, str], ...]:
    pairs = zip(public["item_ids"], public["items"], strict=True)
    return tuple((i, d["description"]) for i, d in pairs if only is None or i in only)


def _uk(when: datetime) -> str:
    return f"{when.astimezone(LONDON):%a %d %b %H:%M} UK time"


class Teller:
    def __init__(self, store: Store, log: Log | None = None) -> None:
        self.store = store
        self.log = log or logging.getLogger("infoshare.notify")

    # --- the people a waiting step needs ----------------------------------------------------

    def codes(self, ref: str, step: Step) -> int:
        """Issue one-time codes to the people first told about ``step`` (not the agency's
        cover, who are told on escalation) and to anyone else who held one for it, who hold none
        live (a code is spent by any answer it came with); returns how many were sent.
        Codes expire at the request's deadline; the message asks for an answer by the step's
        due time."""
        meta = self.store.requests.meta(ref)
        expires = meta.due_at or now_utc() + timedelta(hours=24)
        due = self._step_due(ref, step)
        run_id = meta.flow_run_id or ""
        sent = 0
        told = escalation.first_told(self.store, ref, step)
        # and whoever held a code for this step that was spent on a refused answer (e.g. the
        # deputy after an escalation), if they still may answer: a fresh one
        held = codes.holders(self.store, ref, step.value, run_id) - {m.id for m in told}
        told += [m for m in eligibility.eligible(self.store, ref, step.value) if m.id in held]
        issued_to = codes.issue_each(
            self.store, ref, step.value, [m.id for m in told], run_id, expires
        )
        for member in told:
            if (issued := issued_to.get(member.id)) is None:
                continue
            sent += self._send(
                ref, step.value,
                partial(self._notice, ref, _KIND[step], member, due=due, step=step.value,
                        code=issued.code),
                member,
            )  # fmt: skip
        self.log.info("%s: %s code(s) sent to %d person(s)", ref, step.value, sent)
        return sent

    def reminders(self, ref: str, step: Step) -> int:
        """Remind the people first told about ``step`` (they hold their code already) of the
        step's due time."""
        due = self._step_due(ref, step)
        sent = 0
        for member in escalation.first_told(self.store, ref, step):
            sent += self._send(
                ref, step.value,
                partial(self._notice, ref, Kind.REMINDER, member, due=due, step=step.value),
                member,
            )  # fmt: skip
        return sent

    def escalation(self, esc: escalation.Escalation) -> int:
        """Tell the deputy (with their new code) and the people first told that a step passed
        its due time unanswered; returns how many were told."""
        meta = self.store.requests.meta(esc.ref)
        missed = esc.deadlock or f"No answer by the step's due time ({_uk(esc.due_at)})."
        sent = 0
        dpo = self._dpo(esc.ref) if esc.deadlock else None
        if dpo is not None:  # nobody who may answer can end it: the data-protection lead must
            sent += self._send(
                esc.ref, esc.step.value,
                partial(self._notice, esc.ref, Kind.ESCALATION, dpo,
                        due=meta.due_at or esc.due_at, step=esc.step.value, reasons=(missed,)),
                dpo,
            )  # fmt: skip
        if esc.to is not None:
            to = esc.to
            sent += self._send(
                esc.ref, esc.step.value,
                partial(self._notice, esc.ref, Kind.ESCALATION, to,
                        due=meta.due_at or esc.due_at, step=esc.step.value,
                        code=esc.code.code if esc.code else None,
                        reasons=(missed, "You are the deputy for escalations: please decide, or "
                                 "make sure it is decided, before the deadline.")),
                to,
            )  # fmt: skip
        handed = (
            f"It has been escalated to {esc.to.name} ({esc.to.role}); you can still answer "
            "with your code."
            if esc.to
            else "Nobody is registered to escalate it to: please answer."
        )
        for member in esc.told:
            sent += self._send(
                esc.ref, esc.step.value,
                partial(self._notice, esc.ref, Kind.ESCALATION, member,
                        due=meta.due_at or esc.due_at, step=esc.step.value,
                        reasons=(missed, handed)),
                member,
            )  # fmt: skip
        return sent

    def enquiry_escalation(self, enquiry_ref: str, ref: str, step: str, due: datetime) -> int:
        """One agency of an enquiry passed its step's due time: the requesting agency's
        managers (its approver roles, never the requester) are told, once per step."""
        meta = self.store.requests.meta(ref)
        p = self.store.partnership()
        agency = p.agency(meta.requesting_agency)
        if agency is None:
            return 0
        managers = [
            m for m in p.members.values()
            if m.agency_id == agency.id and m.role in agency.approver_roles
            and m.id != meta.requester_id
        ]  # fmt: skip
        why = (
            f"Enquiry {enquiry_ref}: {meta.disclosing_agency} has not answered ({step}) by its "
            f"due time, {_uk(due)}; the enquiry waits for it.",
            "You are told as a manager of the requesting agency: follow it up with the agency, "
            f"or withdraw it from the enquiry if it is no longer needed "
            f"(infoshare enquiries show {enquiry_ref}).",
        )
        return sum(
            self._send(
                ref,
                step,
                partial(self._notice, ref, Kind.ESCALATION, m, due=due, step=step, reasons=why),
                m,
            )  # fmt: skip
            for m in sorted(managers, key=lambda m: m.id)
        )

    # --- the requester ----------------------------------------------------------------------

    def outcome(self, ref: str) -> None:
        """Tell the requester what was decided, the reasons on the record and what was shared,
        once the record exists. Marked as sent only after the mail server took it: a process
        that dies in between sends it again on recovery rather than never (at least once)."""
        store = self.store
        found = store.chain.record(ref)
        done = store.requests.step(ref, OUTCOME_NOTICE)
        if found is None or (done is not None and done.status == "DONE"):
            return
        record = found[0].public
        meta = store.requests.meta(ref)
        requester = store.partnership().member(meta.requester_id)
        if requester is not None:
            shared = {i["id"] for i in record["items"] if i["shared"]}
            self._send(ref, None,
                       lambda: self._notice(ref, Kind.OUTCOME, requester,
                                            decision=record["decision"],
                                            reasons=tuple(record["reasons"]),
                                            items=_items(meta.public, shared)),
                       requester)  # fmt: skip
        store.requests.complete_step(ref, OUTCOME_NOTICE)

    def delivery_notice(self, ref: str, items: list[str], envelope_id: str) -> None:
        """Tell the requester that the approved items are in their agency's secure inbox, with
        the command that opens them (the inbox folder as laid out under INFOSHARE_HOME)."""
        meta = self.store.requests.meta(ref)
        requester = self.store.partnership().member(meta.requester_id)
        if requester is None:
            return
        inbox = self.store.settings.inbox_for(meta.requesting_agency)
        self._send(ref, Step.TRANSFER.value,
                   partial(self._notice, ref, Kind.DELIVERY_NOTICE, requester,
                           items=_items(meta.public, set(items)),
                           agency_id=meta.requesting_agency,
                           envelope_file=str(envelope_path(inbox, envelope_id))),
                   requester)  # fmt: skip

    # --- the data-protection lead -----------------------------------------------------------

    def lockout_alert(self, ref: str, step: Step, attempts: int, locked: bool = False) -> None:
        """Repeated junk answers to a step (``attempts``: unproven answers since it was last
        unlocked), or someone locked out of it. Counts only: never who was claimed (an
        unregistered id is whatever was typed)."""
        dpo = self._dpo(ref)
        if dpo is None:
            self.log.error("%s refused answers: no data-protection lead registered to tell", ref)
            return
        said = ("Answers in the name of one person were refused five times and are now "
                "locked.",) if locked else ()  # fmt: skip
        self._send(ref, step.value,
                   lambda: self._notice(ref, Kind.LOCKOUT_ALERT, dpo, step=step.value,
                                        attempts=max(attempts, 1), reasons=said),
                   dpo)  # fmt: skip

    def security_alert(self, ref: str, reasons: list[str]) -> None:
        """A run of this request was refused because infoshare's set-up was changed outside it
        (its deployment); ``reasons`` say what was found, never values an attacker chose."""
        dpo = self._dpo(ref)
        if dpo is None:
            self.log.error("%s refused: no data-protection lead registered to tell", ref)
            return
        self._send(ref, None,
                   lambda: self._notice(ref, Kind.SECURITY_ALERT, dpo, reasons=tuple(reasons)),
                   dpo)  # fmt: skip

    def delivery_escalation(self, ref: str, reason: str) -> None:
        """Approved items were not delivered (no receipt by the deadline, or the recipient
        refused them); once per request."""
        store = self.store
        if store.requests.step(ref, DELIVERY_ESCALATION) is not None:
            return
        store.requests.complete_step(ref, DELIVERY_ESCALATION, public={"reason": reason})
        meta = store.requests.meta(ref)
        dpo = self._dpo(ref)
        if dpo is None:
            self.log.error("%s not delivered: no data-protection lead registered to tell", ref)
            return
        self._send(ref, Step.TRANSFER.value,
                   lambda: self._notice(ref, Kind.ESCALATION, dpo, due=meta.due_at or now_utc(),
                                        step="delivery", reasons=(reason,)),
                   dpo)  # fmt: skip

    # --- the workspace ----------------------------------------------------------------------

    def signin_code(self, member: Member, code: str, expires_at: datetime, signin_url: str) -> bool:
        """Mail a workspace sign-in code to the person's registered address (asked for in the
        workspace; it decides whether one is due)."""
        try:
            msg = signin_message(member.name, member.email, code, expires_at, signin_url)
            where = deliver(msg, self.store.settings)
        except (DeliveryError, ValueError) as exc:
            self.store.audit.write(None, "workspace sign-in", member.id, "notification failed",
                                   str(exc))  # fmt: skip
            self.log.warning("sign-in code to %s not delivered: %s", member.id, exc)
            return False
        self.store.audit.write(None, "workspace sign-in", member.id, "notified",
                               f"sign-in code via {where.method}")  # fmt: skip
        return True

    # --- a person's own identity -----------------------------------------------------------

    def confirmation_code(self, conf: confirmations.Confirmation, action: str,
                          ref: str | None = None) -> bool:  # fmt: skip
        """Mail a confirmation code (``infoshare.identity.confirmations``) to the person's
        registered address; ``action`` says what it confirms ("registering a signing key")."""
        m = conf.member
        return self._send_own(
            ref, m, "confirmation code",
            lambda: confirmation_message(m.name, m.email, conf.code, conf.expires_at, action),
        )  # fmt: skip

    def key_registered(self, member: Member, key_id: str, replaced: str | None) -> bool:
        """Tell a person that a signing key was registered in their name (and which it replaced):
        whoever did it, they hear of it."""
        return self._send_own(
            None, member, "signing key registered",
            lambda: key_registered_message(member.name, member.email, key_id, replaced,
                                           now_utc()),
        )  # fmt: skip

    def _send_own(self, ref: str | None, to: Member, what: str,
                  build: Callable[[], EmailMessage]) -> bool:  # fmt: skip
        try:
            where = deliver(build(), self.store.settings)
        except (DeliveryError, ValueError) as exc:
            self.store.audit.write(ref, "confirmation", to.id, "notification failed", str(exc))
            self.log.warning("%s to %s not delivered: %s", what, to.id, exc)
            return False
        self.store.audit.write(ref, "confirmation", to.id, "notified", f"{what} via {where.method}")
        return True

    # --- building and sending ---------------------------------------------------------------

    def _dpo(self, ref: str) -> Member | None:
        """The disclosing agency's data-protection lead, as a recipient."""
        agency = self.store.partnership().agency(self.store.requests.meta(ref).disclosing_agency)
        if agency is None or not agency.dpo_email:
            return None
        return Member(
            "dpo", agency.id, f"Data-protection lead, {agency.name}", "DPO", agency.dpo_email
        )

    def _step_due(self, ref: str, step: Step) -> datetime:
        """When the person should answer: the step's own due time, else the deadline."""
        win = timeliness.window(self.store, ref, step)
        meta = self.store.requests.meta(ref)
        return win.due_at if win else meta.due_at or now_utc() + timedelta(hours=24)

    def _notice(self, ref: str, kind: Kind, to: Member, **extra: object) -> Notice:
        """``items`` defaults to every item asked for; pass ``items=`` for those shared."""
        meta = self.store.requests.meta(ref)
        p = self.store.partnership()
        requesting = p.agency(meta.requesting_agency)
        disclosing = p.agency(meta.disclosing_agency)
        return Notice(
            kind=kind,
            reference=ref,
            requesting_agency=requesting.name if requesting else meta.requesting_agency,
            disclosing_agency=disclosing.name if disclosing else meta.disclosing_agency,
            tier=meta.urgency,
            link=run_link(self.store, meta.flow_run_id or ""),
            workspace_link=f"{ws}/requests/{ref}"
            if (ws := self.store.settings.workspace_url)
            else "",
            recipient_name=to.name,
            recipient_id=to.id,
            recipient_email=to.email,
            **{"items": _items(meta.public), **extra},  # type: ignore[arg-type]
        )

    def _send(self, ref: str, step: str | None, build: Callable[[], Notice], to: Member) -> bool:
        try:
            notice = build()
            where = deliver(render(notice), self.store.settings)
        except (DeliveryError, NoticeError) as exc:
            self.store.audit.write(ref, step, to.id, "notification failed", str(exc))
            self.log.warning("%s: notification to %s not delivered: %s", ref, to.id, exc)
            return False
        self.store.audit.write(
            ref, step, to.id, "notified", f"{notice.kind.value} via {where.method}"
        )
        return True
