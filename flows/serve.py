"""Serve infoshare's deployments from this process (the embedded default).

Production declares the same deployments in prefect.yaml for ``prefect deploy --all`` and
process workers; this is the one-machine equivalent used by ``infoshare up`` and the tests.

INFOSHARE_SERVE_LIMIT       concurrent runs (default 8)
INFOSHARE_WATCHDOG_SECONDS  how often the timeliness watchdog runs (default 60; 0: not served)
INFOSHARE_RETENTION_CRON    when the retention job runs, London time (default daily 02:30,
                            "30 2 * * *"; "off": not served)
PREFECT_FLOWS_HEARTBEAT_FREQUENCY  how often a flow-run process reports that it is alive
                            (default here 60 s); a run silent for three periods is marked
                            Crashed and recorded
INFOSHARE_WORKER            "fork": instead of serving, put the deployments on a work pool of
                            infoshare's own worker type (infoshare-fork, flows/forkworker.py;
                            created if missing) and run that worker here, which forks each
                            flow-run process from one that has imported Prefect and the flows
                            once; "process": the same with Prefect's process worker (a new
                            Python per run); "serve" (default): Prefect's runner, a new Python
                            per run
INFOSHARE_WORK_POOL         the work pool for INFOSHARE_WORKER=fork (default "infoshare")
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from typing import Any, cast
from uuid import UUID

from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy, FlowRun
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.exceptions import ObjectNotFound, TerminationSignal
from prefect.runner import Runner, _starter_direct
from prefect.schedules import Cron
from prefect.utilities.callables import ParameterSchema

from flows.enquiry import enquiry
from flows.retention import RETENTION_CRON, RETENTION_TIMEZONE, retention
from flows.share_request import share_request
from flows.watchdog import (
    HEARTBEAT_SECONDS,
    RECORD_ENDED_RUN_TRIGGER,
    record_ended_run_flow,
    silent_run_trigger,
    watchdog,
)
from infoshare.files import private_umask, tighten
from infoshare.request_form import enquiry_form_schema, form_schema
from infoshare.store import default_store

RUN_ID_ENV = "PREFECT__FLOW_RUN_ID"
WORKER_TYPES = {"fork": "infoshare-fork", "process": "process"}
Served = list[tuple[RunnerDeployment, Flow[..., Any]]]


def deployments(heartbeat: int, entrypoint_type: EntrypointType) -> Served:
    """infoshare's deployments as this environment configures them, each with its flow."""
    every = int(os.environ.get("INFOSHARE_WATCHDOG_SECONDS", "60"))
    requests = cast(
        RunnerDeployment,
        share_request.to_deployment(
            name="share-request", tags=["infoshare"], entrypoint_type=entrypoint_type
        ),
    )
    # the run form offers the registry's agencies and people (``infoshare registry load``
    # refreshes it while this runs)
    requests._parameter_openapi_schema = ParameterSchema.model_validate(
        form_schema(requests._parameter_openapi_schema.model_dump(), default_store().partnership())
    )
    enquiries = cast(
        RunnerDeployment,
        enquiry.to_deployment(name="enquiry", tags=["infoshare"], entrypoint_type=entrypoint_type),
    )
    enquiries._parameter_openapi_schema = ParameterSchema.model_validate(
        enquiry_form_schema(
            enquiries._parameter_openapi_schema.model_dump(), default_store().partnership()
        )
    )
    # the recorder first: a worker applies these in order (``work``), and no request should be
    # submitted before the automations that record a run that ended badly exist
    served: Served = [
        (
            cast(
                RunnerDeployment,
                record_ended_run_flow.to_deployment(
                    name="record-ended-run",
                    entrypoint_type=entrypoint_type,
                    tags=["infoshare"],
                    triggers=[RECORD_ENDED_RUN_TRIGGER, silent_run_trigger(heartbeat)],
                ),
            ),
            record_ended_run_flow,
        ),
        (requests, share_request),
        (enquiries, enquiry),
    ]
    one_at_a_time = ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
    )
    if every > 0:
        # a slow sweep must not overlap the next one (duplicate reminders)
        sweep = watchdog.to_deployment(
            name="watchdog", interval=every, entrypoint_type=entrypoint_type,
            tags=["infoshare"], concurrency_limit=one_at_a_time,
        )  # fmt: skip
        served.append((cast(RunnerDeployment, sweep), watchdog))
    cron = os.environ.get("INFOSHARE_RETENTION_CRON") or RETENTION_CRON
    if cron != "off":
        daily = retention.to_deployment(
            name="retention", schedules=[Cron(cron, timezone=RETENTION_TIMEZONE)],
            entrypoint_type=entrypoint_type, tags=["infoshare"], concurrency_limit=one_at_a_time,
        )  # fmt: skip
        served.append((cast(RunnerDeployment, daily), retention))
    return served


async def work(pool: str, worker_type: str, applied: list[RunnerDeployment], limit: int) -> None:
    """Put the deployments on ``pool`` (a work pool of ``worker_type``, created if missing) and
    run a worker of that type for it in this process until it is stopped."""
    from prefect.workers.base import BaseWorker

    worker_class = BaseWorker.get_worker_class_from_type(worker_type)
    if worker_class is None:
        raise SystemExit(f"no Prefect worker type {worker_type!r} is installed")
    async with get_client() as client:
        try:
            found = await client.read_work_pool(pool)
            if found.type != worker_type:
                raise SystemExit(f"work pool {pool!r} is of type {found.type!r}, not {worker_type}")
        except ObjectNotFound:
            await client.create_work_pool(
                WorkPoolCreate(
                    name=pool,
                    type=worker_type,
                    base_job_template=worker_class.get_default_base_job_template(),
                )
            )
    for deployment in applied:
        await deployment.aapply(work_pool_name=pool)
    async with worker_class(work_pool_name=pool, limit=limit) as worker:
        print(f"{worker_type} worker for work pool {pool!r} started", flush=True)
        await worker.start()


def main() -> None:
    private_umask()  # results, logs and staging files of every run: this user's alone
    tighten(default_store().settings.home)
    limit = int(os.environ.get("INFOSHARE_SERVE_LIMIT", "8"))
    # flow-run processes (started from this one) report that they are alive this often; a run
    # silent for three periods is marked Crashed and recorded (a machine that died)
    heartbeat = int(
        os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(HEARTBEAT_SECONDS))
    )
    worker = os.environ.get("INFOSHARE_WORKER", "serve")
    if worker in WORKER_TYPES:
        # module paths: the flows are installed (a forked process has them imported already);
        # a file path would have each run copy the deployment's directory
        applied = [d for d, _ in deployments(heartbeat, EntrypointType.MODULE_PATH)]
        pool = os.environ.get("INFOSHARE_WORK_POOL", "infoshare")
        asyncio.run(work(pool, WORKER_TYPES[worker], applied, limit))
        return
    if worker != "serve":
        raise SystemExit(f"INFOSHARE_WORKER={worker!r}: expected serve, fork or process")
    serve(deployments(heartbeat, EntrypointType.FILE_PATH), limit)


def _tagged(start: Callable[..., SpawnProcess]) -> Callable[..., SpawnProcess]:
    """Each run's process carries its run's id in the environment it starts with (as under
    ``python -m prefect.engine``), so an operator, or a test, can tell which process runs
    which flow run. Processes are spawned one at a time from the runner's event loop."""

    @functools.wraps(start)
    def start_tagged(*args: Any, flow_run: FlowRun | None = None, **kw: Any) -> SpawnProcess:
        if flow_run is None:
            return start(*args, flow_run=flow_run, **kw)
        saved = os.environ.get(RUN_ID_ENV)
        os.environ[RUN_ID_ENV] = str(flow_run.id)
        try:
            return start(*args, flow_run=flow_run, **kw)
        finally:
            if saved is None:
                os.environ.pop(RUN_ID_ENV, None)
            else:
                os.environ[RUN_ID_ENV] = saved

    return start_tagged


def serve(deployments: Served, limit: int) -> None:
    """``prefect.serve``, except that each run is started from the flow in this process's
    memory (as ``Flow.serve`` does), never loaded through its deployment: the runner then does
    not run the deployment's pull steps, nor read its entrypoint or job variables, which anyone
    who reaches Prefect's API can change (issue 18). A run still checks its deployment
    (``tasks.integrity``) and the watchdog puts a changed one back."""
    _starter_direct.run_flow_in_subprocess = _tagged(_starter_direct.run_flow_in_subprocess)
    runner = Runner(pause_on_shutdown=True, limit=limit)
    for deployment, flow in deployments:
        deployment_id = cast(UUID, runner.add_deployment(deployment))
        # Prefect 3.9.1 has no public call for this: Runner.add_flow does the same after
        # building the deployment itself, which would lose the run form set above
        runner._deployment_registry.register_flow(deployment_id, flow)
        print(f"serving {flow.name}/{deployment.name}", flush=True)
    with contextlib.suppress(KeyboardInterrupt, TerminationSignal):
        asyncio.run(runner.start())


if __name__ == "__main__":
    main()
