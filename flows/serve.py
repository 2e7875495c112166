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
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy, FlowRun
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import TerminationSignal
from prefect.runner import Runner, _starter_direct
from prefect.schedules import Cron
from prefect.utilities.callables import ParameterSchema

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
from infoshare.request_form import form_schema
from infoshare.store import default_store

RUN_ID_ENV = "PREFECT__FLOW_RUN_ID"


def main() -> None:
    private_umask()  # results, logs and staging files of every run: this user's alone
    tighten(default_store().settings.home)
    limit = int(os.environ.get("INFOSHARE_SERVE_LIMIT", "8"))
    # flow-run processes (started from this one) report that they are alive this often; a run
    # silent for three periods is marked Crashed and recorded (a machine that died)
    heartbeat = int(
        os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(HEARTBEAT_SECONDS))
    )
    every = int(os.environ.get("INFOSHARE_WATCHDOG_SECONDS", "60"))
    requests = cast(
        RunnerDeployment, share_request.to_deployment(name="share-request", tags=["infoshare"])
    )
    # the run form offers the registry's agencies and people (``infoshare registry load``
    # refreshes it while this runs)
    requests._parameter_openapi_schema = ParameterSchema.model_validate(
        form_schema(requests._parameter_openapi_schema.model_dump(), default_store().partnership())
    )
    deployments: list[tuple[RunnerDeployment, Flow[..., Any]]] = [
        (requests, share_request),
        (
            cast(
                RunnerDeployment,
                record_ended_run_flow.to_deployment(
                    name="record-ended-run",
                    tags=["infoshare"],
                    triggers=[RECORD_ENDED_RUN_TRIGGER, silent_run_trigger(heartbeat)],
                ),
            ),
            record_ended_run_flow,
        ),
    ]
    if every > 0:
        deployments.append(
            (
                cast(
                    RunnerDeployment,
                    watchdog.to_deployment(
                        name="watchdog",
                        interval=every,
                        tags=["infoshare"],
                        # a slow sweep must not overlap the next one (duplicate reminders)
                        concurrency_limit=ConcurrencyLimitConfig(
                            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
                        ),
                    ),
                ),
                watchdog,
            )
        )
    cron = os.environ.get("INFOSHARE_RETENTION_CRON") or RETENTION_CRON
    if cron != "off":
        deployments.append(
            (
                cast(
                    RunnerDeployment,
                    retention.to_deployment(
                        name="retention",
                        schedules=[Cron(cron, timezone=RETENTION_TIMEZONE)],
                        tags=["infoshare"],
                        concurrency_limit=ConcurrencyLimitConfig(
                            limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
                        ),
                    ),
                ),
                retention,
            )
        )
    serve(deployments, limit)


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


def serve(deployments: list[tuple[RunnerDeployment, Flow[..., Any]]], limit: int) -> None:
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
