"""Answering a waiting step in the workspace: the override justification, the sign-off or the
on-call emergency confirmation, with the same fields and rules as the Prefect resume form
(``infoshare.policy.answers``), while seeing each item's prepared content.

The answer goes to the run exactly as the resume form sends it, through the Prefect API, with
a proof that the signed-in person gave it instead of a code
(``infoshare.identity.workspace_proof``); the run checks it as it checks any answer, and the
request page shows what came of it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.responses import Response
from starlette.routing import Route

from infoshare import prefect_api
from infoshare.identity import eligibility, workspace_proof
from infoshare.identity.signatures import answer_sha256
from infoshare.models import OverrideGround, Step
from infoshare.policy.answers import (
    EmergencyChoice,
    EmergencyInput,
    OverrideInput,
    SignOffChoice,
    SignOffInput,
)
from infoshare.policy.approval import signoff_requirement
from infoshare.workspace.access import Access
from infoshare.workspace.pages_requests import PREVIEW_LIMIT, ask_why, consulted, party
from infoshare.workspace.web import Ctx, page, redirect
from infoshare.worktime import now_utc

FORMS: dict[Step, type[BaseModel]] = {
    Step.OVERRIDE: OverrideInput,
    Step.SIGNOFF: SignOffInput,
    Step.EMERGENCY: EmergencyInput,
}
TITLES = {
    Step.OVERRIDE: "Justify overriding consent",
    Step.SIGNOFF: "Senior sign-off",
    Step.EMERGENCY: "Emergency share: confirm on call",
}


def _items(ctx: Ctx, a: Access) -> list[dict[str, Any]]:
    """Each item asked for, with its necessity and the content prepared for it."""
    store = ctx.ws.store
    req = store.requests.request(a.ref)
    ids = req.item_ids()
    contents = store.requests.item_contents(a.ref, ids)
    out = []
    for iid, item in zip(ids, req.items, strict=True):
        content = contents.get(iid)
        text = None
        if content is not None and len(content) <= PREVIEW_LIMIT:
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        out.append({"id": iid, "description": item.description, "necessity": item.necessity,
                    "size": None if content is None else len(content), "text": text})  # fmt: skip
    return out


def _form(ctx: Ctx, a: Access, status: int = 200, errors: list[str] | None = None) -> Response:
    assert a.answers is not None
    store = ctx.ws.store
    state = store.requests.step(a.ref, a.answers)
    need = signoff_requirement(store.requests.request(a.ref), store.partnership())
    return ctx.render(
        "answer.html.j2", status, title=f"{TITLES[a.answers]}: {a.ref}", a=a, step=a.answers.value,
        items=_items(ctx, a), errors=errors or [], given=ctx.body.form or {},
        refused=(state.public.get("last_refusal") if state else None) or [],
        approvals=eligibility.approvals_given(store, a.ref) if a.answers == Step.SIGNOFF else [],
        need=need.text if need else "", grounds=[g.value for g in OverrideGround],
        signoff_choices=[c.value for c in SignOffChoice], chosen=ctx.fields("grounds"),
        emergency_choices=[c.value for c in EmergencyChoice],
    )  # fmt: skip


@page()
def answer_form(ctx: Ctx) -> Response:
    a = party(ctx)
    if a is None or a.answers is None:
        return ctx.not_found()
    if not consulted(ctx, a, f"the {a.answers.value} form with the prepared content"):
        return ask_why(ctx, a)
    return _form(ctx, a)


def _answer(ctx: Ctx, step: Step) -> dict[str, Any]:
    """The answer as the resume form would send it, for the signed-in person."""
    me = ctx.person.id
    if step == Step.OVERRIDE:
        return {"person_id": me, "grounds": ctx.fields("grounds"),
                "proportionality": ctx.field("proportionality"),
                "subject_informed": ctx.field("subject_informed") == "yes",
                "not_informed_reason": ctx.field("not_informed_reason")}  # fmt: skip
    data = {"approver_id": me, "decision": ctx.field("decision"),
            "approved_items": ctx.fields("approved_items"), "reasons": ctx.field("reasons")}  # fmt: skip
    if step == Step.SIGNOFF:
        data |= {"redactions": ctx.field("redactions"), "dpo_advice": ctx.field("dpo_advice")}
    return data


def _problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(p) for p in e['loc']) or 'answer'}: {e['msg']}" for e in exc.errors()]


@page()
def answer_send(ctx: Ctx) -> Response:
    a = party(ctx)
    if a is None or a.answers is None:
        return ctx.not_found()
    assert ctx.session is not None
    step = a.answers
    if ctx.field("step") != step.value:
        ctx.flash("That step is no longer waiting: nothing was sent.")
        return redirect(f"/requests/{a.ref}")
    try:
        answer = FORMS[step].model_validate(_answer(ctx, step))
    except ValidationError as exc:
        return _form(ctx, a, 400, _problems(exc))
    store = ctx.ws.store
    proof = workspace_proof.issue(store, a.ref, step.value, ctx.person.id,
                                  answer_sha256(answer), ctx.session.proof or "mailed code")  # type: ignore[arg-type]  # fmt: skip
    before = {
        "ref": a.ref, "step": step.value, "at": now_utc().isoformat(),
        "attempts": store.requests.attempts(a.ref, step),
        "approvals": len(eligibility.approvals_given(store, a.ref)) if step == Step.SIGNOFF else 0,
    }  # fmt: skip
    try:
        prefect_api.resume(a.meta.flow_run_id or "", {**answer.model_dump(mode="json"),
                                                      "workspace": proof})  # fmt: skip
    except prefect_api.PrefectApiError as exc:
        return _form(ctx, a, 503, [f"The run could not be given your answer: {exc}. If it is "
                                   "still starting, try again in a moment."])  # fmt: skip
    store.audit.write(a.ref, step.value, ctx.person.id, "answer sent from the workspace")
    ctx.session.data["pending"] = before
    ctx.ws.sessions.save(ctx.session)
    return redirect(f"/requests/{a.ref}")


def routes() -> list[Route]:
    return [
        Route("/requests/{ref}/answer", answer_form, methods=["GET"]),
        Route("/requests/{ref}/answer", answer_send, methods=["POST"]),
    ]
