"""Benchmark (issue 16): machine time and throughput of a request under each worker.

One freshly started local Prefect server (SQLite, temp dir, tests/prefect_server.py), and in
turn, each on a work pool of its own with a worker polling every second (limit 32):

1. bare: bench/bare_flow.py (trivial tasks, the same two suspensions as a request with an
   override and a sign-off) under Prefect's process worker: Prefect's process-per-run floor;
2. infoshare, process: share-request (scenario 2, hospital, consent refused: override, then
   sign-off; four eyes off so it has the baseline's two human steps) under the process worker
   (``INFOSHARE_WORKER=process python -m flows.serve``);
3. infoshare, fork: the same under infoshare's own worker (``INFOSHARE_WORKER=fork``).

For each, one warm-up request, then at each concurrency c (1, 8, 32) c requests submitted at
once, each answered as soon as it waits (one-time codes read from the maildir outbox), until
all are done. Reported per configuration and c: CPU seconds per request (user + system of the
worker and all its descendants, flow-run processes included once reaped, i.e. everything but
the Prefect server and this driver), mean wall time per request (submission to decision
record), and requests per second (c / wall time of the batch). The 1-minute load average is
printed with each line: other work on the machine inflates everything.

Run from the repository root:  .venv/bin/python bench/worker_throughput.py [--levels 1,8,32]
Results: a markdown table on stdout and JSON in bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flow_overhead as fo  # noqa: E402  (bench/ helpers: server, processes, outbox codes)

ROOT = fo.ROOT
TICK = os.sysconf("SC_CLK_TCK")


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


def one_request(
    api: Any,
    deployment: str,
    parameters: dict[str, Any],
    answer: Callable[[str, str | None], dict[str, Any]],
    finished: Callable[[str], bool],
) -> float:
    """Submit, answer each wait as soon as it is seen; seconds until the run's end is seen."""
    from prefect.flow_runs import resume_flow_run

    from infoshare import prefect_api

    t0 = time.perf_counter()
    for attempt in range(10):  # SQLite answers 503 when busy; the UI would be tried again too
        try:
            run_id = prefect_api.submit(parameters, deployment=deployment).id
            break
        except prefect_api.PrefectApiError as exc:
            if "(503)" not in str(exc) or attempt == 9:
                raise
            time.sleep(0.5 * (attempt + 1))
    handled: set[str] = set()
    while time.perf_counter() - t0 < 900:
        state = api.get(f"/flow_runs/{run_id}").json().get("state") or {}
        kind = state.get("type")
        if kind == "PAUSED" and state.get("id") not in handled:
            handled.add(state["id"])
            key = (state.get("state_details") or {}).get("pause_key")
            resume_flow_run(UUID(run_id), run_input=answer(run_id, key))
        elif kind == "COMPLETED" and finished(run_id):
            return time.perf_counter() - t0
        elif kind in ("FAILED", "CRASHED", "CANCELLED"):
            raise fo.BenchError(f"run {run_id} ended {state.get('name')}: {state.get('message')}")
        time.sleep(0.2)
    raise fo.BenchError(f"run {run_id} not done after 900 s")


def batch(c: int, request: Callable[[], float]) -> tuple[float, list[float], list[str]]:
    """c requests at once: (wall seconds of the batch, each finished request's seconds, what
    went wrong with the others: e.g. Prefect's worker crashing a run when SQLite answers 503
    while it submits it)."""
    import contextvars

    results: list[float] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            results.append(request())
        except BaseException as exc:  # reported below
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrencies")
    parser.add_argument("--only", default="bare,process,fork", help="configurations")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    helper = fo.load_server_helper()
    tmp = Path(tempfile.mkdtemp(prefix="infoshare-bench-workers-"))
    rows: list[dict[str, Any]] = []
    started = datetime.now(UTC)
    load_before = round(os.getloadavg()[0], 2)
    with helper.start_prefect_server(tmp / "prefect") as server, fo.served_processes() as procs:
        for k in [k for k in os.environ if k.upper().startswith("PREFECT_")]:
            del os.environ[k]
        os.environ.update(server.env)
        home = tmp / "infoshare"
        os.environ["INFOSHARE_HOME"] = str(home)

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
        partnership = store.partnership()
        outbox = home / "outbox"
        hospital = json.loads((ROOT / "examples/scenario2-hospital.json").read_text())

        def code(ref: str, person: str, kind: str) -> str:
            member = partnership.member(person)
            assert member is not None and member.email
            return fo.mailed_code(outbox, ref, member.email, kind, timeout=120)

        def infoshare_answer(run_id: str, key: str | None) -> dict[str, Any]:
            ref = store.requests.ref_for_run(run_id)
            assert ref is not None
            if key == "override-1":
                for item in fo.SIGNOFF_INPUT["approved_items"]:
                    store.requests.provide_item(ref, item, f"{item} content".encode(), "nurse-lee")
                return {**fo.OVERRIDE_INPUT, "code": code(ref, "nurse-lee", "override_needed")}
            if key == "signoff-1":
                return {**fo.SIGNOFF_INPUT, "code": code(ref, "caldicott-rao", "approval_needed")}
            raise fo.BenchError(f"unexpected pause {key!r}")

        def infoshare_finished(run_id: str) -> bool:
            ref = store.requests.ref_for_run(run_id)
            return bool(ref and store.chain.record(ref))

        base = {
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
            "INFOSHARE_HOME": str(home),
            "INFOSHARE_WATCHDOG_SECONDS": "0",
            "INFOSHARE_RETENTION_CRON": "off",
            "INFOSHARE_SERVE_LIMIT": str(max(levels)),
            "PREFECT_WORKER_QUERY_SECONDS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        configs: list[tuple[str, str, list[str], dict[str, str], str, Any, Any]] = [
            ("bare", "bare Prefect flow, process worker", [sys.executable, "bench/bare_flow.py"],
             {"BARE_WORK_POOL": "bare"}, fo.BARE_DEPLOYMENT, {},
             (lambda _r, _k: {"note": "ok"}, lambda _r: True)),
            ("process", "infoshare, process worker", [sys.executable, "-m", "flows.serve"],
             {"INFOSHARE_WORKER": "process", "INFOSHARE_WORK_POOL": "infoshare-process"},
             fo.INFOSHARE_DEPLOYMENT, {"request": hospital},
             (infoshare_answer, infoshare_finished)),
            ("fork", "infoshare, infoshare-fork worker", [sys.executable, "-m", "flows.serve"],
             {"INFOSHARE_WORKER": "fork", "INFOSHARE_WORK_POOL": "infoshare-fork"},
             fo.INFOSHARE_DEPLOYMENT, {"request": hospital},
             (infoshare_answer, infoshare_finished)),
        ]  # fmt: skip
        api = fo.api_client(server.api_url)
        for key, label, cmd, extra, deployment, params, (answer, finished) in configs:
            if key not in args.only.split(","):
                continue
            env = server.subprocess_env({**base, **extra})
            served = fo.start_served(key, cmd, env, tmp / f"{key}.log", ROOT)
            procs.append(served)
            time.sleep(3)  # its deployment applied to its own pool, not the previous one's
            fo.wait_for_deployment(api, deployment, served, 180)
            pool = api.get(f"/deployments/name/{deployment}").json()["work_pool_name"]
            while pool != (extra.get("INFOSHARE_WORK_POOL") or extra.get("BARE_WORK_POOL")):
                time.sleep(0.5)
                pool = api.get(f"/deployments/name/{deployment}").json()["work_pool_name"]

            def request(deployment: str = deployment, params: Any = params,
                        answer: Any = answer, finished: Any = finished) -> float:  # fmt: skip
                return one_request(api, deployment, params, answer, finished)

            warm = request()
            print(f"{label}: warm-up request {warm:.1f} s", flush=True)
            for c in levels:
                load = round(os.getloadavg()[0], 2)
                cpu0 = cpu_seconds(served.proc.pid)
                wall, each, failed = batch(c, request)
                time.sleep(1)  # the last processes reaped
                cpu = cpu_seconds(served.proc.pid) - cpu0
                row = {
                    "config": label,
                    "concurrency": c,
                    "cpu_s_per_request": round(cpu / max(len(each), 1), 3),
                    "wall_s_per_request": round(statistics.mean(each), 2) if each else None,
                    "requests_per_s": round(len(each) / wall, 3),
                    "failed": failed,
                    "load1_at_start": load,
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
            fo.stop_served(served)
            procs.remove(served)
        api.close()
        store.close()
    lines = [
        "| configuration | concurrency | CPU s / request | wall s / request | requests / s |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {r['config']} | {r['concurrency']} | {r['cpu_s_per_request']:.2f} | "
            f"{r['wall_s_per_request']} | {r['requests_per_s']:.3f} |"
            for r in rows
        ),
    ]
    print("\n".join(lines))
    print(f"load average (1 min) at start {load_before}, at end {round(os.getloadavg()[0], 2)}")
    fo.RESULTS.mkdir(parents=True, exist_ok=True)
    out = fo.RESULTS / f"worker_throughput-{started:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({"started": started.isoformat(), "rows": rows,
                               "load_before": load_before}, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
