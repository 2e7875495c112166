"""`infoshare up` (what `./dev up` runs) puts the gate on the URL people open and locks the
Prefect server behind it: as a person would find it, and as the CLI beside it works."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, wait_until
from gate_support import signed_in
from prefect_server import free_loopback_port

from infoshare.config import load_settings
from infoshare.store import Store


@dataclass
class Up:
    home: Path
    ui: str
    api: str
    workspace: str
    out: Path


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    home = tmp_path_factory.mktemp("up") / "home"
    gate, prefect, workspace = free_loopback_port(), free_loopback_port(), free_loopback_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "INFOSHARE_"))}
    env |= {"INFOSHARE_HOME": str(home),
            "INFOSHARE_WORKSPACE_URL": f"http://localhost:{workspace}"}  # fmt: skip
    out = home.parent / "up.out"
    with out.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "infoshare", "up", "--port", str(gate), "--prefect-port",
             str(prefect), "--workspace-port", str(workspace)],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until("infoshare up", lambda: proc.poll() is not None
                   or "infoshare is running" in out.read_text(errors="replace"), 240)  # fmt: skip
        assert proc.poll() is None, out.read_text()
        yield Up(home, f"http://localhost:{gate}", f"http://127.0.0.1:{prefect}/api",
                 f"http://localhost:{workspace}", out)  # fmt: skip
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_up_serves_the_prefect_ui_only_through_the_gate(up: Up) -> None:
    printed = up.out.read_text()
    assert f"Prefect UI:  {up.ui}  (through infoshare's gate" in printed
    # Prefect itself answers only infoshare's processes, whose credential only we can read
    assert httpx.post(f"{up.api}/flow_runs/filter", json={}, timeout=10).status_code == 401
    secret = up.home / "prefect" / "api-auth-string"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    # a person not signed in is sent to the workspace's sign-in
    page = httpx.get(f"{up.ui}/runs", headers={"accept": "text/html"}, timeout=10)
    assert page.status_code == 303 and page.headers["location"] == f"{up.workspace}/signin"
    # signed in, they see the share-request deployment and may not change it
    store = Store(load_settings({"INFOSHARE_HOME": str(up.home)}))
    try:
        cookie = {"infoshare-session": signed_in(store, "pc-ahmed")}
        with httpx.Client(base_url=up.ui, cookies=cookie, timeout=30) as c:
            dep = c.get("/api/deployments/name/share-request/share-request")
            assert dep.status_code == 200, dep.text
            r = c.patch(f"/api/deployments/{dep.json()['id']}", json={"pull_steps": []})
            assert r.status_code == 403
    finally:
        store.close()


def test_the_cli_beside_up_uses_the_server_behind_the_gate(up: Up) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "INFOSHARE_"))}
    env |= {"INFOSHARE_HOME": str(up.home), "PREFECT_API_URL": up.api}
    done = subprocess.run(
        [sys.executable, "-m", "infoshare", "submit", "examples/scenario1-school-attendance.json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("submitted: ISR-")
