"""Benchmark (issues 15 and 16): infoshare in production's shape as the requests waiting for a
person grow.

Prefect's server on a scratch PostgreSQL database (its pool sized by ``--pool-size`` /
``--max-overflow``), infoshare's store on another, and ``--workers`` infoshare-fork workers
(``INFOSHARE_WORKER=fork python -m flows.serve``, each ``--limit`` runs at once, one work pool),
all on this machine. For each size N in ``--sizes`` (cumulative), requests are submitted (by
``--submitters`` threads, as people using the run form) until N wait at sign-off
(``examples/scenario1-school-attendance.json``: consent obtained, so one human step), and then:

* submissions per second: the batch over the time from its first submission until all of it
  is Suspended, and every 5xx Prefect answered (to the submitters, or in the workers' logs);
* the Prefect API's calls of the runs page: ``POST /flow_runs/filter`` (50 newest) and
  ``POST /flow_runs/count`` (all, and those Suspended), median of 5;
* ``infoshare inbox --as school-head`` and ``infoshare requests list``, each as a new process
  as a person runs it (wall time, median of 3), and their queries alone, in this process;
* the watchdog: one run of its deployment, started then, from start to end;
* memory: RSS of the Prefect server's processes, of each worker and its fork server, each
  flow-run process's USS (unique set size: the pages it does not share with the fork server;
  sampled every 2 s while runs execute, the largest and the median), and RSS of every
  PostgreSQL process on the machine (the cluster is shared with other databases).

Finally ``--approvals`` of the waiting requests are approved at once (items provided, then the
head's sign-off with the code mailed to her), and the time until all their decision records are
in the store is reported. A phase that would run past ``--budget`` seconds stops and says how far
it got. The 1-minute load average is printed with every figure.

    .venv/bin/python bench/load.py --sizes 100,1000            # ~20 min on 2 vCPUs
    .venv/bin/python bench/load.py --sizes 100 --approvals 50   # a quick check
Results: a markdown table on stdout and JSON in bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flow_overhead as fo  # noqa: E402
import support  # noqa: E402

ROOT = fo.ROOT
POOL = "infoshare-load"
WATCHDOG = "timeliness-watchdog/watchdog"
APPROVER, PREPARER = "school-head", "school-office"
SIGNOFF = {
    "approver_id": APPROVER,
    "decision": "SHARE",
    "approved_items": ["item-1", "item-2"],
    "reasons": "Necessary for the intervention plan's education baseline.",
    "redactions": "",
    "dpo_advice": "",
}


class Errors:
    """5xx answers seen by this driver (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[str] = []

    def add(self, what: str) -> None:
        with self.lock:
            self.seen.append(what)


class Memory(threading.Thread):
    """Samples the workers' process trees every 2 s: worker and fork server RSS, flow-run
    processes' USS."""

    def __init__(self, workers: list[fo.Served]) -> None:
        super().__init__(daemon=True)
        self.workers = workers
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.uss: list[float] = []
        self.max_children = 0

    def run(self) -> None:
        while not self.stop.wait(2.0):
            for w in self.workers:
                runs = support.worker_memory(w.proc.pid)["runs_uss_mib"]
                with self.lock:
                    self.uss.extend(u for u in runs if u)
                    self.max_children = max(self.max_children, len(runs))

    def take(self) -> dict[str, Any]:
        with self.lock:
            uss, self.uss = self.uss, []
            most, self.max_children = self.max_children, 0
        return {
            "flow_run_uss_mib_median": round(statistics.median(uss), 1) if uss else None,
            "flow_run_uss_mib_max": max(uss) if uss else None,
            "flow_run_processes_at_once_max": most,
        }


def timed(call: Any, repeat: int) -> float:
    seconds = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - t0)
    return round(statistics.median(seconds), 3)


def count(api: Any, states: list[str] | None = None) -> int:
    body: dict[str, Any] = {"flows": {"name": {"any_": ["share-request"]}}}
    if states:
        body["flow_runs"] = {"state": {"type": {"any_": states}}}
    resp = api.post("/flow_runs/count", json=body)
    resp.raise_for_status()
    return int(resp.json())


def submit_batch(
    n: int, submitters: int, request: dict[str, Any], errors: Errors, deadline: float
) -> list[str]:
    """Submit ``n`` requests from ``submitters`` threads; the run ids created."""
    from infoshare import prefect_api

    created: list[str] = []
    lock = threading.Lock()
    left = iter(range(n))

    def go() -> None:
        for _ in left:
            if time.monotonic() > deadline:
                return
            try:
                run_id = support.submit(fo.INFOSHARE_DEPLOYMENT, {"request": request})
            except prefect_api.PrefectApiError as exc:
                errors.add(str(exc)[:200])
                continue
            with lock:
                created.append(run_id)

    threads = [threading.Thread(target=go) for _ in range(submitters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return created


def cli(args: list[str], env: dict[str, str]) -> float:
    def run() -> None:
        subprocess.run([sys.executable, "-m", "infoshare", *args], env=env, cwd=ROOT,
                       check=True, capture_output=True, timeout=300)  # fmt: skip

    return timed(run, 3)


def watchdog_seconds(api: Any, timeout: float = 600) -> float | None:
    """Start one watchdog run now; its run time (Prefect's start to end), None if not done."""
    run_id = support.submit(WATCHDOG, {})
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        run = api.get(f"/flow_runs/{run_id}").json()
        kind = (run.get("state") or {}).get("type")
        if kind in ("COMPLETED", "FAILED", "CRASHED"):
            return round(float(run["total_run_time"]), 2)
        if kind == "CANCELLED":  # another sweep was running (one at a time)
            return None
        time.sleep(1)
    return None


def approve(bench: support.BenchHome, api: Any, run_ids: list[str], threads: int) -> float:
    """Approve each run's sign-off at once (``threads`` at a time); seconds until every record
    is in the store."""
    from prefect.flow_runs import resume_flow_run

    store = bench.store
    todo = iter(run_ids)
    lock = threading.Lock()
    failed: list[str] = []

    def answer(run_id: str) -> None:
        ref = store.requests.ref_for_run(run_id)
        assert ref is not None
        for item in SIGNOFF["approved_items"]:
            store.requests.provide_item(ref, item, f"{item} content".encode(), PREPARER)
        state = api.get(f"/flow_runs/{run_id}").json()["state"]
        key = state["state_details"]["pause_key"]
        assert key.startswith("signoff"), key
        code = bench.code(ref, APPROVER, "approval_needed")
        resume_flow_run(UUID(run_id), run_input={**SIGNOFF, "code": code})

    def go() -> None:
        while True:
            with lock:
                run_id = next(todo, None)
            if run_id is None:
                return
            try:
                answer(run_id)
            except Exception as exc:  # reported
                failed.append(f"{run_id}: {str(exc)[:150]}")

    t0 = time.perf_counter()
    workers = [threading.Thread(target=go) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    waiting = set(run_ids)
    while waiting and time.perf_counter() - t0 < 1200:
        waiting = {r for r in waiting if not bench.finished(r)}
        time.sleep(1)
    if failed or waiting:
        raise fo.BenchError(
            f"approvals: {len(failed)} failed {failed[:3]}, {len(waiting)} unrecorded"
        )
    return round(time.perf_counter() - t0, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="requests waiting, cumulative")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=16, help="runs at once per worker")
    parser.add_argument("--submitters", type=int, default=8)
    parser.add_argument("--approvals", type=int, default=200)
    parser.add_argument("--pool-size", type=int, default=20, help="Prefect's database pool")
    parser.add_argument("--max-overflow", type=int, default=20)
    parser.add_argument("--heartbeat", type=int, default=60, help="flow runs' heartbeat, s")
    parser.add_argument("--budget", type=float, default=1200, help="seconds per phase at most")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    settings = {
        "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE": str(args.pool_size),
        "PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW": str(args.max_overflow),
    }
    worker_env = {
        "INFOSHARE_WORKER": "fork",
        "INFOSHARE_WORK_POOL": POOL,
        "INFOSHARE_SERVE_LIMIT": str(args.limit),
        "INFOSHARE_WATCHDOG_SECONDS": "86400",  # its deployment, run here when measured
        "INFOSHARE_RETENTION_CRON": "off",
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(args.heartbeat),
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    helper = fo.load_server_helper()
    tmp = Path(tempfile.mkdtemp(prefix="infoshare-bench-load-"))
    started = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    result: dict[str, Any] = {"started": started.isoformat(), "args": vars(args),
                              "server_settings": settings, "worker_env": worker_env}  # fmt: skip
    errors = Errors()
    with contextlib.ExitStack() as stack:
        prefect_db = stack.enter_context(support.scratch_postgres())
        store_db = stack.enter_context(support.scratch_postgres())
        server = stack.enter_context(helper.start_prefect_server(
            tmp / "prefect", extra_env=settings,
            database_url=prefect_db.replace("postgresql://", "postgresql+asyncpg://", 1)))  # fmt: skip
        procs = stack.enter_context(fo.served_processes())
        for k in [k for k in os.environ if k.upper().startswith("PREFECT_")]:
            del os.environ[k]
        os.environ.update(server.env)
        store_url = store_db.replace("postgresql://", "postgresql+psycopg://", 1)
        bench = support.bench_home(tmp, store_url)
        from infoshare.inbox import waiting_for
        from infoshare.worktime import now_utc

        request = json.loads((ROOT / "examples/scenario1-school-attendance.json").read_text())
        env = server.subprocess_env({
            "PYTHONPATH": str(ROOT), "INFOSHARE_HOME": str(bench.home),
            "INFOSHARE_DATABASE_URL": store_url, **worker_env})  # fmt: skip
        api = fo.api_client(server.api_url)
        workers: list[fo.Served] = []
        for i in range(args.workers):  # one after the other: the first creates the pool
            w = fo.start_served(f"worker{i}", [sys.executable, "-m", "flows.serve"], env,
                                tmp / f"worker{i}.log", ROOT)  # fmt: skip
            procs.append(w)
            workers.append(w)
            fo.wait_for_deployment(api, fo.INFOSHARE_DEPLOYMENT, w, 300)
            time.sleep(3)
        memory = Memory(workers)
        memory.start()
        cli_env = {**env, "INFOSHARE_WORKER": ""}
        all_runs: list[str] = []
        for n in [0, *sizes]:
            row: dict[str, Any] = {"waiting_target": n, "load1_at_start": support.load1()}
            batch = n - len(all_runs)
            if batch > 0:
                t0 = time.monotonic()
                deadline = t0 + args.budget
                created = submit_batch(batch, args.submitters, request, errors, deadline)
                all_runs += created
                row["submitted_s"] = round(time.monotonic() - t0, 1)
                while count(api, ["PAUSED"]) < len(all_runs) and time.monotonic() < deadline:
                    time.sleep(2)
                waited = time.monotonic() - t0
                row["suspended"] = count(api, ["PAUSED"])
                row["until_all_suspended_s"] = round(waited, 1)
                row["submissions_per_s"] = round(len(created) / waited, 2)
            else:
                row["suspended"] = count(api, ["PAUSED"])
            row["api_list_s"] = timed(lambda: api.post("/flow_runs/filter", json={
                "limit": 50, "sort": "EXPECTED_START_TIME_DESC"}).raise_for_status(), 5)  # fmt: skip
            row["api_count_s"] = timed(lambda: count(api), 5)
            row["api_count_suspended_s"] = timed(lambda: count(api, ["PAUSED"]), 5)
            row["inbox_s"] = cli(["inbox", "--as", APPROVER], cli_env)
            row["requests_list_s"] = cli(["requests", "list"], cli_env)
            # the same queries in this process: what the commands spend besides starting
            row["inbox_query_s"] = timed(
                lambda: waiting_for(bench.store, APPROVER, now_utc()), 3)  # fmt: skip
            row["requests_list_query_s"] = timed(lambda: bench.store.requests.latest(50), 3)
            row["watchdog_run_s"] = watchdog_seconds(api)
            row["server_rss_mib"] = round(
                sum(fo.rss_kib(p["pid"]) for p in support.tree(server.process.pid)) / 1024, 1)  # fmt: skip
            row["workers"] = [support.worker_memory(w.proc.pid) for w in workers]
            row["postgres"] = support.memory_of_matching("postgres")
            row |= memory.take()
            row["prefect_5xx_so_far"] = len(errors.seen)
            row["load1_at_end"] = support.load1()
            rows.append(row)
            print(json.dumps(row), flush=True)
            if batch > 0 and row["suspended"] < n:
                print(f"stopped at {row['suspended']} waiting: the budget of {args.budget:.0f} s "
                      f"ran out", flush=True)  # fmt: skip
                break
        if args.approvals and all_runs:
            load = support.load1()
            seconds = approve(bench, api, all_runs[: args.approvals], 16)
            result["approvals"] = {"n": min(args.approvals, len(all_runs)), "seconds": seconds,
                                   "load1_at_start": load, "load1_at_end": support.load1()}  # fmt: skip
            print(json.dumps(result["approvals"]), flush=True)
        memory.stop.set()
        logged = {w.name: fo.count_in_file(w.log, "HTTPStatusError") + fo.count_in_file(
            w.log, " 503 ") for w in workers}  # fmt: skip
        result["worker_log_http_errors"] = logged
        result["prefect_5xx"] = errors.seen[:20]
        api.close()
        bench.store.close()
    result["rows"] = rows
    print(markdown(result))
    fo.RESULTS.mkdir(parents=True, exist_ok=True)
    out = fo.RESULTS / f"load-{started:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2))
    return 0


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| waiting | submissions/s | API list s | API count s (all / Suspended) | inbox s (query) "
        "| requests list s (query) | watchdog s | server RSS MiB | workers RSS MiB (worker + fork server) "
        "| flow-run USS MiB (median / max) | PostgreSQL RSS / PSS MiB | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for r in result["rows"]:
        workers = ", ".join(f"{w['rss_mib']} + {w['fork_server_rss_mib']}" for w in r["workers"])
        lines.append(
            f"| {r['suspended']} | {r.get('submissions_per_s', '-')} | {r['api_list_s']} | "
            f"{r['api_count_s']} / {r['api_count_suspended_s']} | {r['inbox_s']} "
            f"({r['inbox_query_s']}) | {r['requests_list_s']} ({r['requests_list_query_s']}) | "
            f"{r['watchdog_run_s']} | {r['server_rss_mib']} | "
            f"{workers} | {r['flow_run_uss_mib_median']} / {r['flow_run_uss_mib_max']} | "
            f"{r['postgres']['rss_mib']} / {r['postgres']['pss_mib']} | {r['load1_at_start']}-{r['load1_at_end']} |"
        )
    if "approvals" in result:
        a = result["approvals"]
        lines.append(f"\n{a['n']} approvals to their records: {a['seconds']} s "
                     f"(load {a['load1_at_start']}-{a['load1_at_end']})")  # fmt: skip
    lines.append(f"5xx from Prefect to the submitters: {len(result['prefect_5xx'])}; "
                 f"HTTP errors in the workers' logs: {result['worker_log_http_errors']}")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
