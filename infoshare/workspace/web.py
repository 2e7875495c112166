"""What every workspace page shares: reading the request (form, size limit), the session and
its CSRF check, rendering a template, and the security headers on every response.

Pages are plain functions of a :class:`Ctx` run in a worker thread (the store is synchronous);
:func:`page` wraps one into a Starlette endpoint: it reads the body (within a size limit), loads
the session from its cookie, refuses a state-changing request without the session's CSRF token
or from another origin, sends people who are not signed in to the sign-in page, and sets the
new cookie when the session changed.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.background import BackgroundTasks
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from infoshare.registry.partnership import Member
from infoshare.workspace.sessions import Session
from infoshare.worktime import uk_minute

if TYPE_CHECKING:  # an import cycle otherwise
    from infoshare.workspace.app import Workspace

TEMPLATES = Path(__file__).parent / "templates"
FORM_LIMIT = 256 * 1024  # any form but an upload
JSON_LIMIT = 64 * 1024


def templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    env.filters["uk"] = uk_minute
    return env


# --- security headers on every response ---------------------------------------------------------

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SecurityHeaders:
    """No framing, no inline script, no sniffing, no referrer to other sites, nothing cached."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            # no-referrer would make browsers send "Origin: null" with our own forms
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if secure:
            self.headers.append((b"strict-transport-security", b"max-age=31536000"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in names]
                if not static and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


# --- reading a request --------------------------------------------------------------------------


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


DRAIN = 4  # a body too large is read (and dropped) up to this many times the limit, so the
# browser, still sending, gets the page saying so rather than a broken connection


async def _read_body(request: Request, limit: int) -> bytes:
    body = bytearray()
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit * DRAIN:
            break
        if seen <= limit:
            body += chunk
    if seen > limit:
        raise TooLarge(limit)
    return bytes(body)


@dataclass
class Body:
    form: FormData | None = None
    json: dict[str, Any] | None = None
    too_large: bool = False


async def read_body(request: Request, limit: int) -> Body:
    try:
        raw = await _read_body(request, limit)
    except TooLarge:
        return Body(too_large=True)
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = None
        return Body(json=data if isinstance(data, dict) else {})
    request._body = raw  # noqa: SLF001 - Starlette parses the form from the body read above
    form = await request.form(max_part_size=limit, max_files=4, max_fields=100)
    return Body(form=form)


# --- a page -------------------------------------------------------------------------------------


@dataclass
class Ctx:
    ws: Workspace
    request: Request
    body: Body
    session: Session | None
    cookie: str | None = None  # a new session cookie to set ("" clears it)
    background: BackgroundTasks = field(default_factory=BackgroundTasks)

    @property
    def person(self) -> Member:
        assert self.session is not None and self.session.person_id is not None
        member = self.ws.store.partnership().member(self.session.person_id)
        assert member is not None
        return member

    def field(self, name: str, default: str = "") -> str:
        value = self.body.form.get(name) if self.body.form is not None else None
        return value.strip() if isinstance(value, str) else default

    def fields(self, name: str) -> list[str]:
        if self.body.form is None:
            return []
        return [v for v in self.body.form.getlist(name) if isinstance(v, str)]

    def upload(self, name: str) -> UploadFile | None:
        value = self.body.form.get(name) if self.body.form is not None else None
        return value if isinstance(value, UploadFile) and value.filename else None

    @property
    def address(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    def flash(self, text: str) -> None:
        assert self.session is not None
        self.session.data.setdefault("flash", []).append(text)
        self.ws.sessions.save(self.session)

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        flashes: list[str] = []
        if self.session is not None and self.session.data.get("flash"):
            flashes = self.session.data.pop("flash")
            self.ws.sessions.save(self.session)
        person = None
        led: list[str] = []
        if self.session is not None and self.session.signed_in:
            person = self.person
            led = self.ws.store.partnership().led_by(person.id)
        html = self.ws.templates.get_template(template).render(
            csrf=self.session.csrf if self.session else "", person=person, dpo_of=led,
            flashes=flashes, prefect_ui=self.ws.store.settings.prefect_ui_url, **values,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    def not_found(self) -> HTMLResponse:
        return self.render("error.html.j2", 404, title="Not found",
                           message="There is nothing here, or it is not yours to see.")  # fmt: skip


Handler = Callable[[Ctx], Response]


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _same_origin(request: Request, origin: str) -> bool:
    """A state change must come from the workspace's own pages: the browser's Origin (or, when
    it sends none, Sec-Fetch-Site) says where the request came from."""
    sent = request.headers.get("origin")
    if sent is not None:
        return sent == origin
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def page(
    *, signed_in: bool = True, limit: int = FORM_LIMIT, upload: bool = False
) -> Callable[[Handler], Any]:
    """Make ``handler`` a Starlette endpoint (see the module's docstring). An ``upload`` page
    answers a body over ``limit`` itself (``ctx.body.too_large``); others get a 413 page."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            ws: Workspace = request.app.state.ws
            body = Body()
            if request.method == "POST":
                body = await read_body(request, limit)
            ctx = Ctx(ws, request, body, None)
            response = await run_in_threadpool(_handle, ctx, handler, signed_in, upload)
            if ctx.cookie is not None:
                _set_cookie(response, ws, ctx.cookie)
            response.background = ctx.background
            return response

        endpoint.__name__ = handler.__name__
        return endpoint

    return wrap


def _handle(ctx: Ctx, handler: Handler, signed_in: bool, upload: bool) -> Response:
    ws = ctx.ws
    ctx.session = ws.sessions.load(ctx.request.cookies.get(ws.settings.cookie_name))
    if ctx.body.too_large:  # nothing to change: the form could not be read
        if ctx.session is None or not _same_origin(ctx.request, ws.settings.origin):
            return _refused(ctx)
        if not upload or not ctx.session.signed_in:
            return ctx.render("error.html.j2", 413, title="Too large",
                              message="That form was too large to read: nothing was changed.")  # fmt: skip
        return handler(ctx)
    if ctx.request.method == "POST":
        given = ctx.field("csrf") or ctx.request.headers.get("x-csrf-token", "")
        if (
            ctx.session is None
            or not _same_origin(ctx.request, ws.settings.origin)
            or not given
            or given != ctx.session.csrf
        ):
            return _refused(ctx)
    if signed_in and (ctx.session is None or not ctx.session.signed_in):
        if ctx.request.method == "GET":
            if ctx.session is None:
                ctx.session, ctx.cookie = ws.sessions.new_visitor()
            ctx.session.data["next"] = ctx.request.url.path
            ws.sessions.save(ctx.session)
        return redirect("/signin")
    if ctx.session is None:
        ctx.session, ctx.cookie = ws.sessions.new_visitor()
    return handler(ctx)


def _refused(ctx: Ctx) -> Response:
    message = (
        "This form has expired or did not come from the workspace: nothing was changed. "
        "Go back, reload the page and try again."
    )
    if ctx.body.json is not None:
        return JSONResponse({"error": message}, status_code=403)
    return ctx.render("error.html.j2", 403, title="Form expired", message=message)


def _set_cookie(response: Response, ws: Workspace, value: str) -> None:
    s = ws.settings
    if value == "":
        response.delete_cookie(s.cookie_name, path="/", secure=s.secure, httponly=True,
                               samesite="strict")  # fmt: skip
        return
    response.set_cookie(s.cookie_name, value, path="/", secure=s.secure, httponly=True,
                        samesite="strict")  # fmt: skip


def download(data: bytes, filename: str) -> Response:
    """Bytes as a file to save, never shown in the browser (whatever they contain)."""
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)[:100] or "file"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={
            "content-disposition": f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(safe)}",
            "content-security-policy": "default-src 'none'; sandbox",
        },
    )
