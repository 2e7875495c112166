"""``infoshare up`` as an operator runs it, and as an attacker meets it (issue 18).

One real stack (about 60 s on 2 vCPUs): the Prefect server, the runner (``flows.serve``) and the
workspace, started on a home someone had left readable by everyone. The runner is killed (as a
run whose data breaks Prefect's answer to the runner's poll made it exit): ``up`` says so,
starts it again, and a request submitted afterwards is still taken in and recorded.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, example, wait_until

from infoshare.config import load_settings
from infoshare.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from prefect_server import free_loopback_port  # noqa: E402


def _children(pid: int, named: str) -> list[int]:
    """Processes started by ``pid`` whose command line holds ``named``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and named in cmd:
            found.append(int(entry.name))
    return found


class Up:
    def __init__(self, proc: subprocess.Popen[bytes], out: Path, api: str, env: dict[str, str]):
        self.proc, self.out, self.api, self.env = proc, out, api, env

    def console(self) -> str:
        return self.out.read_text(errors="replace")


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    work = tmp_path_factory.mktemp("up")
    home = work / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)  # as `mkdir` with a usual umask, or an older infoshare, left it
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INFOSHARE_", "PREFECT_"))}
    env.update(
        INFOSHARE_HOME=str(home),
        INFOSHARE_WATCHDOG_SECONDS="0",
        INFOSHARE_RETENTION_CRON="off",
        PREFECT_RUNNER_POLL_FREQUENCY="1",
    )
    port, ws_port = free_loopback_port(), free_loopback_port()
    out = work / "console.txt"
    with out.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "infoshare", "up", "--port", str(port),
             "--workspace-port", str(ws_port)],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    running = Up(proc, out, f"http://127.0.0.1:{port}/api", {**env, "PREFECT_API_URL": ""})
    running.env["PREFECT_API_URL"] = running.api
    try:
        deadline = time.monotonic() + 300
        while "infoshare is running" not in running.console():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"infoshare up did not start:\n{running.console()[-3000:]}")
            time.sleep(1)
        yield running
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _create_run(api: str, request: dict[str, object]) -> str:
    dep = httpx.get(f"{api}/deployments/name/share-request/share-request", timeout=10)
    dep.raise_for_status()
    resp = httpx.post(
        f"{api}/deployments/{dep.json()['id']}/create_flow_run",
        json={"parameters": {"request": request}},
        timeout=10,
    )
    resp.raise_for_status()
    return str(resp.json()["id"])


def test_a_runner_that_stops_is_started_again_and_requests_still_complete(up: Up) -> None:
    (runner,) = _children(up.proc.pid, "flows.serve")
    os.kill(runner, signal.SIGKILL)  # the process up started, by its id
    wait_until("up to start the runner again", lambda: "started again (restart 1" in up.console())
    console = up.console()
    assert "the runner (flows.serve) stopped (exit code -9); starting it again in 1 s" in console
    assert up.proc.poll() is None  # the stack stayed up
    (again,) = _children(up.proc.pid, "flows.serve")
    assert again != runner
    store = Store(load_settings(up.env))
    try:
        run_id = _create_run(up.api, example("scenario2-hospital.json"))

        def triaged() -> object:
            ref = store.requests.ref_for_run(run_id)
            return ref if ref and store.requests.step(ref, "triage") else None

        wait_until("the request taken in and triaged by the new runner", triaged, 180)
    finally:
        store.close()


def test_the_homes_are_this_users_alone(up: Up) -> None:
    home = Path(up.env["INFOSHARE_HOME"])
    prefect = home / "prefect"
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(prefect.stat().st_mode) == 0o700
    for db in (home / "infoshare.db", prefect / "prefect.db", home / "keys" / "master.key"):
        assert stat.S_IMODE(db.stat().st_mode) == 0o600, db
    for path in [*home.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_a_run_prefect_cannot_serve_is_released_refused_and_recorded(up: Up) -> None:
    """The attack of issue 18: a lone surrogate in a run created without validation. Prefect
    stores it and then answers 500 to every poll of the runner, which stops; before starting
    it again ``up`` replaces that run's request by a stand-in, which the flow refuses."""
    dep = httpx.get(f"{up.api}/deployments/name/share-request/share-request", timeout=10)
    req = example("scenario2-hospital.json")
    req["subjects"][0]["name"] = "Quilla\udfff Poison"
    body = {"parameters": {"request": req}, "enforce_parameter_schema": False}
    httpx.post(
        f"{up.api}/deployments/{dep.json()['id']}/create_flow_run",
        content=json.dumps(body),  # as a browser sends it: the surrogate as \udfff
        headers={"content-type": "application/json"},
        timeout=10,
    )
    line = wait_until(
        "up to release the run",
        lambda: next((x for x in up.console().splitlines() if "could not hand" in x), None),
        300,
    )
    run_id = line.split(" run ", 1)[1].split()[0]
    store = Store(load_settings(up.env))
    try:

        def record() -> dict[str, object] | None:
            ref = store.requests.ref_for_run(run_id)
            rec = store.chain.record(ref) if ref else None
            return rec[0].public if rec else None

        rec = wait_until("the released run's decision record", record, 180)
        assert rec["decision"] == "REFUSE", rec
        assert "text that is not text" in " ".join(rec["reasons"])  # type: ignore[arg-type]
        assert "Quilla" not in json.dumps(rec)
        good = _create_run(up.api, example("scenario2-hospital.json"))
        wait_until("the next request taken in", lambda: store.requests.ref_for_run(good), 180)
    finally:
        store.close()
    assert up.proc.poll() is None
