"""The Prefect API's runs page with 10,000 share requests waiting for a person (issue 15).

Issue 15 asks for the runs-list and count latency (the calls Prefect's UI makes) at 10,000
waiting, list under 1 s. bench/load.py measures them with real runs, submitted and run by
workers until they suspend, but each real submission costs about a second of this 2-vCPU
machine, so it stopped at 1,000 (10,000 would take about 2.5 hours). Here **no flow executes**:
the runs are created directly in the state a waiting request's run is in.

Prefect's server runs on a scratch PostgreSQL database (127.0.0.1:5432, dropped after), its
pool sized by ``--pool-size`` / ``--max-overflow`` as in bench/load.py. The share-request
deployment is registered through the API in the real one's shape (flow ``share-request``,
deployment ``share-request`` tagged ``infoshare`` on work pool ``infoshare``, the flow's own
parameter schema, enforced), and no worker is started. For each size N in ``--sizes``
(cumulative), ``--threads`` threads create runs with ``POST /deployments/{id}/create_flow_run``
until N exist, each created in state Suspended (type PAUSED, ``pause_reschedule`` true, pause
key ``signoff-1``, no timeout: what ``suspend_flow_run`` leaves on a run waiting at sign-off)
and as a run is once its intake has redacted it (tasks/run_data.py ``redact_run``): scenario
1's request with its personal fields replaced by a pointer to its reference, named and tagged
by reference, tier and agencies. What such a run does not have: its earlier states (Scheduled,
Pending, Running), task runs, logs and run input. Then, as bench/load.py measures them (median
of 5): ``POST /flow_runs/filter`` (the 50 newest), ``POST /flow_runs/count`` (all, and those
Suspended); the watchdog's reads of the waiting runs (median of 3; its sweep's only
Prefect-side work that grows with the runs waiting); and the RSS of the Prefect server's
processes. Every 5xx is counted (a 5xx while
creating is tried again, up to 5 times). The 1-minute load average is printed with every figure.

The store's side at 10,000 (the watchdog's sweep, a person's inbox) is measured by
bench/watchdog_sweep.py and bench/inbox_scale.py, which fill the store directly.

    .venv/bin/python bench/runs_list_scale.py                  # 1,000 then 10,000
    .venv/bin/python bench/runs_list_scale.py --sizes 200      # a quick check
Results: a markdown table on stdout and JSON in bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flow_overhead as fo  # noqa: E402
import load  # noqa: E402  (the runs page's calls, timed as there)
import support  # noqa: E402

POOL = "infoshare"
TIERS = ("RED", "AMBER", "GREEN", "ROUTINE")  # EMERGENCY asks more of a request
EXAMPLE = support.ROOT / "examples" / "scenario1-school-attendance.json"


def register_deployment(api: Any) -> str:
    """share-request's flow, work pool and deployment, as flows/serve.py and prefect.yaml make
    them (no worker); the deployment's id."""
    from prefect.utilities.callables import parameter_schema
    from prefect.workers.process import ProcessWorker

    from flows.share_request import share_request

    resp = api.post("/work_pools/", json={
        "name": POOL, "type": "process",
        "base_job_template": ProcessWorker.get_default_base_job_template()})  # fmt: skip
    resp.raise_for_status()
    resp = api.post("/flows/", json={"name": share_request.name})
    resp.raise_for_status()
    resp = api.post("/deployments/", json={
        "name": "share-request", "flow_id": resp.json()["id"], "tags": ["infoshare"],
        "work_pool_name": POOL, "work_queue_name": "default", "enforce_parameter_schema": True,
        "parameter_openapi_schema": parameter_schema(share_request).model_dump_for_openapi(),
        "job_variables": {"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "60"}},
        "entrypoint": "flows.share_request.share_request"})  # fmt: skip
    resp.raise_for_status()
    return str(resp.json()["id"])


def run_body(i: int) -> dict[str, Any]:
    """The ``i``-th run: Suspended at sign-off, its parameters, name and tags as after intake."""
    from prefect.states import Suspended, to_state_create

    from infoshare.markdown import label
    from infoshare.models import ShareRequest
    from infoshare.redaction import redacted_parameters
    from infoshare.store.requests import new_reference

    data = json.loads(EXAMPLE.read_text()) | {"urgency": TIERS[i % len(TIERS)]}
    req = ShareRequest.model_validate(data)
    ref = new_reference(datetime.now(UTC))
    tier, src, dst = req.urgency.value, req.requesting_agency, req.disclosing_agency
    message = (f"Waiting for the sign-off by a head of {dst}; this step is due in 3 working "
               f"days (UK time).")  # fmt: skip
    state = to_state_create(Suspended(timeout_seconds=None, pause_key="signoff-1",
                                      message=message))  # fmt: skip
    return {
        "name": label(f"{ref} {tier} {src} to {dst}"),
        "parameters": redacted_parameters(req, ref),
        "tags": ["infoshare", f"tier:{tier}", f"from:{src}", f"to:{dst}"],
        "state": state.model_dump(mode="json"),
        "empirical_policy": {"pause_keys": ["signoff-1"]},
    }


class Creator:
    """Creates runs from ``threads`` threads, each with its own client; counts 5xx answers."""

    def __init__(self, api_url: str, deployment_id: str, threads: int) -> None:
        self.api_url, self.deployment_id, self.threads = api_url, deployment_id, threads
        self.lock = threading.Lock()
        self.made = 0
        self.ids: list[str] = []
        self.errors: list[str] = []
        self.set_state_fallback = False
        self.failed: list[BaseException] = []

    def create(self, api: Any, i: int) -> None:
        body = run_body(i)
        for attempt in range(5):
            resp = api.post(f"/deployments/{self.deployment_id}/create_flow_run", json=body)
            if resp.status_code < 500:
                break
            with self.lock:
                self.errors.append(f"{resp.status_code} create: {resp.text[:150]}")
            time.sleep(0.5 * (attempt + 1))
        if resp.status_code >= 400:
            raise fo.BenchError(f"{resp.status_code} create: {resp.text[:300]}")
        run = resp.json()
        with self.lock:
            self.ids.append(run["id"])
        if (run.get("state") or {}).get("name") != "Suspended":  # not taken at creation
            self.set_state_fallback = True
            api.post(f"/flow_runs/{run['id']}/set_state",
                     json={"state": body["state"], "force": True}).raise_for_status()  # fmt: skip

    def up_to(self, n: int) -> float:
        """Create runs until ``n`` in all; their rate per second."""
        start, t0 = self.made, time.perf_counter()
        todo = iter(range(start, n))

        def go() -> None:
            with fo.api_client(self.api_url) as api:
                while True:
                    with self.lock:
                        i = next(todo, None)
                    if i is None or self.failed:
                        return
                    try:
                        self.create(api, i)
                    except Exception as exc:  # raised below, after the other threads stop
                        with self.lock:
                            self.failed.append(exc)
                        return
                    with self.lock:
                        self.made += 1
                        if self.made % 1000 == 0:
                            rate = (self.made - start) / (time.perf_counter() - t0)
                            print(f"  {self.made} runs, {rate:.1f}/s, load {support.load1()}",
                                  flush=True)  # fmt: skip

        threads = [threading.Thread(target=go) for _ in range(self.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if self.failed:
            raise fo.BenchError(f"creating runs: {self.failed[0]}")
        return round((self.made - start) / (time.perf_counter() - t0), 1)


def watchdog_reads(ids: list[str]) -> None:
    """What the watchdog's sweep asks of Prefect about the waiting runs: which have ended or
    vanished without a record (``tasks.timeliness._ended_or_gone``, a page of ids per call)."""
    from tasks.timeliness import _ended_or_gone

    ended, gone = _ended_or_gone(ids)
    if ended or gone:
        raise fo.BenchError(f"{len(ended)} runs seen ended and {len(gone)} gone; none should")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="runs waiting, cumulative")
    parser.add_argument("--threads", type=int, default=4, help="threads creating runs")
    parser.add_argument("--pool-size", type=int, default=20, help="Prefect's database pool")
    parser.add_argument("--max-overflow", type=int, default=20)
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    settings = {
        "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE": str(args.pool_size),
        "PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW": str(args.max_overflow),
    }
    helper = fo.load_server_helper()
    tmp = Path(tempfile.mkdtemp(prefix="infoshare-bench-runs-list-"))
    started = datetime.now(UTC)
    result: dict[str, Any] = {"started": started.isoformat(), "args": vars(args),
                              "server_settings": settings, "rows": []}  # fmt: skip
    with contextlib.ExitStack() as stack:
        db = stack.enter_context(support.scratch_postgres())
        server = stack.enter_context(helper.start_prefect_server(
            tmp / "prefect", extra_env=settings,
            database_url=db.replace("postgresql://", "postgresql+asyncpg://", 1)))  # fmt: skip
        api = stack.enter_context(fo.api_client(server.api_url))
        for k in [k for k in os.environ if k.upper().startswith("PREFECT_")]:
            del os.environ[k]
        os.environ.update(server.env)  # Prefect's client, as the watchdog uses it, at this server
        creator = Creator(server.api_url, register_deployment(api), args.threads)
        for n in sizes:
            row: dict[str, Any] = {"target": n, "load1_at_start": support.load1()}
            if n > creator.made:
                t0 = time.monotonic()
                row["created_per_s"] = creator.up_to(n)
                row["create_s"] = round(time.monotonic() - t0, 1)
            row["suspended"] = load.count(api, ["PAUSED"])
            row["all"] = load.count(api)
            row["api_list_s"] = load.timed(lambda: api.post("/flow_runs/filter", json={
                "limit": 50, "sort": "EXPECTED_START_TIME_DESC"}).raise_for_status(), 5)  # fmt: skip
            row["api_count_s"] = load.timed(lambda: load.count(api), 5)
            row["api_count_suspended_s"] = load.timed(lambda: load.count(api, ["PAUSED"]), 5)
            row["watchdog_reads_s"] = load.timed(lambda: watchdog_reads(creator.ids), 3)
            row["server_rss_mib"] = round(
                sum(fo.rss_kib(p["pid"]) for p in support.tree(server.process.pid)) / 1024, 1)  # fmt: skip
            row["postgres"] = support.memory_of_matching("postgres")
            row["prefect_5xx_so_far"] = len(creator.errors)
            row["load1_at_end"] = support.load1()
            result["rows"].append(row)
            print(json.dumps(row), flush=True)
        newest = api.post("/flow_runs/filter", json={"limit": 1}).json()[0]
        result["sample_run"] = {k: newest[k] for k in (
            "name", "tags", "parameters", "state_type", "state_name", "expected_start_time",
            "start_time", "empirical_policy")} | {"state": newest["state"]}  # fmt: skip
        result["set_state_fallback"] = creator.set_state_fallback
        result["prefect_5xx"] = creator.errors[:20]
        result["server_log_errors"] = fo.count_in_file(server.log_path, "ERROR")
    print(markdown(result))
    fo.RESULTS.mkdir(parents=True, exist_ok=True)
    out = fo.RESULTS / f"runs_list_scale-{started:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"JSON: {out.relative_to(support.ROOT)}")
    return 0


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "| waiting (Suspended) | created/s | filter 50 newest s | count all s "
        "| count Suspended s | watchdog's reads s | server RSS MiB | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['suspended']} | {r.get('created_per_s', '-')} | {r['api_list_s']} | "
            f"{r['api_count_s']} | {r['api_count_suspended_s']} | {r['watchdog_reads_s']} | "
            f"{r['server_rss_mib']} | "
            f"{r['load1_at_start']}-{r['load1_at_end']} |"
        )
    how = ("created, then set Suspended (forced)" if result["set_state_fallback"]
           else "created Suspended by create_flow_run")  # fmt: skip
    lines.append(f"\nRuns {how}; 5xx from Prefect: {len(result['prefect_5xx'])}; "
                 f"ERROR lines in the server log: {result['server_log_errors']}")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
