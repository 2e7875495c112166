"""What tests share about flow runs' processes on this machine: which process executes a run,
when the worker and the run's processes have posted their last log lines, and holding a run
at a known point (before it takes its request in) to kill it there."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from infoshare import prefect_api
from infoshare.store import Store

# the run's process and the worker post their log lines in batches, every
# PREFECT_LOGGING_TO_API_BATCH_INTERVAL (2 s by default): quiet for longer than two batches
QUIET_S = 5.0


def process_of(run_id: str) -> int | None:
    """The pid of the process executing this flow run: the one whose environment names it (a
    process the runner or a process worker started), or else the live process the worker
    reported for the run, if it was forked from the infoshare-fork worker's fork server (a
    forked process's /proc environ is its parent's)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"PREFECT__FLOW_RUN_ID={run_id}".encode() in env.split(b"\0"):
            return int(entry.name)
    run = httpx.get(f"{prefect_api.api_url()}/flow_runs/{run_id}", timeout=10)
    reported = run.json().get("infrastructure_pid") if run.status_code == 200 else None
    if not reported:
        return None
    pid = int(reported.rpartition(":")[2])
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        parent = Path(f"/proc/{stat[1]}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    return pid if stat[0] != "Z" and b"flows.forkserver" in parent else None


def newest_log(run_ids: list[str]) -> tuple[str, str] | None:
    """The newest log line about any of these runs: (its id, its timestamp)."""
    resp = httpx.post(
        f"{prefect_api.api_url()}/logs/filter",
        json={"logs": {"flow_run_id": {"any_": run_ids}}, "sort": "TIMESTAMP_DESC", "limit": 1},
        timeout=30,
    )
    resp.raise_for_status()
    lines = resp.json()
    return (lines[0]["id"], lines[0]["timestamp"]) if lines else None


def wait_for_last_logs(
    run_ids: list[str], processes_of: list[str] | None = None, timeout: float = 120
) -> None:
    """Until there is no new log line about these ended runs for ``QUIET_S`` and none of
    ``processes_of`` (default: all of them) has a process: a run's state ends before its
    process, its on_crashed hooks and its worker have posted their last lines (the worker's
    crash report comes seconds later), and a line posted after Prefect has deleted the run is
    kept, orphaned, for good."""
    watched = run_ids if processes_of is None else processes_of
    deadline = time.monotonic() + timeout
    newest, since = newest_log(run_ids), time.monotonic()
    while time.monotonic() - since < QUIET_S or any(process_of(r) for r in watched):
        if time.monotonic() > deadline:
            raise AssertionError(f"the runs' last log lines kept coming for {timeout:.0f} s")
        time.sleep(0.5)
        if (now := newest_log(run_ids)) != newest:
            newest, since = now, time.monotonic()


def stop_processes_of(home: Path) -> list[int]:
    """SIGKILL every process still running with ``INFOSHARE_HOME=home`` in the environment it
    started with (a forked process's is its fork server's, which names the home). A stack's
    teardown stops its process group, but the runs its fork server forked have sessions of
    their own: one still retrying against the stopped Prefect server outlived a CI run."""
    needle = f"INFOSHARE_HOME={home}".encode()
    stopped = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            env = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in env.split(b"\0"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)
                stopped.append(int(entry.name))
    return stopped


@contextlib.contextmanager
def store_held(store: Store) -> Iterator[None]:
    """The store's write lock held (SQLite's, as the test stack's store is), as a stalled disk
    would hold it: a run's first write (its intake) waits until the block ends, up to the
    store's busy timeout (30 s). A run killed inside it is killed before it took its request
    in, however fast its process started."""
    database = store.settings.database_url.removeprefix("sqlite:///")
    assert database != store.settings.database_url, "store_held needs a SQLite store"
    held = sqlite3.connect(database, isolation_level=None, timeout=30)
    try:
        held.execute("BEGIN IMMEDIATE")  # no other writer until it ends
        yield
    finally:
        held.rollback()
        held.close()


ROOT = Path(__file__).resolve().parents[1]
# a flow called with its one parameter: module, function, the parameter's model
PLAIN_RUNS = {
    "share-request": ("flows.share_request", "share_request", "ShareRequest"),
    "enquiry": ("flows.enquiry", "enquiry", "Enquiry"),
}


@contextlib.contextmanager
def plain_run(
    flow: str, parameter: dict[str, Any], env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """``flow`` called in a plain ``python`` process, no runner or worker watching it, and
    SIGKILLed on leaving: as if its machine died, worker and all, so nobody tells Prefect."""
    module, function, model = PLAIN_RUNS[flow]
    script = (
        "import json, sys\n"
        f"from {module} import {function}\n"
        f"from infoshare.models import {model}\n"
        f"{function}({model}.model_validate(json.load(sys.stdin)))\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(parameter).encode())
        proc.stdin.close()
        yield proc
    finally:
        proc.kill()
        proc.wait()
