"""What the gate adds to a Prefect API call: the same requests straight to a locked Prefect
server (with its auth string) and through ``infoshare gate serve`` (signed in as a person).

    .venv/bin/python bench/gate_overhead.py [--requests 200]      # ~1 min on 2 vCPUs

Reports the median and 95th percentile of: the runs list query the UI makes
(``POST /api/flow_runs/filter``), a run's page read (``GET /api/flow_runs/{id}``), and the
gate's forward-auth decision (``GET /gate/decide``, as nginx asks it)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from gate_support import (  # noqa: E402
    AUTH,
    as_infoshare,
    locked_prefect,
    make_deployments,
    running_gate,
    signed_in,
)
from workspace_support import make_store  # noqa: E402


def timed(n: int, call: object) -> tuple[float, float]:
    took = []
    for _ in range(n):
        t = time.perf_counter()
        r = call()  # type: ignore[operator]
        took.append((time.perf_counter() - t) * 1000)
        assert r.status_code < 300, r.text
    took.sort()
    return statistics.median(took), took[int(len(took) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    n = parser.parse_args().requests
    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp))
        with locked_prefect(Path(tmp) / "prefect") as server:
            deployments = make_deployments(server)
            upstream = server.api_url.removesuffix("/api")
            with running_gate(store.settings.home, upstream, AUTH) as gate:
                cookie = signed_in(store, "pc-ahmed")
                with (
                    httpx.Client(base_url=upstream, headers=as_infoshare()) as direct,
                    gate.client(cookie) as through,
                ):
                    run = through.post(
                        f"/api/deployments/{deployments['share-request']}/create_flow_run",
                        json={"parameters": {}},
                    ).json()["id"]
                    cases = {
                        "POST /api/flow_runs/filter": lambda c: c.post(
                            "/api/flow_runs/filter", json={"limit": 50}
                        ),
                        "GET /api/flow_runs/{id}": lambda c: c.get(f"/api/flow_runs/{run}"),
                    }
                    for name, call in cases.items():
                        for c in (direct, through):  # warm up both
                            timed(10, lambda c=c, call=call: call(c))
                        d = timed(n, lambda call=call: call(direct))
                        g = timed(n, lambda call=call: call(through))
                        print(f"{name:32} direct median {d[0]:6.1f} ms p95 {d[1]:6.1f} | "
                              f"gate median {g[0]:6.1f} ms p95 {g[1]:6.1f}")  # fmt: skip
                    headers = {"x-original-method": "POST",
                               "x-original-uri": "/api/flow_runs/filter"}  # fmt: skip
                    dec = timed(n, lambda: through.get("/gate/decide", headers=headers))
                    print(f"{'GET /gate/decide (forward-auth)':32} median {dec[0]:6.1f} ms "
                          f"p95 {dec[1]:6.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
