"""Benchmark (issue 16): CPU seconds a new Python spends importing a module, as a flow-run
process started by a spawning worker (process worker, ``serve``) does before its run begins.

Each sample is a fresh ``python -c`` that imports the module; reported is the CPU (user +
system) of the import alone, measured inside that process, and of the whole process (the
interpreter's start included). Codes given with ``--code`` (another checkout, e.g. an older
version made with ``git archive``) are measured in turn, sample by sample, so a change in the
machine's load hits each alike; the 1-minute load average is printed with the result.

    .venv/bin/python bench/import_cost.py                                  # flows.share_request
    .venv/bin/python bench/import_cost.py --code /tmp/old --code . --samples 9
    .venv/bin/python bench/import_cost.py --module prefect.engine
    .venv/bin/python bench/import_cost.py --code /tmp/old --code . --deadline   # + a deadline
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = (
    "from datetime import date; from infoshare.worktime import is_bank_holiday; "
    "is_bank_holiday(date.today())"
)
PROBE = """
import resource, sys, importlib
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t = cpu()
importlib.import_module(sys.argv[1])
exec(sys.argv[2])
print(cpu() - t)
"""


def sample(code: Path, module: str, then: str, home: Path) -> tuple[float, float]:
    """(CPU of the import and ``then``, CPU of the whole process) in a fresh interpreter
    importing from ``code``, with ``home`` as its INFOSHARE_HOME."""
    env = {**os.environ, "PYTHONPATH": str(code), "INFOSHARE_HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, module, then], env=env, cwd=code, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return float(out.stdout.split()[-1]), total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="flows.share_request")
    parser.add_argument("--code", action="append", type=Path, help="checkouts (default: this)")
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--then", default="pass",
                        help="Python run after the import, measured with it, e.g. what a step "
                        "does first")  # fmt: skip
    parser.add_argument("--deadline", action="store_const", dest="then", const=DEADLINE,
                        help="after the import, what a step computing a deadline does first")  # fmt: skip
    args = parser.parse_args(argv)
    codes = [c.resolve() for c in args.code or [ROOT]]
    found: dict[Path, list[tuple[float, float]]] = {c: [] for c in codes}
    load = os.getloadavg()[0]
    home = Path(tempfile.mkdtemp(prefix="infoshare-bench-import-"))
    for code in codes:  # not measured: what a first process leaves in the home
        sample(code, args.module, args.then, home)
    for _ in range(args.samples):
        for code in codes:
            found[code].append(sample(code, args.module, args.then, home))
    rows = []
    for code, samples in found.items():
        rows.append({
            "code": str(code),
            "module": args.module,
            "then": args.then,
            "import_cpu_s_median": round(statistics.median(s[0] for s in samples), 3),
            "import_cpu_s_min": round(min(s[0] for s in samples), 3),
            "process_cpu_s_median": round(statistics.median(s[1] for s in samples), 3),
            "samples": args.samples,
        })  # fmt: skip
    print(json.dumps(rows, indent=1))
    print(f"load average (1 min) at start {load:.2f}, at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
