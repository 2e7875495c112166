"""Decision records at scale: chained appends, `records verify`, subject search, dashboard.

Targets (issue 6): appends with chaining at least 2,000 records/s on SQLite; `records verify`
over 1,000,000 records in under 20 s; the timeliness dashboard queries and a subject search at
1,000,000 records in under 200 ms.

The store is filled the way production fills it, only faster: requests are real rows (personal
fields sealed under a fresh per-request data key), and records are appended through
``Store.append_records`` (chain lock, salted commitments, hash, sealed personal part, blind
index), each built from one real ``record_decision`` output with the reference, times and
subject changed. Received times are spread evenly over six years (the default record retention
period); each of 50,000 people is named in 1 of every 50,000 records (about 20 records each at
1,000,000).

    .venv/bin/python bench/records_scale.py [--records 1000000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from infoshare import reports  # noqa: E402
from infoshare.config import load_settings  # noqa: E402
from infoshare.crypto import seal  # noqa: E402
from infoshare.db.tables import DecisionRecordRow, RequestRow  # noqa: E402
from infoshare.models import ShareRequest  # noqa: E402
from infoshare.records.chain import verify  # noqa: E402
from infoshare.records.compose import record_decision  # noqa: E402
from infoshare.records.search import subject_search  # noqa: E402
from infoshare.redaction import public_view  # noqa: E402
from infoshare.setup import initialise  # noqa: E402
from infoshare.store import Store  # noqa: E402
from infoshare.store.requests import new_reference  # noqa: E402
from infoshare.worktime import now_utc  # noqa: E402

PEOPLE = 50_000
SIX_YEARS = timedelta(days=6 * 365)


def person(i: int) -> str:
    return f"Bench Person {i % PEOPLE:05d}"


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, Any]:
    """Median wall time in ms over ``repeat`` runs, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=1000, help="records per append transaction")
    ap.add_argument("--database-url", help="default: SQLite in a temp dir")
    ap.add_argument(
        "--spread-days", type=int, default=SIX_YEARS.days,
        help="received times spread evenly over this many days before now (default 6 years)",
    )  # fmt: skip
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="infoshare-records-") as home:
        env = {"INFOSHARE_HOME": home}
        if args.database_url:
            env["INFOSHARE_DATABASE_URL"] = args.database_url
        store = Store(load_settings(env))
        initialise(store)
        example = json.loads((ROOT / "examples" / "scenario1-school-attendance.json").read_text())
        req = ShareRequest.model_validate(example)
        sample = store.requests.register(req, None)
        record_decision(store, sample, failure="benchmark template")
        found = store.chain.record(sample)
        assert found is not None
        template_public, template_personal = found[0].public, found[1]
        agency = req.disclosing_agency
        now = now_utc()
        spread = timedelta(days=args.spread_days)
        start = now - spread
        step = spread / args.records

        print(f"filling {args.records:,} records ({store.engine.dialect.name}) ...", flush=True)
        refs: list[str] = []
        t0 = time.perf_counter()
        for lo in range(0, args.records, 10_000):
            rows = []
            for i in range(lo, min(lo + 10_000, args.records)):
                at = start + step * i
                ref = new_reference(at)
                key, wrapped = store.master.new_data_key(ref)
                r = req.model_copy(deep=True)
                r.subjects[0].name = person(i)
                rows.append(
                    {
                        "ref": ref,
                        "flow_run_id": None,
                        "received_at": at,
                        "requesting_agency": r.requesting_agency,
                        "disclosing_agency": r.disclosing_agency,
                        "requester_id": r.requester_id,
                        "urgency": r.urgency.value,
                        "due_at": at + timedelta(hours=72),
                        "status": "RECEIVED",
                        "public": public_view(r),
                        "wrapped_key": wrapped,
                        "sealed_request": seal(
                            key, r.model_dump_json().encode(), f"{ref}:request".encode()
                        ),
                    }
                )
                refs.append(ref)
            with store.session() as s:
                s.execute(insert(RequestRow), rows)
        fill_s = time.perf_counter() - t0
        print(f"  requests inserted in {fill_s:.0f} s", flush=True)

        def record_for(i: int, ref: str) -> tuple[DecisionRecordRow, dict[str, Any]]:
            at = start + step * i + timedelta(hours=5)
            public = copy.deepcopy(template_public)
            public.update(reference=ref, decided_at=at.isoformat())
            personal = copy.deepcopy(template_personal)
            personal["subjects"][0]["name"] = person(i)
            row = DecisionRecordRow(
                ref=ref,
                recorded_at=at,
                decision="SHARE_FULL",
                requesting_agency=req.requesting_agency,
                disclosing_agency=agency,
                urgency=req.urgency.value,
                due_at=at + timedelta(hours=67),
                decided_at=at,
                envelope_id=None,
                envelope_sha256=None,
                public=public,
            )
            return row, personal

        # Only the store's work is timed: the records to append are built first.
        single = min(2000, args.records // 10)
        spent = 0.0
        for i in range(single):
            row = record_for(i, refs[i])
            t0 = time.perf_counter()
            assert store.chain.append(*row)
            spent += time.perf_counter() - t0
        single_rate = single / spent
        spent = 0.0
        for lo in range(single, args.records, args.batch):
            hi = min(lo + args.batch, args.records)
            batch = [record_for(i, refs[i]) for i in range(lo, hi)]
            t0 = time.perf_counter()
            written = store.chain.append_many(batch)
            spent += time.perf_counter() - t0
            assert all(written)
            if hi % 100_000 < args.batch:
                print(f"  {hi:,} records appended", flush=True)
        batch_rate = (args.records - single) / spent

        t0 = time.perf_counter()
        (report,) = verify(store, agency)
        verify_s = time.perf_counter() - t0
        assert report.ok and report.records == args.records + 1, report.as_dict()

        name = person(PEOPLE // 2)
        search_ms, found_search = timed(lambda: subject_search(store, name, None, agency))
        hits = len(found_search.matches)
        assert hits == len(range(PEOPLE // 2, args.records, PEOPLE)), hits
        dob = template_personal["subjects"][0]["date_of_birth"]
        search_dob_ms, _ = timed(lambda: subject_search(store, name, dob, agency))
        dash_ms, _ = timed(lambda: reports.summary_markdown(store, now))
        month_ms, _ = timed(lambda: reports.timeliness(store, now - timedelta(days=30), now))

    size = args.records
    print()
    print(
        f"Decision records at {size:,} ({store.engine.dialect.name}, load {os.getloadavg()[0]:.2f})"
    )
    print()
    print("| what | result | target |")
    print("| --- | --- | --- |")
    print(f"| chained appends, one transaction each (`append_record`) | {single_rate:,.0f}/s | |")
    print(
        f"| chained appends, {args.batch:,} per transaction (`append_records`) "
        f"| {batch_rate:,.0f}/s | >= 2,000/s |"
    )
    print(
        f"| `records verify`, {report.records:,} records | {verify_s:.1f} s "
        f"({report.records / verify_s:,.0f}/s) | < 20 s at 1,000,000 |"
    )
    print(f"| subject search by name ({hits} matches) | {search_ms:.0f} ms | < 200 ms |")
    print(f"| subject search by name and date of birth | {search_dob_ms:.0f} ms | < 200 ms |")
    print(f"| timeliness dashboard (today, week, month) | {dash_ms:.0f} ms | < 200 ms |")
    print(f"| timeliness report, last 30 days | {month_ms:.0f} ms | < 200 ms |")


if __name__ == "__main__":
    main()
