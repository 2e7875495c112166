"""What each step of a share request does, over the store. Prefect-free and idempotent.

Each function first asks the store whether its step is already DONE and, if so, returns the
stored outcome: a resumed or retried run never repeats a completed step.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from infoshare import emergency, identity, registry
from infoshare.crypto import digest_json
from infoshare.envelope import SealedItem, seal_items
from infoshare.identity import MAX_FAILED_ATTEMPTS
from infoshare.keys import ENCRYPTION, KeyStoreError, key_id
from infoshare.models import Decision, ShareRequest
from infoshare.policy import (
    EmergencyChoice,
    EmergencyInput,
    FirstApproval,
    OverrideInput,
    SignOffChoice,
    SignOffInput,
    Step,
    Verdict,
    check_emergency,
    check_override,
    check_signoff,
    signoff_decision,
    signoff_requirement,
    triage,
)
from infoshare.store import Store
from infoshare.store.requests import DONE
from infoshare.timeliness import is_expired
from infoshare.transport import (
    DEFAULT_RETRY,
    DeliveryDeadline,
    DeliveryRefused,
    DirectoryInbox,
    HttpsIntake,
    RetryPolicy,
    TransientDeliveryError,
    Transport,
    deliver_with_retries,
)
from infoshare.worktime import now_utc


class TransferError(Exception):
    """The transfer cannot be made (no key for the recipient, nothing approved, ...)."""


@dataclass(frozen=True)
class TriageResult:
    accepted: bool
    decision: str | None
    reasons: list[str]
    due_at: str
    needs_override: bool
    emergency: bool = False  # share on an on-call approver's confirmation, sign off afterwards


def run_triage(store: Store, ref: str, now: datetime | None = None) -> TriageResult:
    done = store.requests.step(ref, Step.TRIAGE)
    if done is None or done.status != DONE:
        req = store.requests.request(ref)
        t = triage(req, store.partnership(), now or now_utc(), store.settings.tier_budgets)
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
    p = done.public
    return TriageResult(
        p["decision"] is None, p["decision"], p["reasons"], p["due_at"], p["needs_override"],
        bool(p.get("emergency")),
    )  # fmt: skip


def is_done(store: Store, ref: str, step: Step) -> bool:
    st = store.requests.step(ref, step)
    return st is not None and st.status == DONE


EXPIRED_VERDICT = Verdict(["The request expired at its deadline; this answer was not used."])
LOCKED_VERDICT = Verdict(
    [
        f"This step is locked after {MAX_FAILED_ATTEMPTS} refused answers; the data-protection "
        "lead has been told, and a senior of the disclosing agency can unlock it "
        "(infoshare unlock)."
    ],
    locked=True,
)
LAPSED_VERDICT = Verdict(
    ["Nobody on call confirmed the emergency share in time: the request follows the RED path "
     "(sign-off before anything is shared). This answer was not used."]
)  # fmt: skip


def _check_answer(
    store: Store, ref: str, step: Step, inp: identity.Answer, policy: Callable[[], Verdict]
) -> Verdict | identity.Proof:
    """The checks every answer from a person goes through, in order: the step is still open,
    not expired, not locked; the policy accepts the answer; and the person proves who they are
    with their one-time code (spent only when everything else is in order) or their signature.
    Returns the proof (record the answer), or the verdict to return. A refused answer is counted
    and audited (never with the code)."""
    if is_done(store, ref, step):
        return Verdict()
    if is_expired(store, ref):
        return EXPIRED_VERDICT
    if store.requests.refused_since_unlock(ref, step) >= MAX_FAILED_ATTEMPTS:
        # counted too: the attempt number names the run's next pause, which must be new
        store.requests.refuse_attempt(ref, step, inp.person, LOCKED_VERDICT.reasons)
        return LOCKED_VERDICT
    verdict = policy()
    if verdict.accepted:
        proof = identity.prove(store, ref, step.value, inp)
        if isinstance(proof, identity.Proof):
            return proof
        verdict = Verdict([f"Identity not proven: {proof}."])
    store.requests.refuse_attempt(ref, step, inp.person, verdict.reasons)
    return Verdict(
        verdict.reasons,
        locked=store.requests.refused_since_unlock(ref, step) >= MAX_FAILED_ATTEMPTS,
    )


def _decided(inp: identity.Answer, proof: identity.Proof) -> dict[str, Any]:
    """Who decided, when, how they proved it and the hash of exactly what they answered."""
    return {"person_id": inp.person, "at": now_utc().isoformat(), **proof.facts,
            "input_sha256": identity.answer_sha256(inp)}  # fmt: skip


def apply_override(store: Store, ref: str, inp: OverrideInput) -> Verdict:
    """Check and keep an override justification; a refused input leaves the step waiting."""
    checked = _check_answer(
        store, ref, Step.OVERRIDE, inp,
        lambda: check_override(inp, store.requests.request(ref), store.partnership()),
    )  # fmt: skip
    if not isinstance(checked, identity.Proof):
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
    given = identity.approvals_given(store, ref)
    checked = _check_answer(
        store, ref, Step.SIGNOFF, inp,
        lambda: check_signoff(
            inp, req, p, store.requests.prepared_items(ref),
            override_by=override.actor_id if override else None, first=_first_approval(given),
        ),
    )  # fmt: skip
    if not isinstance(checked, identity.Proof):
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
        identity.withdraw_codes(store, ref, Step.SIGNOFF.value, "first of two approvals given")
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
    if not isinstance(checked, identity.Proof):
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


def recipient_transport(store: Store, agency_id: str) -> Transport:
    """HTTPS to the agency's intake endpoint when the registry names one, else its directory
    inbox under ``$INFOSHARE_HOME/inbox``."""
    with store.session() as s:
        intake = registry.intake_of(s, agency_id)
    if intake is None:
        return DirectoryInbox(store.settings.inbox_root)
    return HttpsIntake(
        intake.url,
        ca_pem=intake.ca_pem,
        recipient_key=registry.signing_key_lookup(store.session, agency_id),
    )


def transfer(
    store: Store,
    ref: str,
    transport: Transport | None = None,
    *,
    policy: RetryPolicy = DEFAULT_RETRY,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Seal the items approved at sign-off (read from the store, never from the caller) and
    deliver them to the requesting agency. Returns the non-personal transfer facts, with the
    recipient's verified receipt when the transport gives one.

    The sealed envelope is staged in the store before delivery, so every retry (here, or after
    a crash) delivers the same bytes under the same message id, never a second envelope.
    Transient failures are retried with backoff until the request's deadline; what cannot be
    delivered raises ``TransferError`` with the reason.
    """
    done = store.requests.step(ref, Step.TRANSFER)
    if done is not None and done.status == DONE:
        return done.public
    if (recorded := store.chain.record(ref)) is not None:
        # the request is closed: e.g. its run was marked Crashed after going silent and was
        # recorded FAILED, yet its process was alive after all; the record must stay true
        raise TransferError(
            f"the request already has its decision record ({recorded[0].decision}): "
            "nothing more is sent for it"
        )
    signoff = emergency.authorising_step(store, ref)
    if signoff is None or signoff.status != DONE or not signoff.public.get("approved_items"):
        raise TransferError("nothing was approved for sharing")
    approved: list[str] = signoff.public["approved_items"]
    if done is not None and done.private.get("envelope"):
        envelope = base64.b64decode(done.private["envelope"])
        facts = dict(done.public)
    else:
        envelope, facts = _seal(store, ref, approved, signoff.public.get("input_sha256", ""))
        store.requests.stage_step(
            ref,
            Step.TRANSFER,
            public=facts,
            private={"envelope": base64.b64encode(envelope).decode()},
        )
    meta = store.requests.meta(ref)
    transport = transport or recipient_transport(store, meta.requesting_agency)
    try:
        delivery = deliver_with_retries(
            transport, meta.requesting_agency, facts["envelope_id"], envelope,
            deadline=meta.due_at, policy=policy, sleep=sleep,
        )  # fmt: skip
    except (DeliveryRefused, DeliveryDeadline, TransientDeliveryError) as exc:
        raise TransferError(str(exc)) from exc
    facts = {
        **facts,
        "method": delivery.method,
        "location": delivery.location,
        "receipt": delivery.receipt,
        "receipt_note": delivery.receipt_note,
    }
    store.requests.complete_step(ref, Step.TRANSFER, public=facts)
    return facts


def _seal(
    store: Store, ref: str, approved: list[str], decision_sha256: str
) -> tuple[bytes, dict[str, Any]]:
    meta = store.requests.meta(ref)
    req: ShareRequest = store.requests.request(ref)
    contents = store.requests.item_contents(ref, approved)
    missing = sorted(set(approved) - contents.keys())
    if missing:
        raise TransferError(f"approved items have no prepared content: {', '.join(missing)}")
    signed = emergency.authorising_step(store, ref)
    approved_hashes = signed.private.get("approved_content_sha256", {}) if signed else {}
    changed = sorted(
        i for i in approved if approved_hashes.get(i) != hashlib.sha256(contents[i]).hexdigest()
    )
    if changed:
        raise TransferError(f"content changed after sign-off: {', '.join(changed)}; not sent")
    now = now_utc()
    with store.session() as s:
        # every key valid now: during a rotation overlap the recipient may hold either
        recipient_raws = registry.valid_public_keys(s, meta.requesting_agency, ENCRYPTION, now)
    if not recipient_raws:
        raise TransferError(f"no current encryption key registered for {meta.requesting_agency}")
    try:
        sender = store.keys.signing_key(meta.disclosing_agency)
    except KeyStoreError as exc:  # a worker set up without the agency's keys, or its passphrase
        raise TransferError(
            f"this machine cannot sign for {meta.disclosing_agency} (README: Agency keys on "
            f"workers): {exc}"
        ) from exc
    descriptions = dict(zip(req.item_ids(), (i.description for i in req.items), strict=True))
    sealed = seal_items(
        [SealedItem(i, descriptions[i], contents[i]) for i in approved],
        transfer_id=ref,
        decision_sha256=decision_sha256,
        recipients=[X25519PublicKey.from_public_bytes(r) for r in recipient_raws],
        sender=sender,
        now=now,
    )
    return sealed.data, {
        "items": approved,
        "at": now.isoformat(),
        "envelope_id": sealed.message_id,
        "envelope_sha256": sealed.sha256,
        "recipient_key_id": key_id(recipient_raws[0]),
        "recipient_key_ids": [key_id(r) for r in recipient_raws],
    }
