"""Every request ends with exactly one record, whatever an outsider does to its run through
Prefect's API, and the watchdog keeps itself and the recorders switched on.

Each test is the attack, done as an officer with nothing but the Prefect API could do it, and
checks that the request still ends with exactly one decision record and an audit line."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import prefect_server
import pytest
from conftest import Mailbox, Stack, example, records_of, submit_and_wait_for, wait_until
from sqlalchemy import select

from flows.watchdog import watchdog_at
from infoshare import prefect_api
from infoshare.db.tables import AuditEventRow
from infoshare.store import Store
from infoshare.worktime import now_utc


def audit_events(store: Store, ref: str | None, event: str) -> list[AuditEventRow]:
    with store.session() as s:
        return list(
            s.scalars(
                select(AuditEventRow).where(
                    AuditEventRow.ref.is_(None) if ref is None else AuditEventRow.ref == ref,
                    AuditEventRow.event == event,
                )
            )
        )


def api(stack: Stack, method: str, path: str, **kw: Any) -> httpx.Response:
    """One call to Prefect's API, as anyone who reaches it could make (tried again on 503)."""
    resp = prefect_server.api(method, f"{stack.api_url}{path}", **kw)
    resp.raise_for_status()
    return resp


def test_a_waiting_run_deleted_through_the_api_is_recorded_in_one_sweep(
    stack: Stack, stack_store: Store
) -> None:
    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    api(stack, "DELETE", f"/flow_runs/{run_id}")

    swept = watchdog_at(now=now_utc())
    assert ref in swept["reconciled"]
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "FAILED"
    assert "the run was deleted" in found[0].public["reasons"][0]
    (line,) = audit_events(stack_store, ref, "recorded by the watchdog")
    assert line.detail == "the run was deleted"
    assert ref not in watchdog_at(now=now_utc())["reconciled"]
    assert records_of(stack_store, ref) == 1


def test_a_waiting_run_forced_to_completed_is_recorded_in_one_sweep(
    stack: Stack, stack_store: Store
) -> None:
    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    api(stack, "POST", f"/flow_runs/{run_id}/set_state",
        json={"state": {"type": "COMPLETED", "name": "Completed"}, "force": True})  # fmt: skip
    assert prefect_api.run(run_id).state_type == "COMPLETED"

    swept = watchdog_at(now=now_utc())
    assert ref in swept["reconciled"]
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "FAILED"
    assert "the run ended Completed" in found[0].public["reasons"][0]
    (line,) = audit_events(stack_store, ref, "recorded by the watchdog")
    assert line.detail == "the run ended Completed"
    assert ref not in watchdog_at(now=now_utc())["reconciled"]
    assert records_of(stack_store, ref) == 1


def test_an_expired_request_whose_run_is_gone_is_recorded_expired_without_it(
    stack: Stack, stack_store: Store
) -> None:
    """Past the deadline there is no run to wake: the record is written from the store at
    once, not "could not wake run" every minute for ever."""
    run_id, ref = submit_and_wait_for(
        stack_store, "scenario1-school-attendance.json", "AWAITING_SIGNOFF"
    )
    api(stack, "DELETE", f"/flow_runs/{run_id}")
    due = stack_store.requests.meta(ref).due_at
    assert due is not None

    swept = watchdog_at(now=due + timedelta(minutes=1))
    assert ref in swept["expired"]
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "EXPIRED"
    assert "Nothing was shared" in found[0].public["reasons"][0]
    assert len(audit_events(stack_store, ref, "recorded by the watchdog")) == 1
    again = watchdog_at(now=due + timedelta(minutes=2))
    assert ref not in again["expired"] and ref not in again["reconciled"]
    assert records_of(stack_store, ref) == 1


def test_an_expired_run_whose_pause_refuses_the_wake_up_is_recorded_expired(
    stack: Stack, stack_store: Store
) -> None:
    """The run's resume schema replaced through the API so no wake-up validates: the request
    is recorded EXPIRED from the store and the run, which can never be woken, is cancelled."""
    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")

    def schema_keys() -> list[str]:  # the pause's form, there once the run has paused
        keys = api(stack, "POST", f"/flow_runs/{run_id}/input/filter",
                   json={"prefix": "", "limit": 100}).json()  # fmt: skip
        return [k["key"] for k in keys if k["key"].endswith("-schema")]

    (schema_key,) = wait_until("the run to pause", schema_keys, timeout=60)
    api(stack, "DELETE", f"/flow_runs/{run_id}/input/{schema_key}")
    impossible = {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}
    api(stack, "POST", f"/flow_runs/{run_id}/input",
        json={"key": schema_key, "value": json.dumps(impossible)})  # fmt: skip
    due = stack_store.requests.meta(ref).due_at
    assert due is not None

    watchdog_at(now=due + timedelta(minutes=1))
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "EXPIRED"
    (line,) = audit_events(stack_store, ref, "recorded by the watchdog")
    assert "could not be woken" in line.detail
    assert prefect_api.run(run_id).state_type == "CANCELLED"
    wait_until("the recorder to have nothing to add", lambda: records_of(stack_store, ref) == 1)
    again = watchdog_at(now=due + timedelta(minutes=2))
    assert ref not in again["expired"] and ref not in again["reconciled"]
    assert records_of(stack_store, ref) == 1


def share_request_deployment(stack: Stack) -> dict[str, Any]:
    found: dict[str, Any] = api(
        stack, "GET", "/deployments/name/share-request/share-request"
    ).json()
    return found


def submit_and_wait_for_record(store: Store, name: str) -> tuple[str, str, Any]:
    run_id = prefect_api.submit({"request": example(name)}).id
    ref = wait_until("the run to take the request in", lambda: store.requests.ref_for_run(run_id))
    found = wait_until(f"{ref}'s record", lambda: store.chain.record(ref))
    return run_id, ref, found[0]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param("pull_steps", id="pull-steps"),
        pytest.param("enforce_parameter_schema+parameters+job_variables", id="schema-env-defaults"),
    ],
)
def test_a_run_of_a_changed_deployment_is_refused_recorded_failed_and_alerted(
    stack: Stack, stack_store: Store, mailbox: Mailbox, tmp_path: Path, change: str
) -> None:
    """As the attacker did: PATCH the share-request deployment through the API, then start a
    run. The run refuses to go on; its request is recorded FAILED; the data-protection lead is
    told; the planted step never runs; one sweep puts the deployment back as declared."""
    planted = tmp_path / "planted-by-pull-step"
    dep = share_request_deployment(stack)
    patch: dict[str, Any] = (
        {
            "pull_steps": [
                {"prefect.deployments.steps.run_shell_script": {"script": f"touch {planted}"}}
            ]
        }  # fmt: skip
        if change == "pull_steps"
        else {
            "enforce_parameter_schema": False,
            # planted defaults (no one's personal data: Prefect's events keep what is sent)
            "parameters": {"request": {"purpose": "planted through the API"}},
            "job_variables": {"env": {"PYTHONSTARTUP": str(planted)}},
        }
    )
    api(stack, "PATCH", f"/deployments/{dep['id']}", json=patch)
    try:
        run_id, ref, record = submit_and_wait_for_record(
            stack_store, "scenario1-school-attendance.json"
        )
        wait_until("the refused run to end", lambda: prefect_api.run(run_id).state_type == "FAILED")
    finally:
        swept = watchdog_at(now=now_utc())
    assert record.decision == "FAILED"
    reason = record.public["reasons"][0]
    assert "DeploymentChanged" in reason and "the run was refused" in reason
    for name in change.split("+"):
        assert name in reason
    assert stack_store.requests.step(ref, "triage") is None  # nothing was done with it
    assert not planted.exists()
    (refused,) = audit_events(stack_store, ref, "run refused")
    assert all(name in refused.detail for name in change.split("+"))
    meta = stack_store.requests.meta(ref)
    dpo = stack_store.partnership().agency(meta.disclosing_agency).dpo_email  # type: ignore[union-attr]
    alerts = [m for m in mailbox.messages
              if m["X-Infoshare-Reference"] == ref and m["X-Infoshare-Kind"] == "security_alert"]  # fmt: skip
    assert [str(m["To"]).split("<")[-1].rstrip(">") for m in alerts] == [dpo]
    assert records_of(stack_store, ref) == 1
    # the sweep put the deployment back as infoshare declared it, and said so
    assert any("share-request/share-request as declared" in r for r in swept["repaired"])
    back = share_request_deployment(stack)
    assert not back["parameters"]
    assert str(planted) not in json.dumps(back)  # neither the step nor the job variable
    assert back["enforce_parameter_schema"] is True
    assert audit_events(stack_store, None, "put back")
    # and the next request goes through as usual
    _, ref2 = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    assert stack_store.chain.record(ref2) is None


def justify_housing_override(store: Store, mailbox: Mailbox, run_id: str, ref: str) -> None:
    """The housing officer justifies the override of housing request ``ref`` in its resume
    form, with the code mailed to her."""
    officer = store.partnership().member("housing-officer")
    assert officer is not None and officer.email
    prefect_api.resume(run_id, {
        "person_id": "housing-officer", "code": mailbox.latest_code(ref, officer.email),
        "grounds": ["SAFEGUARD_CHILDREN"], "subject_informed": False,
        "proportionality": "Two young children; disturbance reports only.",
        "not_informed_reason": "Telling the tenant now would raise the risk.",
    })  # fmt: skip


def test_a_waiting_run_whose_deployment_is_changed_is_refused_when_it_is_woken(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """The deployment changed through the API while a request waits for its override: the
    right person's answer wakes the run, which checks its deployment again before it uses the
    answer (in its resume point), refuses to go on, and is recorded FAILED; the
    data-protection lead is told."""
    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    dep = share_request_deployment(stack)
    api(stack, "PATCH", f"/deployments/{dep['id']}", json={"enforce_parameter_schema": False})
    try:
        justify_housing_override(stack_store, mailbox, run_id, ref)
        found = wait_until(f"{ref}'s record", lambda: stack_store.chain.record(ref), timeout=120)
        wait_until("the refused run to end", lambda: prefect_api.run(run_id).state_type == "FAILED")
    finally:
        swept = watchdog_at(now=now_utc())
    reason = found[0].public["reasons"][0]
    assert found[0].decision == "FAILED"
    assert "DeploymentChanged" in reason and "enforce_parameter_schema" in reason
    override = stack_store.requests.step(ref, "override")
    assert override is None or override.status != "DONE"  # the answer was not used
    assert audit_events(stack_store, ref, "run refused")
    assert [m for m in mailbox.messages if m["X-Infoshare-Reference"] == ref
            and m["X-Infoshare-Kind"] == "security_alert"]  # fmt: skip
    assert any("share-request/share-request as declared" in r for r in swept["repaired"])
    assert records_of(stack_store, ref) == 1


def test_an_answer_planted_at_a_pause_the_run_never_waited_at_is_not_read(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """While a request waits for its override, an outsider plants a sign-off answer through
    Prefect's API under the key of the sign-off pause (opened early, as ``infoshare approve
    --sign`` opens it). Woken by the override, the run must not take that answer: it opens the
    sign-off form and waits there, its first sign-off pause unspent and no answer refused."""
    from infoshare.identity import pauses

    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    opened = pauses.current(stack_store, ref, "signoff")
    planted = {"approver_id": "housing-manager", "code": "AAAAA-AAAAA", "decision": "SHARE",
               "approved_items": ["item-1"], "reasons": "planted"}  # fmt: skip
    api(stack, "POST", f"/flow_runs/{run_id}/input",
        json={"key": f"suspended-{opened.key}-response", "value": json.dumps(planted)})  # fmt: skip
    justify_housing_override(stack_store, mailbox, run_id, ref)
    wait_until(
        f"{ref} to wait for its sign-off",
        lambda: (
            stack_store.requests.meta(ref).status == "AWAITING_SIGNOFF"
            and prefect_api.run(run_id).state_type == "PAUSED"
        ),
        timeout=120,
    )
    run = api(stack, "GET", f"/flow_runs/{run_id}").json()
    assert run["state"]["state_details"]["pause_key"] == opened.key  # waits at it, unspent
    assert pauses.current(stack_store, ref, "signoff") == opened
    signoff = stack_store.requests.step(ref, "signoff")
    assert signoff is not None and signoff.attempts == 0  # nothing was refused
    assert not audit_events(stack_store, ref, "input refused")
    assert stack_store.chain.record(ref) is None


def _recorder_automations(stack: Stack) -> list[dict[str, Any]]:
    recorder = api(stack, "GET", "/deployments/name/record-ended-run/record-ended-run").json()
    autos = api(stack, "POST", "/automations/filter", json={}).json()
    return [a for a in autos if any(x.get("deployment_id") == recorder["id"] for x in a["actions"])]


def test_one_sweep_switches_the_watchdog_and_the_recorders_back_on(
    stack: Stack, stack_store: Store
) -> None:
    """Pausing the watchdog's schedule and disabling both record-ended-run automations through
    the API: the next sweep (or share-request run) puts them back, logs and audits it."""
    from flows.watchdog import watchdog

    deployment_id = watchdog.to_deployment(name="watchdog", interval=3600).apply()
    try:
        api(stack, "POST", f"/deployments/{deployment_id}/pause_deployment")
        for sched in api(stack, "GET", f"/deployments/{deployment_id}/schedules").json():
            api(stack, "PATCH", f"/deployments/{deployment_id}/schedules/{sched['id']}",
                json={"active": False})  # fmt: skip
        autos = _recorder_automations(stack)
        assert len(autos) == 2
        for auto in autos:
            api(stack, "PATCH", f"/automations/{auto['id']}", json={"enabled": False})
        before = len(audit_events(stack_store, None, "put back"))

        swept = watchdog_at(now=now_utc())

        dep = api(stack, "GET", f"/deployments/{deployment_id}").json()
        assert dep["paused"] is False
        assert all(s["active"] for s in dep["schedules"]) and dep["schedules"]
        assert all(a["enabled"] for a in _recorder_automations(stack))
        lines = audit_events(stack_store, None, "put back")[before:]
        assert len(lines) == len(swept["repaired"]) >= 3
        assert sum("automation" in line.detail for line in lines) == 2
        assert any("timeliness-watchdog/watchdog" in line.detail for line in lines)
        assert watchdog_at(now=now_utc())["repaired"] == []  # nothing more to put back
    finally:
        api(stack, "DELETE", f"/deployments/{deployment_id}")
        for auto in _recorder_automations(stack):
            api(stack, "PATCH", f"/automations/{auto['id']}", json={"enabled": True})


def _as_deployed(**over: Any) -> Any:
    from infoshare import integrity

    base: dict[str, Any] = {
        "pull_steps": [
            {"prefect.deployments.steps.set_working_directory": {"directory": str(integrity.ROOT)}}
        ],  # fmt: skip
        "entrypoint": "flows/share_request.py:share_request",
        "job_variables": {"env": {"PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "60"}},
        "parameters": {},
        "enforce_parameter_schema": True,
        "work_pool_name": "infoshare",
    }
    return integrity.Deployed(**(base | over))


def test_the_deployment_prefect_deploy_makes_from_prefect_yaml_is_as_declared(
    tmp_path: Path,
) -> None:
    from infoshare import integrity

    assert integrity.differences("share-request", _as_deployed()) == []
    link = tmp_path / "checkout"
    link.symlink_to(integrity.ROOT)  # INFOSHARE_CODE_DIR=$PWD through a symlink
    steps = [{"prefect.deployments.steps.set_working_directory": {"directory": str(link)}}]
    assert integrity.differences("share-request", _as_deployed(pull_steps=steps)) == []
    served = _as_deployed(pull_steps=None, job_variables={}, work_pool_name=None)
    assert integrity.differences("share-request", served) == []
    # as flows.serve puts it on a pool of infoshare's own worker (INFOSHARE_WORKER=fork)
    forked = _as_deployed(
        pull_steps=[], job_variables={}, entrypoint="flows.share_request.share_request"
    )
    assert integrity.differences("share-request", forked) == []
    planted = [{"prefect.deployments.steps.run_shell_script": {"script": "id"}}]
    assert "pull_steps" in integrity.differences(
        "share-request", _as_deployed(pull_steps=planted, job_variables={},
                                      entrypoint="flows.share_request.share_request")
    )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pull_steps", [{"prefect.deployments.steps.run_shell_script": {"script": "id"}}]),
        (
            "pull_steps",
            [{"prefect.deployments.steps.set_working_directory": {"directory": "/srv/evil"}}],
        ),
        ("entrypoint", "/srv/evil/flows/share_request.py:share_request"),
        ("job_variables", {"env": {"PYTHONPATH": "/srv/evil"}}),
        ("parameters", {"request": {"purpose": "planted"}}),
        ("enforce_parameter_schema", False),
    ],
)
def test_each_field_an_attacker_can_change_is_found(field: str, value: Any) -> None:
    from infoshare import integrity

    assert integrity.differences("share-request", _as_deployed(**{field: value})) == [field]
