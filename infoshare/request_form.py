"""The run form officers fill in: the share-request deployment's parameter schema, made usable.

Prefect builds the form from the flow's signature (``ShareRequest``); this adds what only the
registry knows and what Prefect 3.9.1's forms can show:

* agencies and people are selects of the registry's ids (a JSON-schema ``enum``: the only kind
  of choice both Prefect UIs render as a select; ``const``/``title`` pairs render as tabs or
  not at all), each described by agency name and role, never by a person's name;
* every coded choice (purpose, gateway, condition, ...) is explained in its field's help, since
  a select can show only the code itself;
* what triage requires is required by the form (subjects, items, what happens if nothing is
  shared, the Article 6 basis, which has no default here).

``flows/serve.py`` serves the deployment with this schema and ``infoshare registry load``
refreshes it (``prefect_api.refresh_request_form``), so the selects follow the registry. The
flow itself still reads whatever it is given (``infoshare.reading``): the schema helps people,
it does not guard the flow. Functions here take and return plain JSON schema: no Prefect.
"""

from __future__ import annotations

import copy
from typing import Any

from infoshare import plain_text
from infoshare.models import (
    MULTI_LINE_FIELDS,
    Art6Basis,
    ConsentStatus,
    Gateway,
    Purpose,
    Regime,
    SensitiveCondition,
    UrgencyTier,
)
from infoshare.registry.partnership import Partnership

# What each code means, for the form's help (plain text: the new UI shows help unrendered).
MEANINGS: dict[str, dict[str, str]] = {
    "purpose": {
        Purpose.PREVENT_DETECT_CRIME: "prevent or detect crime",
        Purpose.APPREHEND_PROSECUTE: "apprehend or prosecute offenders",
        Purpose.REDUCE_DISORDER_ASB: "reduce disorder or anti-social behaviour",
        Purpose.REDUCE_REOFFENDING: "reduce reoffending",
        Purpose.PUBLIC_SAFETY: "public safety",
        Purpose.RIGHTS_FREEDOMS_OF_OTHERS: "protect the rights and freedoms of others",
        Purpose.SAFEGUARD_CHILD: "safeguard a child",
        Purpose.SAFEGUARD_ADULT_AT_RISK: "safeguard an adult at risk",
        Purpose.DOMESTIC_ABUSE_RISK: "domestic abuse risk",
        Purpose.CHILD_SEX_OFFENDER_RISK: "child sex offender risk (Sarah's law)",
        Purpose.EMERGENCY_VITAL_INTERESTS: "emergency: someone's vital interests",
    },
    "regime": {
        Regime.UK_GDPR: "UK GDPR, general processing (councils, health, schools, housing)",
        Regime.DPA_PART3: "DPA 2018 Part 3, law-enforcement processing (police, youth justice)",
    },
    "lawful_basis": {
        Art6Basis.NOT_APPLICABLE: "only under DPA Part 3, which has no Article 6 basis",
        Art6Basis.CONSENT: "Art 6(1)(a) consent",
        Art6Basis.LEGAL_OBLIGATION: "Art 6(1)(c) legal obligation",
        Art6Basis.VITAL_INTERESTS: "Art 6(1)(d) vital interests",
        Art6Basis.PUBLIC_TASK: "Art 6(1)(e) public task",
    },
    "sensitive_condition": {
        SensitiveCondition.NONE: "no special-category or criminal-offence data",
        SensitiveCondition.SCH1_P2_PARA6_STATUTORY: "DPA Sch 1 Pt 2 para 6, statutory purposes",
        SensitiveCondition.SCH1_P2_PARA10_UNLAWFUL_ACTS: "Sch 1 para 10, preventing or "
        "detecting unlawful acts",
        SensitiveCondition.SCH1_P2_PARA11_PROTECTING_PUBLIC: "Sch 1 para 11, protecting the public",
        SensitiveCondition.SCH1_P2_PARA18_SAFEGUARDING: "Sch 1 para 18, safeguarding children "
        "and individuals at risk",
        SensitiveCondition.SCH8_PARA1_STATUTORY: "DPA Sch 8 para 1, statutory purposes (Part 3)",
        SensitiveCondition.SCH8_PARA2_JUSTICE: "Sch 8 para 2, administration of justice",
        SensitiveCondition.SCH8_PARA3_VITAL_INTERESTS: "Sch 8 para 3, vital interests",
        SensitiveCondition.SCH8_PARA4_SAFEGUARDING: "Sch 8 para 4, safeguarding children and "
        "individuals at risk",
    },
    "gateway": {
        Gateway.NONE: "the information sharing agreement alone",
        Gateway.CDA1998_S115: "Crime and Disorder Act 1998 s.115 (a power, not a duty)",
        Gateway.DPA_SCH2_P1_PARA2: "DPA 2018 Sch 2 para 2 crime exemption (police: needs an "
        "Inspector's countersignature)",
        Gateway.PCSC2022_S16: "Police, Crime, Sentencing and Courts Act 2022 s.16, serious "
        "violence duty",
        Gateway.COMMON_LAW_POLICING: "common-law policing powers (Clare's and Sarah's law)",
        Gateway.COURT_ORDER: "a court order",
    },
    "consent": {
        ConsentStatus.OBTAINED: "the subject agreed",
        ConsentStatus.REFUSED: "the subject refused (the disclosing agency must justify an "
        "override)",
        ConsentStatus.NOT_SOUGHT_UNSAFE: "not sought: asking would put someone at risk",
        ConsentStatus.NOT_SOUGHT_PREJUDICE: "not sought: asking would prejudice the purpose",
        ConsentStatus.LACKS_CAPACITY: "the subject lacks capacity to consent",
        ConsentStatus.NOT_REQUIRED: "consent is not the basis and need not be sought",
    },
    "urgency": {
        UrgencyTier.EMERGENCY: "risk to life: tick 'risk to life' too; shared at once, signed "
        "off within 24 hours",
        UrgencyTier.RED: "4 working hours",
        UrgencyTier.AMBER: "24 working hours",
        UrgencyTier.GREEN: "72 hours",
        UrgencyTier.ROUTINE: "10 working days",
    },
}

# Titles for fields whose type is a coded choice: Prefect would show the type's name
# ("Art6Basis", "ConsentStatus").
TITLES = {
    "purpose": "Purpose",
    "regime": "Regime",
    "lawful_basis": "Lawful basis (UK GDPR Article 6)",
    "sensitive_condition": "Special-category or criminal-offence condition",
    "gateway": "Legal gateway",
    "consent": "Consent",
    "urgency": "Urgency tier",
    "delivery": "Delivery",
}

# Fields the form requires although the model gives them a default (so that a request sent
# without them still reaches triage, which sends it back): triage needs them.
REQUIRED_BY_TRIAGE = ("subjects", "items", "consequence_if_not_shared", "lawful_basis")


def _choices(meanings: dict[str, str]) -> str:
    return "Choices: " + "; ".join(f"{code} = {text}" for code, text in meanings.items()) + "."


def _select(prop: dict[str, Any], ids: list[str], help_text: str) -> dict[str, Any]:
    out = {k: v for k, v in prop.items() if k not in ("pattern", "minLength", "maxLength")}
    out.update(type="string", enum=ids, description=help_text)
    return out


def form_schema(schema: dict[str, Any], partnership: Partnership) -> dict[str, Any]:
    """The deployment's parameter schema (as Prefect generated it from the flow) with the
    registry's selects, readable choices and triage's required fields. Idempotent."""
    out = copy.deepcopy(schema)
    _fields(out["definitions"]["ShareRequest"], partnership)
    part = out.get("properties", {}).get("enquiry_part")
    if part is not None:
        part["title"] = "Enquiry part"
        part["description"] = (
            "Leave empty: set only when a multi-agency enquiry starts this request (a "
            "reference to its part, ENQ-.../agency)."
        )
    for definition in out["definitions"].values():
        _text_only(definition.get("properties", {}))
    return out


def enquiry_form_schema(schema: dict[str, Any], partnership: Partnership) -> dict[str, Any]:
    """The enquiry deployment's run form: the request form's fields, once for the shared part
    and once per agency asked (the same selects, choices and required fields). Idempotent."""
    out = copy.deepcopy(schema)
    defs = out["definitions"]
    _fields(defs["Enquiry"], partnership)
    _fields(defs["AgencyAsk"], partnership)
    defs["Enquiry"]["properties"]["agencies"]["minItems"] = 1
    defs["Enquiry"]["properties"]["agencies"].pop("default", None)
    required = defs["Enquiry"].setdefault("required", [])
    required += [] if "agencies" in required else ["agencies"]
    for definition in defs.values():
        _text_only(definition.get("properties", {}))
    return out


def _fields(model: dict[str, Any], partnership: Partnership) -> None:
    """The request form's treatment of the fields ``model`` (a schema definition) has."""
    props = model["properties"]
    agencies = sorted(partnership.agencies.values(), key=lambda a: a.id)
    people = sorted(partnership.members.values(), key=lambda m: (m.agency_id, m.id))
    agency_list = "; ".join(f"{a.id} = {a.name}" for a in agencies)
    agency_ids = [a.id for a in agencies]
    if "requesting_agency" in props:
        props["requesting_agency"] = _select(
            props["requesting_agency"], agency_ids, f"Your agency. {agency_list}."
        )
    if "disclosing_agency" in props:
        props["disclosing_agency"] = _select(
            props["disclosing_agency"], agency_ids, f"The agency asked to disclose. {agency_list}."
        )
    if "requester_id" in props:
        props["requester_id"] = _select(
            props["requester_id"],
            [m.id for m in people],
            "Your person id: your name, role and contact come from the registry "
            "(`infoshare registry show` lists everyone's).",
        )
    police = [m for m in people if (a := partnership.agency(m.agency_id)) and a.kind == "POLICE"]
    if "countersigned_by" in props:
        props["countersigned_by"] = _select(
            props["countersigned_by"],
            ["", *(m.id for m in police)],
            "Police requests under the DPA Schedule 2 crime exemption: the Inspector (or above) "
            "who countersigns. Leave empty otherwise. "
            + "; ".join(f"{m.id} = {m.role}" for m in police)
            + ".",
        )
    for name, title in TITLES.items():
        if name in props:
            props[name]["title"] = title
    for name, meanings in MEANINGS.items():
        if name not in props:
            continue
        prop = props[name]
        base = str(prop.get("description", "")).partition("Choices: ")[0].strip().rstrip(".")
        prop["description"] = f"{base}. {_choices(meanings)}" if base else _choices(meanings)
    if "lawful_basis" in props:
        props["lawful_basis"].pop("default", None)
    for name in ("subjects", "items"):
        if name in props:
            props[name]["minItems"] = 1
            props[name].pop("default", None)
    if "consequence_if_not_shared" in props:
        props["consequence_if_not_shared"]["minLength"] = 1
        props["consequence_if_not_shared"].pop("default", None)
    required = model.setdefault("required", [])
    required += [name for name in REQUIRED_BY_TRIAGE if name in props and name not in required]


def _text_only(props: dict[str, Any]) -> None:
    """Every typed text field refuses control characters and lone surrogates (Prefect's server
    then answers 409 naming the field, before a run exists): the patterns of
    ``infoshare.plain_text``. A field with its own pattern or choices keeps them (they allow
    no such character)."""
    for name, prop in props.items():
        if prop.get("type") == "string" and "enum" not in prop and "pattern" not in prop:
            multi = name in MULTI_LINE_FIELDS
            prop["pattern"] = (
                plain_text.MULTI_LINE_PATTERN if multi else plain_text.SINGLE_LINE_PATTERN
            )
