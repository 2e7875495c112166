"""Signing in (a mailed code, or a passkey), signing out, and registering passkeys."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from infoshare.workspace.web import JSON_LIMIT, Ctx, page, redirect

ASKED = (
    "If that is a registered person id or email, a sign-in code is on its way to the person's "
    "registered email address. Type it below, in this browser window."
)


def _signed_in(ctx: Ctx, person_id: str, how: str) -> str:
    """Start the person's new session (a new id) and say where to go next."""
    assert ctx.session is not None
    nxt = ctx.session.data.get("next") or "/work"
    ctx.session, ctx.cookie = ctx.ws.sessions.sign_in(ctx.session, person_id, how)
    return nxt if nxt.startswith("/") and not nxt.startswith(("//", "/\\")) else "/work"


@page(signed_in=False)
def home(ctx: Ctx) -> Response:
    assert ctx.session is not None
    return redirect("/work" if ctx.session.signed_in else "/signin")


@page(signed_in=False)
def signin_form(ctx: Ctx) -> Response:
    return ctx.render("signin.html.j2", title="Sign in", error="")


@page(signed_in=False)
def signin_ask(ctx: Ctx) -> Response:
    assert ctx.session is not None
    given = ctx.field("who")
    if not given or len(given) > 200:
        return ctx.render("signin.html.j2", 400, title="Sign in",
                          error="Give your infoshare person id or your work email address.")  # fmt: skip
    to_send = ctx.ws.signin.ask(ctx.session, given, ctx.address)
    if to_send is not None:
        # after the answer: the time it takes must not tell whether the person exists
        ctx.background.add_task(ctx.ws.send_code, to_send.member, to_send.code,
                                to_send.expires_at, f"{ctx.ws.settings.url}/signin/code")  # fmt: skip
    ctx.session.data["asked"] = True
    ctx.ws.sessions.save(ctx.session)
    return redirect("/signin/code")


@page(signed_in=False)
def code_form(ctx: Ctx) -> Response:
    assert ctx.session is not None
    return ctx.render("signin_code.html.j2", title="Sign-in code", error="",
                      asked=bool(ctx.session.data.get("asked")), told=ASKED)  # fmt: skip


@page(signed_in=False)
def code_check(ctx: Ctx) -> Response:
    assert ctx.session is not None
    verdict = ctx.ws.signin.check(ctx.session, ctx.field("code"), ctx.address)
    if verdict.person_id is None:
        return ctx.render("signin_code.html.j2", 400, title="Sign-in code", error=verdict.problem,
                          asked=True, told=ASKED)  # fmt: skip
    return redirect(_signed_in(ctx, verdict.person_id, "mailed code"))


@page(signed_in=False, limit=JSON_LIMIT)
def passkey_signin_options(ctx: Ctx) -> Response:
    assert ctx.session is not None
    options = ctx.ws.passkeys.authentication_options(ctx.session)
    ctx.ws.sessions.save(ctx.session)
    return JSONResponse(options)


@page(signed_in=False, limit=JSON_LIMIT)
def passkey_signin(ctx: Ctx) -> Response:
    assert ctx.session is not None
    person_id, problem = ctx.ws.passkeys.authenticate(ctx.session, ctx.body.json or {})
    ctx.ws.sessions.save(ctx.session)
    if person_id is None or ctx.ws.signin.locked(person_id):
        return JSONResponse({"error": problem or "sign-in is locked for now"}, status_code=400)
    return JSONResponse({"next": _signed_in(ctx, person_id, "passkey")})


@page()
def signout(ctx: Ctx) -> Response:
    assert ctx.session is not None
    ctx.ws.store.audit.write(None, "workspace sign-in", ctx.session.person_id, "signed out")
    ctx.ws.sessions.end(ctx.session)
    ctx.session, ctx.cookie = ctx.ws.sessions.new_visitor()
    ctx.flash("You have signed out.")
    return redirect("/signin")


@page()
def passkeys_page(ctx: Ctx) -> Response:
    keys = ctx.ws.passkeys.of(ctx.person.id)
    return ctx.render("passkeys.html.j2", title="Passkeys", passkeys=keys)


@page(limit=JSON_LIMIT)
def passkey_options(ctx: Ctx) -> Response:
    assert ctx.session is not None
    options = ctx.ws.passkeys.registration_options(ctx.session, ctx.person)
    ctx.ws.sessions.save(ctx.session)
    return JSONResponse(options)


@page(limit=JSON_LIMIT)
def passkey_register(ctx: Ctx) -> Response:
    assert ctx.session is not None
    problem = ctx.ws.passkeys.register(ctx.session, ctx.person, ctx.body.json or {})
    ctx.ws.sessions.save(ctx.session)
    if problem:
        return JSONResponse({"error": problem}, status_code=400)
    ctx.flash("Passkey registered: next time, sign in with it.")
    return JSONResponse({"next": "/passkeys"})


@page()
def passkey_remove(ctx: Ctx) -> Response:
    if ctx.ws.passkeys.remove(ctx.person.id, ctx.field("credential")):
        ctx.flash("Passkey removed.")
    return redirect("/passkeys")


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/signin", signin_form, methods=["GET"]),
        Route("/signin", signin_ask, methods=["POST"]),
        Route("/signin/code", code_form, methods=["GET"]),
        Route("/signin/code", code_check, methods=["POST"]),
        Route("/signin/passkey/options", passkey_signin_options, methods=["POST"]),
        Route("/signin/passkey", passkey_signin, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/passkeys", passkeys_page, methods=["GET"]),
        Route("/passkeys/options", passkey_options, methods=["POST"]),
        Route("/passkeys", passkey_register, methods=["POST"]),
        Route("/passkeys/remove", passkey_remove, methods=["POST"]),
    ]
