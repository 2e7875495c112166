"""The decision record: written once per request, whatever happened, and never changed.

The outcome is derived from the store (the steps that completed), not from whatever the caller
believes, so a record written after a crash tells the same truth as one written by the flow.
Fields follow the ICO Annex B decision form and DPA 2018 s.62 logging.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from infoshare.db import DecisionRecordRow
from infoshare.models import Decision
from infoshare.policy import Step
from infoshare.store import StepState, Store, digest_json, now_utc
from infoshare.timeliness import EXPIRY

RECORD_RETENTION = timedelta(days=6 * 365)
REVIEW_AFTER = timedelta(days=365)


@dataclass(frozen=True)
class RecordSummary:
    ref: str
    decision: Decision
    written: bool  # False when a record already existed (the call was a repeat)
    record_sha256: str


def _outcome(
    steps: dict[Step, StepState], failure: str | None, expiry: StepState | None = None
) -> tuple[Decision, list[str]]:
    triage = steps.get(Step.TRIAGE)
    if triage and triage.status == "DONE" and triage.public.get("decision"):
        return Decision(triage.public["decision"]), list(triage.public.get("reasons", []))
    if expiry is not None and expiry.status == "DONE":
        e = expiry.public
        return Decision.EXPIRED, [
            f"No {e['step']} decision by the deadline ({e['due_at']}); expired at {e['at']}. "
            "Nothing was shared."
        ]
    signoff = steps.get(Step.SIGNOFF)
    transfer = steps.get(Step.TRANSFER)
    if signoff and signoff.status == "DONE":
        decision = Decision(signoff.public["decision"])
        if not decision.shares:
            return decision, ["Decided at sign-off; see the approver's reasons."]
        if transfer and transfer.status == "DONE":
            return decision, ["Approved at sign-off and delivered."]
        return Decision.FAILED, [
            f"Approved for sharing but not delivered: {failure or 'transfer did not complete'}"
        ]
    if failure:
        return Decision.FAILED, [f"The run ended before a decision was made: {failure}"]
    return Decision.FAILED, ["The run ended before a decision was made."]


def record_decision(store: Store, ref: str, failure: str | None = None) -> RecordSummary:
    """Write the request's decision record if it has none yet; safe to call again and again."""
    existing = store.record(ref)
    if existing is not None:
        row, _ = existing
        return RecordSummary(ref, Decision(row.decision), False, row.record_sha256)

    meta = store.meta(ref)
    req = store.request(ref)
    p = store.partnership()
    steps = {s: st for s in Step if (st := store.step(ref, s)) is not None}
    decision, reasons = _outcome(steps, failure, store.step(ref, EXPIRY))
    decided_at = now_utc()

    def person(pid: str | None) -> dict[str, Any] | None:
        m = p.member(pid) if pid else None
        if m is None:
            return {"id": pid} if pid else None
        return {"id": m.id, "name": m.name, "role": m.role, "agency": m.agency_id}

    triage = steps.get(Step.TRIAGE)
    override = steps.get(Step.OVERRIDE)
    signoff = steps.get(Step.SIGNOFF)
    transfer = steps.get(Step.TRANSFER) if decision.shares else None
    shared_items = set(transfer.public.get("items", [])) if transfer else set()
    item_ids = req.item_ids()

    public: dict[str, Any] = {
        "reference": ref,
        "received_at": meta.received_at.isoformat(),
        "requesting_agency": meta.requesting_agency,
        "disclosing_agency": meta.disclosing_agency,
        "requester": {
            **(person(meta.requester_id) or {}),
            "identity": "registered requester id given on the request form",
        },
        "countersigned_by": person(req.countersigned_by or None),
        "items": [
            {"id": iid, "description": item.description, "shared": iid in shared_items}
            for iid, item in zip(item_ids, req.items, strict=True)
        ],
        "subject_count": len(req.subjects),
        "third_party_count": len(req.third_parties),
        "special_category_data": req.special_category_data,
        "criminal_offence_data": req.criminal_offence_data,
        "purpose": req.purpose.value,
        "regime": req.regime.value,
        "lawful_basis": req.lawful_basis.value,
        "sensitive_condition": req.sensitive_condition.value,
        "gateway": req.gateway.value,
        "isa_reference": (triage.public.get("isa_reference") if triage else None),
        "dpia_considered": req.dpia_considered,
        "consent": req.consent.value,
        "override": None,
        "urgency": meta.urgency,
        "due_at": meta.due_at.isoformat() if meta.due_at else None,
        "decided_at": decided_at.isoformat(),
        "on_time": meta.due_at is None or decided_at <= meta.due_at,
        "decision": decision.value,
        "reasons": reasons,
        "approvers": [],
        "shared": None,
        "review_date": (decided_at + REVIEW_AFTER).date().isoformat(),
        "retain_record_until": (decided_at + RECORD_RETENTION).date().isoformat(),
    }
    personal: dict[str, Any] = {
        "subjects": [s.model_dump(mode="json") for s in req.subjects],
        "third_parties": [t.model_dump(mode="json") for t in req.third_parties],
        "offence_or_risk": req.offence_or_risk,
        "naming_offence_would_prejudice": req.naming_offence_would_prejudice,
        "necessity": {iid: i.necessity for iid, i in zip(item_ids, req.items, strict=True)},
        "consequence_if_not_shared": req.consequence_if_not_shared,
        "consent_reason": req.consent_reason,
    }
    if override and override.status == "DONE":
        public["override"] = {
            "grounds": override.public.get("grounds"),
            "justified_by": person(override.actor_id),
            "at": override.public.get("at"),
            "subject_informed": override.public.get("subject_informed"),
        }
        personal["override"] = override.private
    if signoff and signoff.status == "DONE":
        public["approvers"].append(
            {
                **(person(signoff.actor_id) or {}),
                "step": "signoff",
                "at": signoff.public.get("at"),
                "identity": signoff.public.get("identity"),
                "input_sha256": signoff.public.get("input_sha256"),
            }
        )
        public["dpo_advice_sought"] = bool(signoff.private.get("dpo_advice"))
        personal["signoff"] = signoff.private
    if transfer and transfer.status == "DONE":
        public["shared"] = {
            "with": meta.requesting_agency,
            "items": sorted(shared_items),
            "at": transfer.public.get("at"),
            "method": transfer.public.get("method"),
            "envelope_id": transfer.public.get("envelope_id"),
            "envelope_sha256": transfer.public.get("envelope_sha256"),
            "recipient_key_id": transfer.public.get("recipient_key_id"),
        }

    record_sha256 = digest_json({"public": public, "personal": personal})
    row = DecisionRecordRow(
        ref=ref,
        recorded_at=decided_at,
        decision=decision.value,
        requesting_agency=meta.requesting_agency,
        disclosing_agency=meta.disclosing_agency,
        urgency=meta.urgency,
        due_at=meta.due_at,
        decided_at=decided_at,
        envelope_id=public["shared"]["envelope_id"] if public["shared"] else None,
        envelope_sha256=public["shared"]["envelope_sha256"] if public["shared"] else None,
        record_sha256=record_sha256,
        public=public,
    )
    written = store.append_record(row, personal)
    if not written:  # another process recorded first; report theirs
        again = store.record(ref)
        assert again is not None
        return RecordSummary(ref, Decision(again[0].decision), False, again[0].record_sha256)
    return RecordSummary(ref, decision, True, record_sha256)


def summary_markdown(public: dict[str, Any]) -> str:
    """The record without personal data, for the run's artifact in the Prefect UI.

    People are shown by registry id and role only; subjects only as a count."""
    shared = public.get("shared")
    lines = [
        f"## Decision {public['decision']}: {public['reference']}",
        "",
        f"{public['requesting_agency']} asked {public['disclosing_agency']} "
        f"({public['urgency']}); due {public.get('due_at') or '-'}, decided "
        f"{public['decided_at']}{'' if public.get('on_time', True) else ' **(late)**'}.",
        "",
        "**Reasons**",
        *[f"- {r}" for r in public["reasons"]],
        "",
        "| item | information | shared |",
        "| --- | --- | --- |",
        *[
            f"| {i['id']} | {i['description']} | {'yes' if i['shared'] else 'no'} |"
            for i in public["items"]
        ],
        "",
        f"Purpose {public['purpose']}; {public['regime']}, basis {public['lawful_basis']}, "
        f"gateway {public['gateway']}, ISA {public.get('isa_reference') or '-'}; consent "
        f"{public['consent']}; subjects {public['subject_count']}.",
    ]
    if public.get("override"):
        o = public["override"]
        lines.append(
            f"Consent overridden on {', '.join(o['grounds'])} by {o['justified_by']['id']}; "
            f"subject informed: {'yes' if o['subject_informed'] else 'no'}."
        )
    for a in public.get("approvers", []):
        lines.append(f"Signed off by {a.get('id')} ({a.get('role', '?')}) at {a.get('at')}.")
    if shared:
        lines.append(
            f"Delivered to {shared['with']} by {shared['method']}: envelope "
            f"`{shared['envelope_id']}`, SHA-256 `{shared['envelope_sha256']}`."
        )
    return "\n".join(lines)
