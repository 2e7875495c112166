"""After a wait: where the run's request stands, so a woken run does not do its done steps again,
and its deployment checked again.

Prefect starts a resumed run again from the top. Every step would answer from the store that
it is done, but each as a task run, with its own events for the server to record (about 40 ms
of the machine's time each); reading the request's progress once costs one."""

from __future__ import annotations

from dataclasses import replace

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from infoshare.steps import SoFar, so_far
from infoshare.store import default_store
from tasks.integrity import deployment_refusal


@task(name="resume-point", retries=2, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def resume_point() -> SoFar | None:
    """This run's request, the steps its earlier executions did and the pause it was woken
    from (None before its intake), with why its deployment refuses it, if it does."""
    earlier = so_far(default_store(), flow_run.get_id() or "")
    if earlier is None:
        return None
    return replace(earlier, refused=deployment_refusal(earlier.ref) or "")
