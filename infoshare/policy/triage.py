"""Triage: is this a request infoshare may act on, and by when?

Refuses trawls ("all information held", no named subject, an item with no stated necessity),
sends back what is incomplete or not authorised (unknown requester, no in-date ISA or gateway,
a Schedule 2 police request without an Inspector's countersignature, a missing lawful basis or
special-category condition), checks an emergency's assertion of risk to life, routes on consent
(``needs_override``) and sets the deadline from the tier. Plain functions: no database, no
Prefect; every reason is one a person can act on and never quotes personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from infoshare.models import (
    Art6Basis,
    ConsentStatus,
    Decision,
    Gateway,
    Regime,
    SensitiveCondition,
    ShareRequest,
    UrgencyTier,
    item_id,
)
from infoshare.registry.partnership import Partnership
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
