"""The share request (ICO Data Sharing Code, Annex B) and the vocabularies it uses.

``ShareRequest`` is both our domain model and the Prefect run form: every field's description
is the help text an officer sees. Describe the information wanted, never the person, in item
descriptions: only the ``subjects`` and ``third_parties`` lists, and the free-text fields
marked as such, may hold personal data, and those are encrypted in our store and removed from
Prefect as soon as the run starts.
"""

from __future__ import annotations

import copy
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$"),
]


class Purpose(StrEnum):
    PREVENT_DETECT_CRIME = "PREVENT_DETECT_CRIME"
    APPREHEND_PROSECUTE = "APPREHEND_PROSECUTE"
    REDUCE_DISORDER_ASB = "REDUCE_DISORDER_ASB"
    REDUCE_REOFFENDING = "REDUCE_REOFFENDING"
    PUBLIC_SAFETY = "PUBLIC_SAFETY"
    RIGHTS_FREEDOMS_OF_OTHERS = "RIGHTS_FREEDOMS_OF_OTHERS"
    SAFEGUARD_CHILD = "SAFEGUARD_CHILD"
    SAFEGUARD_ADULT_AT_RISK = "SAFEGUARD_ADULT_AT_RISK"
    DOMESTIC_ABUSE_RISK = "DOMESTIC_ABUSE_RISK"
    CHILD_SEX_OFFENDER_RISK = "CHILD_SEX_OFFENDER_RISK"
    EMERGENCY_VITAL_INTERESTS = "EMERGENCY_VITAL_INTERESTS"


class Regime(StrEnum):
    UK_GDPR = "UK_GDPR"
    DPA_PART3 = "DPA_PART3"


class Art6Basis(StrEnum):
    NOT_APPLICABLE = "NOT_APPLICABLE"  # DPA 2018 Part 3 processing has no Article 6 basis
    CONSENT = "CONSENT"
    LEGAL_OBLIGATION = "LEGAL_OBLIGATION"
    VITAL_INTERESTS = "VITAL_INTERESTS"
    PUBLIC_TASK = "PUBLIC_TASK"


class SensitiveCondition(StrEnum):
    """UK GDPR Art 9 with DPA Schedule 1 Part 2, or DPA Part 3 Schedule 8."""

    NONE = "NONE"  # no special-category or criminal-offence data
    SCH1_P2_PARA6_STATUTORY = "SCH1_P2_PARA6_STATUTORY"
    SCH1_P2_PARA10_UNLAWFUL_ACTS = "SCH1_P2_PARA10_UNLAWFUL_ACTS"
    SCH1_P2_PARA11_PROTECTING_PUBLIC = "SCH1_P2_PARA11_PROTECTING_PUBLIC"
    SCH1_P2_PARA18_SAFEGUARDING = "SCH1_P2_PARA18_SAFEGUARDING"
    SCH8_PARA1_STATUTORY = "SCH8_PARA1_STATUTORY"
    SCH8_PARA2_JUSTICE = "SCH8_PARA2_JUSTICE"
    SCH8_PARA3_VITAL_INTERESTS = "SCH8_PARA3_VITAL_INTERESTS"
    SCH8_PARA4_SAFEGUARDING = "SCH8_PARA4_SAFEGUARDING"


class Gateway(StrEnum):
    NONE = "NONE"  # relying on the information sharing agreement alone
    CDA1998_S115 = "CDA1998_S115"
    DPA_SCH2_P1_PARA2 = "DPA_SCH2_P1_PARA2"
    PCSC2022_S16 = "PCSC2022_S16"
    COMMON_LAW_POLICING = "COMMON_LAW_POLICING"
    COURT_ORDER = "COURT_ORDER"


class ConsentStatus(StrEnum):
    OBTAINED = "OBTAINED"
    REFUSED = "REFUSED"
    NOT_SOUGHT_UNSAFE = "NOT_SOUGHT_UNSAFE"
    NOT_SOUGHT_PREJUDICE = "NOT_SOUGHT_PREJUDICE"
    LACKS_CAPACITY = "LACKS_CAPACITY"
    NOT_REQUIRED = "NOT_REQUIRED"


class OverrideGround(StrEnum):
    SAFEGUARD_CHILDREN = "SAFEGUARD_CHILDREN"
    PROTECT_VULNERABLE = "PROTECT_VULNERABLE"
    PREVENT_OFFENCES = "PREVENT_OFFENCES"
    BRING_OFFENDERS_TO_JUSTICE = "BRING_OFFENDERS_TO_JUSTICE"


class UrgencyTier(StrEnum):
    EMERGENCY = "EMERGENCY"
    RED = "RED"
    AMBER = "AMBER"
    GREEN = "GREEN"
    ROUTINE = "ROUTINE"


class DeliveryMethod(StrEnum):
    SECURE_INBOX = "SECURE_INBOX"


class Decision(StrEnum):
    SHARE_FULL = "SHARE_FULL"
    SHARE_PARTIAL = "SHARE_PARTIAL"
    REFUSE = "REFUSE"
    DEFER = "DEFER"
    EXPIRED = "EXPIRED"
    FAILED = "FAILED"
    WITHDRAWN = "WITHDRAWN"  # an enquiry's requester withdrew this agency's part: nothing sent

    @property
    def shares(self) -> bool:
        return self in (Decision.SHARE_FULL, Decision.SHARE_PARTIAL)


class _Form(BaseModel):
    # Unknown keys are refused by the form schema (HTTP 409) instead of crashing the run.
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class Person(_Form):
    """Someone the request is about. Personal data: encrypted at rest, removed from Prefect."""

    name: ShortText = Field(description="Full name as held by the requesting agency.")
    date_of_birth: str = Field(
        default="",
        pattern=r"^(\d{4}-\d{2}-\d{2})?$",
        description="Date of birth as YYYY-MM-DD (e.g. 2004-07-21); leave empty if not known.",
    )
    address: str = Field(default="", max_length=500, description="Address, if relevant.")
    relationship: str = Field(
        default="",
        max_length=200,
        description="For third parties: how they relate to the subject (e.g. partner, child).",
    )

    def date_of_birth_problem(self, today: date) -> str | None:
        """Why the date of birth cannot be right, or None. Checked at triage, not here: a
        request the form accepted must reach the flow (and its record), and a validation error
        raised while the run starts would be logged by Prefect with the value in it."""
        if not self.date_of_birth:
            return None
        try:
            born = date.fromisoformat(self.date_of_birth)
        except ValueError:
            return "is not a real date"
        return "is in the future" if born > today else None


class RequestedItem(_Form):
    """One specific piece of information wanted, and why it is necessary."""

    description: ShortText = Field(
        description=(
            "What information, specifically (e.g. 'A&E attendance dates, last 12 months'). "
            "Describe the information, not the person: no names here."
        )
    )
    necessity: str = Field(
        max_length=2000,
        description="Why this item is necessary for the purpose. Items without a reason are refused.",
    )


class ShareRequest(_Form):
    """Information sharing request (ICO Data Sharing Code, Annex B).

    Ask only for specific information about specific people, and say why each item is needed.
    Requests for "all information held" are refused.
    """

    requesting_agency: Identifier = Field(
        description="Your agency's id in the partnership registry."
    )
    requester_id: Identifier = Field(
        title="Requester ID",
        description="Your person id in the registry; your name, role and contact come from it.",
    )
    disclosing_agency: Identifier = Field(
        description="Registry id of the agency asked to disclose."
    )
    subjects: list[Person] = Field(
        default_factory=list,
        description="The person or people the request is about, at least one. A request about "
        "nobody in particular is refused.",
    )
    third_parties: list[Person] = Field(
        default_factory=list, description="Other people named in the request, if any."
    )
    purpose: Purpose = Field(description="Why the information is needed.")
    offence_or_risk: str = Field(
        default="",
        max_length=2000,
        description="The offence or risk concerned. Leave empty only if naming it would prejudice the case.",
    )
    naming_offence_would_prejudice: bool = Field(
        default=False, description="Tick if naming the offence or risk would prejudice the case."
    )
    items: list[RequestedItem] = Field(
        default_factory=list,
        description="Each specific item of information wanted, with why it is necessary, at least "
        "one. 'All information held' is refused.",
    )
    consequence_if_not_shared: str = Field(
        default="",
        max_length=2000,
        description="What is likely to happen if the information is not shared.",
    )
    regime: Regime = Field(description="UK GDPR (general) or DPA 2018 Part 3 (law enforcement).")
    lawful_basis: Art6Basis = Field(
        default=Art6Basis.NOT_APPLICABLE,
        description="UK GDPR Article 6 basis (needed for UK_GDPR; NOT_APPLICABLE under DPA Part 3).",
    )
    sensitive_condition: SensitiveCondition = Field(
        default=SensitiveCondition.NONE,
        description="If special-category or criminal-offence data is involved: the Art 9 / "
        "Schedule 1 condition (UK_GDPR) or the Schedule 8 condition (DPA_PART3).",
    )
    special_category_data: bool = Field(
        default=False, description="Health, ethnicity, sexual life or other special-category data."
    )
    criminal_offence_data: bool = Field(default=False, description="Criminal-offence data.")
    gateway: Gateway = Field(
        default=Gateway.NONE,
        description="The legal gateway or power relied on (NONE: the ISA alone).",
    )
    isa_reference: str = Field(
        title="ISA Reference",
        default="",
        max_length=100,
        description="Information sharing agreement reference, if any (e.g. NCSP-ISA-2026-01).",
    )
    dpia_considered: bool = Field(
        default=False, title="DPIA Considered", description="Has a DPIA been considered?"
    )
    consent: ConsentStatus = Field(description="Consent status of the subject(s).")
    consent_reason: str = Field(
        default="", max_length=2000, description="Why consent was or was not sought or obtained."
    )
    urgency: UrgencyTier = Field(
        description="EMERGENCY (risk to life, 24h), RED (4 working hours), AMBER (24 working "
        "hours), GREEN (72h), ROUTINE (10 working days)."
    )
    risk_to_life: bool = Field(
        default=False,
        description="Tick only with the EMERGENCY tier, to assert that someone's life is at risk "
        "now: an on-call approver of the disclosing agency is asked to confirm within minutes, "
        "the information is shared at once, and sign-off follows within 24 hours.",
    )
    countersigned_by: str = Field(
        default="",
        max_length=64,
        pattern=r"^([a-z0-9-]+)?$",
        description="Countersigning officer's person id (police Schedule 2 requests: Inspector or "
        "above).",
    )
    delivery: DeliveryMethod = Field(
        default=DeliveryMethod.SECURE_INBOX, description="How the information should be delivered."
    )

    def item_ids(self) -> list[str]:
        return [item_id(i) for i in range(len(self.items))]


def item_id(index: int) -> str:
    """Stable, non-personal id of the request's n-th item (0-based index)."""
    return f"item-{index + 1}"


def _same_as(name: str) -> Any:
    """A field of an enquiry defined once, as the request's field of that name (its type is
    written again beside it; its help, default and checks are the request's)."""
    return copy.copy(ShareRequest.model_fields[name])


class AgencyAsk(_Form):
    """What one disclosing agency is asked in an enquiry: the items wanted from it, each with
    its necessity, and the gateway or agreement its sharing rests on."""

    disclosing_agency: Identifier = _same_as("disclosing_agency")
    items: list[RequestedItem] = _same_as("items")
    gateway: Gateway = _same_as("gateway")
    isa_reference: str = _same_as("isa_reference")
    sensitive_condition: SensitiveCondition = _same_as("sensitive_condition")
    special_category_data: bool = _same_as("special_category_data")
    criminal_offence_data: bool = _same_as("criminal_offence_data")
    countersigned_by: str = _same_as("countersigned_by")


class Enquiry(_Form):
    """A multi-agency enquiry: one case asks several agencies at once.

    The shared part of the request is given once (who asks, about whom, why, consent, tier);
    each agency asked gets its own items, gateway or agreement. Each agency's part runs as its
    own share request (its own triage, approvals, envelope and record); the enquiry is followed
    and recorded as one.
    """

    requesting_agency: Identifier = _same_as("requesting_agency")
    requester_id: Identifier = _same_as("requester_id")
    subjects: list[Person] = _same_as("subjects")
    third_parties: list[Person] = _same_as("third_parties")
    purpose: Purpose = _same_as("purpose")
    offence_or_risk: str = _same_as("offence_or_risk")
    naming_offence_would_prejudice: bool = _same_as("naming_offence_would_prejudice")
    consequence_if_not_shared: str = _same_as("consequence_if_not_shared")
    regime: Regime = _same_as("regime")
    lawful_basis: Art6Basis = _same_as("lawful_basis")
    dpia_considered: bool = _same_as("dpia_considered")
    consent: ConsentStatus = _same_as("consent")
    consent_reason: str = _same_as("consent_reason")
    urgency: UrgencyTier = _same_as("urgency")
    risk_to_life: bool = _same_as("risk_to_life")
    delivery: DeliveryMethod = _same_as("delivery")
    agencies: list[AgencyAsk] = Field(
        default_factory=list,
        description="Each agency asked, at least one, once each: the items wanted from it "
        "(each with why it is necessary) and its gateway or information sharing agreement.",
    )

    def shared(self) -> dict[str, Any]:
        """The part of the request every agency is asked the same."""
        return self.model_dump(exclude={"agencies"})

    def ask(self, agency: str) -> AgencyAsk | None:
        return next((a for a in self.agencies if a.disclosing_agency == agency), None)

    def request_to(self, agency: str) -> ShareRequest:
        """The share request one agency is asked: the shared part and that agency's own."""
        ask = self.ask(agency)
        if ask is None:
            raise KeyError(f"the enquiry does not ask {agency}")
        return ShareRequest.model_validate({**self.shared(), **ask.model_dump()})


PERSONAL_FIELDS = frozenset(
    {"subjects", "third_parties", "offence_or_risk", "consequence_if_not_shared", "consent_reason"}
)
"""Fields that may hold personal data: kept only encrypted in our store, never in Prefect."""

MULTI_LINE_FIELDS = frozenset(
    {"address", "necessity", "offence_or_risk", "consequence_if_not_shared", "consent_reason"}
)
"""Free-text fields (of a request, its people and items) that may hold tabs and line breaks;
no other field may hold a control character (``infoshare.plain_text``)."""


class Step(StrEnum):
    """The steps of a request, in the order the share-request flow takes them."""

    INTAKE = "intake"
    TRIAGE = "triage"
    EMERGENCY = "emergency"  # an on-call approver confirms an emergency share (risk to life)
    CONSENT = "consent"
    OVERRIDE = "override"
    SIGNOFF = "signoff"
    TRANSFER = "transfer"
    RECORD = "record"
