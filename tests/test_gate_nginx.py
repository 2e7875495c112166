"""Production's gate: Debian's nginx in front of Prefect with the documented configuration
(``docs/nginx-gate.conf``), asking ``/gate/decide`` (forward-auth, ``auth_request``): the same
policy as the embedded gate, the same refusals in the audit trail."""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import workspace_support
from conftest import ROOT
from gate_support import (
    AUTH,
    WORKSPACE,
    gate_refusals,
    locked_prefect,
    make_deployments,
    prefect_call,
    running_gate,
    signed_in,
)
from prefect_server import PrefectServer, free_loopback_port

from infoshare.store import Store

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx-light)"
)
ws_store = workspace_support.ws_store  # the fixture


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    with locked_prefect(tmp_path_factory.mktemp("nginx-prefect")) as s:
        yield s


def documented_config(prefect: int, gate: int, port: int, folder: Path) -> str:
    """docs/nginx-gate.conf with this test's ports, without TLS, in a server of its own."""
    text = (ROOT / "docs" / "nginx-gate.conf").read_text()
    b64 = base64.b64encode(AUTH.encode()).decode()
    for old, new in (
        ("server 127.0.0.1:4201;", f"server 127.0.0.1:{prefect};"),
        ("server 127.0.0.1:4210;", f"server 127.0.0.1:{gate};"),
        ("listen 4200 ssl;", f"listen 127.0.0.1:{port};"),
        ("    ssl_certificate     /etc/ssl/infoshare/fullchain.pem;\n", ""),
        ("    ssl_certificate_key /etc/ssl/infoshare/privkey.pem;\n", ""),
        ("BASE64_OF_THE_AUTH_STRING", b64),
        ("https://infoshare.example/signin", f"{WORKSPACE}/signin"),
    ):
        assert old in text, f"docs/nginx-gate.conf no longer has {old!r}"
        text = text.replace(old, new)
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/error.log;\nevents {{}}\nhttp {{\n"
        f"access_log {folder}/access.log;\nclient_body_temp_path {folder}/body;\n"
        f"proxy_temp_path {folder}/proxy;\n{text}\n}}\n"
    )


@pytest.fixture
def nginx(ws_store: Store, server: PrefectServer, tmp_path: Path) -> Iterator[str]:
    port = free_loopback_port()
    url = f"http://localhost:{port}"
    upstream = server.api_url.removesuffix("/api")
    with running_gate(ws_store.settings.home, upstream, AUTH, url=url) as gate:
        gate_port = int(gate.url.rsplit(":", 1)[1])
        conf = tmp_path / "nginx.conf"
        conf.write_text(documented_config(int(upstream.rsplit(":", 1)[1]), gate_port, port,
                                          tmp_path))  # fmt: skip
        assert NGINX is not None
        check = subprocess.run([NGINX, "-t", "-c", str(conf), "-p", str(tmp_path)],
                               capture_output=True, text=True)  # fmt: skip
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path)],
                                start_new_session=True)  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(f"{url}/api/health", timeout=2)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise
                    time.sleep(0.2)
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)


def test_nginx_asks_the_gate_and_enforces_the_same_policy(
    nginx: str, ws_store: Store, server: PrefectServer
) -> None:
    deployments = make_deployments(server)
    share = deployments["share-request"]
    cookie = {"infoshare-session": signed_in(ws_store, "pc-ahmed")}
    with httpx.Client(base_url=nginx, timeout=30) as anonymous:
        page = anonymous.get("/runs", headers={"accept": "text/html"})
        assert page.status_code == 303
        assert page.headers["location"] == f"{WORKSPACE}/signin"
        assert anonymous.post("/api/flow_runs/filter", json={}).status_code == 401
    with httpx.Client(base_url=nginx, timeout=30, cookies=cookie) as officer:
        made = officer.post(f"/api/deployments/{share}/create_flow_run", json={"parameters": {}})
        assert made.status_code == 201, made.text
        run_id = made.json()["id"]
        listed = officer.post("/api/flow_runs/filter", json={})
        assert listed.status_code == 200 and run_id in {r["id"] for r in listed.json()}
        attacks = [
            ("PATCH", f"/api/deployments/{share}", {"pull_steps": [{"x": {}}]}),
            ("DELETE", f"/api/flow_runs/{run_id}", None),
            ("POST", f"/api/flow_runs/{run_id}/input/filter", {}),
            ("POST", f"/api/flow_runs/{run_id}/set_state", {"state": {"type": "COMPLETED"}}),
            ("POST", f"/api/deployments/{deployments['maintenance']}/create_flow_run", {}),
        ]
        for method, path, body in attacks:
            r = officer.request(method, path, json=body)
            assert r.status_code == 403, (method, path, r.status_code, r.text)
        # an answer goes to the gate itself, which reads it (this run waits for nobody)
        r = officer.post(f"/api/flow_runs/{run_id}/resume", json={"run_input": {}})
        assert r.status_code == 403
        assert "not waiting for anyone's answer" in r.json()["detail"]
    lines = gate_refusals(ws_store)
    assert len(lines) == len(attacks) + 1 and all(x.startswith("pc-ahmed: ") for x in lines)
    deployment = prefect_call(server, "GET", f"/deployments/{share}").json()
    assert deployment["pull_steps"] == []
    assert prefect_call(server, "GET", f"/flow_runs/{run_id}").json()["state"]["type"] == (
        "SCHEDULED"
    )
