"""Who may answer a waiting step of a request: for sign-off, the disclosing agency's people of
the role or rank its policy requires (``infoshare.policy.approval``), never the requester, the
override's justifier or someone who already approved it (four eyes); for an override
justification, the disclosing agency's people but the requester. Also who may unlock a step.
"""

from __future__ import annotations

from typing import Any

from infoshare.models import ShareRequest, Step
from infoshare.policy.approval import signoff_requirement
from infoshare.registry import partnership
from infoshare.registry.partnership import Member
from infoshare.store import Store
from infoshare.store.requests import (
    DONE,
    ProgressOf,
    RequestMeta,
    StepProgress,
    progress_of,
)

OVERRIDE, SIGNOFF = Step.OVERRIDE.value, Step.SIGNOFF.value


def approvals_in(signoff: StepProgress | None) -> list[dict[str, Any]]:
    """Under four eyes, the approvals already given for a sign-off that still waits for the
    next approver (empty otherwise)."""
    if signoff is None or signoff.status == DONE:
        return []
    return list(signoff.public.get("approvals", []))


def approvals_given(store: Store, ref: str) -> list[dict[str, Any]]:
    return approvals_in(store.requests.progress([ref], SIGNOFF).get((ref, SIGNOFF)))


def _may_sign_off(p: partnership.Partnership, req: ShareRequest) -> list[Member]:
    need = signoff_requirement(req, p)
    roles = need.roles if need else ()
    return [m for m in p.members_of(req.disclosing_agency) if m.role in roles]


def eligible(
    store: Store, ref: str, step: str, p: partnership.Partnership | None = None
) -> list[Member]:
    """Who may answer ``step``: for sign-off, the disclosing agency's people of the role or rank
    its policy requires for this request; for an override justification, its people. Never the
    requester, never the override's justifier for the sign-off of the same request, and never
    someone who has already approved it (four eyes). ``p``: the partnership, when the caller
    has it loaded already (it is read from the store otherwise)."""
    meta = store.requests.meta(ref)
    req = store.requests.request(ref) if step == Step.SIGNOFF else None
    found = store.requests.progress([ref], OVERRIDE, SIGNOFF)
    return eligible_among(p or store.partnership(), meta, req, step, progress_of(found, ref))


def eligible_among(
    p: partnership.Partnership,
    meta: RequestMeta,
    req: ShareRequest | None,
    step: str,
    progress: ProgressOf,
) -> list[Member]:
    """``eligible``, from what the caller has read already (``req``: for a sign-off only; the
    progress of the request's override and sign-off): an inbox reads them for every request
    waiting at an agency in a few queries."""
    if step == Step.SIGNOFF:
        if req is None:
            raise ValueError("who may sign off depends on the request")
        people = _may_sign_off(p, req)
        override = progress(OVERRIDE)
        excluded = {meta.requester_id, override.actor_id if override else None}
        excluded |= {a["person_id"] for a in approvals_in(progress(SIGNOFF))}
    else:
        people = p.members_of(meta.disclosing_agency)
        excluded = {meta.requester_id}
    return [m for m in people if m.id not in excluded]


def unlock_refusal(store: Store, ref: str, person_id: str) -> str | None:
    """Why ``person_id`` may not unlock a step of this request, or None: only someone of the
    disclosing agency who may sign this request off, and not the requester."""
    meta = store.requests.meta(ref)
    approvers = {m.id for m in _may_sign_off(store.partnership(), store.requests.request(ref))}
    if person_id == meta.requester_id:
        return "the requester cannot unlock their own request"
    if person_id not in approvers:
        return f"only a sign-off approver of {meta.disclosing_agency} can unlock it"
    return None
