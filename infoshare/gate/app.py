"""The gate as an ASGI app: a reverse proxy to the Prefect server (HTTP, streamed, and the
websockets the UI follows events and logs with), deciding each request by ``policy``.

Who is asking comes from the workspace's session cookie (``infoshare.workspace.sessions``): the
same sign-in, the same session. Someone not signed in who opens a page is sent to the
workspace's sign-in; an API call gets 401. A refusal is 403 with the reason, and goes in the
audit trail. An answer (resume) is stamped with the signed-in person (``stamp``). The gate adds
the Prefect server's credential (``PREFECT_API_AUTH_STRING``) to what it forwards, and tells the
UI that no password is needed (``/ui-settings``); the server itself listens only on loopback.

``/gate/decide`` answers a standard reverse proxy's forward-auth (nginx ``auth_request``):
2xx allowed, 401 not signed in, 403 refused. Forward-auth sees no body, so answers and new runs
must reach the gate itself (README: Production).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from infoshare.gate.config import GateSettings
from infoshare.gate.policy import Decision, Kind, Role, decide, run_of_resume
from infoshare.gate.stamp import stamp
from infoshare.store import Store
from infoshare.workspace.config import WorkspaceSettings
from infoshare.workspace.sessions import Sessions

PERSON_BODY_LIMIT = 1024 * 1024
ADMIN_BODY_LIMIT = 64 * 1024 * 1024
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
    "transfer-encoding", "upgrade", "host", "cookie", "authorization", "content-length",
    "x-infoshare-person",
}  # fmt: skip
CREATABLE_TTL = 30.0
# a Prefect server on SQLite answers 503 while a write waits on its lock (nothing was done):
# the gate tries again after these waits (about half a minute in all: under load the lock can
# be held that long), as Prefect's own client does, before passing it on
BUSY_RETRY_WAITS = (0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0)
# on everything the gate passes on: no framing (clickjacking a Resume), no sniffing
PAGE_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class Who:
    def __init__(self, role: Role, person_id: str | None = None, how: str | None = None) -> None:
        self.role, self.person_id, self.how = role, person_id, how


class Gate:
    def __init__(self, store: Store, settings: GateSettings, workspace: WorkspaceSettings) -> None:
        self.store = store
        self.settings = settings
        self.workspace = workspace
        self.sessions = Sessions(store, workspace)
        headers = {}
        if settings.auth_string:
            token = base64.b64encode(settings.auth_string.encode()).decode()
            headers["authorization"] = f"Basic {token}"
        self._auth_headers = headers
        self._client: httpx.AsyncClient | None = None
        self._creatable: tuple[float, frozenset[str]] = (0.0, frozenset())

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.settings.upstream, headers=self._auth_headers,
                timeout=httpx.Timeout(60, connect=10), follow_redirects=False,
            )  # fmt: skip
        return self._client

    # --- who is asking, what they may create ----------------------------------------------

    def _who(self, cookie_header: str | None) -> Who:
        jar: SimpleCookie = SimpleCookie()
        with contextlib.suppress(Exception):
            jar.load(cookie_header or "")
        morsel = jar.get(self.workspace.cookie_name)
        session = self.sessions.load(morsel.value if morsel else None)
        if session is None or session.person_id is None:
            return Who(Role.ANONYMOUS)
        if self.store.partnership().member(session.person_id) is None:
            return Who(Role.ANONYMOUS)  # no longer in the registry
        role = Role.ADMIN if session.person_id in self.settings.admins else Role.PERSON
        return Who(role, session.person_id, session.proof)

    async def who(self, headers: dict[str, str]) -> Who:
        return await run_in_threadpool(self._who, headers.get("cookie"))

    async def creatable(self) -> frozenset[str]:
        """The ids of the deployments people may run, looked up by name (briefly cached)."""
        at, ids = self._creatable
        if time.monotonic() - at < CREATABLE_TTL and ids:
            return ids
        found = set()
        for name in self.settings.deployments:
            with contextlib.suppress(httpx.HTTPError):
                r = await self.client.get(f"/api/deployments/name/{name}")
                if r.status_code == 200:
                    found.add(str(r.json()["id"]).lower())
        self._creatable = (time.monotonic(), frozenset(found))
        return self._creatable[1]

    def audit(self, who: Who, method: str, path: str, reason: str) -> None:
        shown = path if len(path) <= 200 else f"{path[:200]}..."
        self.store.audit.write(None, None, who.person_id, "gate refused",
                               f"{method} {shown}: {reason}")  # fmt: skip

    # --- ASGI -------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            response = await self._http(Request(scope, receive))
            await response(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _cross_site(self, headers: dict[str, str]) -> bool:
        origin = headers.get("origin")
        return origin is not None and origin != self.settings.origin

    async def _http(self, request: Request) -> Response:
        path, method = request.url.path, request.method.upper()
        headers = {k.lower(): v for k, v in request.headers.items()}
        if path == "/gate/health":
            return Response("ok", media_type="text/plain")
        who = await self.who(headers)
        if path == "/gate/decide":
            return await self._forward_auth(who, headers)
        if path.startswith("/gate/"):
            return JSONResponse({"detail": "not found"}, status_code=404)
        limit = ADMIN_BODY_LIMIT if who.role == Role.ADMIN else PERSON_BODY_LIMIT
        body = b""
        if method not in ("GET", "HEAD"):
            read = await _read(request, limit)
            if read is None:
                return await self._refuse(who, method, path, f"a body over {limit} bytes", 413)
            body = read
        if method not in ("GET", "HEAD") and self._cross_site(headers):
            return await self._refuse(who, method, path, "a change from another site", 403)
        if headers.get("content-encoding", "identity") != "identity" and who.role != Role.ADMIN:
            return await self._refuse(who, method, path, "a compressed body", 415)
        decision = decide(who.role, method, path, body, await self.creatable())
        if not decision.allow:
            return await self._refused(request, who, method, path, decision)
        if decision.kind == Kind.EMPTY:
            return Response(decision.empty, media_type="application/json")
        if decision.stamp and who.person_id is not None:
            run_id = run_of_resume(path) or ""
            stamped = await run_in_threadpool(stamp, self.store, run_id, who.person_id,
                                              who.how or "", body, who.role == Role.ADMIN)  # fmt: skip
            if isinstance(stamped, str):
                return await self._refuse(who, method, path, stamped, 403)
            body = stamped
        if path.endswith("/ui-settings"):
            return await self._ui_settings(request)
        return await self._forward(request, headers, body)

    async def _refused(
        self, request: Request, who: Who, method: str, path: str, decision: Decision
    ) -> Response:
        if who.role == Role.ANONYMOUS:
            if method == "GET" and "text/html" in request.headers.get("accept", ""):
                return RedirectResponse(f"{self.workspace.url}/signin", status_code=303)
            if method in ("GET", "HEAD"):  # nothing changes: not worth an audit line
                return _json(401, decision.reason, self.workspace.url)
            await run_in_threadpool(self.audit, who, method, path, decision.reason)
            return _json(401, decision.reason, self.workspace.url)
        return await self._refuse(who, method, path, decision.reason, 403)

    async def _refuse(self, who: Who, method: str, path: str, reason: str, status: int) -> Response:
        await run_in_threadpool(self.audit, who, method, path, reason)
        return _json(status, f"Refused by infoshare's gate: {reason}.", self.workspace.url)

    async def _forward_auth(self, who: Who, headers: dict[str, str]) -> Response:
        method = headers.get("x-original-method", "GET").upper()
        uri = headers.get("x-original-uri", "/")
        path = unquote(urlsplit(uri).path)
        if (
            headers.get("upgrade", "").lower() == "websocket"
            or headers.get("x-original-upgrade", "").lower() == "websocket"
        ):
            method = "WEBSOCKET"
        decision = decide(who.role, method, path, b"", await self.creatable())
        if decision.allow and decision.kind in (Kind.RESUME, Kind.CREATE_RUN):
            decision = Decision(False, "answers and new runs must be sent through the gate itself")
        if decision.allow:
            return Response(status_code=204, headers={"x-infoshare-person": who.person_id or ""})
        if who.role == Role.ANONYMOUS:
            return _json(401, decision.reason, self.workspace.url)
        return await self._refuse(who, method, path, decision.reason, 403)

    async def _ui_settings(self, request: Request) -> Response:
        """The UI's settings, saying the API is the gate's and needs no password."""
        r = await self.client.get(request.url.path)
        if r.status_code != 200:
            return Response(r.content, status_code=r.status_code,
                            media_type=r.headers.get("content-type"))  # fmt: skip
        settings = r.json()
        settings["api_url"] = f"{self.settings.url}/api"
        settings["auth"] = None
        settings["csrf_enabled"] = False
        return JSONResponse(settings, status_code=r.status_code)

    async def _forward(self, request: Request, headers: dict[str, str], body: bytes) -> Response:
        out = {k: v for k, v in headers.items() if k not in HOP_BY_HOP}
        url = httpx.URL(path=request.url.path, query=request.url.query.encode())
        try:
            for wait in (*BUSY_RETRY_WAITS, None):
                upstream = self.client.build_request(request.method, url, headers=out, content=body)
                r = await self.client.send(upstream, stream=True)
                if r.status_code != 503 or wait is None:
                    break
                # busy (SQLite's lock), nothing done: tried again, as Prefect's own client does
                await r.aclose()
                await asyncio.sleep(wait)
        except httpx.HTTPError:
            return _json(502, "the Prefect server behind the gate is not answering", "")
        keep = [(k, v) for k, v in r.headers.multi_items()
                if k.lower() not in HOP_BY_HOP and k.lower() != "set-cookie"]  # fmt: skip
        return _Streamed(r, keep)

    # --- websockets -------------------------------------------------------------------------

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        ws = WebSocket(scope, receive, send)
        headers = {k.lower(): v for k, v in ws.headers.items()}
        who = await self.who(headers)
        path = scope["path"]
        decision = decide(who.role, "WEBSOCKET", path)
        if self._cross_site(headers):
            decision = Decision(False, "a stream opened from another site")
        if not decision.allow:
            if who.role != Role.ANONYMOUS:
                await run_in_threadpool(self.audit, who, "WEBSOCKET", path, decision.reason)
            await ws.close(code=1008, reason=decision.reason[:120])
            return
        await _relay(ws, self._ws_url(scope), self.settings.auth_string or "")

    def _ws_url(self, scope: Scope) -> str:
        base = self.settings.upstream.replace("http://", "ws://", 1).replace(
            "https://", "wss://", 1
        )
        query = scope.get("query_string", b"").decode()
        return f"{base}{scope['path']}" + (f"?{query}" if query else "")


async def _relay(ws: WebSocket, url: str, token: str) -> None:
    """Relay a websocket to the Prefect server, speaking Prefect's protocol upstream: its first
    message authenticates, with the gate's token in place of whatever the browser sent."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    offered = ws.scope.get("subprotocols") or []
    prefect_protocol = "prefect" in offered
    try:
        upstream = await connect(url, subprotocols=["prefect"], open_timeout=10)  # type: ignore[list-item]
    except Exception:  # noqa: BLE001 - refused, unreachable, timed out: all the same here
        await ws.close(code=1011, reason="the Prefect server is not answering")
        return
    await ws.accept(subprotocol="prefect" if prefect_protocol else None)
    auth = json.dumps({"type": "auth", "token": token})
    if not prefect_protocol:
        await upstream.send(auth)

    async def browser_to_prefect() -> None:
        first = prefect_protocol
        while True:
            text = await ws.receive_text()
            if first:
                first = False
                with contextlib.suppress(ValueError):
                    if json.loads(text).get("type") == "auth":
                        text = auth
            await upstream.send(text)

    async def prefect_to_browser() -> None:
        async for message in upstream:
            if isinstance(message, bytes):
                await ws.send_bytes(message)
            else:
                await ws.send_text(message)

    tasks = [asyncio.create_task(browser_to_prefect()), asyncio.create_task(prefect_to_browser())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect,
                                     ConnectionClosed, Exception):  # fmt: skip
                await t
        await upstream.close()
        with contextlib.suppress(Exception):
            await ws.close()


# --- helpers --------------------------------------------------------------------------------


async def _read(request: Request, limit: int) -> bytes | None:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def _json(status: int, message: str, signin: str) -> JSONResponse:
    content: dict[str, Any] = {"detail": message}
    if status == 401 and signin:
        content["sign_in"] = f"{signin}/signin"
    return JSONResponse(content, status_code=status)


class _Streamed(Response):
    """Prefect's answer, passed on as it arrives (logs, downloads)."""

    def __init__(self, upstream: httpx.Response, headers: list[tuple[str, str]]) -> None:
        super().__init__(status_code=upstream.status_code)
        self.upstream = upstream
        self.raw_headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        self.raw_headers += [(k, v) for k, v in PAGE_HEADERS if k not in dict(self.raw_headers)]
        if "content-length" in upstream.headers and "transfer-encoding" not in upstream.headers:
            self.raw_headers.append(
                (b"content-length", upstream.headers["content-length"].encode())
            )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": self.status_code,
                        "headers": self.raw_headers})  # fmt: skip
            async for chunk in self.upstream.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await self.upstream.aclose()


def build_gate(
    store: Store | None = None,
    settings: GateSettings | None = None,
    workspace: WorkspaceSettings | None = None,
) -> Gate:
    from infoshare.gate.config import load_gate_settings
    from infoshare.store import default_store
    from infoshare.workspace.config import load_workspace_settings

    return Gate(store or default_store(), settings or load_gate_settings(),
                workspace or load_workspace_settings())  # fmt: skip
