"""The few Prefect REST calls the CLI needs, over plain HTTP.

``infoshare/`` never imports Prefect (it stays fast and testable on its own); these calls are
the documented REST API that the Prefect UI itself uses.
"""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from infoshare.registry.partnership import Partnership
from infoshare.request_form import enquiry_form_schema, form_schema

DEPLOYMENT = "share-request/share-request"
ENQUIRY_DEPLOYMENT = "enquiry/enquiry"


class PrefectApiError(RuntimeError):
    """The Prefect API refused or could not be reached; the message says what to do."""


@dataclass(frozen=True)
class RunInfo:
    id: str
    name: str
    state_id: str
    state_type: str
    state_name: str
    state_message: str | None


def api_url() -> str:
    return os.environ.get("PREFECT_API_URL", "http://127.0.0.1:4201/api").rstrip("/")


def _client() -> httpx.Client:
    headers = {}
    auth = os.environ.get("PREFECT_API_AUTH_STRING") or _embedded_auth_string()
    if auth:
        import base64

        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return httpx.Client(base_url=api_url(), timeout=30, headers=headers)


def _embedded_auth_string() -> str | None:
    """On the machine of `infoshare up`: the embedded server's auth string, kept in the home,
    for a Prefect API on this machine only (never sent anywhere else)."""
    from urllib.parse import urlsplit

    from infoshare.config import load_settings
    from infoshare.gate.config import embedded_auth_string

    if urlsplit(api_url()).hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    try:
        return embedded_auth_string(load_settings().home)
    except Exception:  # noqa: BLE001 - no readable home: no credential to add
        return None


_RETRY_STATUS = {429, 502, 503, 504}  # a busy server (SQLite answers 503 under write load)
PATIENCE_S = 60.0  # how long a busy server is waited for: a person's submission is not lost


def _call(method: str, path: str, patience: float = PATIENCE_S, **kwargs: Any) -> httpx.Response:
    """One API call, retried with exponential backoff (at most 4 s apart) while the server
    says it is busy, for up to ``patience`` seconds."""
    delay = 0.25
    end = time.monotonic() + patience
    try:
        with _client() as c:
            while True:
                resp = c.request(method, path, **kwargs)
                if resp.status_code not in _RETRY_STATUS or time.monotonic() + delay > end:
                    return resp
                time.sleep(delay + random.uniform(0, delay))  # noqa: S311 - jitter, not crypto
                delay = min(delay * 2, 4.0)
    except httpx.HTTPError as exc:
        raise PrefectApiError(
            f"cannot reach the Prefect API at {api_url()} ({type(exc).__name__}); "
            "is `infoshare up` running, or PREFECT_API_URL set?"
        ) from exc


def _detail(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:500]
    detail = body.get("detail", body) if isinstance(body, dict) else body
    return str(detail)[:1000]


def _check(resp: httpx.Response, doing: str) -> None:
    if resp.status_code == 401:
        raise PrefectApiError(
            f"{doing}: the Prefect API needs credentials (PREFECT_API_AUTH_STRING)"
        )
    if resp.is_error:
        raise PrefectApiError(f"{doing}: Prefect answered {resp.status_code}: {_detail(resp)}")


def submit(
    parameters: dict[str, Any], deployment: str = DEPLOYMENT, idempotency_key: str | None = None
) -> RunInfo:
    resp = _call("GET", f"/deployments/name/{deployment}")
    if resp.status_code == 404:
        raise PrefectApiError(f"deployment {deployment!r} not found: is it served or deployed?")
    _check(resp, "looking up the deployment")
    dep_id = resp.json()["id"]
    # The idempotency key makes a retried POST return the run already created, not a second one.
    body = {"parameters": parameters, "idempotency_key": idempotency_key or uuid.uuid4().hex}
    resp = _call("POST", f"/deployments/{dep_id}/create_flow_run", json=body)
    if resp.status_code in (409, 422):
        raise PrefectApiError(f"the request form was rejected: {_detail(resp)}")
    if resp.status_code in _RETRY_STATUS:
        raise PrefectApiError(
            f"the Prefect server stayed busy for {PATIENCE_S:.0f} s ({resp.status_code}): "
            "nothing was submitted; try again"
        )
    if resp.is_error:
        raise PrefectApiError(f"Prefect refused the run ({resp.status_code}): {_detail(resp)}")
    return _run_info(resp.json())


def refresh_request_form(partnership: Partnership, deployment: str = DEPLOYMENT) -> bool:
    """Give the deployment's run form (and the enquiry deployment's, if there is one) the
    registry's agencies and people as selects (``infoshare.request_form``). False if the
    deployment does not exist (yet): serving or deploying it builds the form then."""
    if deployment == DEPLOYMENT:
        _refresh_form(partnership, ENQUIRY_DEPLOYMENT, enquiry_form_schema)
    return _refresh_form(partnership, deployment, form_schema)


def _refresh_form(
    partnership: Partnership,
    deployment: str,
    make: Callable[[dict[str, Any], Partnership], dict[str, Any]],
) -> bool:
    resp = _call("GET", f"/deployments/name/{deployment}")
    if resp.status_code == 404:
        return False
    _check(resp, "looking up the deployment")
    body = resp.json()
    schema = make(body["parameter_openapi_schema"], partnership)
    resp = _call("PATCH", f"/deployments/{body['id']}", json={"parameter_openapi_schema": schema})
    _check(resp, "updating the run form")
    return True


def _run_info(body: dict[str, Any]) -> RunInfo:
    state = body.get("state") or {}
    return RunInfo(
        body["id"],
        body["name"],
        state.get("id", ""),
        state.get("type", ""),
        state.get("name", ""),
        state.get("message"),
    )


def run(run_id: str) -> RunInfo:
    resp = _call("GET", f"/flow_runs/{run_id}")
    if resp.status_code == 404:
        raise PrefectApiError(f"no flow run {run_id}")
    _check(resp, "reading the flow run")
    return _run_info(resp.json())


def resume(run_id: str, run_input: dict[str, Any]) -> None:
    """Resume a suspended run with input, exactly as the UI's resume form does."""
    for _ in range(20):
        resp = _call("POST", f"/flow_runs/{run_id}/resume", json={"run_input": run_input})
        if resp.is_error:
            raise PrefectApiError(f"resume refused ({resp.status_code}): {_detail(resp)}")
        body = resp.json()
        if body.get("status") == "ACCEPT":
            return
        reason = str((body.get("details") or {}).get("reason", body))
        # A run shows Suspended a moment before its form's schema is saved: wait for it.
        if "schema not found" not in reason:
            raise PrefectApiError(f"Prefect did not resume the run: {reason}")
        time.sleep(0.5)
    raise PrefectApiError("the run is suspended but never offered its resume form")


# --- runs Prefect cannot hand to the runner ---------------------------------------------------

WAITING_TO_START = ["SCHEDULED", "PENDING"]


def release_unservable_runs(flow_name: str = "share-request", limit: int = 1000) -> list[str]:
    """Runs of ``flow_name`` waiting to start whose parameters Prefect cannot send back (a lone
    surrogate, stored by a run created without validation, makes every answer holding the run
    a 500, the runner's poll included, and the runner stops): their parameters are replaced by
    ``reading.UNSENDABLE``, which the flow refuses and records. The ids released.

    The runs are listed through the UI's history endpoint, which answers with ids and states
    only, then read one by one."""
    from infoshare.reading import UNSENDABLE

    body = {
        "flows": {"name": {"any_": [flow_name]}},
        "flow_runs": {"state": {"type": {"any_": WAITING_TO_START}}},
        "limit": limit,
    }
    resp = _call("POST", "/ui/flow_runs/history", json=body)
    _check(resp, "listing runs waiting to start")
    released = []
    for run_id in (str(r["id"]) for r in resp.json()):
        if _call("GET", f"/flow_runs/{run_id}").status_code != 500:
            continue
        fixed = _call("PATCH", f"/flow_runs/{run_id}", json={"parameters": {"request": UNSENDABLE}})
        _check(fixed, f"replacing the parameters of run {run_id}")
        released.append(run_id)
    return released


def released_note(run_id: str) -> str:
    """What is said of a run ``release_unservable_runs`` released."""
    return (
        f"run {run_id} held text Prefect could not hand to the runner: its request is replaced "
        "by a stand-in, refused and recorded"
    )


# --- retention: deleting finished runs -----------------------------------------------------------

FINISHED = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]


def finished_runs(flow_name: str, ended_before: str, limit: int = 200) -> list[str]:
    """Ids of ``flow_name`` runs in a final state that ended before ``ended_before`` (ISO 8601),
    at most ``limit``."""
    body = {
        "flows": {"name": {"any_": [flow_name]}},
        "flow_runs": {
            "state": {"type": {"any_": FINISHED}},
            "end_time": {"before_": ended_before},
        },
        "limit": limit,
    }
    resp = _call("POST", "/flow_runs/filter", json=body)
    _check(resp, "listing finished runs")
    return [r["id"] for r in resp.json()]


def cancel(run_id: str) -> bool:
    """Cancel a flow run that has not ended (a suspended one ends Cancelled at once); False when
    there was no such run or it had ended."""
    resp = _call(
        "POST",
        f"/flow_runs/{run_id}/set_state",
        json={"state": {"type": "CANCELLED", "message": "withdrawn by infoshare"}, "force": True},
    )
    if resp.status_code == 404:
        return False
    _check(resp, "cancelling a flow run")
    return True


def delete_run(run_id: str) -> bool:
    """Delete a flow run with its states, task runs and run input (the server deletes its logs
    in the background); False when there was no such run."""
    resp = _call("DELETE", f"/flow_runs/{run_id}")
    if resp.status_code == 404:
        return False
    _check(resp, "deleting a flow run")
    return True


def runs_with_logs(run_ids: list[str]) -> set[str]:
    """Which of these runs still have log lines on the server."""
    if not run_ids:
        return set()
    body = {"logs": {"flow_run_id": {"any_": run_ids}}, "limit": 200}
    resp = _call("POST", "/logs/filter", json=body)
    _check(resp, "reading logs")
    return {str(line["flow_run_id"]) for line in resp.json()}
