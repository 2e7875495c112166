"""What each step of a share request does, over the store. Prefect-free and idempotent.

Each function first asks the store whether its step is already DONE and, if so, returns the
stored outcome: a resumed or retried run never repeats a completed step. The transfer is
``infoshare.transfer``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from infoshare import emergency
from infoshare.crypto import digest_json
from infoshare.identity import codes, eligibility, pauses, signatures
from infoshare.identity.codes import MAX_FAILED_ATTEMPTS
from infoshare.models import Decision, Step
from infoshare.policy.answers import (
    EmergencyChoice,
    EmergencyInput,
    OverrideInput,
    SignOffChoice,
    SignOffInput,
    Verdict,
)
from infoshare.policy.approval import (
    FirstApproval,
    check_emergency,
    check_override,
    check_signoff,
    signoff_decision,
    signoff_requirement,
)
from infoshare.policy.triage import Triage, triage
from infoshare.store import Store
from infoshare.store.requests import DONE, Refusal, progress_of
from infoshare.timeliness import is_expired
from infoshare.worktime import now_utc


@dataclass(frozen=True)
class TriageResult:
    accepted: bool
    decision: str | None
    reasons: list[str]
    due_at: str
    needs_override: bool
    emergency: bool = False  # share on an on-call approver's confirmation, sign off afterwards


def run_triage(
    store: Store, ref: str, now: datetime | None = None, outcome: Triage | None = None
) -> TriageResult:
    """Triage the request once (``outcome``: one decided already, e.g. a request that could
    not be read); later calls return the stored result."""
    done = store.requests.step(ref, Step.TRIAGE)
    if done is None or done.status != DONE:
        t = outcome or triage(
            store.requests.request(ref),
            store.partnership(),
            now or now_utc(),
            store.settings.tier_budgets,
        )
        store.requests.complete_step(
            ref,
            Step.TRIAGE,
            public={
                "decision": t.decision.value if t.decision else None,
                "reasons": t.reasons,
                "due_at": t.due_at.isoformat(),
                "isa_reference": t.isa_reference,
                "needs_override": t.needs_override,
                "emergency": t.emergency,
            },
        )
        store.requests.set_status(
            ref, "TRIAGED" if t.accepted else "TRIAGE_FAILED", due_at=t.due_at
        )
        done = store.requests.step(ref, Step.TRIAGE)
        assert done is not None
    return _triage_result(done.public)


def _triage_result(p: dict[str, Any]) -> TriageResult:
    return TriageResult(
        p["decision"] is None, p["decision"], p["reasons"], p["due_at"], p["needs_override"],
        bool(p.get("emergency")),
    )  # fmt: skip


def is_done(store: Store, ref: str, step: Step) -> bool:
    st = store.requests.step(ref, step)
    return st is not None and st.status == DONE


@dataclass(frozen=True)
class SoFar:
    """How far a request got in its run's earlier executions, read at once. A run woken after
    a wait starts again from the top; it goes on from here rather than doing each done step
    again (each would answer from the store, but as a task run of its own, with its events)."""

    ref: str = ""  # "" before the intake
    done: frozenset[Step] = frozenset()
    triage: TriageResult | None = None  # None: not triaged yet
    override: bool = False  # the consent check's answer, once CONSENT is done
    # each waiting step's open pause: a run woken from it reads the answer given there without
    # opening the step's form again
    pauses: Mapping[Step, str] = field(default_factory=dict)
    refused: str = ""  # why the run's deployment refuses it, as its resume point found

    def did(self, step: Step) -> bool:
        return step in self.done

    def answered(self, step: Step) -> str | None:
        """The pause key the run was woken from, if it waited for ``step``."""
        return self.pauses.get(step)


NOTHING_YET = SoFar()  # a run's first execution


def so_far(store: Store, flow_run_id: str) -> SoFar | None:
    """What the run ``flow_run_id`` has done for its request; None before its intake."""
    ref = store.requests.ref_for_run(flow_run_id)
    if ref is None:
        return None
    found = progress_of(store.requests.progress([ref], *Step), ref)
    done = frozenset(s for s in Step if (p := found(s)) is not None and p.status == DONE)
    if Step.INTAKE not in done:
        return None
    triaged, consent = found(Step.TRIAGE), found(Step.CONSENT)
    return SoFar(
        ref,
        done,
        _triage_result(triaged.public) if triaged and Step.TRIAGE in done else None,
        bool(consent and Step.CONSENT in done and consent.public["override"]),
        {s: key for s in Step if s not in done and (key := pauses.open_key(found(s)))},
    )


EXPIRED_VERDICT = Verdict(["The request expired at its deadline; this answer was not used."])
LOCKED_REASON = (
    f"Answers to this step in this person's name are locked after {MAX_FAILED_ATTEMPTS} refused "
    "answers; the data-protection lead has been told. Others may still answer; this person can "
    "answer in the workspace or with their own signing key, or a senior of the disclosing "
    "agency can unlock it (infoshare unlock)."
)
LAPSED_VERDICT = Verdict(
    ["Nobody on call confirmed the emergency share in time: the request follows the RED path "
     "(sign-off before anything is shared). This answer was not used."]
)  # fmt: skip


UNREGISTERED = "(an unregistered id)"  # every unregistered id claimed counts as one claimant


def _claimant(person: str, registered: bool) -> str:
    """Whom the lock-out counts a refused answer against: the registered person it claims to
    be, or all unregistered ids together (typed text is never a key of its own)."""
    return person if registered else UNREGISTERED


def _alert(junk: bool, refused: Refusal, newly_locked: bool) -> bool:
    """Tell the data-protection lead when a claimant is newly locked out, and on repeated junk:
    at 5, 10, 20, 40... unproven answers to the step (never a mail per answer)."""
    n = refused.junk // MAX_FAILED_ATTEMPTS
    return newly_locked or (
        junk and refused.junk % MAX_FAILED_ATTEMPTS == 0 and n > 0 and n & (n - 1) == 0
    )


def _unguessable(inp: signatures.Answer) -> bool:
    """Proven (if at all) by the workspace's proof or the person's own signature: neither can
    be guessed by trying, so a lock-out (against guessing codes) does not stop them."""
    return bool(inp.workspace or inp.signature)


def _check_answer(
    store: Store, ref: str, step: Step, inp: signatures.Answer, policy: Callable[[], Verdict]
) -> Verdict | signatures.Proof:
    """The checks every answer from a person goes through, in order: the step is still open and
    not expired; the pause the answer arrived at is spent (``identity.pauses``: a signed answer
    answers one pause only, so one refused and replayed later proves nothing); the person
    claimed is not locked out of this step (answers by code only); the person proves who they
    are (a one-time code presented is spent here, whatever follows: a fresh one is sent when the
    step waits again); then the policy accepts the answer. Returns the proof (record the
    answer), or the verdict to return.

    A refused answer is counted against the person it claims to be (every unregistered id
    counts as one claimant) and audited (never with the code): junk answers lock out the junk
    claimant, never the other approvers."""
    if is_done(store, ref, step):
        return Verdict()
    if is_expired(store, ref):
        return EXPIRED_VERDICT
    pause = pauses.spend(store, ref, step.value)  # whatever follows
    registered = store.partnership().member(inp.person) is not None
    claimant = _claimant(inp.person, registered)
    actor = inp.person if registered else None  # typed text is not put in the audit trail
    if not _unguessable(inp) and store.requests.refused_by(ref, step, claimant) >= (
        MAX_FAILED_ATTEMPTS
    ):
        # counted too: the attempt number names the run's next pause, which must be new
        refused = store.requests.refuse_attempt(ref, step, actor, [LOCKED_REASON], claimant, True)
        return Verdict([LOCKED_REASON], locked=True, alert=_alert(True, refused, False))
    if not registered:
        proof: signatures.Proof | str = "nobody is registered in the partnership with this id"
    else:
        proof = signatures.prove(store, ref, step.value, inp, pause)
    if isinstance(proof, signatures.Proof):
        verdict = policy()
        if verdict.accepted:
            return proof
        junk = False
    else:
        verdict, junk = Verdict([f"Identity not proven: {proof}."]), True
    refused = store.requests.refuse_attempt(ref, step, actor, verdict.reasons, claimant, junk)
    newly_locked = refused.by_claimant == MAX_FAILED_ATTEMPTS
    return Verdict(verdict.reasons, locked=newly_locked, alert=_alert(junk, refused, newly_locked))


def _decided(inp: signatures.Answer, proof: signatures.Proof) -> dict[str, Any]:
    """Who decided, when, how they proved it and the hash of exactly what they answered."""
    return {"person_id": inp.person, "at": now_utc().isoformat(), **proof.facts,
            "input_sha256": signatures.answer_sha256(inp)}  # fmt: skip


def apply_override(store: Store, ref: str, inp: OverrideInput) -> Verdict:
    """Check and keep an override justification; a refused input leaves the step waiting."""
    checked = _check_answer(
        store, ref, Step.OVERRIDE, inp,
        lambda: check_override(inp, store.requests.request(ref), store.partnership()),
    )  # fmt: skip
    if not isinstance(checked, signatures.Proof):
        return checked
    decided = _decided(inp, checked)
    store.requests.complete_step(
        ref,
        Step.OVERRIDE,
        actor_id=inp.person_id,
        public={
            "grounds": [g.value for g in inp.grounds],
            "subject_informed": inp.subject_informed,
            **{k: v for k, v in decided.items() if k != "person_id"},
        },
        private={
            "proportionality": inp.proportionality,
            "not_informed_reason": inp.not_informed_reason,
        },
    )
    store.requests.set_status(ref, "OVERRIDE_JUSTIFIED")
    return Verdict()


def _first_approval(given: list[dict[str, Any]]) -> FirstApproval | None:
    if not given:
        return None
    a = given[0]
    return FirstApproval(a["person_id"], SignOffChoice(a["choice"]), tuple(a["approved_items"]))


def apply_signoff(store: Store, ref: str, inp: SignOffInput) -> Verdict:
    """Check and keep a sign-off; a refused input leaves the step waiting.

    Under four eyes (``policy.needs_four_eyes``) a first approval to SHARE is kept, the content
    is frozen and the step waits for a second, different approver, who confirms the same items
    or refuses (REFUSE or SEND_BACK by either approver decides the request)."""
    req = store.requests.request(ref)
    p = store.partnership()
    override = store.requests.step(ref, Step.OVERRIDE)
    given = eligibility.approvals_given(store, ref)
    checked = _check_answer(
        store, ref, Step.SIGNOFF, inp,
        lambda: check_signoff(
            inp, req, p, store.requests.prepared_items(ref),
            override_by=override.actor_id if override else None, first=_first_approval(given),
        ),
    )  # fmt: skip
    if not isinstance(checked, signatures.Proof):
        return checked
    decision = signoff_decision(inp, req)
    items = sorted(inp.approved_items) if decision.shares else []
    approvals = [*given, {**_decided(inp, checked), "choice": inp.decision.value,
                          "decision": decision.value, "approved_items": items}]  # fmt: skip
    need = signoff_requirement(req, p)
    required = need.approvals if need else 1
    waiting = store.requests.step(ref, Step.SIGNOFF)
    kept = dict(waiting.private) if waiting else {}
    reasons = {"reasons": inp.reasons, "redactions": inp.redactions, "dpo_advice": inp.dpo_advice}
    if not given:
        kept = {
            **reasons,
            # what exactly was approved: the transfer seals this content or nothing (kept
            # sealed: a hash of a short extract could be guessed)
            "approved_content_sha256": {
                item: hashlib.sha256(content).hexdigest()
                for item, content in store.requests.item_contents(ref, items).items()
            },
        }
    else:
        kept = {**kept, "second_approval": {"person_id": inp.approver_id, **reasons}}
    if decision.shares and len(approvals) < required:
        # the content is frozen from here (Store.provide_item); the others get new codes
        store.requests.stage_step(
            ref,
            Step.SIGNOFF,
            public={**(waiting.public if waiting else {}), "approvals": approvals,
                    "approvals_required": required, "last_refusal": []},
            private=kept,
        )  # fmt: skip
        codes.withdraw_codes(store, ref, Step.SIGNOFF.value, "first of two approvals given")
        store.audit.write(ref, Step.SIGNOFF.value, inp.approver_id, "first approval given",
                    f"{len(approvals)} of {required}; a different approver must confirm")  # fmt: skip
        return Verdict()
    final = approvals[-1]  # the first's SHARE, confirmed; or a refusal, which decides
    store.requests.complete_step(
        ref,
        Step.SIGNOFF,
        actor_id=final["person_id"] if not decision.shares else approvals[0]["person_id"],
        public={
            "decision": final["decision"],
            "approved_items": final["approved_items"],
            "at": final["at"],
            "identity": " and ".join(sorted({a["identity"] for a in approvals})),
            # the decision payload: one answer's hash, or the hash of both answers' hashes
            "input_sha256": final["input_sha256"]
            if len(approvals) == 1
            else digest_json([a["input_sha256"] for a in approvals]),
            "approvals": approvals,
            "approvals_required": required,
        },
        private=kept if decision.shares else {**kept, "approved_content_sha256": {}},
    )
    store.requests.set_status(ref, "SIGNED_OFF")
    return Verdict()


def apply_emergency(store: Store, ref: str, inp: EmergencyInput) -> Verdict:
    """Check and keep an on-call approver's answer to an emergency share: CONFIRM authorises
    sharing the ticked items now (sign-off follows); DECLINE sends the request down the RED
    path. A refused input leaves the step waiting."""
    settled = emergency.answered(store, ref)
    if settled is not None and settled.public.get("outcome") == emergency.LAPSED:
        return LAPSED_VERDICT
    req = store.requests.request(ref)
    checked = _check_answer(
        store, ref, Step.EMERGENCY, inp,
        lambda: check_emergency(inp, req, store.partnership(), store.requests.prepared_items(ref)),
    )  # fmt: skip
    if not isinstance(checked, signatures.Proof):
        return checked
    decided = _decided(inp, checked)
    confirmed = inp.decision == EmergencyChoice.CONFIRM
    store.requests.complete_step(
        ref,
        Step.EMERGENCY,
        actor_id=inp.approver_id,
        public={
            "outcome": emergency.CONFIRMED if confirmed else emergency.DECLINED,
            "confirmed": confirmed,
            "approved_items": sorted(inp.approved_items) if confirmed else [],
            **{k: v for k, v in decided.items() if k != "person_id"},
        },
        private={
            "reasons": inp.reasons,
            "approved_content_sha256": {
                item: hashlib.sha256(content).hexdigest()
                for item, content in store.requests.item_contents(
                    ref, list(inp.approved_items)
                ).items()
            }
            if confirmed
            else {},
        },
    )
    if confirmed:
        store.requests.set_status(ref, "EMERGENCY_CONFIRMED")
    else:
        emergency.fall_back(store, ref, now_utc(), status="EMERGENCY_DECLINED")
    return Verdict()


def signoff_outcome(store: Store, ref: str) -> Decision | None:
    """The sign-off decision, or None if there is none, or if the request expired before the
    transfer began (an answer racing the deadline does not send anything after it)."""
    st = store.requests.step(ref, Step.SIGNOFF)
    if st is None or st.status != DONE:
        return None
    if is_expired(store, ref) and not is_done(store, ref, Step.TRANSFER):
        return None
    return Decision(st.public["decision"])
