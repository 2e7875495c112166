"""A person's inbox as the requests waiting at their agency grow (issue 15).

``infoshare inbox`` and the workspace's *My work* list what a person may answer now: every
request waiting at their agency, each checked for who may answer it (the sign-off's required
rank, never the requester, the override's justifier or a first approver). bench/load.py found
the query at 4.4 s with 1,000 waiting at one school: a few queries and unseals per request.

A scratch PostgreSQL database (127.0.0.1:5432, dropped after) is filled with N requests of
scenario 1 (the school, waiting at sign-off), registered and triaged as a run does. Then,
median of 3: *per request*, the same answer reached one request at a time
(``eligibility.eligible`` and ``pauses.pause_key``, as ``inbox.waiting_for`` did until
7 December 2026), and *batched*, ``inbox.waiting_for`` itself (a query for the requests and one
for their steps, per 500).

    .venv/bin/python bench/inbox_scale.py [--sizes 100,1000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import support  # noqa: E402  (bench/ helpers: a scratch database, a bench home)

EXAMPLE = support.ROOT / "examples" / "scenario1-school-attendance.json"
PERSON, AGENCY = "school-head", "northshire-academy"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="requests waiting, cumulative")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, support.scratch_postgres() as db:
        bench = support.bench_home(Path(tmp), db.replace("postgresql://", "postgresql+psycopg://"))
        from infoshare import inbox, timeliness
        from infoshare.identity import eligibility, pauses
        from infoshare.models import ShareRequest
        from infoshare.steps import run_triage
        from infoshare.worktime import now_utc

        store = bench.store
        request = ShareRequest.model_validate(json.loads(EXAMPLE.read_text()))

        def per_request() -> int:
            p = store.partnership()
            waiting = timeliness.waiting_for_person(*timeliness.WAITING_STATUSES)
            found = 0
            for r in timeliness.open_requests(store, waiting, timeliness.disclosed_by(AGENCY)):
                step = r.waiting_for
                assert step is not None
                if PERSON in {m.id for m in eligibility.eligible(store, r.ref, step, p)}:
                    pauses.pause_key(store, r.ref, step.value)
                    found += 1
            return found

        def batched() -> int:
            return len(inbox.waiting_for(store, PERSON, now_utc()))

        made = 0
        print("| waiting | per request s | batched s | load |")
        print("| ---: | ---: | ---: | ---: |")
        for size in [int(x) for x in args.sizes.split(",")]:
            while made < size:
                ref = store.requests.register(request, f"5b1e1b0e-0000-4000-8000-{made:012d}")
                run_triage(store, ref)
                store.requests.set_status(ref, "AWAITING_SIGNOFF")
                made += 1
            start = support.load1()
            times = {name: _median(fn, size) for name, fn in (("per", per_request),
                                                               ("batched", batched))}  # fmt: skip
            print(f"| {size} | {times['per']:.3f} | {times['batched']:.3f} | "
                  f"{start}-{support.load1()} |", flush=True)  # fmt: skip
    return 0


def _median(fn: Callable[[], int], expected: int) -> float:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        found = fn()
        times.append(time.perf_counter() - t0)
        assert found == expected, f"{found} listed, {expected} waiting"
    return statistics.median(times)


if __name__ == "__main__":
    sys.exit(main())
