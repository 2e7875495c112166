"""The one thing a message is rendered from: a :class:`Notice`.

A notice carries what a person needs to act (the request reference, the two agencies, the tier,
the deadline, a link to the run) and nothing about the people a request is about. There is
deliberately no field for a subject's name, date of birth, address or for disclosed content, so
no template can show them. ``reasons`` and item descriptions are the recorded, non-personal text
the forms ask for (item descriptions describe information, not people).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from infoshare.models import Decision, UrgencyTier


class Kind(StrEnum):
    APPROVAL_NEEDED = "approval_needed"  # senior sign-off is waiting for this person
    OVERRIDE_NEEDED = "override_needed"  # a public-interest override justification is waiting
    REMINDER = "reminder"  # a step is still waiting as its deadline nears
    ESCALATION = "escalation"  # a step is at risk or overdue; sent to someone more senior
    OUTCOME = "outcome"  # to the requester: shared / partly shared / refused / sent back / ...
    DELIVERY_NOTICE = "delivery_notice"  # to the recipient agency: an envelope is in its inbox
    LOCKOUT_ALERT = "lockout_alert"  # to the data-protection lead: a step locked after failures
    # to the data-protection lead: a run refused because infoshare's set-up was tampered with
    SECURITY_ALERT = "security_alert"


# Kinds that ask a person to act on a waiting step: they need a deadline and may carry a code.
WAITING_KINDS = frozenset(
    {Kind.APPROVAL_NEEDED, Kind.OVERRIDE_NEEDED, Kind.REMINDER, Kind.ESCALATION}
)
CODE_KINDS = frozenset({Kind.APPROVAL_NEEDED, Kind.OVERRIDE_NEEDED, Kind.ESCALATION})

OUTCOME_TEXT: dict[Decision, str] = {
    Decision.SHARE_FULL: "shared",
    Decision.SHARE_PARTIAL: "partly shared",
    Decision.REFUSE: "refused",
    Decision.DEFER: "sent back",
    Decision.EXPIRED: "expired",
    Decision.FAILED: "failed",
    Decision.WITHDRAWN: "withdrawn",
}

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_EMAIL = re.compile(r"[^@\s<>\"(),;:\\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}")
_LINK = re.compile(r"https?://[^\s\"'<>]{1,2000}")
_PATH = re.compile(r"[^\s\"'<>`$;&|]{1,1000}")  # pasted into a shell as it is


class NoticeError(ValueError):
    """A notice cannot be built from these values; the message says which field and why."""


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Everything a notification may say. Build one, then ``render(notice)``.

    kind               which message (a :class:`Kind` or its value, e.g. "approval_needed")
    reference          the request reference, ISR-...
    requesting_agency  display name of the agency asking
    disclosing_agency  display name of the agency holding the information
    tier               urgency tier, e.g. "RED"
    link               Prefect UI URL of the run (http or https)
    recipient_name     who the message is for (a member of staff, never the data subject)
    recipient_email    their registered contact address
    recipient_id       their infoshare person id, which they type into the resume form
    due                the step's deadline, an aware datetime (shown in UK time); required for
                       approval_needed, override_needed, reminder and escalation
    step               the waiting step, e.g. "override" or "signoff" (optional)
    code               one-time code; only allowed in approval_needed, override_needed, escalation
    decision           the outcome (a Decision value); required for outcome
    reasons            the recorded reasons, one per entry
    items              (item id, description) pairs: those asked for, or, in an outcome or a
                       delivery notice, those shared
    attempts           failed attempts before a lock-out; required for lockout_alert
    agency_id          the recipient agency's registry id (delivery notice: for the command)
    envelope_file      where the envelope waits (delivery notice: for the command)
    workspace_link     the request's page in infoshare's workspace (optional)
    """

    kind: Kind
    reference: str
    requesting_agency: str
    disclosing_agency: str
    tier: str
    link: str
    recipient_name: str
    recipient_email: str
    recipient_id: str = ""
    due: datetime | None = None
    step: str | None = None
    code: str | None = field(default=None, repr=False)
    decision: str | None = None
    reasons: tuple[str, ...] = ()
    items: tuple[tuple[str, str], ...] = ()
    attempts: int | None = None
    agency_id: str | None = None
    envelope_file: str | None = None
    workspace_link: str = ""  # the request in infoshare's workspace, where one is run

    def __post_init__(self) -> None:
        put = object.__setattr__
        try:
            put(self, "kind", Kind(self.kind))
        except ValueError:
            raise NoticeError(
                f"unknown notice kind {self.kind!r}; one of {', '.join(k.value for k in Kind)}"
            ) from None
        if not _TOKEN.fullmatch(self.reference or ""):
            raise NoticeError("reference must be a request reference like ISR-20261126-AB12CD34")
        try:
            put(self, "tier", UrgencyTier(self.tier).value)
        except ValueError:
            raise NoticeError(f"unknown tier {self.tier!r}") from None
        for name in ("requesting_agency", "disclosing_agency", "recipient_name"):
            one_line = " ".join(str(getattr(self, name) or "").split())  # names are one line
            if not one_line:
                raise NoticeError(f"{name} must not be empty")
            put(self, name, one_line)
        if not _LINK.fullmatch(self.link or ""):
            raise NoticeError("link must be an http(s) URL of the run in the Prefect UI")
        if self.workspace_link and not _LINK.fullmatch(self.workspace_link):
            raise NoticeError(
                "workspace_link must be an http(s) URL of the request in the workspace"
            )
        if not _EMAIL.fullmatch(self.recipient_email or ""):
            raise NoticeError("recipient_email must be a single address like name@example.org")
        if self.due is not None and (self.due.tzinfo is None or self.due.utcoffset() is None):
            raise NoticeError("due must be a timezone-aware datetime")
        if self.kind in WAITING_KINDS and self.due is None:
            raise NoticeError(f"a {self.kind.value} notice needs its step's deadline (due)")
        if self.step is not None and not _TOKEN.fullmatch(self.step):
            raise NoticeError("step must be a short name like 'override' or 'signoff'")
        if self.code is not None:
            if self.kind not in CODE_KINDS:
                raise NoticeError(f"a {self.kind.value} notice must not carry a one-time code")
            if not _TOKEN.fullmatch(self.code):
                raise NoticeError("code must be a short single-line token")
        if self.decision is not None:
            try:
                put(self, "decision", Decision(self.decision).value)
            except ValueError:
                raise NoticeError(f"unknown decision {self.decision!r}") from None
        if self.kind is Kind.OUTCOME and self.decision is None:
            raise NoticeError("an outcome notice needs the decision")
        if isinstance(self.reasons, str):
            raise NoticeError("reasons must be a list of strings, not one string")
        put(self, "reasons", tuple(str(r) for r in self.reasons))
        try:
            put(self, "items", tuple((str(i), str(d)) for i, d in self.items))
        except (TypeError, ValueError):
            raise NoticeError("items must be (id, description) pairs") from None
        if self.agency_id is not None and not _TOKEN.fullmatch(self.agency_id):
            raise NoticeError("agency_id must be a registry id like northshire-yjs")
        if self.envelope_file is not None and not _PATH.fullmatch(self.envelope_file):
            raise NoticeError("envelope_file must be one path without quotes or spaces")
        if self.kind is Kind.LOCKOUT_ALERT and (self.attempts is None or self.attempts < 1):
            raise NoticeError("a lockout_alert notice needs the number of failed attempts")
        if self.kind is Kind.SECURITY_ALERT and not self.reasons:
            raise NoticeError("a security_alert notice needs the reasons (what was found)")

    @property
    def outcome_text(self) -> str | None:
        return OUTCOME_TEXT[Decision(self.decision)] if self.decision else None
