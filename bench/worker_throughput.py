"""Benchmark (issue 16): machine time and throughput of a request under each worker.

One freshly started local Prefect server (SQLite, temp dir, tests/prefect_server.py), and in
turn, each on a work pool of its own with a worker polling every second (limit 32):

1. bare: bench/bare_flow.py (trivial tasks, the same two suspensions as a request with an
   override and a sign-off) under Prefect's process worker: Prefect's process-per-run floor;
2. infoshare, process: share-request (scenario 2, hospital, consent refused: override, then
   sign-off; four eyes off so it has the baseline's two human steps) under the process worker
   (``INFOSHARE_WORKER=process python -m flows.serve``);
3. infoshare, fork: the same under infoshare's own worker (``INFOSHARE_WORKER=fork``);
4. bare-fork (only when asked for, ``--only bare-fork``): the bare flow under infoshare's own
   worker, what Prefect itself costs there (with ``--bare-shape 0,0,0``, its floor).

For each, one warm-up request, then at each concurrency c (1, 8, 32) c requests submitted at
once, each answered as soon as it is seen waiting (one-time codes read from the maildir outbox),
until all are done. The drivers see their runs through one read of all of them every 0.25 s
(``support.RunWatch``), not a read of each run by its own driver: those reads grew with the
concurrency and with the runs' slowness, and were a third of the Prefect server's CPU per
request at 16 at once. Reported per configuration and c: CPU seconds per request (user +
system of the worker and all its descendants, flow-run processes included once reaped), and
separately the Prefect server's, PostgreSQL's (``--prefect-db postgres``) and this driver's
(the people it plays: reading codes, providing items, answering; and its watch of the runs);
mean wall time per request (submission to decision record), and requests per second (c / wall
time of the batch). The 1-minute load average is
printed with each line: other work on the machine inflates everything.

The configurations run in the order ``--only`` names them (default bare, process, fork), on
one server, so a later one meets a Prefect database the earlier ones filled. Swapping the order
(``--only fork,bare-fork`` and ``--only bare-fork,fork``, 7 December 2026) moved the rows less
than the machine drifted in the same hour (the Prefect server's CPU per infoshare request was
1.3-2.0 s whichever came first), so compare rows of one run, and repeat runs.

Run from the repository root:  .venv/bin/python bench/worker_throughput.py [--levels 1,8,32]
Results: a markdown table on stdout and JSON in bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flow_overhead as fo  # noqa: E402  (bench/ helpers: server, processes, outbox codes)
import support  # noqa: E402  (bench/ helpers shared with load.py)

ROOT = fo.ROOT
WATCH_EVERY = 0.25  # seconds between the drivers' reads of their runs (one read for all)
CONFIGURATIONS = ("bare", "bare-fork", "process", "fork")  # what --only may name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32", help="concurrencies")
    parser.add_argument("--only", default="bare,process,fork",
                        help="configurations, measured in this order (each later one meets a "
                        "Prefect database the earlier ones filled)")  # fmt: skip
    parser.add_argument("--bare-shape", default="4,3,3", metavar="FIRST,SECOND,THIRD",
                        help="the bare flow's tasks before each suspension and after the last "
                        "(0,0,0: Prefect's own floor for three executions and two suspensions)")  # fmt: skip
    parser.add_argument("--prefect-db", choices=["sqlite", "postgres"], default="sqlite",
                        help="the Prefect server's database (postgres: a scratch database on "
                        "127.0.0.1:5432, dropped after)")  # fmt: skip
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="the Prefect server's settings, e.g. "
                        "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE=20")  # fmt: skip
    args = parser.parse_args(argv)
    order = args.only.split(",")
    unknown = sorted(set(order) - set(CONFIGURATIONS))
    if unknown:
        parser.error(f"unknown configuration(s) {', '.join(unknown)}: "
                     f"choose from {', '.join(CONFIGURATIONS)}")  # fmt: skip
    if len(set(order)) < len(order):
        parser.error("--only names a configuration twice: each runs once a run (to repeat one, "
                     "run the bench again)")  # fmt: skip
    levels = [int(x) for x in args.levels.split(",")]
    bare_shape = dict(
        zip(("first", "second", "third"), map(int, args.bare_shape.split(",")), strict=True)
    )
    server_env = dict(x.split("=", 1) for x in args.server_env)
    helper = fo.load_server_helper()
    tmp = Path(tempfile.mkdtemp(prefix="infoshare-bench-workers-"))
    rows: list[dict[str, Any]] = []
    started = datetime.now(UTC)
    load_before = support.load1()
    with contextlib.ExitStack() as stack:
        database_url = None
        if args.prefect_db == "postgres":
            pg = stack.enter_context(support.scratch_postgres())
            database_url = pg.replace("postgresql://", "postgresql+asyncpg://", 1)
        server = stack.enter_context(helper.start_prefect_server(
            tmp / "prefect", database_url=database_url, extra_env=server_env))  # fmt: skip
        procs = stack.enter_context(fo.served_processes())
        for k in [k for k in os.environ if k.upper().startswith("PREFECT_")]:
            del os.environ[k]
        os.environ.update(server.env)
        bench = support.bench_home(tmp)
        home, store, hospital = bench.home, bench.store, bench.hospital
        infoshare_answer, infoshare_finished = bench.answer, bench.finished

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
             {"BARE_WORK_POOL": "bare"}, fo.BARE_DEPLOYMENT, bare_shape,
             (lambda _r, _k: {"note": "ok"}, lambda _r: True)),
            ("bare-fork", "bare Prefect flow, infoshare-fork worker",
             [sys.executable, "bench/bare_flow.py"],
             {"BARE_WORK_POOL": "bare-fork", "BARE_WORKER": "fork"}, fo.BARE_DEPLOYMENT,
             bare_shape, (lambda _r, _k: {"note": "ok"}, lambda _r: True)),
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
        assert [c[0] for c in configs] == list(CONFIGURATIONS)  # noqa: S101 - kept in step
        for key, label, cmd, extra, deployment, params, (answer, finished) in sorted(
            (c for c in configs if c[0] in order), key=lambda c: order.index(c[0])
        ):
            env = server.subprocess_env({**base, **extra})
            served = fo.start_served(key, cmd, env, tmp / f"{key}.log", ROOT)
            procs.append(served)
            time.sleep(3)  # its deployment applied to its own pool, not the previous one's
            fo.wait_for_deployment(api, deployment, served, 180)
            pool = api.get(f"/deployments/name/{deployment}").json()["work_pool_name"]
            while pool != (extra.get("INFOSHARE_WORK_POOL") or extra.get("BARE_WORK_POOL")):
                time.sleep(0.5)
                pool = api.get(f"/deployments/name/{deployment}").json()["work_pool_name"]

            def request(watch: support.RunWatch, deployment: str = deployment,
                        params: Any = params, answer: Any = answer,
                        finished: Any = finished) -> float:  # fmt: skip
                return support.one_request(api, deployment, params, answer, finished, watch)

            with support.RunWatch(api, WATCH_EVERY) as watch:
                warm = request(watch)
            print(f"{label}: warm-up request {warm:.1f} s", flush=True)
            for c in levels:
                load = support.load1()
                cpu0 = support.cpu_seconds(served.proc.pid)
                server0 = support.cpu_seconds(server.process.pid)
                driver0 = time.process_time()
                pg = support.postgres_pid() if args.prefect_db == "postgres" else None
                pg0 = support.cpu_seconds(pg) if pg else 0.0
                with support.RunWatch(api, WATCH_EVERY) as watch:
                    wall, each, failed = support.batch(c, functools.partial(request, watch=watch))
                time.sleep(1)  # the last processes reaped
                cpu = support.cpu_seconds(served.proc.pid) - cpu0
                server_cpu = support.cpu_seconds(server.process.pid) - server0
                driver_cpu = time.process_time() - driver0
                pg_cpu = support.cpu_seconds(pg) - pg0 if pg else None
                row = {
                    "config": label,
                    "concurrency": c,
                    "cpu_s_per_request": round(cpu / max(len(each), 1), 3),
                    "server_cpu_s_per_request": round(server_cpu / max(len(each), 1), 3),
                    # this process: the people (reading codes from the outbox, providing items,
                    # answering) and the watch of the runs
                    "driver_cpu_s_per_request": round(driver_cpu / max(len(each), 1), 3),
                    # PostgreSQL, Prefect's database (the store is SQLite, in the driver's and
                    # the worker's processes)
                    **(
                        {"postgres_cpu_s_per_request": round(pg_cpu / max(len(each), 1), 3)}
                        if pg_cpu is not None
                        else {}
                    ),  # fmt: skip
                    "wall_s_per_request": round(statistics.mean(each), 2) if each else None,
                    "requests_per_s": round(len(each) / wall, 3),
                    "failed": failed,
                    "load1_at_start": load,
                    "load1_at_end": support.load1(),
                    "watch_every_s": WATCH_EVERY,
                    "prefect_db": args.prefect_db,
                    **({"bare_shape": args.bare_shape} if key.startswith("bare") else {}),
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
            fo.stop_served(served)
            procs.remove(served)
        api.close()
        store.close()
    lines = [
        "| configuration | concurrency | CPU s / request | Prefect server CPU s / request | "
        "PostgreSQL CPU s / request | driver CPU s / request | wall s / request | "
        "requests / s | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {r['config']} | {r['concurrency']} | {r['cpu_s_per_request']:.2f} | "
            f"{r['server_cpu_s_per_request']:.2f} | {r.get('postgres_cpu_s_per_request', '')} | "
            f"{r['driver_cpu_s_per_request']:.2f} | {r['wall_s_per_request']} | "
            f"{r['requests_per_s']:.3f} | {r['load1_at_start']}-{r['load1_at_end']} |"
            for r in rows
        ),
    ]
    print("\n".join(lines))
    print(f"load average (1 min) at start {load_before}, at end {round(os.getloadavg()[0], 2)}")
    fo.RESULTS.mkdir(parents=True, exist_ok=True)
    out = fo.RESULTS / f"worker_throughput-{started:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({"started": started.isoformat(), "rows": rows,
                               "load_before": load_before, "prefect_db": args.prefect_db,
                               "server_env": server_env}, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
