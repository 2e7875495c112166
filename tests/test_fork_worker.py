"""infoshare's own worker type (infoshare-fork, flows/forkworker.py), which serves the session's
stack (tests/conftest.py) as it serves ``infoshare up``: so every flow test, test_watchdog's
crash and cancellation tests included, runs in processes forked from the fork server. Here:
what is particular to it (the work pool's type, Prefect's CLI, forked processes, cancelling a
running process, the fork server's own protocol, flows taken from infoshare's catalogue)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, Mailbox, Stack, example, wait_until
from prefect import Flow
from run_support import process_of
from test_share_request_flow import Scenario, drive, override_by, record_of, signoff

from flows import catalogue
from flows.forkserver import unsafe_reason
from infoshare import prefect_api
from infoshare.store import Store

served_by_fork = pytest.mark.skipif(
    os.environ.get("INFOSHARE_TEST_WORKER", "fork") != "fork",
    reason="the session's stack is not served by the infoshare-fork worker",
)


def test_every_flow_infoshare_deploys_is_in_the_catalogue(stack: Stack) -> None:
    """The worker starts a run from the catalogue by its flow's name (never from what the
    deployment says); each entry imports the flow of that name."""
    from prefect.deployments.runner import EntrypointType
    from prefect.utilities.importtools import import_object

    from flows.serve import deployments

    for deployment, flow in deployments(30, EntrypointType.MODULE_PATH):
        where = catalogue.entrypoint(flow.name)
        assert where is not None, f"{flow.name} ({deployment.name}) is not in flows/catalogue.py"
        found = import_object(where)
        assert isinstance(found, Flow) and found is flow
    assert catalogue.entrypoint("someone-elses-flow") is None


def _logs(stack: Stack, run_id: str) -> list[str]:
    resp = httpx.post(
        f"{stack.api_url}/logs/filter",
        json={"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200},
        timeout=10,
    )
    resp.raise_for_status()
    return [entry["message"] for entry in resp.json()]


@served_by_fork
def test_the_work_pool_is_of_infoshares_own_type(stack: Stack) -> None:
    resp = httpx.get(f"{stack.api_url}/work_pools/infoshare", timeout=10)
    resp.raise_for_status()
    assert resp.json()["type"] == "infoshare-fork"
    deployment = httpx.get(
        f"{stack.api_url}/deployments/name/share-request/share-request", timeout=10
    ).json()
    assert deployment["work_pool_name"] == "infoshare"


def test_prefects_cli_knows_the_worker_type() -> None:
    """Registered through the prefect.collections entry point: ``prefect worker start --type``
    and ``prefect work-pool create --type`` find it by name."""
    found = subprocess.run(
        [sys.executable, "-c", "from prefect.workers.base import BaseWorker as B;"
         "print(B.get_worker_class_from_type('infoshare-fork'))"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
    )  # fmt: skip
    assert "InfoshareForkWorker" in found.stdout


@served_by_fork
def test_a_request_runs_end_to_end_in_forked_processes(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """Consent refused, overridden, then signed off by two: four executions of the run, each
    a process forked from the fork server (the worker logs it on the run), and the request ends
    shared and recorded as under the process worker."""
    s = Scenario(
        "scenario2-housing.json",
        answers=[
            override_by("housing-officer"),
            signoff("housing-manager", "SHARE", ["item-1"], "Disturbance records are needed."),
            signoff("housing-head", "SHARE", ["item-1"], "Agreed: necessary and proportionate."),
        ],
        prepare={"item-1": "4 noise/disturbance reports, Jan-Nov 2026."},
        preparer="housing-officer",
    )
    drive(s, stack_store, mailbox)
    assert not s.error, f"{s.error}\n{stack.serve_log.read_text()[-3000:]}"
    assert s.final_state == "COMPLETED"
    record = record_of(stack_store, s)
    assert record["decision"] == "SHARE_FULL", record["reasons"]  # its one item

    def forked() -> list[str]:
        return [m for m in _logs(stack, s.run_id) if m.startswith("Flow run forked as process")]

    # the worker posts its log lines in batches (every 2 s): the last may come after the run ends
    wait_until("the worker's line for each execution", lambda: len(forked()) >= 4, 30)
    logs = _logs(stack, s.run_id)
    assert len(forked()) == 4, logs  # submission, override, first and second sign-off
    assert not [m for m in logs if "spawned" in m]


@served_by_fork
def test_a_run_process_is_a_fork_of_the_fork_server(stack: Stack, mailbox: Mailbox) -> None:
    """While a run executes, its process is a child of the fork server with the fork server's
    command line (it did not exec a new Python), in a session of its own, and the run's
    infrastructure pid names it on this host."""
    run_id = prefect_api.submit({"request": example("scenario3-trawl.json")}).id
    with mailbox.hold("outcome", run_id) as held:
        assert held.arrived.wait(180), "the run never told the requester"
        pid = wait_until("the run's process", lambda: process_of(run_id), timeout=10)
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"flows.forkserver" in cmdline
        assert os.getsid(pid) == pid
        reported = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10).json()
        assert reported["infrastructure_pid"] == f"{socket.gethostname()}:{pid}"
    wait_until("the run to end", lambda: prefect_api.run(run_id).state_type == "COMPLETED")


@served_by_fork
def test_a_running_run_cancelled_is_stopped_and_recorded(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """Cancelled from the UI while its process runs (blocked in a notice): the worker stops the
    process, the run ends Cancelled, and the request is recorded FAILED, saying so."""
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelling

    run_id = prefect_api.submit({"request": example("scenario2-housing.json")}).id
    with mailbox.hold("override_needed", run_id) as held:
        assert held.arrived.wait(180), "the run never asked for the override"
        pid = wait_until("the run's process", lambda: process_of(run_id), timeout=10)
        with get_client(sync_client=True) as client:
            client.set_flow_run_state(run_id, Cancelling(), force=True)  # type: ignore[arg-type]
        wait_until(
            "the run to be Cancelled",
            lambda: prefect_api.run(run_id).state_type == "CANCELLED",
            timeout=90,
        )
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    ref = stack_store.requests.ref_for_run(run_id)
    assert ref is not None
    found = wait_until("the automation to record it", lambda: stack_store.chain.record(ref), 120)
    assert found[0].decision == "FAILED"
    assert "Cancelled" in " ".join(found[0].public["reasons"])


def test_the_fork_server_refuses_to_fork_after_threads_started(tmp_path: Path) -> None:
    """A fork server whose imports started a thread says so and forks nothing (the worker then
    logs the reason and spawns each run instead)."""
    (tmp_path / "starts_a_thread.py").write_text(
        "import threading, time\n"
        "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
    )
    ours, theirs = socket.socketpair()
    env = {**os.environ, "INFOSHARE_FORKSERVER_PRELOAD": "starts_a_thread",
           "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.forkserver", str(theirs.fileno())],
        pass_fds=(theirs.fileno(),),
        env=env,
    )
    theirs.close()
    try:
        hello = json.loads(ours.makefile("rb").readline())
        assert hello["unsafe"] == "the fork server has 2 threads after its imports"
        assert hello["imported"] == ["starts_a_thread"]
    finally:
        ours.close()  # the worker going away ends it
        assert proc.wait(timeout=30) == 0
    assert unsafe_reason() is None or "threads" in (unsafe_reason() or "")


def test_the_default_fork_server_preloads_the_flows_and_the_database_driver() -> None:
    """By default the fork server imports Prefect's engine, infoshare's flows and, where it is
    installed, the PostgreSQL driver (about 90 ms of CPU a run's process would spend on a
    PostgreSQL store), configures the ORM, and is still safe to fork: no thread started."""
    ours, theirs = socket.socketpair()
    env = {k: v for k, v in os.environ.items() if k != "INFOSHARE_FORKSERVER_PRELOAD"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.forkserver", str(theirs.fileno())],
        pass_fds=(theirs.fileno(),),
        env=env,
        cwd=ROOT,
    )
    theirs.close()
    try:
        hello = json.loads(ours.makefile("rb").readline())
        assert hello["unsafe"] is None, hello
        assert hello["errors"] == []
        assert {"prefect.engine", "flows.share_request", "psycopg"} <= set(hello["imported"])
    finally:
        ours.close()  # the worker going away ends it
        assert proc.wait(timeout=60) == 0


def test_a_forked_run_killed_is_a_non_zero_exit(tmp_path: Path) -> None:
    """The fork server reports a child killed by SIGKILL as status -9 (as a subprocess's
    returncode), which the worker returns and Prefect marks Crashed."""
    ours, theirs = socket.socketpair()
    env = {**os.environ, "INFOSHARE_FORKSERVER_PRELOAD": ""}
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.forkserver", str(theirs.fileno())],
        pass_fds=(theirs.fileno(),),
        env=env,
    )
    theirs.close()
    reader = ours.makefile("rb")
    try:
        assert json.loads(reader.readline())["unsafe"] is None
        # a run whose id is no UUID: the engine would fail at once; it is killed first anyway
        child_env = {"PATH": os.environ["PATH"], "PREFECT__FLOW_RUN_ID": "not-a-run"}
        ours.sendall(json.dumps({"id": 1, "env": child_env, "cwd": str(tmp_path)}).encode() + b"\n")
        started = json.loads(reader.readline())
        assert started["id"] == 1
        os.kill(started["pid"], signal.SIGSTOP)
        os.kill(started["pid"], signal.SIGKILL)
        assert json.loads(reader.readline()) == {"exit": started["pid"], "status": -9}
    finally:
        reader.close()
        ours.close()  # the worker going away ends it
        assert proc.wait(timeout=30) == 0
