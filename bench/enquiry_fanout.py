"""Benchmark (issue 14): a ten-agency enquiry against ten separate requests submitted together.

One freshly started local Prefect server (SQLite, temp dir, tests/prefect_server.py) and one
``python -m flows.serve`` (limit 16, no watchdog), served by infoshare's fork worker as ``up``
serves on Linux (``--worker serve``: Prefect's runner, a new process per execution). The registry is the demo's plus synthetic
housing providers (``bench-housing-N``, four eyes off, parties to the ISA) so that ten agencies
can be asked. The request is scenario 2's shared part with consent OBTAINED (no override): each
agency's run waits once, for its sign-off, which is given as soon as it is seen (the item's
content provided first; one-time codes read from the maildir outbox).

1. enquiry: one ``enquiry`` run asking the ten agencies; done when the enquiry record exists.
2. separate: the same ten requests submitted at once as ``share-request`` runs; done when the
   ten decision records exist.

Reported for each (after one warm-up of each): wall seconds from submission to the last record,
and machine time (user + system CPU of the serve process and all its descendants, flow-run
processes included once reaped; not the Prefect server's, nor this driver's), and the ratios
enquiry / separate. The 1-minute load average is printed: other work inflates everything.

Run from the repository root:  .venv/bin/python bench/enquiry_fanout.py [--agencies 10]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flow_overhead as fo  # noqa: E402  (bench/ helpers: server, processes, outbox codes)
from support import cpu_seconds  # noqa: E402

ROOT = fo.ROOT
ITEM = {"description": "Tenancy disturbance records, last 12 months",
        "necessity": "Reported disturbances corroborate the pattern of incidents."}  # fmt: skip


def registry(n: int) -> dict[str, Any]:
    """The demo registry with synthetic housing providers up to ``n`` agencies to ask."""
    from infoshare.registry.spec import DEMO_REGISTRY

    reg = json.loads(DEMO_REGISTRY.read_text())
    for agency in reg["agencies"]:
        agency["four_eyes"] = False
    asked = [a["id"] for a in reg["agencies"] if a["id"] not in ("northshire-mash",
                                                                   "northshire-police")]  # fmt: skip
    k = 0
    while len(asked) < n:
        k += 1
        aid = f"bench-housing-{k}"
        reg["agencies"].append({"id": aid, "name": f"Bench Housing {k}", "kind": "HOUSING",
                                "approver_roles": ["Head of Housing"], "four_eyes": False,
                                "dpo_email": f"dpo@{aid}.example"})  # fmt: skip
        reg["people"] += [
            {"id": f"{aid}-officer", "agency": aid, "name": f"Officer {k}",
             "role": "Housing Officer", "email": f"officer@{aid}.example"},
            {"id": f"{aid}-head", "agency": aid, "name": f"Head {k}", "role": "Head of Housing",
             "email": f"head@{aid}.example"},
        ]  # fmt: skip
        reg["isas"][0]["parties"].append(aid)
        asked.append(aid)
    reg["asked"] = asked[:n]
    return reg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1, help="measured rounds of each")
    parser.add_argument("--worker", choices=("fork", "serve"), default="fork",
                        help="what serves the flows: infoshare's fork worker (as `up` serves "
                        "on Linux) or Prefect's runner")  # fmt: skip
    args = parser.parse_args(argv)
    helper = fo.load_server_helper()
    tmp = Path(tempfile.mkdtemp(prefix="infoshare-bench-enquiry-"))
    started = datetime.now(UTC)
    load_before = round(os.getloadavg()[0], 2)
    rows: list[dict[str, Any]] = []
    with helper.start_prefect_server(tmp / "prefect") as server, fo.served_processes() as procs:
        for k in [k for k in os.environ if k.upper().startswith("PREFECT_")]:
            del os.environ[k]
        os.environ.update(server.env)
        home = tmp / "infoshare"
        os.environ["INFOSHARE_HOME"] = str(home)

        from prefect.flow_runs import resume_flow_run

        from infoshare import prefect_api
        from infoshare.config import load_settings
        from infoshare.setup import initialise
        from infoshare.store import Store

        reg = registry(args.agencies)
        asked: list[str] = reg.pop("asked")
        (tmp / "registry.json").write_text(json.dumps(reg))
        store = Store(load_settings())
        initialise(store, tmp / "registry.json")
        p = store.partnership()
        outbox = home / "outbox"
        shared = json.loads((ROOT / "examples/scenario2-enquiry.json").read_text())
        shared.update(consent="OBTAINED", consent_reason="She agreed.", urgency="AMBER")
        parts = [{"disclosing_agency": a, "items": [ITEM], "gateway": "CDA1998_S115"}
                 for a in asked]  # fmt: skip
        enquiry = {**shared, "agencies": parts}
        requests = [
            {**{k: v for k, v in shared.items() if k != "agencies"}, **part}
            for part in copy.deepcopy(parts)
        ]
        for r in requests:
            r.pop("agencies", None)

        def approvers(agency: str) -> list[str]:
            roles = p.agency(agency).approver_roles  # type: ignore[union-attr]
            return [m.id for m in p.members_of(agency) if m.role in roles]

        def code_for(ref: str, agency: str) -> tuple[str, str]:
            """The approver a code was mailed to (the agency's rules choose), and the code."""
            for _ in range(60):
                for who in approvers(agency):
                    member = p.member(who)
                    assert member is not None
                    try:
                        return who, fo.mailed_code(outbox, ref, member.email, "approval_needed",
                                                   timeout=0.5)  # fmt: skip
                    except fo.BenchError:
                        continue
            raise fo.BenchError(f"no approval code mailed for {ref}")

        def answer_all(run_ids: set[str], handled: set[str]) -> None:
            """Answer every run waiting for its sign-off, once per pause."""
            for run_id in list(run_ids):
                ref = store.requests.ref_for_run(run_id)
                if ref is None:
                    continue
                state = prefect_api.run(run_id)
                if state.state_type != "PAUSED" or state.state_id in handled:
                    continue
                handled.add(state.state_id)
                meta = store.requests.meta(ref)
                store.requests.provide_item(ref, "item-1", b"4 reports", "bench")
                who, code = code_for(ref, meta.disclosing_agency)
                resume_flow_run(UUID(run_id), run_input={
                    "approver_id": who, "code": code, "decision": "SHARE",
                    "approved_items": ["item-1"], "reasons": "Necessary and proportionate."})  # fmt: skip

        def run_enquiry() -> float:
            t0 = time.perf_counter()
            run_id = prefect_api.submit({"enquiry": enquiry},
                                        deployment=prefect_api.ENQUIRY_DEPLOYMENT).id  # fmt: skip
            handled: set[str] = set()
            while time.perf_counter() - t0 < 1800:
                ref = store.requests.ref_for_run(run_id)
                if ref and store.chain.record(ref):
                    return time.perf_counter() - t0
                if ref:
                    runs = {a.child_run_id for a in store.enquiries.asked(ref) if a.child_run_id}
                    answer_all(runs, handled)
                time.sleep(0.2)
            raise fo.BenchError("the enquiry was not closed in 1800 s")

        def run_separate() -> float:
            t0 = time.perf_counter()
            runs = {prefect_api.submit({"request": r}).id for r in requests}
            handled: set[str] = set()
            while time.perf_counter() - t0 < 1800:
                refs = [store.requests.ref_for_run(r) for r in runs]
                if all(ref and store.chain.record(ref) for ref in refs):
                    return time.perf_counter() - t0
                answer_all(runs, handled)
                time.sleep(0.2)
            raise fo.BenchError("the requests were not all recorded in 1800 s")

        env = server.subprocess_env({
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
            "INFOSHARE_HOME": str(home), "INFOSHARE_WATCHDOG_SECONDS": "0",
            "INFOSHARE_RETENTION_CRON": "off", "INFOSHARE_SERVE_LIMIT": "16",
            "PREFECT_RUNNER_POLL_FREQUENCY": "1", "PREFECT_WORKER_QUERY_SECONDS": "1",
            "INFOSHARE_WORKER": args.worker, "PYTHONUNBUFFERED": "1",
        })  # fmt: skip
        served = fo.start_served("serve", [sys.executable, "-m", "flows.serve"], env,
                                 tmp / "serve.log", ROOT)  # fmt: skip
        procs.append(served)
        api = fo.api_client(server.api_url)
        fo.wait_for_deployment(api, prefect_api.ENQUIRY_DEPLOYMENT, served, 180)
        print(f"warm-up: enquiry {run_enquiry():.1f} s, separate {run_separate():.1f} s",
              flush=True)  # fmt: skip
        for _ in range(args.rounds):
            for name, go in (("enquiry", run_enquiry), ("separate", run_separate)):
                load = round(os.getloadavg()[0], 2)
                cpu0 = cpu_seconds(served.proc.pid)
                wall = go()
                time.sleep(1)  # the last processes reaped
                row = {"how": name, "worker": args.worker, "agencies": args.agencies,
                       "wall_s": round(wall, 1),
                       "cpu_s": round(cpu_seconds(served.proc.pid) - cpu0, 1),
                       "load1_at_start": load}  # fmt: skip
                rows.append(row)
                print(json.dumps(row), flush=True)
        api.close()
        store.close()
    by = {h: [r for r in rows if r["how"] == h] for h in ("enquiry", "separate")}

    def mean(how: str, key: str) -> float:
        return sum(r[key] for r in by[how]) / len(by[how])

    print("| how | wall s to the last record | machine time s |\n|---|---:|---:|")
    for how in by:
        print(f"| {how} | {mean(how, 'wall_s'):.1f} | {mean(how, 'cpu_s'):.1f} |")
    print(
        f"ratio enquiry / separate: wall {mean('enquiry', 'wall_s') / mean('separate', 'wall_s'):.2f}"
        f", machine time {mean('enquiry', 'cpu_s') / mean('separate', 'cpu_s'):.2f}"
    )
    print(f"load average (1 min) at start {load_before}, at end {round(os.getloadavg()[0], 2)}")
    fo.RESULTS.mkdir(parents=True, exist_ok=True)
    out = fo.RESULTS / f"enquiry_fanout-{started:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps({"started": started.isoformat(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
