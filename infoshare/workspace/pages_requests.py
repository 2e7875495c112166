"""My work, a request's page (its personal data, the timeline, the outcome), preparing its
items and downloading what was prepared or delivered.

Every page that shows personal data asks, the first time in a session, why the person needs it,
and logs that as a consultation (DPA 2018 s.62); every later view in the session is logged too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from infoshare.envelope import EnvelopeError, open_bytes
from infoshare.identity import eligibility
from infoshare.inbox import waiting_for
from infoshare.keys import KeyStoreError
from infoshare.models import Step
from infoshare.registry.public_keys import signing_key_lookup
from infoshare.store.errors import PersonalDataDisposed
from infoshare.transport import envelope_path
from infoshare.workspace.access import Access, access
from infoshare.workspace.web import Ctx, download, page, redirect
from infoshare.worktime import now_utc

WHY_MIN = 5
PREVIEW_LIMIT = 64 * 1024  # prepared text shown on the page up to this size; larger: download


def party(ctx: Ctx) -> Access | None:
    return access(ctx.ws.store, ctx.request.path_params["ref"], ctx.person)


def consulted(ctx: Ctx, a: Access, what: str) -> bool:
    """Has the person said why they look at this request's personal data in this session? If
    so, this view is logged and True; if not, the caller asks why first."""
    assert ctx.session is not None
    why: dict[str, str] = ctx.session.data.setdefault("why", {})
    state = why.get(a.ref)
    if state is None:
        return False
    if state == "fresh":  # the view the reason was just given for: logged with the reason
        why[a.ref] = "given"
        ctx.ws.sessions.save(ctx.session)
        return True
    ctx.ws.store.audit.write(a.ref, None, ctx.person.id, "personal data viewed",
                             f"workspace: {what}; a later view in the same session")  # fmt: skip
    return True


def ask_why(ctx: Ctx, a: Access, status: int = 200, error: str = "") -> Response:
    return ctx.render("why.html.j2", status, title=f"Why do you need to see {a.ref}?", a=a,
                      next=ctx.request.url.path, error=error)  # fmt: skip


# --- my work ------------------------------------------------------------------------------------


@page()
def work(ctx: Ctx) -> Response:
    me = ctx.person
    now = now_utc()
    steps = waiting_for(ctx.ws.store, me.id, now)
    recent = ctx.ws.store.requests.latest(200)
    mine = [m for m in recent if m.requester_id == me.id][:20]
    to_us = [m for m in recent if m.disclosing_agency == me.agency_id and m.requester_id != me.id]
    return ctx.render("work.html.j2", title="My work", steps=steps, mine=mine,
                      to_us=to_us[:20], now=now)  # fmt: skip


# --- a request ----------------------------------------------------------------------------------


@page()
def why(ctx: Ctx) -> Response:
    a = party(ctx)
    if a is None:
        return ctx.not_found()
    assert ctx.session is not None
    reason = ctx.field("why")
    if len(reason) < WHY_MIN or len(reason) > 500:
        return ask_why(ctx, a, 400, "Say why you need to see it (at least a few words, at most "
                       "500 characters): it is logged.")  # fmt: skip
    ctx.ws.store.audit.write(a.ref, None, ctx.person.id, "personal data viewed",
                             f"workspace: {reason}")  # fmt: skip
    ctx.session.data.setdefault("why", {})[a.ref] = "fresh"
    ctx.ws.sessions.save(ctx.session)
    nxt = ctx.field("next")
    return redirect(nxt if nxt.startswith(f"/requests/{a.ref}") else f"/requests/{a.ref}")


def _outcome(ctx: Ctx, a: Access) -> dict[str, Any] | None:
    found = ctx.ws.store.chain.record(a.ref)
    if found is None:
        return None
    row, personal = found
    shared = row.public.get("shared") or {}
    out: dict[str, Any] = {"record": row.public, "personal": personal, "shared": shared,
                           "delivered": None}  # fmt: skip
    if a.receives and shared.get("envelope_id"):
        out["delivered"] = _delivered(ctx, a, shared)
    return out


def _delivered(ctx: Ctx, a: Access, shared: dict[str, Any]) -> dict[str, Any]:
    """Where the envelope is, and whether this machine can open it for the recipient."""
    store = ctx.ws.store
    path = envelope_path(store.settings.inbox_for(a.meta.requesting_agency), shared["envelope_id"])
    transfer = store.requests.step(a.ref, Step.TRANSFER)
    location = (transfer.public.get("location") if transfer else None) or str(path)
    here = path.is_file()
    try:
        keys = bool(store.keys.decryption_keys(a.meta.requesting_agency)) if here else False
    except KeyStoreError:
        keys = False
    return {"here": here, "keys": keys, "location": location, "file": path.name,
            "command": f"infoshare open {path.name} --agency {a.meta.requesting_agency} "
                       "--out RECEIVED"}  # fmt: skip


def _pending(ctx: Ctx, a: Access) -> dict[str, Any] | None:
    """An answer this person sent from here that the run is still checking, or what came of it."""
    assert ctx.session is not None
    sent = ctx.session.data.get("pending")
    if not sent or sent.get("ref") != a.ref:
        return None
    store = ctx.ws.store
    step = Step(sent["step"])
    state = store.requests.step(a.ref, step)
    done = state is not None and state.status == "DONE"
    approvals = len(eligibility.approvals_given(store, a.ref)) if step == Step.SIGNOFF else 0
    attempts = store.requests.attempts(a.ref, step)
    waited = (now_utc() - datetime.fromisoformat(sent["at"])).total_seconds()
    if done or approvals > sent["approvals"]:
        result = {"accepted": True, "reasons": []}
    elif attempts > sent["attempts"]:
        refused = (state.public.get("last_refusal") if state else None) or ["refused"]
        result = {"accepted": False, "reasons": refused}
    elif waited < 120:
        return {"checking": True}
    else:
        result = {"accepted": False, "reasons": ["The run has not checked it yet: look again "
                                                 "later, or see the run in the Prefect UI."]}  # fmt: skip
    ctx.session.data.pop("pending")
    ctx.ws.sessions.save(ctx.session)
    return {"checking": False, **result}


@page()
def request_page(ctx: Ctx) -> Response:
    a = party(ctx)
    if a is None:
        return ctx.not_found()
    if not consulted(ctx, a, "the request page"):
        return ask_why(ctx, a)
    store = ctx.ws.store
    try:
        req = store.requests.request(a.ref)
    except PersonalDataDisposed:
        req = None
    signoff = store.requests.step(a.ref, Step.SIGNOFF)
    frozen = signoff is not None and (signoff.status == "DONE" or signoff.public.get("approvals"))
    pending = _pending(ctx, a)
    return ctx.render(
        "request.html.j2", title=f"Request {a.ref}", a=a, req=req,
        item_ids=req.item_ids() if req else [], prepared=store.requests.prepared(a.ref),
        frozen=bool(frozen), trail=store.audit.trail(a.ref), outcome=_outcome(ctx, a),
        pending=pending, refresh=bool(pending and pending.get("checking")),
        max_upload_mb=ctx.ws.settings.max_upload // (1024 * 1024),
    )  # fmt: skip


# --- preparing items ----------------------------------------------------------------------------


def prepare(ctx: Ctx) -> Response:
    a = party(ctx)
    if a is None or not a.may_prepare:
        return ctx.not_found()
    item = ctx.request.path_params["item"]
    limit = ctx.ws.settings.max_upload
    back = f"/requests/{a.ref}#items"
    if ctx.body.too_large:
        return ctx.render("error.html.j2", 413, title="File too large", back=back,
                          message=f"That is larger than {limit // (1024 * 1024)} MB, the most "
                          "one item can hold. Nothing was stored: send a smaller file, or only "
                          "what is necessary.")  # fmt: skip
    upload = ctx.upload("file")
    text = ctx.field("text")
    if (upload is None) == (not text):
        ctx.flash(f"{item}: give either a file or the text, not both and not neither.")
        return redirect(back)
    content = upload.file.read(limit + 1) if upload is not None else text.encode()
    if len(content) > limit:
        return ctx.render("error.html.j2", 413, title="File too large", back=back,
                          message=f"That is larger than {limit // (1024 * 1024)} MB, the most "
                          "one item can hold. Nothing was stored.")  # fmt: skip
    try:
        ctx.ws.store.requests.provide_item(a.ref, item, content, ctx.person.id)
    except KeyError as exc:
        ctx.flash(f"Not stored: {exc.args[0]}.")
        return redirect(back)
    ctx.flash(f"{item}: {len(content)} bytes prepared (kept encrypted).")
    return redirect(back)


@page()
def prepared_download(ctx: Ctx) -> Response:
    a = party(ctx)
    item = ctx.request.path_params["item"]
    if a is None or not a.disclosing:
        return ctx.not_found()
    if not consulted(ctx, a, f"prepared content of {item} downloaded"):
        return ask_why(ctx, a)
    content = ctx.ws.store.requests.item_contents(a.ref, [item]).get(item)
    if content is None:
        return ctx.not_found()
    return download(content, f"{a.ref}-{item}-prepared.bin")


# --- what was delivered -------------------------------------------------------------------------


def _envelope(ctx: Ctx, a: Access) -> tuple[bytes, dict[str, Any]] | None:
    outcome = _outcome(ctx, a) if a.receives else None
    delivered = outcome["delivered"] if outcome else None
    if not delivered or not delivered["here"]:
        return None
    path = envelope_path(ctx.ws.store.settings.inbox_for(a.meta.requesting_agency),
                         outcome["shared"]["envelope_id"])  # type: ignore[index]  # fmt: skip
    return path.read_bytes(), delivered


@page()
def delivered_item(ctx: Ctx) -> Response:
    a = party(ctx)
    found = _envelope(ctx, a) if a is not None else None
    if a is None or found is None or not found[1]["keys"]:
        return ctx.not_found()
    item = ctx.request.path_params["item"]
    if not consulted(ctx, a, f"delivered {item} downloaded"):
        return ask_why(ctx, a)
    store = ctx.ws.store
    try:
        opened = open_bytes(found[0], keys=store.keys.decryption_keys(a.meta.requesting_agency),
                            sender_key=signing_key_lookup(store.session), now=now_utc())  # fmt: skip
    except (EnvelopeError, KeyStoreError) as exc:
        return ctx.render("error.html.j2", 422, title="Cannot open", back=f"/requests/{a.ref}",
                          message=f"The envelope could not be opened here: {exc}")  # fmt: skip
    content = next((i.content for i in opened.items if i.item_id == item), None)
    if content is None:
        return ctx.not_found()
    return download(content, f"{a.ref}-{item}.bin")


@page()
def envelope_file(ctx: Ctx) -> Response:
    a = party(ctx)
    found = _envelope(ctx, a) if a is not None else None
    if a is None or found is None:
        return ctx.not_found()
    ctx.ws.store.audit.write(a.ref, None, ctx.person.id, "envelope downloaded", "workspace")
    return download(found[0], found[1]["file"])


def routes(max_upload: int) -> list[Route]:
    upload_page = page(limit=max_upload + 64 * 1024, upload=True)(prepare)
    return [
        Route("/work", work, methods=["GET"]),
        Route("/requests/{ref}", request_page, methods=["GET"]),
        Route("/requests/{ref}/why", why, methods=["POST"]),
        Route("/requests/{ref}/items/{item}", upload_page, methods=["POST"]),
        Route("/requests/{ref}/items/{item}/prepared", prepared_download, methods=["GET"]),
        Route("/requests/{ref}/delivered/{item}", delivered_item, methods=["GET"]),
        Route("/requests/{ref}/envelope", envelope_file, methods=["GET"]),
    ]
