"""The benchmarks in bench/ are scripts nobody runs in CI (timing goals are met there, not in
timed tests): each must at least import, so a helper moved elsewhere is caught here and not
by whoever next runs the benchmark (enquiry_fanout.py once imported a function from a module
that no longer had it)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

SCRIPTS = sorted(p.stem for p in (ROOT / "bench").glob("*.py"))


def test_every_benchmark_imports() -> None:
    assert "enquiry_fanout" in SCRIPTS and "load" in SCRIPTS
    check = (
        "import importlib, sys, traceback\n"
        "sys.path[:0] = ['bench', '.']\n"
        "failed = 0\n"
        f"for name in {SCRIPTS!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except BaseException:\n"
        "        failed += 1\n"
        "        print(f'bench/{name}.py:', traceback.format_exc(limit=1))\n"
        "sys.exit(failed)\n"
    )
    done = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
