"""Which request fields are personal is decided once (``PERSONAL_FIELDS``); Prefect keeps only
the rest. A new field must be classified here before it can reach Prefect."""

from __future__ import annotations

import json
from pathlib import Path

from infoshare.models import PERSONAL_FIELDS, ShareRequest
from infoshare.redaction import public_view, redacted_parameters

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
