"""Sharing policy on the demo partnership: triage, consent routing, who may decide, outcomes.

Plain functions only: no store, no Prefect, no network.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from infoshare.config import load_settings
from infoshare.models import ConsentStatus, Decision, OverrideGround, ShareRequest
from infoshare.policy.answers import OverrideInput, SignOffChoice, SignOffInput
from infoshare.policy.approval import (
    FirstApproval,
    check_override,
    check_signoff,
    signoff_decision,
    signoff_requirement,
)
from infoshare.policy.triage import is_trawl, needs_override, triage
from infoshare.registry.partnership import Partnership
from infoshare.registry.spec import DEMO_REGISTRY, RegistryError, parse_registry, read_registry_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# Inside the demo ISA (NCSP-ISA-2026-01 runs 2026-01-01 .. 2030-12-31 inclusive).
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
BUDGETS = load_settings({"INFOSHARE_HOME": "/nonexistent-infoshare-home"}).tier_budgets

SCHOOL = "scenario1-school-attendance.json"
HOSPITAL = "scenario2-hospital.json"
HOUSING = "scenario2-housing.json"
TRAWL = "scenario3-trawl.json"


@pytest.fixture(scope="module")
def p() -> Partnership:
    return Partnership.from_spec(read_registry_file(DEMO_REGISTRY))


def raw(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def req(name: str, **changes: Any) -> ShareRequest:
    """An example request with some fields replaced (validated like a submitted form)."""
    data = raw(name)
    data.update(changes)
    return ShareRequest.model_validate(data)


def specific_police_request(**changes: Any) -> ShareRequest:
    """Scenario 3 made specific and necessary, so only the countersignature is in question."""
    base: dict[str, Any] = {
        "items": [
            {
                "description": "Noise and nuisance complaints about the tenancy, last 6 months",
                "necessity": "Corroborates reports of visitors at all hours linked to supply.",
            }
        ],
        "offence_or_risk": "Supply of a controlled drug (Misuse of Drugs Act 1971 s.4).",
    }
    base.update(changes)
    return req(TRAWL, **base)


def has_reason(reasons: list[str], *fragments: str) -> bool:
    return any(all(f.lower() in r.lower() for f in fragments) for r in reasons)


# --- triage of the three public scenarios --------------------------------------------------------


def test_scenario3_trawl_is_refused_with_all_three_reasons(p: Partnership) -> None:
    t = triage(req(TRAWL), p, NOW, BUDGETS)
    assert t.decision == Decision.REFUSE
    assert not t.accepted
    assert has_reason(t.reasons, "item-1", "all information held")
    assert has_reason(t.reasons, "item-1", "no reason", "necessary")
    assert has_reason(t.reasons, "countersignature", "Inspector")
    # Reasons go back to the requester: they name items and roles, never the subject.
    assert not any("Tobias" in r or "1990-09-09" in r for r in t.reasons)


@pytest.mark.parametrize("name", [SCHOOL, HOSPITAL, HOUSING])
def test_scenarios_1_and_2_are_accepted(p: Partnership, name: str) -> None:
    t = triage(req(name), p, NOW, BUDGETS)
    assert t.accepted, t.reasons
    assert t.decision is None
    assert t.reasons == []
    assert t.isa_reference == "NCSP-ISA-2026-01"


@pytest.mark.parametrize(
    ("name", "due"),
    [
        (SCHOOL, NOW + timedelta(hours=72)),  # GREEN: 72 clock hours
        (HOSPITAL, NOW + timedelta(hours=4)),  # RED: 4 working hours, Thursday 10:00 -> 14:00
        (HOUSING, NOW + timedelta(hours=4)),
        # AMBER: 24 working hours: Thu 7 h, Fri 8 h, (weekend), Mon 8 h, Tue 1 h -> Tue 10:00
        (TRAWL, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
    ],
)
def test_deadline_is_received_plus_tier_budget(p: Partnership, name: str, due: datetime) -> None:
    assert triage(req(name), p, NOW, BUDGETS).due_at == due


def test_deadline_follows_configured_tier_budgets(p: Partnership) -> None:
    budgets = load_settings({"INFOSHARE_HOME": "/x", "INFOSHARE_TIERS": '{"RED": 2}'}).tier_budgets
    assert triage(req(HOSPITAL), p, NOW, budgets).due_at == NOW + timedelta(hours=2)
    assert triage(req(SCHOOL), p, NOW, budgets).due_at == NOW + timedelta(hours=72)


# --- trawls --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "All information held",
        "All information held on the tenant",
        "any records",
        "Any records you hold",
        "everything you have",
        "full file",
        "The whole case history",
        "Any information about the subject",
        "whatever data you have on file",
    ],
)
def test_trawl_phrases_are_detected(text: str) -> None:
    assert is_trawl(text)


@pytest.mark.parametrize(
    "text",
    [
        "A&E attendance dates, last 12 months",
        "School attendance summary",
        "Exclusions (dates and types), last 12 months",
        "Tenancy disturbance records, last 12 months",
        "Injury descriptions recorded at those attendances",
        # specific asks that happen to contain "any", "every" or "complete"
        "Whether any firearms licence is held",
        "Every address held for the subject since 2024",
        "Complete record of exclusions, last 12 months",
        "Dates of any A&E attendances and the details recorded",
    ],
)
def test_specific_items_are_not_trawls(text: str) -> None:
    assert not is_trawl(text)


def test_a_trawl_item_refuses_the_request_even_with_necessity(p: Partnership) -> None:
    r = req(SCHOOL, items=[{"description": "Any records you hold", "necessity": "To know more."}])
    t = triage(r, p, NOW, BUDGETS)
    assert t.decision == Decision.REFUSE
    assert has_reason(t.reasons, "item-1", "all information held")


def test_request_without_subject_or_items_is_refused(p: Partnership) -> None:
    t = triage(req(SCHOOL, subjects=[], items=[]), p, NOW, BUDGETS)
    assert t.decision == Decision.REFUSE
    assert has_reason(t.reasons, "specific person")
    assert has_reason(t.reasons, "no specific item")


def test_only_the_item_without_necessity_is_named(p: Partnership) -> None:
    items = raw(HOSPITAL)["items"]
    items[1]["necessity"] = "   "
    t = triage(req(HOSPITAL, items=items), p, NOW, BUDGETS)
    assert t.decision == Decision.REFUSE
    assert t.reasons == ["item-2 states no reason why it is necessary."]


# --- send back (DEFER) ---------------------------------------------------------------------------


def deferred(t: Any, *fragments: str) -> None:
    assert t.decision == Decision.DEFER, t.reasons
    assert has_reason(t.reasons, *fragments), t.reasons


def test_unknown_requesting_agency_is_sent_back(p: Partnership) -> None:
    t = triage(req(SCHOOL, requesting_agency="southshire-yjs"), p, NOW, BUDGETS)
    deferred(t, "southshire-yjs", "not in the registry")


def test_unknown_disclosing_agency_is_sent_back(p: Partnership) -> None:
    t = triage(req(SCHOOL, disclosing_agency="southshire-academy"), p, NOW, BUDGETS)
    deferred(t, "southshire-academy", "not in the registry")


def test_requester_not_in_requesting_agency_is_sent_back(p: Partnership) -> None:
    t = triage(req(SCHOOL, requester_id="council-officer"), p, NOW, BUDGETS)
    deferred(t, "council-officer", "not registered with", "northshire-yjs")
    assert len(t.reasons) == 1


def test_unregistered_requester_is_sent_back(p: Partnership) -> None:
    t = triage(req(SCHOOL, requester_id="someone-else"), p, NOW, BUDGETS)
    deferred(t, "someone-else", "not registered")


def test_same_requesting_and_disclosing_agency_is_sent_back(p: Partnership) -> None:
    t = triage(req(SCHOOL, disclosing_agency="northshire-yjs"), p, NOW, BUDGETS)
    deferred(t, "same")


@pytest.mark.parametrize(
    "when",
    [datetime(2025, 12, 31, 23, 59, tzinfo=UTC), datetime(2031, 1, 1, 0, 0, tzinfo=UTC)],
    ids=["before-isa", "after-isa"],
)
def test_no_isa_and_no_gateway_is_sent_back(p: Partnership, when: datetime) -> None:
    t = triage(req(SCHOOL, gateway="NONE"), p, when, BUDGETS)
    deferred(t, "no in-date information sharing agreement", "no legal gateway")
    assert t.isa_reference is None


@pytest.mark.parametrize(
    "when",
    [datetime(2026, 1, 1, 0, 0, tzinfo=UTC), datetime(2030, 12, 31, 23, 59, tzinfo=UTC)],
    ids=["first-day", "last-day"],
)
def test_in_date_isa_suffices_without_gateway(p: Partnership, when: datetime) -> None:
    t = triage(req(SCHOOL, gateway="NONE"), p, when, BUDGETS)
    assert t.accepted, t.reasons
    assert t.isa_reference == "NCSP-ISA-2026-01"


def test_gateway_suffices_outside_any_isa(p: Partnership) -> None:
    t = triage(req(SCHOOL), p, datetime(2031, 6, 1, tzinfo=UTC), BUDGETS)
    assert t.accepted, t.reasons
    assert t.isa_reference is None


def test_out_of_date_isa_reference_is_sent_back(p: Partnership) -> None:
    r = req(SCHOOL, isa_reference="NCSP-ISA-2026-01")
    assert triage(r, p, NOW, BUDGETS).accepted
    t = triage(r, p, datetime(2031, 6, 1, tzinfo=UTC), BUDGETS)
    deferred(t, "NCSP-ISA-2026-01", "does not cover")


def test_unknown_isa_reference_is_sent_back(p: Partnership) -> None:
    t = triage(req(SCHOOL, isa_reference="NO-SUCH-ISA"), p, NOW, BUDGETS)
    deferred(t, "NO-SUCH-ISA", "does not cover")


def test_missing_article_6_basis_is_sent_back(p: Partnership) -> None:
    t = triage(req(SCHOOL, lawful_basis="NOT_APPLICABLE"), p, NOW, BUDGETS)
    deferred(t, "Article 6")
    assert len(t.reasons) == 1


def test_part3_request_needs_no_article_6_basis(p: Partnership) -> None:
    r = specific_police_request(
        regime="DPA_PART3", lawful_basis="NOT_APPLICABLE", countersigned_by="insp-hughes"
    )
    assert triage(r, p, NOW, BUDGETS).accepted


@pytest.mark.parametrize("flag", ["special_category_data", "criminal_offence_data"])
def test_sensitive_data_without_condition_is_sent_back(p: Partnership, flag: str) -> None:
    t = triage(req(HOSPITAL, **{flag: True, "sensitive_condition": "NONE"}), p, NOW, BUDGETS)
    deferred(t, "condition")
    assert len(t.reasons) == 1


def test_schedule_8_condition_under_uk_gdpr_is_sent_back(p: Partnership) -> None:
    t = triage(req(HOSPITAL, sensitive_condition="SCH8_PARA4_SAFEGUARDING"), p, NOW, BUDGETS)
    deferred(t, "SCH8_PARA4_SAFEGUARDING", "UK_GDPR")
    assert len(t.reasons) == 1


def test_schedule_1_condition_under_part_3_is_sent_back(p: Partnership) -> None:
    r = specific_police_request(
        regime="DPA_PART3",
        countersigned_by="insp-hughes",
        criminal_offence_data=True,
        sensitive_condition="SCH1_P2_PARA10_UNLAWFUL_ACTS",
    )
    deferred(triage(r, p, NOW, BUDGETS), "SCH1_P2_PARA10_UNLAWFUL_ACTS", "DPA_PART3")


def test_missing_offence_is_sent_back_unless_it_would_prejudice(p: Partnership) -> None:
    deferred(triage(req(SCHOOL, offence_or_risk=""), p, NOW, BUDGETS), "offence or risk")
    r = req(SCHOOL, offence_or_risk="", naming_offence_would_prejudice=True)
    assert triage(r, p, NOW, BUDGETS).accepted


def test_missing_consequence_is_sent_back(p: Partnership) -> None:
    deferred(triage(req(SCHOOL, consequence_if_not_shared=""), p, NOW, BUDGETS), "happen")


def test_consent_not_obtained_needs_a_reason(p: Partnership) -> None:
    deferred(triage(req(HOSPITAL, consent_reason=" "), p, NOW, BUDGETS), "why consent")
    assert triage(req(SCHOOL, consent_reason=""), p, NOW, BUDGETS).accepted  # OBTAINED


def test_trawl_refusal_takes_precedence_over_send_back(p: Partnership) -> None:
    t = triage(req(TRAWL, lawful_basis="NOT_APPLICABLE"), p, NOW, BUDGETS)
    assert t.decision == Decision.REFUSE
    assert has_reason(t.reasons, "Article 6")  # every problem is still reported


# --- police Schedule 2 countersignature ----------------------------------------------------------


@pytest.mark.parametrize("signer", ["insp-hughes", "ci-patel"])
def test_countersignature_by_inspector_or_above_is_accepted(p: Partnership, signer: str) -> None:
    t = triage(specific_police_request(countersigned_by=signer), p, NOW, BUDGETS)
    assert t.accepted, t.reasons


def test_missing_countersignature_is_sent_back(p: Partnership) -> None:
    t = triage(specific_police_request(), p, NOW, BUDGETS)
    deferred(t, "countersignature", "Inspector")
    assert len(t.reasons) == 1


@pytest.mark.parametrize(
    "signer", ["ds-okafor", "council-senior", "no-such-officer"], ids=["sergeant", "council", "?"]
)
def test_countersignature_without_rank_here_is_refused(p: Partnership, signer: str) -> None:
    t = triage(specific_police_request(countersigned_by=signer), p, NOW, BUDGETS)
    deferred(t, "Inspector", signer)


def test_requester_cannot_countersign(p: Partnership) -> None:
    t = triage(specific_police_request(countersigned_by="pc-ahmed"), p, NOW, BUDGETS)
    deferred(t, "countersign")
    # Even an Inspector asking on their own account needs someone else's countersignature.
    r = specific_police_request(requester_id="insp-hughes", countersigned_by="insp-hughes")
    deferred(triage(r, p, NOW, BUDGETS), "cannot countersign their own")


def test_schedule_2_countersignature_applies_to_police_only(p: Partnership) -> None:
    t = triage(req(SCHOOL, gateway="DPA_SCH2_P1_PARA2"), p, NOW, BUDGETS)
    assert t.accepted, t.reasons


def test_other_police_gateways_need_no_countersignature(p: Partnership) -> None:
    t = triage(specific_police_request(gateway="CDA1998_S115"), p, NOW, BUDGETS)
    assert t.accepted, t.reasons


# --- consent routing -----------------------------------------------------------------------------

CONSENT_NEEDS_OVERRIDE = {
    ConsentStatus.OBTAINED: False,
    ConsentStatus.NOT_REQUIRED: False,
    ConsentStatus.REFUSED: True,
    ConsentStatus.NOT_SOUGHT_UNSAFE: True,
    ConsentStatus.NOT_SOUGHT_PREJUDICE: True,
    ConsentStatus.LACKS_CAPACITY: True,
}


def test_consent_table_covers_every_status() -> None:
    assert set(CONSENT_NEEDS_OVERRIDE) == set(ConsentStatus)


@pytest.mark.parametrize("status", list(ConsentStatus))
def test_consent_routing(p: Partnership, status: ConsentStatus) -> None:
    expected = CONSENT_NEEDS_OVERRIDE[status]
    assert needs_override(status) is expected
    r = req(SCHOOL, consent=status.value, consent_reason="Recorded at the referral panel.")
    t = triage(r, p, NOW, BUDGETS)
    assert t.accepted, t.reasons
    assert t.needs_override is expected


# --- override and sign-off by people -------------------------------------------------------------


def override(person: str, **changes: Any) -> OverrideInput:
    data: dict[str, Any] = {
        "person_id": person,
        "code": "ABCDE-FGHIJ",  # codes are checked by infoshare.identity, not by policy
        "grounds": [OverrideGround.SAFEGUARD_CHILDREN, OverrideGround.PREVENT_OFFENCES],
        "proportionality": "Two young children live with a partner with DV convictions.",
        "subject_informed": False,
        "not_informed_reason": "Telling the subject now would raise the risk of reprisal.",
    }
    data.update(changes)
    return OverrideInput.model_validate(data)


def signoff(person: str, decision: str = "SHARE", items: list[str] | None = None) -> SignOffInput:
    return SignOffInput(
        approver_id=person,
        code="ABCDE-FGHIJ",
        decision=SignOffChoice(decision),
        approved_items=["item-1", "item-2"] if items is None else items,
        reasons="Necessary and proportionate to assess the risk to the children.",
    )


def test_override_by_disclosing_agency_is_accepted(p: Partnership) -> None:
    assert check_override(override("caldicott-rao"), req(HOSPITAL), p).accepted
    informed = override("caldicott-rao", subject_informed=True, not_informed_reason="")
    assert check_override(informed, req(HOSPITAL), p).accepted


@pytest.mark.parametrize(
    ("person", "fragment"),
    [
        ("mash-social-worker", "requester cannot"),
        ("nobody-here", "not registered"),
        ("housing-manager", "does not belong to the disclosing agency"),
    ],
    ids=["requester", "unregistered", "other-agency"],
)
def test_override_refusals(p: Partnership, person: str, fragment: str) -> None:
    v = check_override(override(person), req(HOSPITAL), p)
    assert not v.accepted
    assert has_reason(v.reasons, fragment), v.reasons


def test_override_without_saying_why_subject_not_told_is_refused(p: Partnership) -> None:
    v = check_override(override("caldicott-rao", not_informed_reason=""), req(HOSPITAL), p)
    assert not v.accepted
    assert has_reason(v.reasons, "not been told")


PREPARED = {"item-1", "item-2"}


def test_signoff_by_caldicott_guardian_is_accepted(p: Partnership) -> None:
    assert check_signoff(signoff("caldicott-rao"), req(HOSPITAL), p, PREPARED).accepted


@pytest.mark.parametrize(
    ("inp", "fragment"),
    [
        (signoff("mash-social-worker"), "requester cannot"),
        (signoff("nobody-here"), "not registered"),
        (signoff("housing-manager"), "does not belong to the disclosing agency"),
        (signoff("nurse-lee"), "Caldicott Guardian"),
        (signoff("caldicott-rao", items=[]), "at least one approved item"),
        (signoff("caldicott-rao", items=["item-1", "item-9"]), "Unknown items: item-9"),
        (
            signoff("caldicott-rao", items=["item-1", "item-3"]),
            "No content has been prepared for item-3",
        ),
        (signoff("caldicott-rao", "REFUSE", ["item-1"]), "REFUSE cannot approve items"),
        (signoff("caldicott-rao", "SEND_BACK", ["item-1"]), "SEND_BACK cannot approve items"),
    ],
    ids=[
        "requester",
        "unregistered",
        "other-agency",
        "insufficient-role",
        "share-nothing",
        "unknown-item",
        "not-prepared",
        "refuse-with-items",
        "send-back-with-items",
    ],
)
def test_signoff_refusals(p: Partnership, inp: SignOffInput, fragment: str) -> None:
    v = check_signoff(inp, req(HOSPITAL), p, PREPARED)
    assert not v.accepted
    assert has_reason(v.reasons, fragment), v.reasons


@pytest.mark.parametrize("choice", ["REFUSE", "SEND_BACK"])
def test_signoff_refuse_or_send_back_without_items_is_accepted(p: Partnership, choice: str) -> None:
    assert check_signoff(signoff("caldicott-rao", choice, []), req(HOSPITAL), p, set()).accepted


@pytest.mark.parametrize(
    ("choice", "items", "expected"),
    [
        ("SHARE", ["item-1", "item-2", "item-3"], Decision.SHARE_FULL),
        ("SHARE", ["item-3", "item-1", "item-2"], Decision.SHARE_FULL),
        ("SHARE", ["item-1", "item-2"], Decision.SHARE_PARTIAL),
        ("SHARE", ["item-2"], Decision.SHARE_PARTIAL),
        ("REFUSE", [], Decision.REFUSE),
        ("SEND_BACK", [], Decision.DEFER),
    ],
)
def test_signoff_decision(choice: str, items: list[str], expected: Decision) -> None:
    assert signoff_decision(signoff("caldicott-rao", choice, items), req(HOSPITAL)) == expected


def test_single_item_request_shared_in_full() -> None:
    decision = signoff_decision(signoff("housing-manager", items=["item-1"]), req(HOUSING))
    assert decision == Decision.SHARE_FULL
    assert decision.shares


@pytest.mark.parametrize(
    ("dob", "reason"), [("2026-02-30", "is not a real date"), ("2999-01-01", "is in the future")]
)
def test_an_impossible_date_of_birth_is_sent_back_without_repeating_it(
    p: Partnership, dob: str, reason: str
) -> None:
    # the form's schema cannot check this, so the request reaches the flow and triage sends
    # it back, with a record; the reason names the person's place in the list, not the value
    t = triage(req(SCHOOL, subjects=[{"name": "A Person", "date_of_birth": dob}]), p, NOW, BUDGETS)
    deferred(t, f"subject 1 {reason}")
    assert dob not in " ".join(t.reasons)


def test_a_date_of_birth_in_another_format_is_refused_by_the_form() -> None:
    with pytest.raises(ValidationError, match="pattern") as err:
        req(SCHOOL, subjects=[{"name": "A Person", "date_of_birth": "14/03/2011"}])
    assert "14/03/2011" not in str(err.value)  # errors never echo what was typed


def test_date_of_birth_may_be_unknown() -> None:
    r = req(SCHOOL, subjects=[{"name": "A Person"}])
    assert r.subjects[0].date_of_birth == ""


def test_the_override_justifier_cannot_also_sign_off(p: Partnership) -> None:
    v = check_signoff(signoff("caldicott-rao"), req(HOSPITAL), p, {"item-1", "item-2"},
                      override_by="caldicott-rao")  # fmt: skip
    assert not v.accepted and "cannot also sign it off" in v.reasons[0]


@pytest.mark.parametrize("code", ["abc", "ABCDE-FGHI1", "<script>", "ABCDE-FGHIJK", " "])
def test_malformed_codes_are_taken_by_the_form_and_refused_by_the_check(code: str) -> None:
    """The form takes a code as typed (a pattern would refuse "abcde fghij" with a regular
    expression); the identity check normalises it and refuses what is still malformed."""
    from infoshare.identity.codes import CODE_PATTERN_NORMAL, normalise

    answer = SignOffInput.model_validate({"approver_id": "x", "code": code, "decision": "REFUSE",
                                          "reasons": "Not necessary here."})  # fmt: skip
    assert not CODE_PATTERN_NORMAL.match(normalise(answer.code))
    assert CODE_PATTERN_NORMAL.match(normalise(" abcde fghij "))
    with pytest.raises(ValidationError, match="code"):
        SignOffInput.model_validate({"approver_id": "x", "code": "A" * 41, "decision": "REFUSE",
                                     "reasons": "Not necessary here."})  # fmt: skip


# --- who may sign off: role or rank by tier and data type, four eyes ------------------------------


def police_disclosing(urgency: str, **changes: Any) -> ShareRequest:
    return req(SCHOOL, disclosing_agency="northshire-police", urgency=urgency, **changes)


@pytest.mark.parametrize(
    ("urgency", "lowest"),
    [("EMERGENCY", "Inspector"), ("RED", "Inspector"), ("AMBER", "Inspector"),
     ("GREEN", "Sergeant"), ("ROUTINE", "Sergeant")],
)  # fmt: skip
def test_police_rank_needed_depends_on_the_tier(p: Partnership, urgency: str, lowest: str) -> None:
    need = signoff_requirement(police_disclosing(urgency), p)
    assert need is not None
    assert need.roles[0] == lowest and need.roles[-1] == "Chief Superintendent"
    assert need.text == f"{lowest} or above"
    assert "Constable" not in need.roles


def test_special_category_data_at_the_hospital_needs_its_caldicott_guardian(
    p: Partnership,
) -> None:
    special = signoff_requirement(req(HOSPITAL), p)
    plain = signoff_requirement(req(HOSPITAL, special_category_data=False), p)
    assert special is not None and plain is not None
    assert special.roles == ("Caldicott Guardian", "Deputy Caldicott Guardian")
    assert "Medical Director" in plain.roles  # the agency's default approver roles


@pytest.mark.parametrize(
    ("changes", "approvals"),
    [
        ({}, 2),  # RED, consent refused, special-category data
        ({"urgency": "AMBER"}, 2),  # special-category data alone is enough
        ({"special_category_data": False, "sensitive_condition": "NONE"}, 2),  # RED alone
        ({"urgency": "GREEN", "special_category_data": False, "sensitive_condition": "NONE"}, 1),
        ({"consent": "OBTAINED"}, 1),  # no override, no four eyes
    ],
)
def test_four_eyes_for_overrides_on_red_or_special_category(
    p: Partnership, changes: dict[str, Any], approvals: int
) -> None:
    need = signoff_requirement(req(HOSPITAL, **changes), p)
    assert need is not None and need.approvals == approvals


def test_sergeant_may_sign_off_green_but_not_red(p: Partnership) -> None:
    green, red = police_disclosing("GREEN"), police_disclosing("RED")
    prepared = {"item-1"}
    assert check_signoff(signoff("ds-okafor", items=["item-1"]), green, p, prepared).accepted
    v = check_signoff(signoff("ds-okafor", items=["item-1"]), red, p, prepared)
    assert has_reason(v.reasons, "needs Inspector or above")
    v = check_signoff(signoff("pc-ahmed", items=["item-1"]), green, p, prepared)
    assert has_reason(v.reasons, "needs Sergeant or above")


FIRST = FirstApproval("caldicott-rao", SignOffChoice.SHARE, ("item-1", "item-2"))


@pytest.mark.parametrize(
    ("inp", "override_by", "fragment"),
    [
        (signoff("caldicott-rao"), None, "someone other than the first approver"),
        (signoff("caldicott-deputy"), "caldicott-deputy", "justified the consent override"),
        (signoff("mash-social-worker"), None, "requester cannot"),
        (signoff("caldicott-deputy", items=["item-1"]), None, "confirms exactly"),
    ],
    ids=["same-approver-twice", "justifier", "requester", "different-items"],
)
def test_four_eyes_second_approval_refusals(
    p: Partnership, inp: SignOffInput, override_by: str | None, fragment: str
) -> None:
    v = check_signoff(inp, req(HOSPITAL), p, PREPARED, override_by=override_by, first=FIRST)
    assert has_reason(v.reasons, fragment), v.reasons


def test_four_eyes_second_approver_confirms_or_refuses(p: Partnership) -> None:
    confirm = signoff("caldicott-deputy", items=["item-2", "item-1"])
    assert check_signoff(confirm, req(HOSPITAL), p, PREPARED, first=FIRST).accepted
    veto = signoff("caldicott-deputy", "REFUSE", [])
    assert check_signoff(veto, req(HOSPITAL), p, PREPARED, first=FIRST).accepted


def demo_registry_with(agency: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_REGISTRY.read_text())
    for a in data["agencies"]:
        if a["id"] == agency:
            a.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signoff_rules": [{"tiers": ["RED"], "min_rank": "Inspecter"}]},
         "agency 'northshire-police' signoff_rules.0: unknown rank 'Inspecter'"),
        ({"approver_roles": ["Inspector", "Chief Inspecter"]},
         "agency 'northshire-police': unknown rank 'Chief Inspecter'"),
        ({"signoff_rules": [{"tiers": ["RED"], "roles": ["Constabel"]}]},
         "unknown rank 'Constabel'"),
        ({"signoff_rules": [{"tiers": ["RED"]}]}, "give exactly one of min_rank or roles"),
        ({"signoff_rules": [{"tiers": ["RED"], "min_rank": "Inspector", "roles": ["Sergeant"]}]},
         "give exactly one of min_rank or roles"),
        ({"ranks": ["Constable", "Sergeant", "Inspector"], "approver_roles": ["Inspector"]},
         "person 'ci-patel' has unknown rank 'Chief Inspector' for 'northshire-police'"),
        ({"signoff_rules": [{"tiers": ["PURPLE"], "min_rank": "Inspector"}]},
         "agencies.0.signoff_rules.0.tiers.0"),
    ],
    ids=["rule-rank", "approver-role", "rule-role", "no-who", "both-who", "person-rank",
         "unknown-tier"],
)  # fmt: skip
def test_registry_names_unknown_ranks_and_bad_rules(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RegistryError) as err:
        parse_registry(demo_registry_with("northshire-police", **changes))
    assert message in str(err.value)


def test_registry_rules_without_ranks_name_the_missing_list() -> None:
    bad = demo_registry_with(
        "northshire-council", signoff_rules=[{"tiers": ["RED"], "min_rank": "Director"}]
    )
    with pytest.raises(RegistryError, match="unknown rank 'Director'; ranks: none"):
        parse_registry(bad)


def test_registry_checks_signing_keys() -> None:
    data = json.loads(DEMO_REGISTRY.read_text())
    data["people"][0]["signing_key"] = "bm90IGEga2V5"  # base64, but not 32 bytes
    with pytest.raises(RegistryError, match="person 'pc-ahmed': signing_key must be"):
        parse_registry(data)
