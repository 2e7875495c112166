"""The watchdog's sweep over 10,000 open requests (target: under 2 seconds).

Measures the store work of one sweep, without Prefect: find overdue requests, steps to remind,
escalate or fall back, build the timeliness-open-requests table and the timeliness-summary
markdown (today, this week, this month). Requests are registered through the real store
(personal fields encrypted), given a deadline, and set waiting for sign-off with the sign-off's
own window open, as a run opens it (without that window the escalation check skipped every
request, so until 7 December 2026 this bench did not see its cost: a few queries per request);
1% are overdue, so each sweep also expires them (first sweep) and finds nothing left to do
(later sweeps).

    .venv/bin/python bench/watchdog_sweep.py [--requests 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infoshare import escalation, reports, timeliness  # noqa: E402
from infoshare.config import load_settings  # noqa: E402
from infoshare.db.tables import RequestRow  # noqa: E402
from infoshare.models import ShareRequest, Step  # noqa: E402
from infoshare.setup import initialise  # noqa: E402
from infoshare.store import Store  # noqa: E402
from infoshare.worktime import now_utc  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=10_000)
    ap.add_argument("--sweeps", type=int, default=5)
    ap.add_argument("--database-url", help="default: SQLite in a temp dir")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="infoshare-sweep-") as home:
        env = {"INFOSHARE_HOME": home}
        if args.database_url:
            env["INFOSHARE_DATABASE_URL"] = args.database_url
        store = Store(load_settings(env))
        initialise(store)
        template = json.loads((ROOT / "examples" / "scenario1-school-attendance.json").read_text())
        req = ShareRequest.model_validate(template)
        now = now_utc()
        t0 = time.perf_counter()
        refs = [store.requests.register(req, None, received_at=now) for _ in range(args.requests)]
        with store.session() as s:
            for i, ref in enumerate(refs):
                row = s.get(RequestRow, ref)
                assert row is not None
                row.status = "AWAITING_SIGNOFF"
                overdue = i % 100 == 0
                row.due_at = now + (timedelta(minutes=-5) if overdue else timedelta(hours=72))
        for ref in refs:  # the sign-off's own window, as the run opens it when it waits
            timeliness.open_window(store, ref, Step.SIGNOFF, now)
        setup_s = time.perf_counter() - t0

        times = []
        expired_first = 0
        for sweep in range(args.sweeps):
            t = time.perf_counter()
            late = timeliness.overdue(store, now)
            expired = [r.ref for r in late if timeliness.expire(store, r, now)]
            # what else a sweep asks of the store: steps to remind, escalate, or fall back
            escalation.reminders_due(store, now)
            escalation.escalations_due(store, now)
            timeliness.lapses_due(store, now)
            table = reports.open_requests_table(timeliness.open_requests(store), now)
            summary = reports.summary_markdown(store, now)
            times.append(time.perf_counter() - t)
            if sweep == 0:
                expired_first = len(expired)
            assert table and "### This month" in summary
        store.close()

    print(
        f"| requests open | setup (s) | first sweep, expiring {expired_first} (s) | "
        "median later sweep (s) | target |"
    )
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| {args.requests:,} | {setup_s:.1f} | {times[0]:.2f} | "
        f"{statistics.median(times[1:] or times):.2f} | < 2 s |"
    )


if __name__ == "__main__":
    main()
