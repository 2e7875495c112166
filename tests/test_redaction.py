"""Which request fields are personal is decided once (``PERSONAL_FIELDS``); Prefect keeps only
the rest. A new field must be classified here before it can reach Prefect."""

from __future__ import annotations

import json
from pathlib import Path

from infoshare.models import PERSONAL_FIELDS, AgencyAsk, Enquiry, ShareRequest
from infoshare.redaction import (
    part_parameters,
    public_enquiry,
    public_view,
    redacted_enquiry,
    redacted_parameters,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Fields that may be kept in Prefect and in reports: registry ids, codes, flags, and item
# descriptions (the form asks for the information, not the person).
NON_PERSONAL = {
    "requesting_agency", "requester_id", "disclosing_agency", "purpose",
    "naming_offence_would_prejudice", "items", "regime", "lawful_basis", "sensitive_condition",
    "special_category_data", "criminal_offence_data", "gateway", "isa_reference",
    "dpia_considered", "consent", "urgency", "countersigned_by", "delivery", "risk_to_life",
}  # fmt: skip


def test_every_request_field_is_classified() -> None:
    fields = set(ShareRequest.model_fields)
    assert fields == NON_PERSONAL | PERSONAL_FIELDS, (
        "classify the new field as personal (PERSONAL_FIELDS) or not (NON_PERSONAL above): "
        f"{sorted(fields ^ (NON_PERSONAL | PERSONAL_FIELDS))}"
    )
    assert not NON_PERSONAL & PERSONAL_FIELDS


def test_redacted_parameters_and_public_view_hold_no_personal_value() -> None:
    for path in EXAMPLES.glob("*.json"):
        if path.name.endswith("-enquiry.json"):
            continue  # below
        raw = json.loads(path.read_text())
        req = ShareRequest.model_validate(raw)
        secrets = [p["name"] for p in raw.get("subjects", []) + raw.get("third_parties", [])]
        secrets += [raw[f] for f in PERSONAL_FIELDS if isinstance(raw.get(f), str) and raw[f]]
        secrets += [i["necessity"] for i in raw["items"] if i["necessity"]]
        redacted = redacted_parameters(req, "ISR-20261126-TESTTEST")
        ShareRequest.model_validate(redacted["request"])  # still a valid form for a re-run
        for text in (json.dumps(redacted), json.dumps(public_view(req))):
            for secret in secrets:
                assert secret not in text, (path.name, secret)


def test_an_enquiry_is_made_of_request_fields_only() -> None:
    """Each field of an enquiry is a request's field (so classified above), but its list of
    agencies asked, each made of request fields too."""
    assert set(Enquiry.model_fields) - {"agencies"} <= set(ShareRequest.model_fields)
    assert set(AgencyAsk.model_fields) <= set(ShareRequest.model_fields)
    assert set(Enquiry.model_fields) - {"agencies"} | set(AgencyAsk.model_fields) == set(
        ShareRequest.model_fields
    )


def test_an_enquiry_and_its_parts_leave_no_personal_value_in_prefect() -> None:
    raw = json.loads((EXAMPLES / "scenario2-enquiry.json").read_text())
    enq = Enquiry.model_validate(raw)
    secrets = [p["name"] for p in raw["subjects"] + raw["third_parties"]]
    secrets += [raw[f] for f in PERSONAL_FIELDS if isinstance(raw.get(f), str) and raw[f]]
    secrets += [i["necessity"] for a in raw["agencies"] for i in a["items"]]
    ref = "ENQ-20261207-TESTTEST"
    texts = [json.dumps(redacted_enquiry(enq, ref)), json.dumps(public_enquiry(enq))]
    Enquiry.model_validate(redacted_enquiry(enq, ref)["enquiry"])
    for ask in enq.agencies:
        part = part_parameters(enq.request_to(ask.disclosing_agency), ref, f"{ref}/x")
        ShareRequest.model_validate(part["request"])  # valid under the run form's schema
        assert part["request"]["subjects"], "the form requires a subject: a pointer stands in"
        texts.append(json.dumps(part))
    for text in texts:
        for secret in secrets:
            assert secret not in text, secret
