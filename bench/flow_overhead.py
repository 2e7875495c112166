"""Benchmark: share-request's overhead over a bare Prefect flow, and the memory of waiting runs.

One run, one freshly started local Prefect server (SQLite, temp dir, tests/prefect_server.py):

1. latency: N scenario-2 requests (consent REFUSED: override + sign-off) from submission to
   decision record, answered instantly (item contents provided, then resumed as soon as the run
   is Suspended), against N runs of bench/bare_flow.py (same number of trivial tasks, the same
   two suspensions), served the same way (``serve(limit=INFOSHARE_SERVE_LIMIT)``, runner poll
   every 1 s). Runs alternate (infoshare, bare, infoshare, ...) so drift hits both alike; the
   first of each is a warm-up and is not counted.
2. memory: scenario-1 requests (consent OBTAINED, straight to sign-off) submitted in batches
   until 0, 25, 50, 100 wait Suspended; after each batch, once the serve process has no child
   left, the resident memory of the serve process and all its descendants is read from /proc.
   On 2 vCPUs the runs reach Suspended at about 0.3 runs/s, so 200 would take ~12 min on its
   own; ``--waiting 0,50,100,200 --memory-budget 900`` measures that (about 20 min in all).
   A checkpoint that would not fit in ``--memory-budget`` is skipped, and the report says so.

Answers carry the one-time code that share-request mails to each person who may answer (read
from the maildir outbox, $INFOSHARE_HOME/outbox, as no SMTP server is configured), and the
baseline's task counts per execution are taken from share-request's first run (its serve log).

The code under test (the project's packages: flows/, tasks/, infoshare/, notifications/, ...;
examples/ and bench/bare_flow.py) is copied to the temp dir first and put first on PYTHONPATH: each flow run imports it afresh, so edits to the
working tree during the ~12 minutes cannot mix versions. The timeliness watchdog is not served
(INFOSHARE_WATCHDOG_SECONDS=0), so no other run competes with the ones measured.

Run from the repository root:  .venv/bin/python bench/flow_overhead.py
Results: a markdown table on stdout and JSON in bench/results/ (gitignored).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POLL_S = 0.1  # how often the driver looks at a run's state
RUN_TIMEOUT_S = 180.0
INFOSHARE_DEPLOYMENT = "share-request/share-request"
BARE_DEPLOYMENT = "bare-suspend/bare-suspend"

OVERRIDE_INPUT = {
    "person_id": "nurse-lee",
    "grounds": ["SAFEGUARD_CHILDREN", "PROTECT_VULNERABLE"],
    "proportionality": "Two young children at risk; the partner has violence convictions; "
    "the information is limited to attendances and injuries.",
    "subject_informed": False,
    "not_informed_reason": "Telling the subject now could increase the risk from the partner.",
}
SIGNOFF_INPUT = {
    "approver_id": "caldicott-rao",
    "decision": "SHARE",
    "approved_items": ["item-1", "item-2"],
    "reasons": "Necessary and proportionate to safeguard the children; history withheld.",
    "redactions": "item-3 (mental health history) withheld: not necessary for the plan.",
    "dpo_advice": "",
}


# --- processes and memory (/proc only) ---------------------------------------------------------


def _stat(pid: int) -> tuple[int, int] | None:
    """(ppid, start time in clock ticks) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[19])


def descendants(root: int) -> list[tuple[int, int]]:
    """(pid, start time) of every descendant of ``root`` (any session, found by parent pid)."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (st := _stat(int(entry.name))) is not None:
            children.setdefault(st[0], []).append((int(entry.name), st[1]))
    out: list[tuple[int, int]] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child[0])
    return out


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class TreeMemory:
    total_mib: float  # the process and all its descendants
    main_mib: float  # the process alone
    children: int


def tree_memory(pid: int) -> TreeMemory:
    kids = descendants(pid)
    main = rss_kib(pid)
    total = main + sum(rss_kib(p) for p, _ in kids)
    return TreeMemory(round(total / 1024, 1), round(main / 1024, 1), len(kids))


@dataclass
class Served:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path
    seen: set[tuple[int, int]] = field(default_factory=set)

    def watch(self) -> None:
        """Remember descendants (flow-run processes start in their own session)."""
        self.seen.update(descendants(self.proc.pid))


def start_served(name: str, cmd: list[str], env: dict[str, str], log: Path, cwd: Path) -> Served:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a group by its pid
        )
    return Served(name, proc, log)


def stop_served(served: Served) -> None:
    """SIGTERM the serve process group, SIGKILL after 15 s; then any flow-run process it
    started (own sessions) that is still alive, by pid (checked against its start time)."""
    served.watch()
    proc = served.proc
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    for pid, started in served.seen:
        st = _stat(pid)
        if st is not None and st[1] == started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def log_tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "<no log>"


# --- driving runs ------------------------------------------------------------------------------


class BenchError(RuntimeError):
    pass


@dataclass
class RunTiming:
    kind: str
    flow_run_id: str
    warmup: bool
    total_s: float
    to_first_suspend_s: float
    resume1_to_second_suspend_s: float
    resume2_to_done_s: float
    task_runs: int
    tasks_per_execution: list[int]
    result: str
    load1_at_start: float  # 1-min load average: other work on the machine shows up here


def api_client(api_url: str) -> httpx.Client:
    return httpx.Client(base_url=api_url, timeout=30)


def wait_for_deployment(api: httpx.Client, name: str, served: Served, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.proc.poll() is not None:
            raise BenchError(f"{served.name} exited while starting:\n{log_tail(served.log)}")
        resp = api.get(f"/deployments/name/{name}")
        if resp.status_code == 200:
            return str(resp.json()["id"])
        time.sleep(0.5)
    raise BenchError(f"deployment {name} did not appear in {timeout:.0f}s")


def count_runs(api: httpx.Client, deployment_id: str, *, names: list[str] | None = None,
               types: list[str] | None = None) -> int:  # fmt: skip
    state: dict[str, Any] = {}
    if names:
        state["name"] = {"any_": names}
    if types:
        state["type"] = {"any_": types}
    body = {"flow_runs": {"deployment_id": {"any_": [deployment_id]}, "state": state}}
    resp = api.post("/flow_runs/count", json=body)
    resp.raise_for_status()
    return int(resp.json())


def count_in_file(path: Path, needle: str) -> int:
    try:
        return path.read_text(errors="replace").count(needle)
    except OSError:
        return 0


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def tasks_in_log(path: Path, offset: int, wait_s: float = 10.0) -> list[int]:
    """Task runs that finished in the serve log since ``offset`` (one run at a time), per
    execution of the flow (split at "Finished in state Suspended"), read once the run's final
    "Flow run ... Finished in state Completed()" line is there. The server deduplicates task
    runs across re-executions, so its task-run count is lower than this."""
    deadline = time.monotonic() + wait_s
    while True:
        with path.open("rb") as f:
            f.seek(offset)
            lines = f.read().decode(errors="replace").splitlines()
        done = any("| Flow run '" in ln and "Finished in state Completed()" in ln for ln in lines)
        if done or time.monotonic() > deadline:
            counts = [0]
            for ln in lines:
                if "| Task run '" in ln and "Finished in state" in ln:
                    counts[-1] += 1
                elif "| Flow run '" in ln and "Finished in state Suspended" in ln:
                    counts.append(0)
            return counts
        time.sleep(0.2)


CODE_LINE = re.compile(r"Your one-time code: ([A-Z2-7]{5}-[A-Z2-7]{5})")


# Each mail of an outbox read once (a delivered maildir file never changes): parsing them all
# again for each answer made the driver, not infoshare, the cost of an approval with 1,000
# requests waiting (2-3 thousand mails, 3.1 s an approval in bench/load.py).
_PARSED: dict[Path, tuple[str, str, str, str | None]] = {}


def mailed_code(outbox: Path, ref: str, email: str, kind: str, timeout: float = 30.0) -> str:
    """The newest one-time code of ``kind`` mailed to ``email`` for ``ref``, read from the
    maildir outbox (no SMTP configured), as the person would read it from their mail."""
    deadline = time.monotonic() + timeout
    parsed = _PARSED
    while True:
        found: list[tuple[str, str]] = []
        for sub in ("new", "cur"):
            folder = outbox / sub
            for path in folder.iterdir() if folder.is_dir() else []:
                if path not in parsed:
                    msg = message_from_bytes(path.read_bytes(), policy=default_policy)
                    assert isinstance(msg, EmailMessage)
                    body = msg.get_body(("plain",))
                    match = CODE_LINE.search(body.get_content() if body else "")
                    parsed[path] = (
                        str(msg["X-Infoshare-Reference"]),
                        str(msg["X-Infoshare-Kind"]),
                        str(msg["To"]),
                        match.group(1) if match else None,
                    )
                m_ref, m_kind, m_to, code = parsed[path]
                if m_ref == ref and m_kind == kind and email in m_to and code:
                    found.append((path.name, code))  # maildir names start with the time
        if found:
            return max(found)[1]
        if time.monotonic() > deadline:
            raise BenchError(f"no {kind} code for {email} on {ref} in the outbox {outbox}")
        time.sleep(0.05)


def drive(
    api: httpx.Client,
    kind: str,
    deployment: str,
    parameters: dict[str, Any],
    answer: Callable[[str, str | None], dict[str, Any]],
    finished: Callable[[str], str | None],
    served: Served,
    warmup: bool,
) -> RunTiming:
    """Submit one run, answer each suspension as soon as it is seen, time it to the end."""
    from uuid import UUID

    from prefect.flow_runs import resume_flow_run

    from infoshare import prefect_api

    offset = log_size(served.log)
    load1 = round(os.getloadavg()[0], 2)
    t0 = time.perf_counter()
    run_id = prefect_api.submit(parameters, deployment=deployment).id
    handled: set[str] = set()
    marks: list[float] = []  # seconds from submission: suspension 1 seen, suspension 2 seen
    while True:
        now = time.perf_counter() - t0
        body = api.get(f"/flow_runs/{run_id}").json()
        state = body.get("state") or {}
        stype = state.get("type")
        if stype == "PAUSED" and state.get("id") not in handled:
            handled.add(state["id"])
            marks.append(now)
            pause_key = (state.get("state_details") or {}).get("pause_key")
            resume_flow_run(UUID(run_id), run_input=answer(run_id, pause_key))
        elif stype == "COMPLETED" and (result := finished(run_id)) is not None:
            break
        elif stype in ("FAILED", "CRASHED", "CANCELLED"):
            raise BenchError(
                f"{kind} run {run_id} ended {state.get('name')}: {state.get('message')}\n"
                f"--- {served.name} log tail ---\n{log_tail(served.log)}"
            )
        if now > RUN_TIMEOUT_S:
            raise BenchError(f"{kind} run {run_id} not done after {RUN_TIMEOUT_S:.0f}s ({stype})")
        served.watch()
        time.sleep(POLL_S)
    total = time.perf_counter() - t0
    if len(marks) != 2:
        raise BenchError(f"{kind} run {run_id} suspended {len(marks)} times, expected 2")
    return RunTiming(
        kind=kind,
        flow_run_id=run_id,
        warmup=warmup,
        total_s=round(total, 3),
        to_first_suspend_s=round(marks[0], 3),
        resume1_to_second_suspend_s=round(marks[1] - marks[0], 3),
        resume2_to_done_s=round(total - marks[1], 3),
        task_runs=sum(per_execution := tasks_in_log(served.log, offset)),
        tasks_per_execution=per_execution,
        result=result,
        load1_at_start=load1,
    )


def summarise(runs: list[RunTiming]) -> dict[str, Any]:
    measured = [r for r in runs if not r.warmup]
    totals = [r.total_s for r in measured]

    def med(attr: str) -> float:
        return round(statistics.median(getattr(r, attr) for r in measured), 3)

    return {
        "runs": len(measured),
        "mean_s": round(statistics.mean(totals), 3),
        "median_s": round(statistics.median(totals), 3),
        "min_s": min(totals),
        "max_s": max(totals),
        "stdev_s": round(statistics.stdev(totals), 3) if len(totals) > 1 else 0.0,
        "median_to_first_suspend_s": med("to_first_suspend_s"),
        "median_resume1_to_second_suspend_s": med("resume1_to_second_suspend_s"),
        "median_resume2_to_done_s": med("resume2_to_done_s"),
        "task_runs_per_run": sorted({r.task_runs for r in measured}),
        "tasks_per_execution": sorted(
            {"+".join(map(str, r.tasks_per_execution)) for r in measured}
        ),
    }


# --- memory ------------------------------------------------------------------------------------


@dataclass
class MemorySample:
    waiting: int
    serve_tree_mib: float
    serve_main_mib: float
    serve_children: int
    prefect_server_tree_mib: float
    batch_seconds: float
    batch_peak_serve_tree_mib: float
    batch_peak_children: int


def memory_phase(
    api: httpx.Client,
    deployment_id: str,
    request: dict[str, Any],
    served: Served,
    server_pid: int,
    checkpoints: list[int],
    budget_s: float,
) -> tuple[list[MemorySample], list[str]]:
    from infoshare import prefect_api

    notes: list[str] = []
    samples: list[MemorySample] = []
    start = time.monotonic()
    submitted = 0
    rate: float | None = None  # runs reaching Suspended per second in the last batch (it falls
    # as runs accumulate: SQLite 'database is locked' retries), used to skip what won't fit
    for target in checkpoints:
        batch = target - submitted
        elapsed_b = peak = 0.0
        peak_children = 0
        if batch > 0:
            remaining = budget_s - (time.monotonic() - start)
            if rate is not None and batch / rate > remaining:
                notes.append(
                    f"stopped before {target} waiting: {batch} more runs at {rate:.2f} runs/s "
                    f"would take {batch / rate:.0f}s, {remaining:.0f}s of the memory budget left"
                )
                break
            tb = time.monotonic()
            for _ in range(batch):
                prefect_api.submit({"request": request}, deployment=INFOSHARE_DEPLOYMENT)
            submitted = target
            while True:
                served.watch()
                mem = tree_memory(served.proc.pid)
                peak, peak_children = max(peak, mem.total_mib), max(peak_children, mem.children)
                suspended = count_runs(api, deployment_id, names=["Suspended"])
                bad = count_runs(api, deployment_id, types=["FAILED", "CRASHED", "CANCELLED"])
                if bad:
                    raise BenchError(f"{bad} runs failed:\n{log_tail(served.log)}")
                if served.proc.poll() is not None:
                    raise BenchError(f"serve process exited:\n{log_tail(served.log)}")
                if suspended >= target and mem.children == 0:
                    break
                if time.monotonic() - start > budget_s * 1.5:
                    notes.append(
                        f"gave up at {suspended}/{target} suspended: 1.5x the memory budget used"
                    )
                    return samples, notes
                time.sleep(1.0)
            elapsed_b = time.monotonic() - tb
            rate = batch / elapsed_b
        time.sleep(2.0)  # let the serve loop settle after its last child exited
        mem = tree_memory(served.proc.pid)
        server_mem = tree_memory(server_pid)
        sample = MemorySample(
            waiting=count_runs(api, deployment_id, names=["Suspended"]),
            serve_tree_mib=mem.total_mib,
            serve_main_mib=mem.main_mib,
            serve_children=mem.children,
            prefect_server_tree_mib=server_mem.total_mib,
            batch_seconds=round(elapsed_b, 1),
            batch_peak_serve_tree_mib=peak,
            batch_peak_children=peak_children,
        )
        samples.append(sample)
        print(f"  memory: {sample}", flush=True)
    return samples, notes


# --- report ------------------------------------------------------------------------------------


def markdown(result: dict[str, Any]) -> str:
    lat = result["latency"]
    a, b = lat["infoshare"], lat["bare"]
    lines = [
        f"### Flow overhead ({result['started_at']}, {result['machine']['cpus']} CPUs, "
        f"Prefect {result['machine']['prefect']}, SQLite, serve limit {result['config']['serve_limit']}, "
        f"runner poll 1 s)",
        "",
        "Submission to decision record, approvals given as soon as the run is Suspended "
        f"({a['runs']} measured runs each after {result['config']['warmup']} warm-up):",
        "",
        "| flow | mean s | median s | min–max s | to 1st suspend | resume → 2nd suspend "
        "| resume → done | tasks run (log) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, s in (("share-request (scenario 2)", a), ("bare flow (baseline)", b)):
        lines.append(
            f"| {name} | {s['mean_s']:.2f} | {s['median_s']:.2f} | {s['min_s']:.2f}–"
            f"{s['max_s']:.2f} | {s['median_to_first_suspend_s']:.2f} | "
            f"{s['median_resume1_to_second_suspend_s']:.2f} | {s['median_resume2_to_done_s']:.2f} "
            f"| {', '.join(map(str, s['task_runs_per_run']))} "
            f"({', '.join(s['tasks_per_execution'])}) |"
        )
    goal = result["config"]["goal_ratio"]
    lines += [
        "",
        f"Ratio share-request / bare: **{lat['ratio_mean']:.2f}x** (mean), "
        f"**{lat['ratio_median']:.2f}x** (median); goal ≤ {goal}x: "
        f"{'met' if lat['ratio_mean'] <= goal else 'NOT met'} on the mean, "
        f"{'met' if lat['ratio_median'] <= goal else 'NOT met'} on the median. "
        f"Paired (each run against the bare run right after it): median "
        f"**{lat['ratio_paired_median']:.2f}x**, "
        f"{min(lat['paired_ratios']):.2f}–{max(lat['paired_ratios']):.2f}x. "
        f"1-min load average at run starts: {lat['load1_range'][0]:.2f}–"
        f"{lat['load1_range'][1]:.2f} (about 1 from this benchmark alone).",
        "",
        "Resident memory with requests waiting for sign-off (Suspended), measured once no "
        "flow-run process is left:",
        "",
        "| waiting | serve + children RSS MiB | serve process RSS MiB | children | batch time s "
        "| runs/s | peak RSS during batch MiB (children) | Prefect server RSS MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    prev = 0
    for m in result["memory"]["samples"]:
        batch = m["waiting"] - prev
        prev = m["waiting"]
        rate = f"{batch / m['batch_seconds']:.2f}" if m["batch_seconds"] else "-"
        lines.append(
            f"| {m['waiting']} | {m['serve_tree_mib']:.1f} | {m['serve_main_mib']:.1f} | "
            f"{m['serve_children']} | {m['batch_seconds']:.0f} | {rate} | "
            f"{m['batch_peak_serve_tree_mib']:.1f} ({m['batch_peak_children']}) | "
            f"{m['prefect_server_tree_mib']:.1f} |"
        )
    growth = result["memory"].get("growth")
    if growth:
        lines.append(
            f"\nServe process tree RSS from {growth['from_waiting']} to {growth['to_waiting']} "
            f"waiting: {growth['delta_mib']:+.1f} MiB ({growth['kib_per_waiting_run']:+.1f} KiB "
            "per waiting run); no flow-run process is alive while runs wait."
        )
    lines.append(
        "\nPrefect server log, 'database is locked' (SQLite) errors: "
        f"{lat['prefect_server_sqlite_locked_errors']} in the latency phase, "
        f"{result['memory']['prefect_server_sqlite_locked_errors']} in the memory phase."
    )
    for note in result["memory"]["notes"]:
        lines.append(f"\nNote: {note}")
    code = result["code"]
    before, after = code["working_tree_before"], code["working_tree_after"]
    dirty = before["uncommitted"]
    lines.append(
        f"\nCode under test: a snapshot of the working tree at commit {before['head']}"
        + (f" (uncommitted: {', '.join(dirty)})" if dirty else "")
        + f", sha256 {code['tested_snapshot_sha256'][:12]}."
    )
    if after["sha256_code"] != code["tested_snapshot_sha256"]:
        lines.append(
            f"The working tree changed during the run (now {after['head']}); the runs used the "
            "snapshot."
        )
    lines.append(f"\nTotal benchmark time {result['total_seconds']:.0f}s.")
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------


# The project's top-level packages (flows, tasks, infoshare, notifications, ...), not tests.
CODE_UNDER_TEST = tuple(
    sorted(
        d.name
        for d in ROOT.iterdir()
        if (d / "__init__.py").is_file() and d.name not in ("tests", "bench")
    )
)


def code_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for pkg in CODE_UNDER_TEST:
        for path in sorted((root / pkg).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def code_state() -> dict[str, Any]:
    """The commit, uncommitted files and a digest of the working tree's code under test."""

    def git(*args: str) -> str:
        proc = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return proc.stdout.rstrip("\n") if proc.returncode == 0 else ""

    changed = [ln[3:] for ln in git("status", "--porcelain").splitlines() if ln[3:]]
    return {
        "head": git("rev-parse", "--short", "HEAD").strip(),
        "uncommitted": changed,
        "sha256_code": code_digest(ROOT),
    }


def snapshot_code(dest: Path) -> Path:
    """Copy the code under test (and the examples and the baseline flow) so that edits to the
    working tree during the run do not mix versions: every flow run imports the code afresh.
    The snapshot goes first on PYTHONPATH, ahead of the editable install's finder."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in (*CODE_UNDER_TEST, "examples"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    (dest / "bench").mkdir(parents=True)
    shutil.copy2(ROOT / "bench" / "bare_flow.py", dest / "bench" / "bare_flow.py")
    return dest


def load_server_helper() -> Any:
    sys.path.insert(0, str(ROOT / "tests"))
    return importlib.import_module("prefect_server")


@contextlib.contextmanager
def served_processes() -> Iterator[list[Served]]:
    procs: list[Served] = []
    try:
        yield procs
    finally:
        for s in procs:
            stop_served(s)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5, help="measured runs per flow")
    parser.add_argument("--warmup", type=int, default=1, help="warm-up runs per flow")
    parser.add_argument("--waiting", default="0,25,50,100", help="memory checkpoints")
    parser.add_argument("--memory-budget", type=float, default=540, help="seconds for memory")
    parser.add_argument("--serve-limit", type=int, default=8, help="INFOSHARE_SERVE_LIMIT")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, dbs)")
    args = parser.parse_args(argv)
    checkpoints = sorted({int(x) for x in args.waiting.split(",")})
    started_at = datetime.now(UTC)
    t_start = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)
    helper = load_server_helper()

    tmp = Path(tempfile.mkdtemp(prefix="infoshare-bench-"))
    code_before = code_state()
    code = snapshot_code(tmp / "code")
    tested_digest = code_digest(code)
    sys.path.insert(0, str(code))  # this driver's own infoshare imports come from it too
    try:
        with helper.start_prefect_server(tmp / "prefect") as server, served_processes() as procs:
            print(f"Prefect server {server.api_url} up in {server.startup_seconds:.1f}s")
            home = tmp / "infoshare"
            for k in [k for k in os.environ if k.upper().startswith("PREFECT_")]:
                del os.environ[k]
            os.environ.update(server.env)
            os.environ["INFOSHARE_HOME"] = str(home)

            from infoshare.config import load_settings
            from infoshare.registry.spec import DEMO_REGISTRY
            from infoshare.setup import initialise
            from infoshare.store import Store

            # Four eyes off for the hospital, so that share-request has the two human steps
            # the baseline has (a second approval would be one more pause and resume).
            registry = json.loads(DEMO_REGISTRY.read_text())
            for agency in registry["agencies"]:
                if agency["id"] == "northshire-hospitals":
                    agency["four_eyes"] = False
            registry_file = tmp / "registry.json"
            registry_file.write_text(json.dumps(registry))
            store = Store(load_settings())
            initialise(store, registry_file)
            pythonpath = os.pathsep.join(p for p in (str(code), os.environ.get("PYTHONPATH")) if p)
            env = server.subprocess_env(
                {
                    "PYTHONPATH": pythonpath,
                    "INFOSHARE_HOME": str(home),
                    "INFOSHARE_WATCHDOG_SECONDS": "0",  # no timeliness watchdog runs in between
                    "PREFECT_RUNNER_POLL_FREQUENCY": "1",
                    "INFOSHARE_SERVE_LIMIT": str(args.serve_limit),
                    "PYTHONUNBUFFERED": "1",  # serve logs complete (tasks are counted there)
                }
            )
            infoshare = start_served(
                "flows.serve", [sys.executable, "-m", "flows.serve"], env, tmp / "serve.log", code
            )
            procs.append(infoshare)
            bare = start_served(
                "bare_flow", [sys.executable, "bench/bare_flow.py"], env, tmp / "bare.log", code
            )
            procs.append(bare)
            api = api_client(server.api_url)
            infoshare_dep = wait_for_deployment(api, INFOSHARE_DEPLOYMENT, infoshare, 120)
            wait_for_deployment(api, BARE_DEPLOYMENT, bare, 120)

            hospital = json.loads((code / "examples/scenario2-hospital.json").read_text())
            school = json.loads((code / "examples/scenario1-school-attendance.json").read_text())

            from infoshare.policy.answers import OverrideInput

            # Answers carry the one-time code mailed to the person (when the code asks for one).
            needs_code = "code" in OverrideInput.model_fields
            partnership = store.partnership()
            outbox = home / "outbox"

            def with_code(data: dict[str, Any], ref: str, person: str, kind: str) -> dict[str, Any]:
                if not needs_code:
                    return data
                member = partnership.member(person)
                assert member is not None and member.email, person
                return {**data, "code": mailed_code(outbox, ref, member.email, kind)}

            def infoshare_answer(run_id: str, pause_key: str | None) -> dict[str, Any]:
                ref = store.requests.ref_for_run(run_id)
                assert ref is not None
                if pause_key == "override-1":
                    for item in SIGNOFF_INPUT["approved_items"]:
                        store.requests.provide_item(
                            ref, item, f"{item} content".encode(), "nurse-lee"
                        )
                    return with_code(OVERRIDE_INPUT, ref, "nurse-lee", "override_needed")
                if pause_key == "signoff-1":
                    return with_code(SIGNOFF_INPUT, ref, "caldicott-rao", "approval_needed")
                raise BenchError(f"unexpected pause {pause_key!r} (an answer was refused?)")

            def infoshare_finished(run_id: str) -> str | None:
                ref = store.requests.ref_for_run(run_id)
                found = store.chain.record(ref) if ref else None
                return None if found is None else found[0].decision

            def bare_answer(run_id: str, pause_key: str | None) -> dict[str, Any]:
                return {"note": "ok"}

            runs: list[RunTiming] = []
            shape: dict[str, int] = {}  # the baseline's task counts, taken from share-request's
            total_runs = args.warmup + args.runs
            print(f"latency: {total_runs} runs of each flow, alternating ...", flush=True)
            for i in range(total_runs):
                warm = i < args.warmup
                r1 = drive(api, "infoshare", INFOSHARE_DEPLOYMENT, {"request": hospital},
                           infoshare_answer, infoshare_finished, infoshare, warm)  # fmt: skip
                if not shape:  # executions run e1, e2, e3 tasks: first, +second, +third
                    e1, e2, e3 = r1.tasks_per_execution
                    shape = {"first": e1, "second": max(e2 - e1, 0), "third": max(e3 - e2, 0)}
                    print(f"  share-request ran {r1.tasks_per_execution} tasks per execution; "
                          f"baseline shape {shape}", flush=True)  # fmt: skip
                r2 = drive(api, "bare", BARE_DEPLOYMENT, shape, bare_answer,
                           lambda _id: "done", bare, warm)  # fmt: skip
                runs += [r1, r2]
                print(f"  {'warm-up' if warm else 'run'} {i + 1}: share-request "
                      f"{r1.total_s:.2f}s ({r1.result}, {r1.task_runs} tasks), bare "
                      f"{r2.total_s:.2f}s ({r2.task_runs} tasks), load "
                      f"{r1.load1_at_start:.2f}/{r2.load1_at_start:.2f}", flush=True)  # fmt: skip
            locked = "database is locked"
            locked_latency = count_in_file(server.log_path, locked)
            measured = [r for r in runs if not r.warmup]
            paired = [  # each share-request run against the bare run right after it
                round(x.total_s / y.total_s, 3)
                for x, y in zip(measured[::2], measured[1::2], strict=True)
            ]
            a = summarise([r for r in runs if r.kind == "infoshare"])
            b = summarise([r for r in runs if r.kind == "bare"])

            stop_served(bare)  # idle from here on; the memory phase is share-request only
            print(f"memory: checkpoints {checkpoints} ...", flush=True)
            samples, notes = memory_phase(
                api, infoshare_dep, school, infoshare, server.pid, checkpoints, args.memory_budget
            )
            locked_memory = count_in_file(server.log_path, locked) - locked_latency
            api.close()
            store.close()
    finally:
        sys.path.remove(str(code))
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    import prefect

    growth = None
    if len(samples) > 1 and samples[-1].waiting > samples[0].waiting:
        first, last = samples[0], samples[-1]
        delta = last.serve_tree_mib - first.serve_tree_mib
        growth = {
            "from_waiting": first.waiting,
            "to_waiting": last.waiting,
            "delta_mib": round(delta, 1),
            "kib_per_waiting_run": round(delta * 1024 / (last.waiting - first.waiting), 1),
        }
    code_after = code_state()
    result: dict[str, Any] = {
        "benchmark": "flow_overhead",
        "code": {
            "tested_snapshot_sha256": tested_digest,
            "working_tree_before": code_before,
            "working_tree_after": code_after,
        },
        "started_at": started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "total_seconds": round(time.monotonic() - t_start, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "prefect": prefect.__version__,
            "platform": platform.platform(),
            "loadavg_1m_before": load_before,
            "loadavg_1m_after": round(os.getloadavg()[0], 2),
        },
        "config": {
            "runs": args.runs,
            "warmup": args.warmup,
            "serve_limit": args.serve_limit,
            "runner_poll_frequency_s": 1,
            "driver_poll_s": POLL_S,
            "checkpoints": checkpoints,
            "memory_budget_s": args.memory_budget,
            "goal_ratio": 1.3,
            "baseline_shape": shape,
            "one_time_codes": needs_code,
        },
        "latency": {
            "infoshare": a,
            "bare": b,
            "ratio_mean": round(a["mean_s"] / b["mean_s"], 3),
            "ratio_median": round(a["median_s"] / b["median_s"], 3),
            "paired_ratios": paired,
            "ratio_paired_median": round(statistics.median(paired), 3),
            "load1_range": [
                min(r.load1_at_start for r in runs),
                max(r.load1_at_start for r in runs),
            ],
            "runs": [asdict(r) for r in runs],
            "prefect_server_sqlite_locked_errors": locked_latency,
        },
        "memory": {
            "samples": [asdict(s) for s in samples],
            "notes": notes,
            "growth": growth,
            "prefect_server_sqlite_locked_errors": locked_memory,
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"flow_overhead-{started_at:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print()
    print(markdown(result))
    print(f"\nJSON: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
