"""Sharing policy as plain functions: triage, consent routing, who may decide, what they decide.

Nothing here touches a database or Prefect; every function takes what it needs and returns
reasons a person can act on. Reasons never quote personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from infoshare.models import (
    Art6Basis,
    ConsentStatus,
    Decision,
    Gateway,
    OverrideGround,
    Regime,
    SensitiveCondition,
    ShareRequest,
    UrgencyTier,
    item_id,
)
from infoshare.registry import Agency, Member, Partnership
from infoshare.worktime import Budget, OfficeHours

# The shapes of a trawl: "all information held", "any records", "everything", "full file".
# Specific asks that merely contain "any" or "complete" ("whether any firearms licence is held",
# "complete record of exclusions, last 12 months") are not trawls.
_TRAWL = re.compile(
    r"""
    \beverything\b
    | \b(full|entire|whole|complete)\s+(file|case\s*file|case\s+history|history)\b
    | \b(full|entire|whole)\s+record\b
    | \b(all|any|whatever)\s+(the\s+)?(information|info|data|records|details|intelligence)\b
      (?=\s*$|\s*[.,;]|\s+(held|(you|we)\s+(hold|have)|available|known
         |(on|about|relating\s+to|regarding)\s+(file|record|him|her|them|the\s+\w+)))
    """,
    re.IGNORECASE | re.VERBOSE,
)


def is_trawl(text: str) -> bool:
    return bool(_TRAWL.search(text))


@dataclass(frozen=True)
class Triage:
    decision: Decision | None  # None: accepted and goes on; otherwise REFUSE or DEFER
    reasons: list[str]
    due_at: datetime
    isa_reference: str | None  # the ISA relied on, if any
    needs_override: bool
    emergency: bool = False  # risk to life asserted: share on on-call confirmation, sign off after

    @property
    def accepted(self) -> bool:
        return self.decision is None


def needs_override(consent: ConsentStatus) -> bool:
    """Consent obtained, or not required, needs no public-interest override."""
    return consent not in (ConsentStatus.OBTAINED, ConsentStatus.NOT_REQUIRED)


def _trawling_reasons(req: ShareRequest) -> list[str]:
    reasons = []
    if not req.subjects:
        reasons.append("The request is not about a specific person: name the subject(s).")
    if not req.items:
        reasons.append("No specific item of information is requested.")
    for i, item in enumerate(req.items):
        if is_trawl(item.description):
            reasons.append(
                f"{item_id(i)} asks for information in general ('all information held' or "
                "similar): ask for the specific information needed."
            )
        if not item.necessity.strip():
            reasons.append(f"{item_id(i)} states no reason why it is necessary.")
    return reasons


def _registry_reasons(req: ShareRequest, p: Partnership, now: datetime) -> list[str]:
    reasons = []
    requesting = p.agency(req.requesting_agency)
    disclosing = p.agency(req.disclosing_agency)
    if requesting is None:
        reasons.append(f"Requesting agency '{req.requesting_agency}' is not in the registry.")
    if disclosing is None:
        reasons.append(f"Disclosing agency '{req.disclosing_agency}' is not in the registry.")
    if req.requesting_agency == req.disclosing_agency:
        reasons.append("Requesting and disclosing agency are the same.")
    requester = p.member(req.requester_id)
    if requester is None or requester.agency_id != req.requesting_agency:
        reasons.append(
            f"Requester '{req.requester_id}' is not registered with '{req.requesting_agency}'."
        )
    if req.isa_reference:
        isa = p.isa(req.isa_reference)
        if isa is None or not isa.covers(req.requesting_agency, req.disclosing_agency, now):
            reasons.append(f"ISA '{req.isa_reference}' does not cover these two agencies today.")
    elif (
        req.gateway == Gateway.NONE
        and p.in_date_isa(req.requesting_agency, req.disclosing_agency, now) is None
    ):
        reasons.append("No in-date information sharing agreement and no legal gateway named.")
    if (
        req.gateway == Gateway.DPA_SCH2_P1_PARA2
        and requesting is not None
        and requesting.kind == "POLICE"
    ):
        reasons.extend(_countersignature_reasons(req, p))
    return reasons


def _countersignature_reasons(req: ShareRequest, p: Partnership) -> list[str]:
    needed = "Schedule 2 requests need a countersignature by an officer of Inspector rank or above."
    if not req.countersigned_by:
        return [needed]
    signer = p.member(req.countersigned_by)
    agency = p.agency(req.requesting_agency)
    if (
        signer is None
        or agency is None
        or signer.agency_id != agency.id
        or signer.role not in agency.approver_roles
    ):
        return [needed + f" '{req.countersigned_by}' does not hold such a rank here."]
    if signer.id == req.requester_id:
        return ["The requester cannot countersign their own request."]
    return []


def _legal_reasons(req: ShareRequest, today: date) -> list[str]:
    reasons = []
    for kind, people in (("subject", req.subjects), ("third party", req.third_parties)):
        for n, person in enumerate(people, start=1):
            problem = person.date_of_birth_problem(today)
            if problem:
                reasons.append(f"The date of birth of {kind} {n} {problem}.")
    if not (req.offence_or_risk or "").strip() and not req.naming_offence_would_prejudice:
        reasons.append(
            "No offence or risk is stated (tick 'would prejudice' if naming it would harm the case)."
        )
    if not req.consequence_if_not_shared.strip():
        reasons.append("State what is likely to happen if nothing is shared.")
    if req.regime == Regime.UK_GDPR and req.lawful_basis == Art6Basis.NOT_APPLICABLE:
        reasons.append("A UK GDPR request needs an Article 6 lawful basis.")
    if req.special_category_data or req.criminal_offence_data:
        cond = req.sensitive_condition
        if cond == SensitiveCondition.NONE:
            reasons.append(
                "Special-category or criminal-offence data needs an Art 9/Schedule 1 or "
                "Schedule 8 condition."
            )
        elif (req.regime == Regime.DPA_PART3) != cond.name.startswith("SCH8"):
            reasons.append(
                f"Condition {cond.value} does not belong to the {req.regime.value} regime."
            )
    if not req.consent_reason.strip() and req.consent not in (
        ConsentStatus.OBTAINED,
        ConsentStatus.NOT_REQUIRED,
    ):
        reasons.append("Say why consent was not obtained.")
    return reasons


def _emergency_reasons(req: ShareRequest) -> list[str]:
    if req.urgency == UrgencyTier.EMERGENCY and not req.risk_to_life:
        return [
            "The EMERGENCY tier is only for a risk to life: tick 'risk to life' to assert it, "
            "or choose RED."
        ]
    if req.risk_to_life and req.urgency != UrgencyTier.EMERGENCY:
        return ["A risk to life is asserted: choose the EMERGENCY tier (or untick it)."]
    return []


def _office_hours(p: Partnership, agency_id: str) -> OfficeHours:
    agency = p.agency(agency_id)
    return agency.office_hours if agency else OfficeHours()


def triage(
    req: ShareRequest,
    partnership: Partnership,
    now: datetime,
    budgets: dict[UrgencyTier, Budget],
) -> Triage:
    """Refuse trawls, send back incomplete or unauthorised requests, and set the deadline."""
    refuse = _trawling_reasons(req)
    defer = (
        _registry_reasons(req, partnership, now)
        + _legal_reasons(req, now.date())
        + _emergency_reasons(req)
    )
    decision = Decision.REFUSE if refuse else (Decision.DEFER if defer else None)
    isa = (
        partnership.isa(req.isa_reference)
        if req.isa_reference
        else partnership.in_date_isa(req.requesting_agency, req.disclosing_agency, now)
    )
    return Triage(
        decision=decision,
        reasons=refuse + defer,
        due_at=budgets[req.urgency].due(now, _office_hours(partnership, req.disclosing_agency)),
        isa_reference=isa.reference if isa else None,
        needs_override=needs_override(req.consent),
        emergency=req.urgency == UrgencyTier.EMERGENCY and req.risk_to_life,
    )


# --- decisions by people -----------------------------------------------------------------------


class Step(StrEnum):
    INTAKE = "intake"
    TRIAGE = "triage"
    EMERGENCY = "emergency"  # an on-call approver confirms an emergency share (risk to life)
    CONSENT = "consent"
    OVERRIDE = "override"
    SIGNOFF = "signoff"
    TRANSFER = "transfer"
    RECORD = "record"


class SignOffChoice(StrEnum):
    SHARE = "SHARE"
    REFUSE = "REFUSE"
    SEND_BACK = "SEND_BACK"


# One-time codes as people type them: ten base32 letters and digits, with or without the dash.
CODE_PATTERN = r"^[A-Z2-7]{5}-?[A-Z2-7]{5}$"
# An Ed25519 signature (64 bytes) in base64, as `infoshare approve --sign` puts it in the answer.
SIGNATURE_PATTERN = r"^[A-Za-z0-9+/]{86}==$"

PERSON_ID_HELP = (
    "Your infoshare person id (like school-head), not your name or email; "
    "`infoshare registry show` lists them."
)
CODE_HELP = "The one-time code from your email (like ABCDE-FGHIJ)."
SIGNATURE_HELP = (
    "Leave empty in the UI: set by `infoshare approve --sign` (your own key) instead of a code."
)


class _Input(BaseModel):
    """An answer by a person. They prove who they are with the one-time code sent to them, or
    with a signature by their own registered key (``infoshare.identity`` checks either)."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


# Plain strings, empty when not given: an optional (``str | None``) field shows in Prefect's
# resume form as a type switch set to None, with no box to type the code into.
def _code() -> Any:
    return Field(default="", pattern=f"^$|{CODE_PATTERN}", description=CODE_HELP)


def _signature() -> Any:
    return Field(default="", pattern=f"^$|{SIGNATURE_PATTERN}", description=SIGNATURE_HELP)


class OverrideInput(_Input):
    """Public-interest override of absent or refused consent."""

    person_id: str = Field(
        title="Person ID", max_length=64, pattern=r"^[a-z0-9-]+$", description=PERSON_ID_HELP
    )
    code: str = _code()
    signature: str = _signature()
    grounds: list[OverrideGround] = Field(
        min_length=1, description="Public-interest grounds for sharing without consent."
    )
    proportionality: str = Field(
        min_length=20,
        max_length=4000,
        description="Why sharing without consent is necessary and proportionate here. "
        "Refer to people by role (subject, partner), not by name.",
    )
    subject_informed: bool = Field(description="Has the subject been told of the sharing?")
    not_informed_reason: str = Field(
        default="",
        max_length=2000,
        description="If not told: why not (e.g. telling them would increase the risk).",
    )

    @property
    def person(self) -> str:
        return self.person_id


class SignOffInput(_Input):
    """Senior sign-off of the disclosure."""

    approver_id: str = Field(
        title="Approver ID", max_length=64, pattern=r"^[a-z0-9-]+$", description=PERSON_ID_HELP
    )
    code: str = _code()
    signature: str = _signature()
    decision: SignOffChoice = Field(
        description="SHARE the items ticked below, REFUSE, or SEND_BACK for more information."
    )
    approved_items: list[str] = Field(
        default_factory=list, description="The items you approve for disclosure (SHARE only)."
    )
    reasons: str = Field(
        min_length=10,
        max_length=4000,
        description="The reasons for your decision; they go on the record (kept encrypted). "
        "Refer to people by role, not by name.",
    )
    redactions: str = Field(
        default="", max_length=2000, description="Anything withheld or redacted, and why."
    )
    dpo_advice: str = Field(
        default="", title="DPO Advice", max_length=2000, description="The DPO's advice, if sought."
    )

    @property
    def person(self) -> str:
        return self.approver_id


class EmergencyChoice(StrEnum):
    CONFIRM = "CONFIRM"
    DECLINE = "DECLINE"


class EmergencyInput(_Input):
    """On-call confirmation of an emergency share (risk to life), before sign-off."""

    approver_id: str = Field(
        title="Approver ID", max_length=64, pattern=r"^[a-z0-9-]+$", description=PERSON_ID_HELP
    )
    code: str = _code()
    signature: str = _signature()
    decision: EmergencyChoice = Field(
        description="CONFIRM: share the items ticked below now, sign-off follows within 24 "
        "hours. DECLINE: no emergency share; the request follows the RED path."
    )
    approved_items: list[str] = Field(
        default_factory=list, description="The items to share now (CONFIRM only)."
    )
    reasons: str = Field(
        min_length=10,
        max_length=4000,
        description="Why sharing now is (or is not) necessary to protect life; it goes on the "
        "record (kept encrypted). Refer to people by role, not by name.",
    )

    @property
    def person(self) -> str:
        return self.approver_id


@dataclass(frozen=True)
class Verdict:
    """Outcome of checking a person's input: accepted, or refused with reasons."""

    reasons: list[str] = field(default_factory=list)
    locked: bool = False  # this refusal locked the step (too many refused answers)

    @property
    def accepted(self) -> bool:
        return not self.reasons


def _person_reasons(
    person_id: str, req: ShareRequest, p: Partnership, what: str
) -> tuple[Member | None, list[str]]:
    person = p.member(person_id)
    if person is None:
        return None, [f"'{person_id}' is not registered in the partnership."]
    if person.id == req.requester_id:
        return person, [f"The requester cannot give the {what} for their own request."]
    if person.agency_id != req.disclosing_agency:
        return person, [f"'{person_id}' does not belong to the disclosing agency."]
    return person, []


def check_override(inp: OverrideInput, req: ShareRequest, p: Partnership) -> Verdict:
    _, reasons = _person_reasons(inp.person_id, req, p, "override justification")
    if not inp.subject_informed and not inp.not_informed_reason.strip():
        reasons.append("Say why the subject has not been told.")
    return Verdict(reasons)


FOUR_EYES_TIERS = frozenset({UrgencyTier.EMERGENCY, UrgencyTier.RED})


@dataclass(frozen=True)
class SignOffRequirement:
    """Who may sign off a request, and how many distinct people must."""

    roles: tuple[str, ...]
    text: str  # as a person reads it: "Inspector or above", "one of: A, B"
    approvals: int  # 2 under four eyes

    @property
    def four_eyes(self) -> bool:
        return self.approvals > 1


def needs_four_eyes(req: ShareRequest, agency: Agency) -> bool:
    """Overriding consent on a RED or EMERGENCY request, or for special-category data, needs two
    distinct approvers where the disclosing agency's policy says so (the default)."""
    return (
        agency.four_eyes
        and needs_override(req.consent)
        and (req.urgency in FOUR_EYES_TIERS or bool(req.special_category_data))
    )


def signoff_requirement(req: ShareRequest, p: Partnership) -> SignOffRequirement | None:
    """The role or rank the disclosing agency requires for this request's tier and data type
    (see ``registry.SignOffRuleSpec``); None if the agency is unknown."""
    agency = p.agency(req.disclosing_agency)
    if agency is None:
        return None
    rule = agency.signoff_rule(req.urgency.value, bool(req.special_category_data))
    return SignOffRequirement(
        rule.roles,
        rule.text or f"one of: {', '.join(rule.roles)}",
        2 if needs_four_eyes(req, agency) else 1,
    )


@dataclass(frozen=True)
class FirstApproval:
    """Under four eyes: the approval already given, which a second person must confirm."""

    person_id: str
    decision: SignOffChoice
    approved_items: tuple[str, ...]


def check_signoff(
    inp: SignOffInput,
    req: ShareRequest,
    p: Partnership,
    prepared_items: set[str],
    override_by: str | None = None,
    first: FirstApproval | None = None,
) -> Verdict:
    """``override_by``: who justified overriding consent; they may not also approve.
    ``first``: under four eyes, the first approval; this answer is the second."""
    person, reasons = _person_reasons(inp.approver_id, req, p, "sign-off")
    if override_by is not None and inp.approver_id == override_by:
        reasons.append("Whoever justified the consent override cannot also sign it off.")
    if first is not None and inp.approver_id == first.person_id:
        reasons.append(
            "Four eyes: the second approval must come from someone other than the first "
            f"approver ({first.person_id})."
        )
    agency = p.agency(req.disclosing_agency)
    need = signoff_requirement(req, p)
    if person is not None and not reasons and agency and need and person.role not in need.roles:
        kind = "special-category data, " if req.special_category_data else ""
        reasons.append(
            f"Sign-off for {agency.name} ({kind}{req.urgency.value}) needs {need.text}"
            + (f" ({', '.join(need.roles)})." if not need.text.startswith("one of") else ".")
        )
    known = set(req.item_ids())
    chosen = set(inp.approved_items)
    if chosen - known:
        reasons.append(f"Unknown items: {', '.join(sorted(chosen - known))}.")
    if inp.decision == SignOffChoice.SHARE:
        if not chosen:
            reasons.append("SHARE needs at least one approved item (or choose REFUSE).")
        missing = sorted((chosen & known) - prepared_items)
        if missing:
            reasons.append(
                f"No content has been prepared for {', '.join(missing)}: prepare it first "
                "(infoshare provide) or leave it out."
            )
        if first is not None and chosen != set(first.approved_items):
            reasons.append(
                "Four eyes: the second approver confirms exactly what the first approved "
                f"({', '.join(first.approved_items)}), or chooses REFUSE or SEND_BACK."
            )
    elif chosen:
        reasons.append(f"{inp.decision.value} cannot approve items; untick them.")
    return Verdict(reasons)


def signoff_decision(inp: SignOffInput, req: ShareRequest) -> Decision:
    if inp.decision == SignOffChoice.REFUSE:
        return Decision.REFUSE
    if inp.decision == SignOffChoice.SEND_BACK:
        return Decision.DEFER
    return (
        Decision.SHARE_FULL
        if set(inp.approved_items) == set(req.item_ids())
        else Decision.SHARE_PARTIAL
    )


def check_emergency(
    inp: EmergencyInput, req: ShareRequest, p: Partnership, prepared_items: set[str]
) -> Verdict:
    """An on-call approver of the disclosing agency (any approver if it registers none) may
    confirm; the items checks are the sign-off's."""
    as_signoff = SignOffInput(
        approver_id=inp.approver_id,
        code=inp.code,
        decision=SignOffChoice.SHARE
        if inp.decision == EmergencyChoice.CONFIRM
        else SignOffChoice.REFUSE,
        approved_items=inp.approved_items,
        reasons=inp.reasons,
    )
    reasons = list(check_signoff(as_signoff, req, p, prepared_items).reasons)
    agency = p.agency(req.disclosing_agency)
    if agency and agency.on_call and inp.approver_id not in agency.on_call and not reasons:
        reasons.append(f"Emergency shares for {agency.name} are confirmed by its on-call approver.")
    return Verdict(reasons)
