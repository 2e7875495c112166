"""Runs trust only what infoshare deployed: a share-request (or enquiry) run checks its own
deployment before it goes on (``check_deployment``; a woken run in its resume point), and the
watchdog's sweep (``keep_watch``, and each request's first execution) checks the share-request
and enquiry deployments, its own schedule and the ``record-ended-run`` automations, and puts
each back as declared when someone changed or switched it off through Prefect's API."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import SyncPrefectClient, get_client
from prefect.client.schemas.actions import DeploymentUpdate
from prefect.client.schemas.responses import DeploymentResponse
from prefect.context import FlowRunContext
from prefect.exceptions import ObjectNotFound
from prefect.logging import get_run_logger

from infoshare import integrity
from infoshare.store import default_store
from infoshare.timeliness import WATCHDOG
from tasks.notify import teller

# deployments as "flow name/deployment name"
SHARE_REQUEST = "share-request/share-request"
ENQUIRY = "enquiry/enquiry"
WATCHDOG_DEPLOYMENT = "timeliness-watchdog/watchdog"
RECORDER = "record-ended-run/record-ended-run"


def _deployed(d: DeploymentResponse) -> integrity.Deployed:
    return integrity.Deployed(
        pull_steps=d.pull_steps,
        entrypoint=d.entrypoint,
        job_variables=d.job_variables,
        parameters=d.parameters,
        enforce_parameter_schema=d.enforce_parameter_schema,
        work_pool_name=d.work_pool_name,
    )


def deployment_refusal(ref: str, deployment: str = integrity.SHARE_REQUEST) -> str | None:
    """Why this run must be refused: its deployment, as the engine read the run when this
    execution began, is not as infoshare declared it. The refusal is audited, logged and told
    to the data-protection lead. None: as declared (or not a deployment's run)."""
    ctx = FlowRunContext.get()
    deployment_id = ctx.flow_run.deployment_id if ctx and ctx.flow_run else None
    if deployment_id is None:
        return None  # called as a function (tests, a script): no deployment to have been changed
    with get_client(sync_client=True) as client:
        d = client.read_deployment(deployment_id)
    changed = integrity.differences(deployment, _deployed(d))
    if not changed:
        return None
    store = default_store()
    why = integrity.refusal(changed, deployment)
    store.audit.write(ref, "deployment check", None, "run refused", why)
    get_run_logger().error("%s: %s", ref, why)
    teller(store).security_alert(ref, [why])
    return why


@task(name="deployment-check", cache_policy=NO_CACHE)
def check_deployment(
    ref: str, deployment: str = integrity.SHARE_REQUEST, watch: bool = False
) -> None:
    """Before anything is done with the request: this run's deployment must be as infoshare
    declared it, or the run is refused (``DeploymentChanged``, recorded FAILED). A woken run's
    resume point checks it again (``tasks.resuming``). With ``watch`` (a request's first
    execution) it also keeps watch as the sweep does (``keep_watch``), even if no sweep runs."""
    why = deployment_refusal(ref, deployment)
    if why:
        raise integrity.DeploymentChanged(why)
    if watch:
        put_back()


@task(name="keep-watch", cache_policy=NO_CACHE)
def keep_watch() -> list[str]:
    """Each sweep: what ``put_back`` had to put back."""
    return put_back()


def put_back() -> list[str]:
    """The share-request deployment as declared, the watchdog's schedule on, the automations
    that record ended runs enabled; what had to be put back is logged, audited and
    returned."""
    repaired: list[str] = []
    with get_client(sync_client=True) as client:
        repaired += _restore_share_request(client)
        repaired += _resume_watchdog(client)
        repaired += _enable_recorders(client)
    store = default_store()
    log = get_run_logger()
    for what in repaired:
        log.warning("put back: %s", what)
        store.audit.write(None, "watchdog", WATCHDOG, "put back", what)
    return repaired


def _read(client: SyncPrefectClient, name: str) -> DeploymentResponse | None:
    try:
        return client.read_deployment_by_name(name)
    except ObjectNotFound:
        return None


def _restore_share_request(client: SyncPrefectClient) -> list[str]:
    return _restore(client, SHARE_REQUEST, integrity.SHARE_REQUEST) + _restore(
        client, ENQUIRY, integrity.ENQUIRY
    )


def _restore(client: SyncPrefectClient, full_name: str, name: str) -> list[str]:
    """Deployment ``full_name`` ("flow/deployment") put back as infoshare declared ``name``."""
    d = _read(client, full_name)
    if d is None:
        return []
    changed = integrity.differences(name, _deployed(d))
    if not changed:
        return []
    want = integrity.declared(name, d.work_pool_name is not None)
    update: dict[str, Any] = {
        "pull_steps": want.pull_steps,
        "job_variables": want.job_variables,
        "parameters": want.parameters,
        "enforce_parameter_schema": want.enforce_parameter_schema,
    }
    if "entrypoint" in changed:
        update["entrypoint"] = integrity.declared_entrypoint(name)
    client.update_deployment(d.id, DeploymentUpdate(**update))
    return [f"deployment {full_name} as declared (changed: {', '.join(changed)})"]


def _resume_watchdog(client: SyncPrefectClient) -> list[str]:
    d = _read(client, WATCHDOG_DEPLOYMENT)
    if d is None:
        return []  # not deployed here (INFOSHARE_WATCHDOG_SECONDS=0): sweeps run by hand
    put_back = []
    if d.paused:
        client.resume_deployment(d.id)
        put_back.append(f"deployment {WATCHDOG_DEPLOYMENT} resumed (it was paused)")
    for schedule in d.schedules:
        if not schedule.active:
            client.update_deployment_schedule(d.id, schedule.id, active=True)
            put_back.append(f"schedule of {WATCHDOG_DEPLOYMENT} switched on (it was off)")
    return put_back


def _enable_recorders(client: SyncPrefectClient) -> list[str]:
    """The automations whose action runs the record-ended-run deployment (however named:
    serve names them after their triggers, ``prefect deploy`` after the deployment)."""
    recorder = _read(client, RECORDER)
    if recorder is None:
        return []
    put_back = []
    for auto in client.read_automations():
        runs_recorder = any(
            getattr(action, "deployment_id", None) == recorder.id for action in auto.actions
        )
        if runs_recorder and not auto.enabled:
            client.resume_automation(auto.id)
            put_back.append(f"automation {auto.name!r} enabled (it was disabled)")
    return put_back
