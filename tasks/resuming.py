"""After a wait: where the run's request stands, so a woken run does not do its done steps again.

Prefect starts a resumed run again from the top. Every step would answer from the store that
it is done, but each as a task run, with its own events for the server to record; reading the
request's progress once costs one."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from infoshare.steps import SoFar, so_far
from infoshare.store import default_store


@task(name="resume-point", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def resume_point() -> SoFar | None:
    """This run's request and the steps its earlier executions did (None before its intake)."""
    return so_far(default_store(), flow_run.get_id() or "")
