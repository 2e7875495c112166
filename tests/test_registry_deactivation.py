"""A registry loaded without someone who was registered: they are deactivated (audited, their
outstanding codes withdrawn, no longer eligible to justify or approve), never silently kept."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from conftest import example
from sqlalchemy import select

from infoshare.db.tables import AuditEventRow
from infoshare.identity import codes
from infoshare.identity.eligibility import eligible
from infoshare.models import ShareRequest, Step
from infoshare.policy.answers import SignOffInput
from infoshare.policy.approval import check_signoff
from infoshare.records.chain import chain_agencies, verify
from infoshare.records.compose import record_decision
from infoshare.registry import spec
from infoshare.setup import initialise
from infoshare.steps import run_triage
from infoshare.store import Store
from infoshare.worktime import now_utc

HEAD = "school-head"  # the academy's headteacher, who may sign its requests off
RUN = "00000000-0000-4000-8000-000000000018"


def registry_without(tmp_path: Path, person: str | None = None, agency: str | None = None) -> Path:
    data: dict[str, Any] = json.loads(spec.DEMO_REGISTRY.read_text())
    data["people"] = [p for p in data["people"] if p["id"] != person and p["agency"] != agency]
    data["agencies"] = [a for a in data["agencies"] if a["id"] != agency]
    data["isas"] = [i for i in data["isas"] if agency not in i["parties"]]
    out = tmp_path / "registry.json"
    out.write_text(json.dumps(data))
    return out


def audit(store: Store, event: str) -> list[str]:
    with store.session() as s:
        return [
            r.detail for r in s.scalars(select(AuditEventRow).where(AuditEventRow.event == event))
        ]


def test_a_person_left_out_of_a_loaded_registry_is_deactivated_not_kept(
    store: Store, tmp_path: Path
) -> None:
    req = ShareRequest.model_validate(example("scenario1-school-attendance.json"))
    ref = store.requests.register(req, RUN)
    run_triage(store, ref)
    issued = codes.issue(store, ref, Step.SIGNOFF.value, HEAD, RUN, now_utc() + timedelta(days=1))
    assert issued is not None
    assert HEAD in {m.id for m in eligible(store, ref, Step.SIGNOFF.value)}

    report = initialise(store, registry_without(tmp_path, person=HEAD))

    assert report.deactivated == [HEAD]
    p = store.partnership()
    assert p.member(HEAD) is None
    named = p.named(HEAD)  # records that name them keep their name
    assert named is not None and named.role == "Headteacher"
    assert HEAD not in {m.id for m in eligible(store, ref, Step.SIGNOFF.value)}
    (line,) = audit(store, "person deactivated")
    assert line.startswith(f"{HEAD}: not in the loaded registry; 1 outstanding")
    # the code they held is spent: it no longer signs anything off
    refused = codes.redeem(store, ref, Step.SIGNOFF.value, HEAD, RUN, issued.code)
    assert refused is not None
    answer = SignOffInput(approver_id=HEAD, code=issued.code, decision="REFUSE", reasons="x" * 30)
    verdict = check_signoff(answer, req, p, set())
    assert not verdict.accepted and "not registered" in " ".join(verdict.reasons)

    again = initialise(store, spec.DEMO_REGISTRY)  # listed again: active again, audited
    assert again.reactivated == [HEAD] and again.deactivated == []
    assert store.partnership().member(HEAD) is not None
    assert audit(store, "reactivated") == [f"{HEAD}: listed again in the loaded registry"]


def test_an_agency_left_out_is_deactivated_with_its_people(store: Store, tmp_path: Path) -> None:
    report = initialise(store, registry_without(tmp_path, agency="northshire-yjs"))
    assert sorted(report.deactivated) == ["northshire-yjs", "yjs-manager", "yjs-manager-2",
                                          "yjs-worker"]  # fmt: skip
    p = store.partnership()
    assert p.agency("northshire-yjs") is None and p.members_of("northshire-yjs") == []
    assert audit(store, "agency deactivated") == ["northshire-yjs: not in the loaded registry"]
    assert initialise(store, registry_without(tmp_path, agency="northshire-yjs")).deactivated == []


def _recorded(store: Store, **changes: str) -> str:
    req = ShareRequest.model_validate({**example("scenario1-school-attendance.json"), **changes})
    ref = store.requests.register(req, f"run-{'-'.join(changes.values())}")
    run_triage(store, ref)
    record_decision(store, ref)
    return ref


def test_a_request_to_an_unknown_disclosing_agency_starts_no_chain(store: Store) -> None:
    ref = _recorded(store, disclosing_agency="northshire-nowhere")
    found = store.chain.record(ref)
    assert found is not None
    row = found[0]
    assert row.decision != "SHARE_FULL" and row.public["disclosing_agency"] == "northshire-nowhere"
    assert row.disclosing_agency == row.requesting_agency  # in the requester's signed chain
    assert "northshire-nowhere" not in chain_agencies(store)
    assert all(r.ok for r in verify(store))


def test_records_verify_reports_a_chain_nobody_can_sign(store: Store) -> None:
    """A request naming no registered agency at all keeps its (unsignable) chain: verify says
    so instead of reporting it fine."""
    _recorded(store, requesting_agency="nowhere-a", disclosing_agency="nowhere-b")
    (report,) = [r for r in verify(store) if r.agency == "nowhere-b"]
    assert not report.ok and report.problem is not None
    assert report.problem.message.startswith("unsigned chain: nowhere-b has no signing key")
