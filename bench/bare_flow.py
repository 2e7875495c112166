"""Baseline for bench/flow_overhead.py: a bare Prefect flow shaped like share-request.

Same shape as a consent-override request (scenario 2) as executed: trivial tasks, two
``suspend_flow_run(wait_for_input=...)`` calls, and re-execution from the top after each resume,
so the executions run ``first``, ``first + second`` and ``first + second + third`` tasks. The
benchmark sets these from share-request's own counts (its serve log); the defaults (4, 3, 3:
4, 7 and 10 tasks, 21 in all) are share-request's path when this was written (intake, triage,
consent-check, override-form; + override-justification, override-form, signoff-form;
+ senior-signoff, signoff-form, signoff-outcome, encrypted-transfer, record-decision).
Since 7 December 2026 a woken share-request run reads where its request stands (one
``resume-point`` task) instead of running its done steps again: 6, 5 and 7 task runs, 18 in
all. The peer keeps Prefect's plain shape (every execution re-runs the tasks before it), and
``bench/worker_throughput.py --bare-shape 0,0,0`` measures Prefect's floor with no tasks.

Served exactly like ``flows.serve``: ``python bench/bare_flow.py`` (from the repository root),
with ``INFOSHARE_SERVE_LIMIT`` as the process limit; with BARE_WORK_POOL=<pool>, on a process
work pool with a process worker instead (bench/worker_throughput.py; bench/ on PYTHONPATH), or
with BARE_WORKER=fork as well, on infoshare's fork worker (Prefect's own cost under it).
"""

from __future__ import annotations

import os

from prefect import flow, serve, task
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput

DEPLOYMENT = "bare-suspend/bare-suspend"


class Go(RunInput):
    """A small resume input (one field), like a minimal resume form."""

    note: str = "ok"


@task(name="trivial", cache_policy=None)
def trivial(i: int) -> int:
    return i


@flow(name="bare-suspend", persist_result=False)
def bare_suspend(first: int = 4, second: int = 3, third: int = 3) -> str:
    for i in range(first):
        trivial(i)
    suspend_flow_run(wait_for_input=Go, key="one", timeout=None)
    for i in range(second):
        trivial(i)
    suspend_flow_run(wait_for_input=Go, key="two", timeout=None)
    for i in range(third):
        trivial(i)
    return "done"


def main() -> None:
    limit = int(os.environ.get("INFOSHARE_SERVE_LIMIT", "8"))
    pool = os.environ.get("BARE_WORK_POOL")
    if pool:  # under a process worker, as flows.serve does with INFOSHARE_WORKER=process
        import asyncio

        from bare_flow import bare_suspend as importable  # not __main__'s: a module path
        from prefect.deployments.runner import EntrypointType

        from flows.serve import WORKER_TYPES, work

        deployment = importable.to_deployment(
            name="bare-suspend", tags=["bench"], entrypoint_type=EntrypointType.MODULE_PATH
        )
        kind = os.environ.get("BARE_WORKER", "process")
        if kind == "fork":  # that worker runs its catalogue's flows only: this one, in the bench
            from flows import catalogue

            catalogue.ENTRYPOINTS[bare_suspend.name] = "bare_flow.bare_suspend"
        asyncio.run(work(pool, WORKER_TYPES[kind], [deployment], limit))  # type: ignore[list-item]
        return
    serve(
        bare_suspend.to_deployment(name="bare-suspend", tags=["bench"]),
        limit=limit,
        print_starting_message=True,
    )


if __name__ == "__main__":
    main()
