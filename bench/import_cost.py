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
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import resource, sys, importlib
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t = cpu()
importlib.import_module(sys.argv[1])
print(cpu() - t)
"""


def sample(code: Path, module: str) -> tuple[float, float]:
    """(CPU of the import, CPU of the whole process) in a fresh interpreter importing from
    ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, module], env=env, cwd=code, check=True,
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
    args = parser.parse_args(argv)
    codes = [c.resolve() for c in args.code or [ROOT]]
    found: dict[Path, list[tuple[float, float]]] = {c: [] for c in codes}
    load = os.getloadavg()[0]
    for _ in range(args.samples):
        for code in codes:
            found[code].append(sample(code, args.module))
    rows = []
    for code, samples in found.items():
        rows.append({
            "code": str(code),
            "module": args.module,
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
