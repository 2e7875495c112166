"""The decision record: written once per request, whatever happened, and never changed.

The outcome is derived from the store (the steps that completed), not from whatever the caller
believes, so a record written after a crash tells the same truth as one written by the flow.
Fields follow the ICO Annex B decision form and DPA 2018 s.62 logging. The record is appended
to the disclosing agency's hash chain (``infoshare.store.chain``); every 100th is signed
(``infoshare.records.checkpoints``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from infoshare.db.tables import DecisionRecordRow
from infoshare.models import Decision, Step
from infoshare.records.checkpoints import auto_checkpoint
from infoshare.registry.partnership import Partnership
from infoshare.store import Store
from infoshare.store.requests import StepState
from infoshare.timeliness import EXPIRY
from infoshare.worktime import now_utc, uk_minute

REVIEW_AFTER = timedelta(days=365)
WITHDRAWN = "withdrawn"  # the step marking a request withdrawn from its enquiry


@dataclass(frozen=True)
class RecordSummary:
    ref: str
    decision: Decision
    written: bool  # False when a record already existed (the call was a repeat)
    record_sha256: str


def _outcome(
    steps: dict[Step, StepState],
    failure: str | None,
    expiry: StepState | None = None,
    withdrawn: StepState | None = None,
) -> tuple[Decision, list[str]]:
    triage = steps.get(Step.TRIAGE)
    if triage and triage.status == "DONE" and triage.public.get("decision"):
        return Decision(triage.public["decision"]), list(triage.public.get("reasons", []))
    transfer = steps.get(Step.TRANSFER)
    if (
        withdrawn is not None
        and withdrawn.status == "DONE"
        and not (
            transfer and transfer.status == "DONE"  # delivered before: say so
        )
    ):
        return Decision.WITHDRAWN, [
            f"Withdrawn from its enquiry by {withdrawn.actor_id} at "
            f"{uk_minute(withdrawn.public.get('at'))}, before a decision. Nothing was shared."
        ]
    if (
        expiry is not None
        and expiry.status == "DONE"
        and not (
            transfer and transfer.status == "DONE"  # delivered: say so, whatever the clock
        )
    ):
        e = expiry.public
        return Decision.EXPIRED, [
            f"No {e['step']} decision by the deadline ({e['due_at']}); expired at {e['at']}. "
            "Nothing was shared."
        ]
    signoff = steps.get(Step.SIGNOFF)
    if signoff and signoff.status == "DONE":
        decision = Decision(signoff.public["decision"])
        if not decision.shares:
            return decision, ["Decided at sign-off; see the approver's reasons."]
        if transfer and transfer.status == "DONE":
            return decision, ["Approved at sign-off and delivered."]
        return Decision.FAILED, [_not_delivered("Approved for sharing", transfer, failure)]
    if failure:
        return Decision.FAILED, [f"The run ended before a decision was made: {failure}"]
    return Decision.FAILED, ["The run ended before a decision was made."]


def _not_delivered(approved: str, transfer: StepState | None, failure: str | None) -> str:
    """Why approved items are not on the record as shared. An envelope sealed but with no
    delivery confirmed may still have reached the recipient (the process can die between the
    two): the record says so rather than claim it was not sent."""
    why = failure or "transfer did not complete"
    if transfer is None or not transfer.public.get("envelope_id"):
        return f"{approved} but not delivered: {why}"
    return (
        f"{approved}; envelope {transfer.public['envelope_id']} was sealed, but no delivery "
        f"was confirmed ({why}). No receipt proves it was received; ask the recipient agency "
        "whether it arrived."
    )


def _emergency_outcome(
    steps: dict[Step, StepState], failure: str | None, expiry: StepState | None, items: list[str]
) -> tuple[Decision, list[str]] | None:
    """The outcome of a request shared in an emergency before sign-off: what was shared, and
    the retrospective sign-off (or its absence). None when no emergency share was confirmed."""
    confirmed = steps.get(Step.EMERGENCY)
    if confirmed is None or confirmed.status != "DONE" or not confirmed.public.get("confirmed"):
        return None
    transfer = steps.get(Step.TRANSFER)
    if not (transfer and transfer.status == "DONE"):
        return Decision.FAILED, [
            _not_delivered("Confirmed for an emergency share", transfer, failure)
        ]
    shared = set(transfer.public.get("items", []))
    decision = Decision.SHARE_FULL if shared == set(items) else Decision.SHARE_PARTIAL
    reasons = [
        f"Shared in an emergency (risk to life) on the on-call confirmation of "
        f"{confirmed.actor_id} at {uk_minute(confirmed.public.get('at'))}, before sign-off."
    ]
    signoff = steps.get(Step.SIGNOFF)
    if signoff and signoff.status == "DONE":
        said = signoff.public["decision"]
        reasons.append(
            f"Retrospective sign-off by {signoff.actor_id} at "
            f"{uk_minute(signoff.public.get('at'))}: "
            + (
                "ratified."
                if Decision(said).shares
                else f"{said}: it would not have been approved; see the approver's reasons."
            )
        )
    elif expiry is not None and expiry.status == "DONE":
        reasons.append(
            f"No retrospective sign-off by the deadline ({uk_minute(expiry.public.get('due_at'))}): "
            "the emergency share was never ratified."
        )
    else:
        reasons.append(f"No retrospective sign-off was given: {failure or 'the run ended first'}.")
    return decision, reasons


def person_of(p: Partnership, pid: str | None) -> dict[str, Any] | None:
    """A person as a record names them: id, name, role and agency from the registry."""
    m = p.named(pid) if pid else None
    if m is None:
        return {"id": pid} if pid else None
    return {"id": m.id, "name": m.name, "role": m.role, "agency": m.agency_id}


def chain_owner(store: Store, requesting: str, disclosing: str) -> str:
    """The agency whose chain a record joins: the disclosing agency, unless it has no signing
    key here (not in the registry: a request to an unknown agency starts no chain of its own,
    which nobody could ever sign), then the requesting agency. A request naming neither (one
    that could not be read) keeps its disclosing agency, and ``records verify`` reports that
    chain as unsigned."""
    from infoshare.records.chain import signing_keys

    with store.session() as s:
        for agency in (disclosing, requesting):
            if signing_keys(s, agency):
                return agency
    return disclosing


def record_decision(store: Store, ref: str, failure: str | None = None) -> RecordSummary:
    """Write the request's decision record if it has none yet; safe to call again and again."""
    existing = store.chain.record(ref)
    if existing is not None:
        row, _ = existing
        return RecordSummary(ref, Decision(row.decision), False, row.record_sha256)

    meta = store.requests.meta(ref)
    req = store.requests.request(ref)
    p = store.partnership()
    steps = {s: st for s in Step if (st := store.requests.step(ref, s)) is not None}
    expiry = store.requests.step(ref, EXPIRY)
    withdrawn = store.requests.step(ref, WITHDRAWN)
    decision, reasons = _emergency_outcome(steps, failure, expiry, req.item_ids()) or _outcome(
        steps, failure, expiry, withdrawn
    )
    decided_at = now_utc()

    def person(pid: str | None) -> dict[str, Any] | None:
        return person_of(p, pid)

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
        "retain_record_until": store.settings.retention.record_for(meta.disclosing_agency)
        .after(decided_at)
        .date()
        .isoformat(),
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
            **_proven(override.public),
        }
        personal["override"] = override.private
    confirmed = steps.get(Step.EMERGENCY)
    if confirmed and confirmed.status == "DONE":
        public["emergency"] = {
            "risk_to_life_asserted": True,
            "outcome": confirmed.public.get("outcome"),
            "confirmed_by": person(confirmed.actor_id) if confirmed.public["confirmed"] else None,
            "at": confirmed.public.get("at"),
            "items": confirmed.public.get("approved_items", []),
            "retrospective_signoff": (
                {"by": signoff.actor_id, "at": signoff.public.get("at"),
                 "decision": signoff.public.get("decision")}
                if signoff and signoff.status == "DONE" and confirmed.public["confirmed"]
                else None
            ),
        }  # fmt: skip
        if confirmed.public["confirmed"]:
            public["approvers"].append(
                {
                    **(person(confirmed.actor_id) or {}),
                    "step": "emergency",
                    "at": confirmed.public.get("at"),
                    "decision": "CONFIRM",
                    "approved_items": confirmed.public.get("approved_items", []),
                    **_proven(confirmed.public),
                }
            )
            personal["emergency"] = confirmed.private
    if signoff and signoff.status == "DONE":
        # one entry per approver, in order (two under four eyes); older steps kept one actor
        approvals = signoff.public.get("approvals") or [
            {"person_id": signoff.actor_id, **signoff.public}
        ]
        public["approvers"] += [
            {
                **(person(a.get("person_id")) or {}),
                "step": "signoff",
                "at": a.get("at"),
                "decision": a.get("decision", signoff.public.get("decision")),
                "approved_items": a.get("approved_items", signoff.public.get("approved_items")),
                **_proven(a),
            }
            for a in approvals
        ]
        public["approvals_required"] = signoff.public.get("approvals_required", 1)
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
            # the recipient agency's signed receipt (docs/records-canonical-form.md, section 8)
            "receipt": transfer.public.get("receipt"),
            "receipt_note": transfer.public.get("receipt_note") or "no receipt recorded",
        }

    if meta.enquiry_ref:  # one agency's part of a multi-agency enquiry
        public["enquiry"] = meta.enquiry_ref
    owner = chain_owner(store, meta.requesting_agency, meta.disclosing_agency)
    if owner != meta.disclosing_agency:
        public["chain"] = f"{owner}: {meta.disclosing_agency} has no chain (not in the registry)"
    row = DecisionRecordRow(
        ref=ref,
        recorded_at=decided_at,
        decision=decision.value,
        requesting_agency=meta.requesting_agency,
        disclosing_agency=owner,
        urgency=meta.urgency,
        due_at=meta.due_at,
        decided_at=decided_at,
        envelope_id=public["shared"]["envelope_id"] if public["shared"] else None,
        envelope_sha256=public["shared"]["envelope_sha256"] if public["shared"] else None,
        public=public,
    )
    written = store.chain.append(row, personal)  # fills in the chain fields and the hash
    if not written:  # another process recorded first; report theirs
        again = store.chain.record(ref)
        assert again is not None
        return RecordSummary(ref, Decision(again[0].decision), False, again[0].record_sha256)
    if row.chain_seq % store.settings.checkpoint_every == 0:
        auto_checkpoint(store, row.disclosing_agency, row.chain_seq)
    return RecordSummary(ref, decision, True, row.record_sha256)


def _proven(answer: dict[str, Any]) -> dict[str, Any]:
    """How a person's identity was proven for one answer, and the hash of that answer: a code,
    or a signature kept with what it signed so it can be checked again at any time."""
    out = {
        "identity": answer.get("identity"),
        "proof": answer.get("proof", "code"),
        "input_sha256": answer.get("input_sha256"),
    }
    if answer.get("proof") == "signature":
        out |= {k: answer.get(k) for k in ("key_id", "public_key", "signature", "signed_payload")}
    return out
