"""Who may decide, and what they may decide: the override's justifier, the sign-off approvers
(the role or rank the disclosing agency requires for the tier and data; never the requester or
the justifier), four eyes (two different approvers for RED or EMERGENCY overrides and special
category data), and the on-call confirmation of an emergency share.
"""

from __future__ import annotations

from dataclasses import dataclass

from infoshare.models import (
    Decision,
    ShareRequest,
    UrgencyTier,
)
from infoshare.policy.answers import (
    EmergencyChoice,
    EmergencyInput,
    OverrideInput,
    SignOffChoice,
    SignOffInput,
    Verdict,
)
from infoshare.policy.triage import needs_override
from infoshare.registry.partnership import Agency, Member, Partnership


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
