"""The decision record: written once per request, whatever happened, and never changed.

The outcome is derived from the store (the steps that completed), not from whatever the caller
believes, so a record written after a crash tells the same truth as one written by the flow.
Fields follow the ICO Annex B decision form and DPA 2018 s.62 logging.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import ColumnElement, Select, Text, cast, delete, func, select, type_coerce
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from infoshare.chain import (
    GENESIS,
    CanonicalFormError,
    Checkpoint,
    Floor,
    canonical_json,
    sha256_hex,
    sign_checkpoint,
    sign_floor,
    stored_digest,
    timestamp,
)
from infoshare.db import (
    AgencyKeyRow,
    AgencyRow,
    DecisionChainFloorRow,
    DecisionChainRow,
    DecisionCheckpointRow,
    DecisionRecordRow,
    RequestRow,
    SubjectIndexRow,
)
from infoshare.keys import SIGNING, KeyStoreError, key_id, raw_public
from infoshare.models import Decision
from infoshare.policy import Step
from infoshare.reports import render_page
from infoshare.store import StepState, Store, chain_fields, normal_name, now_utc
from infoshare.timeliness import EXPIRY
from infoshare.worktime import uk_minute

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
    transfer = steps.get(Step.TRANSFER)
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
    expiry = store.step(ref, EXPIRY)
    decision, reasons = _emergency_outcome(steps, failure, expiry, req.item_ids()) or _outcome(
        steps, failure, expiry
    )
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
        public=public,
    )
    written = store.append_record(row, personal)  # fills in the chain fields and the hash
    if not written:  # another process recorded first; report theirs
        again = store.record(ref)
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
    emergency = public.get("emergency")
    if emergency:
        lines.append(
            f"Emergency share (risk to life): {emergency['outcome']}"
            + (
                f", retrospective sign-off {emergency['retrospective_signoff']['decision']}."
                if emergency.get("retrospective_signoff")
                else "."
            )
        )
    for a in public.get("approvers", []):
        what = "Confirmed in an emergency" if a.get("step") == "emergency" else "Signed off"
        lines.append(
            f"{what} by {a.get('id')} ({a.get('role', '?')}) at {a.get('at')}, proven by "
            f"{a.get('proof', 'code')}."
        )
    if shared:
        lines.append(
            f"Delivered to {shared['with']} by {shared['method']}: envelope "
            f"`{shared['envelope_id']}`, SHA-256 `{shared['envelope_sha256']}`; "
            f"{shared.get('receipt_note') or 'no receipt recorded'}."
        )
    return "\n".join(lines)


# --- tamper evidence: checkpoints and verification ------------------------------------------------
#
# The chain itself is appended by ``Store.append_record``; the canonical form and the hashing are
# in ``infoshare.chain`` and docs/records-canonical-form.md.


class ChainError(Exception):
    """A checkpoint could not be made (unknown agency, empty chain, chain does not verify)."""


class UnknownAgency(ChainError):
    def __init__(self, agency: str) -> None:
        super().__init__(f"unknown agency {agency!r} (not in the registry)")
        self.agency = agency


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a chain: where (seq, ref) and what."""

    seq: int | None
    ref: str | None
    message: str


@dataclass
class ChainReport:
    agency: str
    records: int = 0
    head_seq: int = 0
    head_sha256: str = GENESIS
    checkpoints: int = 0  # signatures checked and matched
    external_checkpoints: int = 0
    floor_seq: int = 0  # records 1..floor_seq were deleted under retention (0: none)
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "ok": self.ok,
            "records": self.records,
            "head_seq": self.head_seq,
            "head_sha256": self.head_sha256,
            "checkpoints_checked": self.checkpoints,
            "external_checkpoints_checked": self.external_checkpoints,
            "floor_seq": self.floor_seq,
            "first_problem": None if self.problem is None else self.problem.__dict__,
            "notes": self.notes,
        }


def _cp_from_row(r: DecisionCheckpointRow) -> Checkpoint:
    return Checkpoint(
        r.agency, r.seq, r.head_sha256, r.signed_at, r.key_id, bytes.fromhex(r.signature)
    )


def _signing_keys(s: Session, agency: str) -> dict[str, bytes]:
    rows = s.scalars(
        select(AgencyKeyRow).where(AgencyKeyRow.agency_id == agency, AgencyKeyRow.kind == SIGNING)
    )
    return {r.key_id: r.public_raw for r in rows}


def _check_agency(s: Session, agency: str) -> None:
    if s.get(AgencyRow, agency) is None:
        raise UnknownAgency(agency)


def _floor_row(s: Session, agency: str) -> DecisionChainFloorRow | None:
    """The agency's current chain floor (its highest), or None when no record was deleted."""
    return s.scalar(
        select(DecisionChainFloorRow)
        .where(DecisionChainFloorRow.agency == agency)
        .order_by(DecisionChainFloorRow.seq.desc())
        .limit(1)
    )


def _floor_problem(s: Session, r: DecisionChainFloorRow, keys: dict[str, bytes]) -> str | None:
    """What is wrong with a chain floor: its own signature, or the checkpoint it stands on
    (None when both verify under the agency's registered keys and agree with it)."""
    try:
        floor = Floor(r.agency, r.seq, r.head_sha256, r.at, r.key_id, bytes.fromhex(r.signature))
    except ValueError:
        floor = None
    if floor is None or not floor.verify(keys.get(r.key_id, b"")):
        return (
            f"the chain floor at #{r.seq} has no valid signature by {r.agency}: "
            "it was forged or altered"
        )
    cp_row = s.get(DecisionCheckpointRow, r.checkpoint_id)
    if cp_row is None or (cp_row.agency, cp_row.seq, cp_row.head_sha256) != (
        r.agency,
        r.seq,
        r.head_sha256,
    ):
        return f"the chain floor at #{r.seq} does not match the checkpoint it stands on"
    cp = _cp_from_row(cp_row)
    if not cp.verify(keys.get(cp.key_id, b"")):
        return f"the checkpoint under the chain floor at #{r.seq} has no valid signature"
    return None


def chain_agencies(store: Store) -> list[str]:
    """Every agency with a chain, records or checkpoints in the store."""
    with store.session() as s:
        found = set(s.scalars(select(DecisionChainRow.agency)))
        found |= set(s.scalars(select(DecisionRecordRow.disclosing_agency).distinct()))
        found |= set(s.scalars(select(DecisionCheckpointRow.agency).distinct()))
        found |= set(s.scalars(select(DecisionChainFloorRow.agency).distinct()))
    return sorted(found)


def _walk(
    s: Session,
    report: ChainReport,
    *,
    from_seq: int = 1,
    from_prev: str = GENESIS,
    to_seq: int | None = None,
    checkpoints: dict[int, list[tuple[Checkpoint, bool]]] | None = None,
    keys: dict[str, bytes] | None = None,
) -> None:
    """Check records ``from_seq``..``to_seq`` of one chain in order; stop at the first problem.

    ``checkpoints`` maps seq to (checkpoint, came from a file); each is checked when the walk
    reaches its seq, so the problem reported is always the earliest in the chain."""
    checkpoints = checkpoints or {}
    keys = keys or {}
    query = (
        _stored_text_query(s)
        .where(
            DecisionRecordRow.disclosing_agency == report.agency,
            DecisionRecordRow.chain_seq >= from_seq,
        )
        .order_by(DecisionRecordRow.chain_seq)
        .execution_options(yield_per=5000)
    )
    if to_seq is not None:
        query = query.where(DecisionRecordRow.chain_seq <= to_seq)
    expected, prev = from_seq, from_prev
    for row in s.execute(query):
        if row.chain_seq != expected:
            report.problem = Problem(
                row.chain_seq,
                row.ref,
                f"record #{row.chain_seq} ({row.ref}) follows #{expected - 1}: "
                f"record #{expected} is missing (deleted or renumbered)",
            )
            return
        if row.prev_sha256 != prev:
            report.problem = Problem(
                row.chain_seq,
                row.ref,
                f"record #{row.chain_seq} ({row.ref}) does not link to record #{expected - 1}: "
                "a record before it was inserted, removed, changed or reordered",
            )
            return
        if not _hash_matches(s, row):
            report.problem = Problem(
                row.chain_seq,
                row.ref,
                f"record #{row.chain_seq} ({row.ref}) does not match its hash: it was modified",
            )
            return
        for cp, external in checkpoints.get(row.chain_seq, []):
            where = "checkpoint file" if external else "stored checkpoint"
            public = cp.public_key if external else keys.get(cp.key_id)
            if external and cp.key_id not in keys:
                msg = f"the {where} for #{cp.seq} is signed by key {cp.key_id}, not registered"
                report.problem = Problem(row.chain_seq, row.ref, msg + f" for {report.agency}")
                return
            if public is None or not cp.verify(public):
                msg = f"the {where} for #{cp.seq} has no valid signature by {report.agency}"
                report.problem = Problem(row.chain_seq, row.ref, msg)
                return
            if cp.head != row.record_sha256:
                report.problem = Problem(
                    row.chain_seq,
                    row.ref,
                    f"record #{row.chain_seq} ({row.ref}) differs from the {where} signed "
                    f"{cp.signed_at:%Y-%m-%d %H:%M} UTC: the chain was rewritten",
                )
                return
            if external:
                report.external_checkpoints += 1
            else:
                report.checkpoints += 1
        prev = row.record_sha256
        expected += 1
        report.records += 1
    report.head_seq, report.head_sha256 = expected - 1, prev


# Verification reads the stored text of each record (no JSON parsing, no ORM objects, never the
# ciphertext) and hashes it as stored: the store writes JSON columns in canonical form, and the
# database formats times as the canonical strings.
def _stored_text_query(s: Session) -> Select[Any]:
    c = DecisionRecordRow.__table__.c
    if s.get_bind().dialect.name == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)
        times = [func.replace(c[t], " ", "T").concat("Z") for t in _TIMES]
        texts: list[ColumnElement[str]] = [type_coerce(c[j], Text()) for j in _JSON]
    else:
        utc = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
        times = [func.to_char(func.timezone("UTC", c[t]), utc) for t in _TIMES]
        texts = [cast(c[j], Text()) for j in _JSON]
    return select(
        c.id, c.chain_seq, c.ref, c.prev_sha256, c.record_sha256, c.disclosing_agency,
        c.requesting_agency, c.decision, c.urgency, c.envelope_id, c.envelope_sha256,
        *times, *texts,
    )  # fmt: skip


_TIMES = ("recorded_at", "decided_at", "due_at")
_JSON = ("public", "personal_commitments")


def _hash_matches(s: Session, row: Sequence[Any]) -> bool:
    (id_, seq, ref, prev, record_sha256, agency, requesting, decision, urgency, envelope_id,
     envelope_sha256, recorded_at, decided_at, due_at, public, commitments) = row  # fmt: skip
    fast = stored_digest(
        agency=agency,
        seq=seq,
        prev=prev,
        ref=ref,
        recorded_at=recorded_at,
        decided_at=decided_at,
        due_at=due_at,
        decision=decision,
        requesting_agency=requesting,
        urgency=urgency,
        envelope_id=envelope_id,
        envelope_sha256=envelope_sha256,
        public_json=public,
        commitments_json=commitments,
    )
    if fast == record_sha256:
        return True
    # Not stored in canonical form (an older version's record) or modified: parse, recompute.
    try:
        return chain_fields(s.get_one(DecisionRecordRow, id_)).digest() == record_sha256
    except (TypeError, ValueError, CanonicalFormError):
        return False


def verify_chain(
    store: Store, agency: str, external: list[Checkpoint] | None = None
) -> ChainReport:
    """Check every link, hash and checkpoint signature of one agency's chain.

    Once records were deleted under retention the chain starts after its floor: the floor's
    signature and the checkpoint it stands on must verify, and record floor + 1 must link to
    the floor's head. Stored checkpoints below the floor are kept but not checked (what they
    signed is gone); a checkpoint file below it is noted, one at it must match the floor."""
    report = ChainReport(agency)
    with store.session() as s:
        keys = _signing_keys(s, agency)
        floor = _floor_row(s, agency)
        start, prev = 1, GENESIS
        if floor is not None:
            wrong = _floor_problem(s, floor, keys)
            if wrong is not None:
                report.problem = Problem(floor.seq, None, wrong)
                return report
            report.floor_seq, start, prev = floor.seq, floor.seq + 1, floor.head_sha256
        checkpoints: dict[int, list[tuple[Checkpoint, bool]]] = {}
        for r in s.scalars(
            select(DecisionCheckpointRow).where(
                DecisionCheckpointRow.agency == agency, DecisionCheckpointRow.seq >= start
            )
        ):
            checkpoints.setdefault(r.seq, []).append((_cp_from_row(r), False))
        for cp in external or []:
            if cp.seq >= start:
                checkpoints.setdefault(cp.seq, []).append((cp, True))
            elif cp.seq < report.floor_seq:
                report.notes.append(
                    f"the checkpoint file for #{cp.seq} is below the floor: records up to "
                    f"#{report.floor_seq} were deleted under retention, it cannot be checked"
                )
            elif cp.key_id not in keys or not cp.verify(keys[cp.key_id]):
                msg = f"the checkpoint file for #{cp.seq} has no valid signature by {agency}"
                report.problem = Problem(cp.seq, None, msg)
                return report
            elif cp.head != prev:
                report.problem = Problem(
                    cp.seq,
                    None,
                    f"the chain floor at #{cp.seq} differs from the checkpoint file signed "
                    f"{cp.signed_at:%Y-%m-%d %H:%M} UTC: the chain was rewritten",
                )
                return report
            else:
                report.external_checkpoints += 1
        _walk(s, report, from_seq=start, from_prev=prev, checkpoints=checkpoints, keys=keys)
        if report.problem:
            return report
        last = report.head_seq
        beyond = [cp for seq, cps in checkpoints.items() if seq > last for cp, _ in cps]
        if beyond:
            far = max(cp.seq for cp in beyond)
            report.problem = Problem(
                None,
                None,
                f"a checkpoint was signed at record #{far} but the chain ends at #{last}: "
                "records were deleted",
            )
            return report
        head = s.get(DecisionChainRow, agency)
        if head is None and last > 0:
            report.problem = Problem(None, None, "the chain's head row is missing")
        elif head is not None and (head.seq, head.head_sha256) != (last, report.head_sha256):
            report.problem = Problem(
                None,
                None,
                f"the chain head says #{head.seq} but the last record is #{last}: "
                "records at the end were deleted or the head was altered",
            )
    return report


def verify(
    store: Store, agency: str | None = None, checkpoint: Checkpoint | None = None
) -> list[ChainReport]:
    """Verify one agency's chain, or every chain in the store."""
    if checkpoint is not None:
        if agency is not None and agency != checkpoint.agency:
            raise ChainError(f"the checkpoint file is for {checkpoint.agency}, not {agency}")
        agency = checkpoint.agency
    if agency is not None:
        with store.session() as s:
            _check_agency(s, agency)
        return [verify_chain(store, agency, [checkpoint] if checkpoint else None)]
    return [verify_chain(store, a) for a in chain_agencies(store)]


def checkpoint(store: Store, agency: str, seq: int | None = None) -> Checkpoint:
    """Sign the agency's chain head (or its record ``seq``) and keep the checkpoint.

    Only signs what verifies: the records since the last checkpoint are checked first, so a
    checkpoint never blesses a chain that was already tampered with. Raises ``ChainError``, or
    ``KeyNotFound`` when this machine does not hold the agency's signing key."""
    with store.session() as s:
        _check_agency(s, agency)
        head = s.get(DecisionChainRow, agency)
        top = head.seq if head else 0
        seq = top if seq is None else seq
        floor = _floor_row(s, agency)
        bottom = floor.seq if floor else 1
        if seq < bottom or seq > top:
            raise ChainError(
                f"{agency} has no decision records yet"
                if top == 0
                else f"{agency}'s chain has records #{bottom} to #{top}, not #{seq}"
                + (" (the records before were deleted under retention)" if floor else "")
            )
        existing = s.scalar(
            select(DecisionCheckpointRow).where(
                DecisionCheckpointRow.agency == agency, DecisionCheckpointRow.seq == seq
            )
        )
        keys = _signing_keys(s, agency)
        if existing is not None:
            cp = _cp_from_row(existing)
            return replace(cp, public_key=keys.get(cp.key_id))
        last = s.scalar(
            select(DecisionCheckpointRow)
            .where(DecisionCheckpointRow.agency == agency, DecisionCheckpointRow.seq < seq)
            .order_by(DecisionCheckpointRow.seq.desc())
            .limit(1)
        )
        report = ChainReport(agency)
        if last is None:
            _walk(s, report, to_seq=seq)
        else:
            prior = _cp_from_row(last)
            if not prior.verify(keys.get(prior.key_id, b"")):
                raise ChainError(f"the stored checkpoint at #{prior.seq} does not verify")
            _walk(s, report, from_seq=prior.seq + 1, from_prev=prior.head, to_seq=seq)
        if report.problem is not None:
            raise ChainError(f"not signing {agency}'s chain: {report.problem.message}")
        if report.head_seq != seq:
            raise ChainError(f"not signing {agency}'s chain: it ends at #{report.head_seq}")
        head_sha = report.head_sha256
    key = store.keys.signing_key(agency)
    cp = sign_checkpoint(key, agency, seq, head_sha, now_utc())
    try:
        with store.session() as s:
            s.add(
                DecisionCheckpointRow(
                    agency=agency,
                    seq=seq,
                    head_sha256=head_sha,
                    signed_at=cp.signed_at,
                    key_id=cp.key_id,
                    signature=cp.signature.hex(),
                )
            )
            store._audit(s, None, "checkpoint", None, f"chain of {agency} signed at #{seq}")
    except IntegrityError:  # another process signed the same record first: use theirs
        return checkpoint(store, agency, seq)
    return cp


@dataclass(frozen=True)
class PrefixDeleted:
    """Records ``first``..``floor.seq`` of one chain deleted, and the floor that replaced them."""

    floor: Floor
    first: int
    refs: list[str]
    checkpoint: Checkpoint


def delete_prefix(store: Store, agency: str, seq: int) -> PrefixDeleted:
    """Delete the agency's records up to ``seq`` (a prefix of its chain), keeping the proof of
    the rest: the whole chain is verified first (no deleting evidence of tampering), the head
    at ``seq`` is signed (``checkpoint``), then one transaction, under the chain's lock, records
    the floor at ``seq`` signed with the agency's key and deletes the records, which the record
    triggers then allow. Which records are due is the caller's rule (``infoshare.retention``).

    Raises ``ChainError`` (chain does not verify, nothing to delete) or ``KeyNotFound``."""
    report = verify_chain(store, agency)
    if report.problem is not None:
        raise ChainError(f"not deleting {agency}'s records: {report.problem.message}")
    if seq <= report.floor_seq:
        raise ChainError(f"{agency}'s records up to #{report.floor_seq} are already deleted")
    cp = checkpoint(store, agency, seq)
    key = store.keys.signing_key(agency)
    with store.session() as s:
        store._lock_chains(s, {agency})
        below = _floor_row(s, agency)
        first = below.seq + 1 if below else 1
        if first > seq:
            raise ChainError(f"{agency}'s records up to #{seq} were deleted meanwhile")
        cp_id = s.scalar(
            select(DecisionCheckpointRow.id).where(
                DecisionCheckpointRow.agency == agency,
                DecisionCheckpointRow.seq == seq,
                DecisionCheckpointRow.head_sha256 == cp.head,
            )
        )
        if cp_id is None:
            raise ChainError(f"the checkpoint at #{seq} of {agency} is not stored")
        floor = sign_floor(key, agency, seq, cp.head, now_utc())
        s.add(
            DecisionChainFloorRow(
                agency=agency,
                seq=seq,
                head_sha256=cp.head,
                checkpoint_id=cp_id,
                at=floor.at,
                key_id=floor.key_id,
                signature=floor.signature.hex(),
            )
        )
        s.flush()  # the floor first: the record triggers allow deletion only below it
        in_prefix = (DecisionRecordRow.disclosing_agency == agency) & (
            DecisionRecordRow.chain_seq <= seq
        )
        refs = list(
            s.scalars(
                select(DecisionRecordRow.ref).where(in_prefix).order_by(DecisionRecordRow.chain_seq)
            )
        )
        s.execute(delete(DecisionRecordRow).where(in_prefix))
        for ref in refs:
            store._audit(
                s, ref, "retention", None, "decision record deleted", f"{agency} floor #{seq}"
            )
        store._audit(
            s,
            None,
            "retention",
            None,
            "records deleted",
            f"{agency}: records #{first} to #{seq} ({len(refs)}) deleted under the record "
            f"retention rule; chain floor at #{seq}, head {cp.head}, signed checkpoint "
            f"{cp.key_id}",
        )
    return PrefixDeleted(floor, first, refs, cp)


def auto_checkpoint(store: Store, agency: str, seq: int) -> None:
    """The every-N checkpoint after an append. The record is already safe, so a checkpoint
    that cannot be made here is noted in the audit trail, never raised."""
    try:
        checkpoint(store, agency, seq)
    except KeyStoreError as exc:  # no key file here, or no passphrase for it
        store.audit(None, "checkpoint", None, "checkpoint skipped", f"{agency}: {exc}")
    except ChainError as exc:
        store.audit(None, "checkpoint", None, "checkpoint refused", str(exc))


CHECKPOINT_AT_LEAST_EVERY = timedelta(days=1)


def due_checkpoints(store: Store, now: datetime) -> list[str]:
    """Sign each chain whose newest record is unsigned and whose last checkpoint is a day old
    (or that has none): checkpoints come every N records *and* at least daily. Called by the
    watchdog; returns the agencies signed."""
    signed = []
    for agency in chain_agencies(store):
        with store.session() as s:
            head = s.get(DecisionChainRow, agency)
            last = s.scalar(
                select(DecisionCheckpointRow)
                .where(DecisionCheckpointRow.agency == agency)
                .order_by(DecisionCheckpointRow.seq.desc())
                .limit(1)
            )
        if head is None or head.seq == 0 or (last is not None and last.seq >= head.seq):
            continue
        if last is not None and now - last.signed_at < CHECKPOINT_AT_LEAST_EVERY:
            continue
        auto_checkpoint(store, agency, head.seq)
        signed.append(agency)
    return signed


# --- subject access ------------------------------------------------------------------------------


@dataclass
class SubjectSearch:
    matches: list[dict[str, Any]]
    searched: int  # records of the searcher's agency whose personal part could be read
    disposed: int  # records of that agency whose personal data no longer exists


def subject_search(store: Store, name: str, dob: str | None, agency: str) -> SubjectSearch:
    """Every decision record an agency is party to (asking or disclosing) that names this
    person, as a subject or a third party: what was asked, decided, shared, with whom, when,
    why, and the envelope hashes. Name match ignores case and spacing; ``dob`` (YYYY-MM-DD)
    narrows it. The caller logs the search (who, why; never the name).

    Candidates come from the blind index (``SubjectIndexRow``: keyed tags, no names), so the
    search reads only the records about this person; each is then opened and checked."""
    wanted = normal_name(name)
    name_tag, dob_tag = store.subject_tags(name, dob)
    with store.session() as s:
        head = s.get(DecisionChainRow, agency)
        floor = _floor_row(s, agency)  # records up to it were deleted under retention
        total = (
            (head.seq if head else 0)
            - (floor.seq if floor else 0)
            + (
                s.scalar(select(func.count()).where(DecisionRecordRow.requesting_agency == agency))
                or 0
            )
        )
        disposed = sum(
            s.scalar(select(func.count()).where(RequestRow.wrapped_key.is_(None), column == agency))
            or 0
            for column in (RequestRow.disclosing_agency, RequestRow.requesting_agency)
        )
        out = SubjectSearch([], total - disposed, disposed)
        # the index first (a handful of rows by tag), then those records by their unique ref
        refs = set(
            s.scalars(
                select(SubjectIndexRow.ref).where(
                    SubjectIndexRow.name_dob_tag == dob_tag
                    if dob_tag
                    else SubjectIndexRow.name_tag == name_tag,
                    (SubjectIndexRow.disclosing_agency == agency)
                    | (SubjectIndexRow.requesting_agency == agency),
                )
            )
        )
        rows = sorted(
            s.scalars(select(DecisionRecordRow).where(DecisionRecordRow.ref.in_(sorted(refs)))),
            key=lambda r: r.decided_at,
        )
        for row in rows:
            opened = store.record_salts(s, row)
            if opened is None:
                continue
            personal = opened[0]
            roles = [
                role
                for role, key in (("subject", "subjects"), ("third party", "third_parties"))
                for p in personal.get(key, [])
                if normal_name(str(p.get("name", ""))) == wanted
                and (not dob or p.get("date_of_birth") == dob)
            ]
            if not roles:
                continue
            pub = row.public
            out.matches.append(
                {
                    "reference": row.ref,
                    "named_as": sorted(set(roles)),
                    "received_at": pub.get("received_at"),
                    "requesting_agency": row.requesting_agency,
                    "disclosing_agency": row.disclosing_agency,
                    "purpose": pub.get("purpose"),
                    "items": pub.get("items", []),
                    "decision": row.decision,
                    "decided_at": pub.get("decided_at"),
                    "reasons": pub.get("reasons", []),
                    "approvers": pub.get("approvers", []),
                    "override": pub.get("override"),
                    "shared": pub.get("shared"),
                    "record_sha256": row.record_sha256,
                    "chain": {"agency": row.disclosing_agency, "seq": row.chain_seq},
                }
            )
    return out


# --- period export -------------------------------------------------------------------------------

EXPORT_FORMAT = "infoshare-records-export/1"
CSV_COLUMNS = [
    "reference", "chain_seq", "record_sha256", "received_at", "decided_at", "due_at", "on_time",
    "requesting_agency", "disclosing_agency", "urgency", "decision", "purpose", "regime",
    "lawful_basis", "sensitive_condition", "gateway", "isa_reference", "consent",
    "override_grounds", "items_requested", "items_shared", "approvers", "envelope_id",
    "envelope_sha256", "reasons",
]  # fmt: skip


def export_rows(
    store: Store, agency: str, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """The agency's decision records decided in [since, until): the non-personal record with
    its place in the chain. Never personal data."""
    with store.session() as s:
        _check_agency(s, agency)
        rows = s.scalars(
            select(DecisionRecordRow)
            .where(
                DecisionRecordRow.disclosing_agency == agency,
                DecisionRecordRow.decided_at >= since,
                DecisionRecordRow.decided_at < until,
            )
            .order_by(DecisionRecordRow.chain_seq)
        )
        return [
            {**r.public, "chain_seq": r.chain_seq, "record_sha256": r.record_sha256} for r in rows
        ]


def _flat(r: dict[str, Any]) -> dict[str, Any]:
    """One export row as the CSV and HTML tables show it."""
    o = r.get("override") or {}
    items = r.get("items", [])
    return {
        **{k: r.get(k) for k in CSV_COLUMNS if k in r},
        "override_grounds": " ".join(o.get("grounds") or []),
        "items_requested": "; ".join(f"{i['id']}: {i['description']}" for i in items),
        "items_shared": " ".join(i["id"] for i in items if i.get("shared")),
        "approvers": " ".join(str(a.get("id")) for a in r.get("approvers", [])),
        "envelope_id": (r.get("shared") or {}).get("envelope_id"),
        "envelope_sha256": (r.get("shared") or {}).get("envelope_sha256"),
        "reasons": " | ".join(r.get("reasons", [])),
    }


def export_bytes(
    records: list[dict[str, Any]], fmt: str, agency: str, since: datetime, until: datetime
) -> bytes:
    """The export file: ``json`` (the records as kept), ``csv`` or ``html`` (a printable table)."""
    if fmt == "json":
        return (json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    rows = [_flat(r) for r in records]
    if fmt == "html":
        last_day = (until - timedelta(days=1)).date()
        page = render_page(
            "records_export.html.j2", agency=agency, since=since.date(), until=last_day,
            columns=CSV_COLUMNS, records=rows,
        )  # fmt: skip
        return page.encode()
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode()


def export_manifest(
    store: Store,
    agency: str,
    since: datetime,
    until: datetime,
    fmt: str,
    records: list[dict[str, Any]],
    data: bytes,
    data_name: str,
    exported_by: str,
) -> dict[str, Any]:
    """What the export contains, signed with the agency's Ed25519 key."""
    with store.session() as s:
        head = s.get(DecisionChainRow, agency)
    key = store.keys.signing_key(agency)
    pub = raw_public(key.public_key())
    manifest = {
        "format": EXPORT_FORMAT,
        "agency": agency,
        "since": timestamp(since),
        "until": timestamp(until),
        "file": data_name,
        "file_format": fmt,
        "file_sha256": sha256_hex(data),
        "file_bytes": len(data),
        "records": [
            {
                "reference": r["reference"],
                "seq": r["chain_seq"],
                "record_sha256": r["record_sha256"],
            }
            for r in records
        ],  # fmt: skip
        "chain_head": {"seq": head.seq, "sha256": head.head_sha256} if head else None,
        "exported_at": timestamp(now_utc()),
        "exported_by": exported_by,
        "key_id": key_id(pub),
    }
    return {
        "manifest": manifest,
        "signature": base64.b64encode(key.sign(canonical_json(manifest))).decode(),
        "public_key": base64.b64encode(pub).decode(),
    }


def check_export(signed: Any, data: bytes) -> list[str]:
    """Problems with an export against its signed manifest (empty when it validates)."""
    try:
        manifest = signed["manifest"]
        pub = base64.b64decode(signed["public_key"], validate=True)
        sig = base64.b64decode(signed["signature"], validate=True)
        if manifest["format"] != EXPORT_FORMAT:
            return [f"not a {EXPORT_FORMAT} manifest"]
    except (KeyError, TypeError, ValueError):
        return ["malformed manifest"]
    problems = []
    try:
        if key_id(pub) != manifest.get("key_id"):
            raise InvalidSignature
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, canonical_json(manifest))
    except (InvalidSignature, ValueError):
        problems.append("the manifest's signature does not verify")
    if sha256_hex(data) != manifest.get("file_sha256"):
        problems.append("the file's SHA-256 differs from the manifest: it was changed")
    return problems
