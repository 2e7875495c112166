"""Every request ends with exactly one record, whatever an outsider does to its run through
Prefect's API, and the watchdog keeps itself and the recorders switched on.

Each test is the attack, done as an officer with nothing but the Prefect API could do it, and
checks that the request still ends with exactly one decision record and an audit line."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from conftest import Stack, example, wait_until
from sqlalchemy import func, select

from flows.watchdog import watchdog_at
from infoshare import prefect_api
from infoshare.db.tables import AuditEventRow, DecisionRecordRow
from infoshare.store import Store
from infoshare.worktime import now_utc


def submit_and_wait_for(store: Store, name: str, status: str) -> tuple[str, str]:
    run_id = prefect_api.submit({"request": example(name)}).id
    ref = wait_until("the run to take the request in", lambda: store.requests.ref_for_run(run_id))
    wait_until(
        f"{ref} to wait ({status})",
        lambda: (
            store.requests.meta(ref).status == status
            and prefect_api.run(run_id).state_type == "PAUSED"
        ),
    )
    return run_id, ref


def records_of(store: Store, ref: str) -> int:
    with store.session() as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(DecisionRecordRow)
                .where(DecisionRecordRow.ref == ref)
            )
            or 0
        )


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
    resp = httpx.request(method, f"{stack.api_url}{path}", timeout=15, **kw)
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
    keys = api(stack, "POST", f"/flow_runs/{run_id}/input/filter",
               json={"prefix": "", "limit": 100}).json()  # fmt: skip
    (schema_key,) = [k["key"] for k in keys if k["key"].endswith("-schema")]
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
