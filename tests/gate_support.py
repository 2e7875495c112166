"""What the gate's tests share: the gate itself as a real process (``infoshare gate serve``) in
front of a real Prefect server, and people signed in with the workspace's own sessions."""

from __future__ import annotations

import base64
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from conftest import ROOT
from prefect_server import PrefectServer, free_loopback_port, start_prefect_server

from infoshare.store import Store
from infoshare.workspace.config import WorkspaceSettings
from infoshare.workspace.sessions import Sessions

WORKSPACE = "http://localhost:4300"
AUTH = "infoshare:" + secrets.token_urlsafe(16)  # the test servers' PREFECT_SERVER_API_AUTH_STRING
ADMIN = "mash-manager"  # the demo's MASH manager administers Prefect in these tests


@dataclass
class RunningGate:
    url: str  # as people open it (localhost, so the workspace's cookie goes with it)
    log: Path

    def client(self, cookie: str | None = None) -> httpx.Client:
        cookies = {"infoshare-session": cookie} if cookie else {}
        return httpx.Client(base_url=self.url, cookies=cookies, timeout=30)


@contextmanager
def running_gate(
    home: Path,
    upstream: str,
    auth: str | None,
    admins: str = ADMIN,
    url: str | None = None,
    workspace: str = WORKSPACE,
) -> Iterator[RunningGate]:
    """The gate on a free port; ``url`` is where people reach it (itself, or a proxy)."""
    port = free_loopback_port()
    url = url or f"http://localhost:{port}"
    env = {
        **os.environ,
        "INFOSHARE_HOME": str(home),
        "INFOSHARE_GATE_UPSTREAM": upstream,
        "INFOSHARE_GATE_URL": url,
        "INFOSHARE_GATE_ADMINS": admins,
        "INFOSHARE_WORKSPACE_URL": workspace,
    }
    env.pop("PREFECT_API_AUTH_STRING", None)
    if auth:
        env["PREFECT_API_AUTH_STRING"] = auth
    own = f"http://localhost:{port}"
    log = home / f"gate-{port}.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "infoshare", "gate", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the gate exited:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{own}/gate/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the gate never answered:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield RunningGate(own, log)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def signed_in(store: Store, person_id: str, how: str = "passkey") -> str:
    """The workspace session cookie of ``person_id``, signed in as the workspace signs people
    in (a new session; the sign-in itself is tested with the workspace)."""
    sessions = Sessions(store, WorkspaceSettings(url=WORKSPACE))
    visitor, _ = sessions.new_visitor()
    _, cookie = sessions.sign_in(visitor, person_id, how)
    return cookie


def gate_refusals(store: Store) -> list[str]:
    """The audit trail's lines for refusals at the gate: "<actor>: <detail>"."""
    from sqlalchemy import select

    from infoshare.db.tables import AuditEventRow

    with store.session() as s:
        rows = s.scalars(select(AuditEventRow).where(AuditEventRow.event == "gate refused"))
        return [f"{r.actor_id}: {r.detail}" for r in rows]


@contextmanager
def locked_prefect(home: Path) -> Iterator[PrefectServer]:
    """A Prefect server on loopback with PREFECT_SERVER_API_AUTH_STRING, as `infoshare up`
    runs it."""
    with start_prefect_server(home, extra_env={"PREFECT_SERVER_API_AUTH_STRING": AUTH}) as s:
        yield s


def as_infoshare() -> dict[str, str]:
    """The header infoshare's own processes send (never people)."""
    return {"Authorization": "Basic " + base64.b64encode(AUTH.encode()).decode()}


def prefect_call(server: PrefectServer, method: str, path: str, **kw: Any) -> httpx.Response:
    return httpx.request(method, f"{server.api_url}{path}", headers=as_infoshare(), timeout=30,
                         **kw)  # fmt: skip


def make_deployments(server: PrefectServer) -> dict[str, str]:
    """A share-request deployment and another one, made as `infoshare up` would (directly)."""
    out = {}
    for flow in ("share-request", "maintenance"):
        fid = prefect_call(server, "POST", "/flows/", json={"name": flow}).json()["id"]
        r = prefect_call(server, "POST", "/deployments/",
                         json={"name": flow, "flow_id": fid, "pull_steps": [],
                               "enforce_parameter_schema": True})  # fmt: skip
        r.raise_for_status()
        out[flow] = r.json()["id"]
    return out
