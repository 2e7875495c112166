"""What the worker and load benchmarks share (bench/worker_throughput.py, bench/load.py): an
infoshare home made for a bench, the request that waits for a person and its answers, driving
requests to their end, a batch of them at once, CPU and memory of a process tree, and a scratch
PostgreSQL database for Prefect's server or the store. The lower-level helpers (processes,
outbox codes, the Prefect server) are flow_overhead.py's.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import flow_overhead as fo

ROOT = fo.ROOT
TICK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def cpu_seconds(root: int) -> float:
    """User + system CPU of ``root`` and its live descendants, with what each has reaped."""
    total = 0
    for pid in [root, *(p for p, _ in fo.descendants(root))]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / TICK


def postgres_pid() -> int | None:
    """PostgreSQL's postmaster on this machine (its CPU, with ``cpu_seconds``, includes every
    backend's: they are its children), or None if none runs here."""
    found = subprocess.run(["pgrep", "-o", "-x", "postgres"], capture_output=True, text=True)
    return int(found.stdout.split()[0]) if found.returncode == 0 and found.stdout.split() else None


def uss_kib(pid: int) -> int:
    """Unique set size: the pages only this process maps (private clean + private dirty)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("Private_"))


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def tree(root: int) -> list[dict[str, Any]]:
    """``root`` and each live descendant: pid, command, RSS and USS in MiB."""
    return [
        {"pid": pid, "cmd": command(pid)[:80], "rss_mib": round(fo.rss_kib(pid) / 1024, 1),
         "uss_mib": round(uss_kib(pid) / 1024, 1)}
        for pid in [root, *(p for p, _ in fo.descendants(root))]
    ]  # fmt: skip


def worker_memory(pid: int) -> dict[str, Any]:
    """A worker's RSS, its fork server's, and each flow-run process's USS (MiB). Forked
    processes carry the fork server's command line; the fork server is the first found."""
    procs = tree(pid)
    forked = [p for p in procs[1:] if "flows.forkserver" in p["cmd"]]
    return {
        "rss_mib": procs[0]["rss_mib"],
        "fork_server_rss_mib": forked[0]["rss_mib"] if forked else None,
        "runs_uss_mib": [p["uss_mib"] for p in forked[1:]]
        + [p["uss_mib"] for p in procs[1:] if "flows.forkserver" not in p["cmd"]],
    }


def pss_kib(pid: int) -> int:
    """Proportional set size: shared pages divided among the processes that map them."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:"))


def memory_of_matching(needle: str) -> dict[str, float]:
    """Summed RSS and PSS (MiB) of every process whose command line holds ``needle`` (RSS
    counts shared memory once per process: PostgreSQL's shared buffers once per backend)."""
    rss = pss = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and needle in command(int(entry.name)):
            rss += fo.rss_kib(int(entry.name))
            pss += pss_kib(int(entry.name))
    return {"rss_mib": round(rss / 1024, 1), "pss_mib": round(pss / 1024, 1)}


@contextlib.contextmanager
def scratch_postgres(server: str = "postgresql://postgres@127.0.0.1:5432") -> Iterator[str]:
    """A new, empty PostgreSQL database for one bench (its name in the URL), dropped after."""
    name = f"bench_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(server)
    args = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres"]  # fmt: skip
    subprocess.run(["createdb", *args, name], check=True)
    try:
        yield f"{server.rstrip('/')}/{name}"
    finally:
        subprocess.run(["dropdb", *args, "--force", name], check=False)


@dataclass
class BenchHome:
    """An infoshare home with the demo registry (four eyes off at the hospital, so a request
    has the bare flow's two human steps), and how to answer its request's waits."""

    home: Path
    store: Any
    hospital: dict[str, Any]

    def code(self, ref: str, person: str, kind: str) -> str:
        member = self.store.partnership().member(person)
        assert member is not None and member.email
        return fo.mailed_code(self.home / "outbox", ref, member.email, kind, timeout=120)

    def answer(self, run_id: str, key: str | None) -> dict[str, Any]:
        """The answer to the wait ``key`` of run ``run_id``: nurse-lee's override (with the
        items provided), then caldicott-rao's sign-off."""
        ref = self.store.requests.ref_for_run(run_id)
        assert ref is not None
        if key == "override-1":
            for item in fo.SIGNOFF_INPUT["approved_items"]:
                self.store.requests.provide_item(ref, item, f"{item} content".encode(), "nurse-lee")
            return {**fo.OVERRIDE_INPUT, "code": self.code(ref, "nurse-lee", "override_needed")}
        if key == "signoff-1":
            return {**fo.SIGNOFF_INPUT, "code": self.code(ref, "caldicott-rao", "approval_needed")}
        raise fo.BenchError(f"unexpected pause {key!r}")

    def finished(self, run_id: str) -> bool:
        ref = self.store.requests.ref_for_run(run_id)
        return bool(ref and self.store.chain.record(ref))


def bench_home(tmp: Path, database_url: str | None = None) -> BenchHome:
    """Make the home in ``tmp`` (``INFOSHARE_HOME`` and, if given, ``INFOSHARE_DATABASE_URL``
    set in this process's environment for the store and the processes it starts)."""
    home = tmp / "infoshare"
    os.environ["INFOSHARE_HOME"] = str(home)
    if database_url:
        os.environ["INFOSHARE_DATABASE_URL"] = database_url
    from infoshare.config import load_settings
    from infoshare.registry.spec import DEMO_REGISTRY
    from infoshare.setup import initialise
    from infoshare.store import Store

    registry = json.loads(DEMO_REGISTRY.read_text())
    for agency in registry["agencies"]:
        if agency["id"] == "northshire-hospitals":
            agency["four_eyes"] = False  # the baseline's two human steps
    (tmp / "registry.json").write_text(json.dumps(registry))
    store = Store(load_settings())
    initialise(store, tmp / "registry.json")
    hospital = json.loads((ROOT / "examples/scenario2-hospital.json").read_text())
    return BenchHome(home, store, hospital)


def submit(deployment: str, parameters: dict[str, Any]) -> str:
    """Create a run of ``deployment``; a 503 (SQLite busy) is tried again, as the UI would."""
    from infoshare import prefect_api

    for attempt in range(10):
        try:
            return str(prefect_api.submit(parameters, deployment=deployment).id)
        except prefect_api.PrefectApiError as exc:
            if "(503)" not in str(exc) or attempt == 9:
                raise
            time.sleep(0.5 * (attempt + 1))
    raise AssertionError("unreachable")


def one_request(
    api: Any,
    deployment: str,
    parameters: dict[str, Any],
    answer: Callable[[str, str | None], dict[str, Any]],
    finished: Callable[[str], bool],
    watch: RunWatch,
) -> float:
    """Submit, answer each wait as soon as ``watch`` sees it; seconds until the run's end is
    seen."""
    t0 = time.perf_counter()
    run_id = submit(deployment, parameters)
    with watch.watching(run_id):
        return drive(run_id, answer, finished, t0, watch)


# what a driver acts on: a run waiting for its answer, or ended
ACTIONABLE = ["PAUSED", "COMPLETED", "FAILED", "CRASHED", "CANCELLED"]


class RunWatch:
    """The states of every run a batch has in flight, read for all of them at once: every
    ``every`` seconds one ``POST /flow_runs/filter`` for those among them waiting for an answer
    or ended, as a dashboard reads its runs. Each driver reading its own run each time cost the
    Prefect server a read per run per look (16% of its samples at 8 runs polled every 0.2 s),
    more the slower the runs, and slowed what was being measured."""

    def __init__(self, api: Any, every: float = 0.25) -> None:
        self.api, self.every = api, every
        self._ids: set[str] = set()
        self._states: dict[str, dict[str, Any]] = {}
        self._reads = 0
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="run-watch", daemon=True)

    def __enter__(self) -> RunWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @contextlib.contextmanager
    def watching(self, run_id: str) -> Iterator[None]:
        with self._changed:
            self._ids.add(run_id)
        try:
            yield
        finally:
            with self._changed:
                self._ids.discard(run_id)
                self._states.pop(run_id, None)

    def state(self, run_id: str, timeout: float = 60) -> dict[str, Any]:
        """The run's state as the next read finds it ({} while it is neither waiting nor ended)."""
        with self._changed:
            after = self._reads
            if not self._changed.wait_for(lambda: self._reads > after, timeout):
                raise fo.BenchError(f"no read of the runs in {timeout:.0f} s")
            return self._states.get(run_id, {})

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            with self._changed:
                ids = sorted(self._ids)
            found: dict[str, dict[str, Any]] = {}
            for i in range(0, len(ids), 200):
                resp = self.api.post("/flow_runs/filter", json={
                    "flow_runs": {"id": {"any_": ids[i : i + 200]},
                                  "state": {"type": {"any_": ACTIONABLE}}},
                    "limit": 200,
                })  # fmt: skip
                resp.raise_for_status()
                found.update({r["id"]: r.get("state") or {} for r in resp.json()})
            with self._changed:
                self._states = found
                self._reads += 1
                self._changed.notify_all()


def drive(
    run_id: str,
    answer: Callable[[str, str | None], dict[str, Any]],
    finished: Callable[[str], bool],
    t0: float,
    watch: RunWatch,
    timeout: float = 900,
) -> float:
    """Answer each wait of ``run_id`` as soon as ``watch`` sees it; seconds from ``t0`` to its
    end."""
    handled: set[str] = set()
    while time.perf_counter() - t0 < timeout:
        state = watch.state(run_id)
        kind = state.get("type")
        if kind == "PAUSED" and state.get("id") not in handled:
            handled.add(state["id"])
            key = (state.get("state_details") or {}).get("pause_key")
            resume(run_id, answer(run_id, key))
        elif kind == "COMPLETED" and finished(run_id):
            return time.perf_counter() - t0
        elif kind in ("FAILED", "CRASHED", "CANCELLED"):
            raise fo.BenchError(f"run {run_id} ended {state.get('name')}: {state.get('message')}")
    raise fo.BenchError(f"run {run_id} not done after {timeout:.0f} s")


def resume(run_id: str, run_input: dict[str, Any], tries: int = 50) -> None:
    """Resume a waiting run with ``run_input``. Prefect's ``suspend_flow_run`` saves the form's
    schema only after the run is Paused, so an answer sent the moment the run is seen Paused
    can find no schema yet ("Run input schema not found"); a person never answers that fast.
    Tried again, a tenth of a second apart."""
    from prefect.flow_runs import resume_flow_run

    for attempt in range(tries):
        try:
            resume_flow_run(UUID(run_id), run_input=run_input)
            return
        except RuntimeError as exc:
            if "schema not found" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.1)


def batch(c: int, request: Callable[[], float]) -> tuple[float, list[float], list[str]]:
    """c requests at once, in c threads: (wall seconds of the batch, each finished request's
    seconds, what went wrong with the others)."""
    results: list[float] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            results.append(request())
        except BaseException as exc:  # reported
            errors.append(exc)

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(go,)) for _ in range(c)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, results, [str(e).splitlines()[0][:200] for e in errors]


def load1() -> float:
    return round(os.getloadavg()[0], 2)
