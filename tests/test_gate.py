"""Attacks through the gate, as an officer with a browser would try them: a real Prefect server
that listens on loopback and wants its auth string, the gate (``infoshare gate serve``) in
front of it, people signed in with the workspace's sessions.

Every refusal is a 403 saying why, with an audit line; what was attacked is unchanged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
import workspace_support
from gate_support import (
    ADMIN,
    AUTH,
    RunningGate,
    gate_refusals,
    locked_prefect,
    make_deployments,
    prefect_call,
    running_gate,
    signed_in,
)
from prefect_server import PrefectServer

from infoshare.store import Store

ws_store = workspace_support.ws_store  # the fixture


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    with locked_prefect(tmp_path_factory.mktemp("locked-prefect")) as s:
        yield s


@pytest.fixture(scope="module")
def deployments(server: PrefectServer) -> dict[str, str]:
    return make_deployments(server)


@pytest.fixture
def gate(ws_store: Store, server: PrefectServer) -> Iterator[RunningGate]:
    upstream = server.api_url.removesuffix("/api")
    with running_gate(ws_store.settings.home, upstream, AUTH) as g:
        yield g


def _run(gate: RunningGate, cookie: str, deployment: str) -> str:
    with gate.client(cookie) as c:
        r = c.post(f"/api/deployments/{deployment}/create_flow_run", json={"parameters": {}})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_prefect_itself_answers_only_infoshare(server: PrefectServer) -> None:
    r = httpx.post(f"{server.api_url}/flow_runs/filter", json={}, timeout=10)
    assert r.status_code == 401


def test_people_are_sent_to_the_workspace_sign_in(gate: RunningGate) -> None:
    with gate.client() as c:
        page = c.get("/runs", headers={"accept": "text/html"})
        api = c.post("/api/flow_runs/filter", json={})
        forged = httpx.post(f"{gate.url}/api/flow_runs/filter", json={},
                            cookies={"infoshare-session": "made.up"})  # fmt: skip
    assert page.status_code == 303 and page.headers["location"] == "http://localhost:4300/signin"
    assert api.status_code == 401 and api.json()["sign_in"] == "http://localhost:4300/signin"
    assert forged.status_code == 401


def test_a_person_reads_runs_and_runs_share_request_through_the_gate(
    gate: RunningGate, ws_store: Store, deployments: dict[str, str]
) -> None:
    cookie = signed_in(ws_store, "pc-ahmed")
    run_id = _run(gate, cookie, deployments["share-request"])
    with gate.client(cookie) as c:
        runs = c.post("/api/flow_runs/filter", json={})
        one = c.get(f"/api/flow_runs/{run_id}")
        settings = c.get("/ui-settings")
        other = c.post(f"/api/deployments/{deployments['maintenance']}/create_flow_run",
                       json={"parameters": {}})  # fmt: skip
    assert runs.status_code == 200 and run_id in {r["id"] for r in runs.json()}
    assert one.json()["deployment_id"] == deployments["share-request"]
    # the UI is told its API is the gate's, and asks nobody for Prefect's password
    if settings.status_code == 200:  # the UI is served (off on this test server)
        assert settings.json()["auth"] is None
    assert other.status_code == 403
    assert "share-request (and enquiry)" in other.json()["detail"]


def test_attacks_through_the_gate_are_refused_and_audited(
    gate: RunningGate, ws_store: Store, deployments: dict[str, str], server: PrefectServer
) -> None:
    officer = signed_in(ws_store, "pc-ahmed")
    run_id = _run(gate, officer, deployments["share-request"])
    dep = deployments["share-request"]
    attacks = {
        "pull_steps": ("PATCH", f"/api/deployments/{dep}", {"pull_steps": [
            {"prefect.deployments.steps.run_shell_script": {"script": "touch /tmp/owned"}}]}),
        "schema enforcement": ("PATCH", f"/api/deployments/{dep}",
                               {"enforce_parameter_schema": False}),
        "delete a run": ("DELETE", f"/api/flow_runs/{run_id}", None),
        "read run input": ("POST", f"/api/flow_runs/{run_id}/input/filter", {"prefix": ""}),
        "read an answer": ("GET", f"/api/flow_runs/{run_id}/input/paused-1-response", None),
        "set a state": ("POST", f"/api/flow_runs/{run_id}/set_state",
                        {"state": {"type": "COMPLETED"}, "force": True}),
        "variables": ("POST", "/api/variables/", {"name": "x", "value": "{{ 7*7 }}"}),
        "automations": ("POST", "/api/automations/filter", {}),
        "work pools": ("PATCH", "/api/work_pools/default", {"base_job_template": {}}),
        "resume with jinja": ("POST", f"/api/flow_runs/{run_id}/resume",
                              {"run_input": {"reasons": "{{ 7 * 7 }}"}}),
        "resume with a variable": ("POST", f"/api/flow_runs/{run_id}/resume", {"run_input": {
            "reasons": {"__prefect_kind": "workspace_variable", "variable_name": "x"}}}),
    }  # fmt: skip
    with gate.client(officer) as c:
        for name, (method, path, body) in attacks.items():
            r = c.request(method, path, json=body)
            assert r.status_code == 403, (name, r.status_code, r.text)
            assert r.json()["detail"].startswith("Refused by infoshare's gate: "), name
    lines = gate_refusals(ws_store)
    assert len(lines) == len(attacks)
    assert all(line.startswith("pc-ahmed: ") for line in lines)
    assert f"pc-ahmed: PATCH /api/deployments/{dep}: PATCH /api/deployments is for administrators only" in lines  # fmt: skip
    # nothing changed
    deployment = prefect_call(server, "GET", f"/deployments/{dep}").json()
    assert deployment["pull_steps"] == [] and deployment["enforce_parameter_schema"] is True
    run = prefect_call(server, "GET", f"/flow_runs/{run_id}")
    assert run.status_code == 200 and run.json()["state"]["type"] == "SCHEDULED"


def test_an_administrator_administers_through_the_gate(
    gate: RunningGate, ws_store: Store, deployments: dict[str, str], server: PrefectServer
) -> None:
    admin = signed_in(ws_store, ADMIN)
    run_id = _run(gate, admin, deployments["maintenance"])
    with gate.client(admin) as c:
        assert c.post("/api/automations/filter", json={}).status_code == 200
        # even an administrator's answers and runs are free of templates
        r = c.post(f"/api/flow_runs/{run_id}/resume", json={"run_input": {"x": "{{ 1 }}"}})
        assert r.status_code == 403
        # a run that is no request's: passed to Prefect as it is (which says it is not paused)
        r = c.post(f"/api/flow_runs/{run_id}/resume", json={"run_input": {"x": 1}})
        assert r.status_code == 200 and r.json()["status"] == "ABORT", r.text
        assert c.delete(f"/api/flow_runs/{run_id}").status_code == 204
    assert prefect_call(server, "GET", f"/flow_runs/{run_id}").status_code == 404
    assert gate_refusals(ws_store) == [
        f"{ADMIN}: POST /api/flow_runs/{run_id}/resume: templates ({{{{, {{%, {{#) and "
        "__prefect_kind are not accepted in requests"
    ]


def test_someone_no_longer_registered_is_not_signed_in(gate: RunningGate, ws_store: Store) -> None:
    cookie = signed_in(ws_store, "pc-ahmed")
    with ws_store.session() as s:
        from infoshare.db.tables import PersonRow

        s.delete(s.get(PersonRow, "pc-ahmed"))
    with gate.client(cookie) as c:
        assert c.post("/api/flow_runs/filter", json={}).status_code == 401


def test_events_stream_through_the_gate_to_people_signed_in(
    gate: RunningGate, ws_store: Store, deployments: dict[str, str]
) -> None:
    """Prefect's websocket wants its auth string as the first message: the gate puts it there
    for a person signed in, whatever they sent; others are closed."""
    cookie = signed_in(ws_store, "pc-ahmed")
    _run(gate, cookie, deployments["share-request"])  # an event or two to backfill
    url = gate.url.replace("http", "ws", 1)

    async def follow(path: str, cookie: str | None) -> tuple[str, str]:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        headers = {"cookie": f"infoshare-session={cookie}"} if cookie else {}
        try:
            async with connect(f"{url}{path}", subprotocols=["prefect"],  # type: ignore[list-item]
                               additional_headers=headers) as ws:  # fmt: skip
                await ws.send(json.dumps({"type": "auth", "token": "a guess"}))
                auth = json.loads(await ws.recv())["type"]
                await ws.send(json.dumps({"type": "filter", "filter": {}}))
                event = json.loads(await asyncio.wait_for(ws.recv(), 60))
                return auth, event["event"]["event"]
        except ConnectionClosed as exc:
            return "closed", str(exc.rcvd.code if exc.rcvd else "")
        except Exception as exc:  # refused during the handshake  # noqa: BLE001
            return "refused", type(exc).__name__

    auth, event = asyncio.run(follow("/api/events/out", cookie))
    assert auth == "auth_success" and event.startswith("prefect.")
    assert asyncio.run(follow("/api/events/out", None))[0] in ("closed", "refused")
    assert asyncio.run(follow("/api/events/in", cookie))[0] in ("closed", "refused")
    assert "pc-ahmed: WEBSOCKET /api/events/in: that stream is for administrators only" in (
        gate_refusals(ws_store)
    )


def test_a_busy_prefect_is_asked_again_before_a_person_sees_an_error(ws_store: Store) -> None:
    """A Prefect server on SQLite answers 503 while a write waits on its lock (and does
    nothing): the gate tries again, as Prefect's own client would, so a person's Resume or
    Run is not lost to a busy moment. A stand-in server, busy for its first two answers."""
    import threading
    import time

    import uvicorn
    from prefect_server import free_loopback_port
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    calls: list[bytes] = []

    async def busy_then_free(request: Request) -> JSONResponse:
        calls.append(await request.body())
        if len(calls) <= 2:
            return JSONResponse({"exception_message": "Service Unavailable"}, status_code=503)
        return JSONResponse([], status_code=200)

    app = Starlette(routes=[Route("/api/flow_runs/filter", busy_then_free, methods=["POST"])])
    port = free_loopback_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with (
            running_gate(ws_store.settings.home, f"http://127.0.0.1:{port}", AUTH) as gate,
            gate.client(signed_in(ws_store, "pc-ahmed")) as c,
        ):
            r = c.post("/api/flow_runs/filter", json={"limit": 5})
    finally:
        server.should_exit = True
        thread.join(10)
    assert r.status_code == 200 and r.json() == []
    assert calls == [b'{"limit":5}'] * 3  # the same body each time
