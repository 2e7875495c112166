"""infoshare's own worker type (infoshare-fork, flows/forkworker.py) on a real Prefect server of
its own: requests run end to end in processes forked from the fork server, and the crash and
cancellation tests of test_watchdog.py run again here, against a stack served by this worker
(the module's ``stack`` and ``stack_store`` replace the session's for them)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, Mailbox, Stack, example, running_stack, wait_until
from prefect_server import start_prefect_server
from test_share_request_flow import Scenario, drive, override_by, record_of, signoff
from test_watchdog import (
    _process_of,
    test_a_run_cancelled_while_waiting_is_recorded_within_seconds,
    test_a_run_killed_mid_flight_still_ends_with_a_record,
)
from test_watchdog import (
    test_a_run_killed_at_each_step_is_recorded_within_one_sweep as killed_at_a_step,
)

from flows.forkserver import unsafe_reason
from infoshare import prefect_api
from infoshare.config import load_settings
from infoshare.store import Store

# the same tests, collected again in this module: here they run against the fork worker
__all__ = [
    "test_a_run_cancelled_while_waiting_is_recorded_within_seconds",
    "test_a_run_killed_mid_flight_still_ends_with_a_record",
]


@pytest.mark.parametrize("step", ["transfer", "record"])
def test_a_forked_run_killed_at_a_step_is_recorded_within_one_sweep(
    step: str, stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """test_watchdog's kill points against the fork worker: after a resume (transfer; the
    override and sign-off points are killed in the same kind of execution) and after the record
    (the worker itself must run the flow's on_crashed hooks, as the process worker does)."""
    killed_at_a_step(step, stack, stack_store, mailbox)


@pytest.fixture(scope="module")
def stack(mailbox: Mailbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """infoshare served by an infoshare-fork worker (INFOSHARE_WORKER=fork), on a Prefect
    server of its own (the session's serves the same deployment names from a runner)."""
    with start_prefect_server(tmp_path_factory.mktemp("prefect-home-fork")) as server:
        home = tmp_path_factory.mktemp("infoshare-home-fork")
        extra = {"INFOSHARE_WORKER": "fork", "INFOSHARE_FORK_CANCEL_POLL": "1"}
        with running_stack(server, mailbox, home, extra) as running:
            yield running


@pytest.fixture(scope="module")
def stack_store(stack: Stack) -> Iterator[Store]:
    store = Store(load_settings(stack.env))
    yield store
    store.close()


def _logs(stack: Stack, run_id: str) -> list[str]:
    resp = httpx.post(
        f"{stack.api_url}/logs/filter",
        json={"logs": {"flow_run_id": {"any_": [run_id]}}, "limit": 200},
        timeout=10,
    )
    resp.raise_for_status()
    return [entry["message"] for entry in resp.json()]


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
    logs = _logs(stack, s.run_id)
    forked = [m for m in logs if m.startswith("Flow run forked as process")]
    assert len(forked) == 4, logs  # submission, override, first and second sign-off
    assert not [m for m in logs if "spawned" in m]


def test_a_run_process_is_a_fork_of_the_fork_server(stack: Stack, mailbox: Mailbox) -> None:
    """While a run executes, its process is a child of the fork server with the fork server's
    command line (it did not exec a new Python), in a session of its own, and the run's
    infrastructure pid names it on this host."""
    run_id = prefect_api.submit({"request": example("scenario3-trawl.json")}).id
    with mailbox.hold("outcome", run_id) as held:
        assert held.arrived.wait(180), "the run never told the requester"
        pid = wait_until("the run's process", lambda: _process_of(run_id), timeout=10)
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        assert b"flows.forkserver" in cmdline
        assert os.getsid(pid) == pid
        reported = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10).json()
        assert reported["infrastructure_pid"] == f"{socket.gethostname()}:{pid}"
    wait_until("the run to end", lambda: prefect_api.run(run_id).state_type == "COMPLETED")


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
        pid = wait_until("the run's process", lambda: _process_of(run_id), timeout=10)
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
