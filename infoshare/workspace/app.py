"""The workspace as an ASGI app: its parts, its routes, its error pages.

``build_app()`` gives the Starlette app ``infoshare workspace serve`` runs (uvicorn); tests
drive it directly (httpx's ASGI transport). The pages are in ``pages_signin`` (signing in and
out, passkeys), ``pages_requests`` (my work, a request, preparing, answering, the outcome) and
``pages_answer`` (answering a step) and ``pages_dpo`` (the data-protection lead's search and
export).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from infoshare.registry.partnership import Member
from infoshare.store import Store, default_store
from infoshare.workspace import (
    pages_answer,
    pages_dpo,
    pages_enquiries,
    pages_requests,
    pages_signin,
)
from infoshare.workspace.config import WorkspaceSettings, load_workspace_settings
from infoshare.workspace.passkeys import Passkeys
from infoshare.workspace.sessions import Sessions
from infoshare.workspace.signin import SignIn
from infoshare.workspace.web import SecurityHeaders, templates

STATIC = Path(__file__).parent / "static"

# Mails a sign-in code: (person, code, expires at, sign-in page URL) -> sent?
SendCode = Callable[[Member, str, datetime, str], bool]


@dataclass
class Workspace:
    store: Store
    settings: WorkspaceSettings
    sessions: Sessions
    signin: SignIn
    passkeys: Passkeys
    templates: Environment
    send_code: SendCode


def _teller_sends(store: Store) -> SendCode:
    from notifications.telling import Teller  # who is told what is decided there

    return Teller(store).signin_code


def build_app(
    store: Store | None = None,
    settings: WorkspaceSettings | None = None,
    send_code: SendCode | None = None,
) -> Starlette:
    store = store or default_store()
    settings = settings or load_workspace_settings()
    ws = Workspace(
        store=store,
        settings=settings,
        sessions=Sessions(store, settings),
        signin=SignIn(store, settings),
        passkeys=Passkeys(store, settings),
        templates=templates(),
        send_code=send_code or _teller_sends(store),
    )

    async def health(_request: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [
        Route("/health", health, methods=["GET"]),
        *pages_signin.routes(),
        *pages_requests.routes(settings.max_upload),
        *pages_answer.routes(),
        *pages_dpo.routes(),
        *pages_enquiries.routes(),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    async def error_page(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        title, message = {
            404: ("Not found", "There is nothing here, or it is not yours to see."),
            405: ("Not allowed", "That cannot be done here."),
        }.get(status, ("Something went wrong", "It has been logged; try again in a moment."))
        html = ws.templates.get_template("error.html.j2").render(
            csrf="", person=None, dpo_of=[], flashes=[], prefect_ui="", title=title,
            message=message,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    app = Starlette(
        routes=routes,
        exception_handlers={404: error_page, 405: error_page, 500: error_page},
    )
    app.state.ws = ws
    app.add_middleware(SecurityHeaders, secure=settings.secure)
    return app
