"""The timeliness watchdog on a real Prefect server, with its clock moved instead of waiting."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from conftest import Hold, Mailbox, Stack, example, submit_and_wait_for, wait_until
from prefect.client.orchestration import get_client
from prefect.states import Cancelled
from prefect_server import api
from run_support import plain_run, process_of, store_held

from flows.watchdog import RECORD_ENDED_RUN_TRIGGER, watchdog_at
from infoshare import prefect_api, timeliness
from infoshare.cli import main
from infoshare.models import Step, UrgencyTier
from infoshare.reports import RAG_WORDS
from infoshare.store import Store
from infoshare.worktime import now_utc

HEAD = "helen.price@academy.northshire.example"  # the school's headteacher, told first
DEPUTY = "mark.evans@academy.northshire.example"  # its deputy and on-call approver (the DSL)


def latest_artifact(stack: Stack, key: str) -> Any:
    resp = httpx.post(
        f"{stack.api_url}/artifacts/latest/filter",
        json={"artifacts": {"key": {"any_": [key]}}},
        timeout=10,
    )
    resp.raise_for_status()
    (artifact,) = resp.json()
    data = artifact["data"]
    return json.loads(data) if artifact["type"] == "table" else data


def _repeated_dashboard_versions(stack: Stack) -> list[str]:
    """Versions of a dashboard that repeat the one before them word for word (none should: a
    sweep writes a new version only when what it shows changed). Other tests' requests may
    still be ending on the session's stack, so versions themselves may be added meanwhile."""
    keys = ["timeliness-open-requests", "timeliness-summary"]
    resp = httpx.post(
        f"{stack.api_url}/artifacts/filter",
        json={"artifacts": {"key": {"any_": keys}}, "sort": "CREATED_DESC"},
        timeout=10,
    )
    resp.raise_for_status()
    last: dict[str, Any] = {}
    repeated = []
    for artifact in reversed(resp.json()):  # oldest first
        if last.get(artifact["key"]) == artifact["data"]:
            repeated.append(f"{artifact['key']} at {artifact['created']}")
        last[artifact["key"]] = artifact["data"]
    return repeated


def test_a_request_past_its_deadline_expires_and_its_run_records_it(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    run_id, ref = submit_and_wait_for(
        stack_store, "scenario1-school-attendance.json", "AWAITING_SIGNOFF"
    )
    due = stack_store.requests.meta(ref).due_at
    assert due is not None
    # the sign-off's own window: from when it opened to 75% of the 72 hours
    win = timeliness.window(stack_store, ref, Step.SIGNOFF)
    assert win is not None and win.due_at < due
    step_time = win.due_at - win.opened_at

    halfway = watchdog_at(now=win.opened_at + step_time * 0.6)
    assert ref in halfway["reminded"] and ref not in halfway["expired"]
    later = watchdog_at(now=win.opened_at + step_time * 0.85)
    assert ref in later["reminded"]  # the 80% reminder, once
    assert ref not in watchdog_at(now=win.opened_at + step_time * 0.9)["reminded"]
    reminders = [m for m in mailbox.messages
                 if m["X-Infoshare-Reference"] == ref and m["X-Infoshare-Kind"] == "reminder"]  # fmt: skip
    # two reminders (50%, 80%) to the headteacher, who was told first (the school's deputy is
    # told only on escalation); no code in a reminder
    assert sorted(str(m["To"]).split("<")[-1].rstrip(">") for m in reminders) == [HEAD] * 2
    assert not any("one-time code" in m.get_body(("plain",)).get_content() for m in reminders)
    early = watchdog_at(now=due - timedelta(minutes=1))
    assert ref not in early["expired"] and ref in early["escalated"]
    assert prefect_api.run(run_id).state_type == "PAUSED"  # a minute early: still waiting
    # the dashboard people watch shows it, in the red with a minute to go
    board = latest_artifact(stack, "timeliness-open-requests")
    row = next(line for line in board.splitlines() if f"[{ref}](/runs/flow-run/{run_id})" in line)
    assert f"| {RAG_WORDS['RED']} |" in row and r"| sign\-off |" in row
    assert "### This month" in latest_artifact(stack, "timeliness-summary")
    # a sweep that changes no figure writes no new version of either dashboard
    watchdog_at(now=due - timedelta(minutes=1))
    assert _repeated_dashboard_versions(stack) == []

    swept = watchdog_at(now=due + timedelta(minutes=1))
    assert ref in swept["expired"]
    wait_until("the woken run to finish", lambda: prefect_api.run(run_id).state_type == "COMPLETED")
    found = stack_store.chain.record(ref)
    assert found is not None
    record = found[0].public
    assert record["decision"] == "EXPIRED"
    assert "deadline" in record["reasons"][0] and "Nothing was shared" in record["reasons"][0]
    assert record["shared"] is None and record["approvers"] == []

    again = watchdog_at(now=due + timedelta(minutes=2))  # idempotent: nothing more to do
    assert ref not in again["expired"] and ref not in again["reconciled"]


def test_an_answer_after_expiry_is_not_used(stack: Stack, stack_store: Store) -> None:
    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    due = stack_store.requests.meta(ref).due_at
    assert due is not None
    watchdog_at(now=due + timedelta(seconds=1))
    wait_until(
        "the expired run to finish", lambda: prefect_api.run(run_id).state_type == "COMPLETED"
    )
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "EXPIRED"
    override = stack_store.requests.step(ref, "override")  # no justification was taken
    assert override is not None and override.status == "WAITING" and not override.private


def _cancel(run_id: str) -> None:
    """Cancel a run that waits for a person, as the UI does: once it is Paused and its process
    has gone (the request's status is set a moment before; a run cancelled while its process
    still runs is recorded by its own on_cancellation hook instead)."""
    wait_until("the run to wait, with no process",
               lambda: prefect_api.run(run_id).state_type == "PAUSED"
               and process_of(run_id) is None, timeout=60)  # fmt: skip
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(run_id, Cancelled(message="cancelled in the UI"), force=True)  # type: ignore[arg-type]


def _set_recorder_automation(stack: Stack, enabled: bool) -> None:
    """Switch the 'record ended runs' automation (created from the deployment's trigger)."""
    found = api("POST", f"{stack.api_url}/automations/filter", json={}).json()
    (auto,) = [a for a in found if a["name"] == RECORD_ENDED_RUN_TRIGGER.name]
    resp = api("PATCH", f"{stack.api_url}/automations/{auto['id']}", json={"enabled": enabled})
    resp.raise_for_status()


def test_a_run_cancelled_while_waiting_is_recorded_within_seconds(
    stack: Stack, stack_store: Store
) -> None:
    """A suspended run has no process, so no hook runs when it is cancelled: the automation
    declared with the deployments records it, without waiting for the watchdog."""
    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    _cancel(run_id)
    found = wait_until("the automation to record it", lambda: stack_store.chain.record(ref), 120)
    assert found[0].decision == "FAILED" and "Cancelled" in found[0].public["reasons"][0]
    assert ref not in watchdog_at(now=now_utc())["reconciled"]  # recorded once


def test_the_sweep_records_what_the_automation_missed(stack: Stack, stack_store: Store) -> None:
    run_id, ref = submit_and_wait_for(stack_store, "scenario2-housing.json", "AWAITING_OVERRIDE")
    # as if the automation were down when the run ends (switched off only now: each run switches
    # the recorders back on when it starts, tasks.integrity.keep_watch)
    _set_recorder_automation(stack, enabled=False)
    try:
        _cancel(run_id)
        time.sleep(3)
        assert stack_store.chain.record(ref) is None  # nothing else recorded it
        swept = watchdog_at(now=now_utc())
    finally:
        _set_recorder_automation(stack, enabled=True)
    assert ref in swept["reconciled"]
    found = stack_store.chain.record(ref)
    assert found is not None
    assert found[0].decision == "FAILED"
    assert "Cancelled" in found[0].public["reasons"][0]
    assert ref not in watchdog_at(now=now_utc())["reconciled"]  # recorded once


def test_a_run_killed_mid_flight_still_ends_with_a_record(stack: Stack, stack_store: Store) -> None:
    """SIGKILL of the run's process before it has taken the request in (the store held, so
    that its intake waits: a forked run can otherwise be done in a second): the run ends
    Crashed, and within one sweep it has a FAILED record, and Prefect no longer holds the
    subject's personal data."""
    with store_held(stack_store):
        run_id = prefect_api.submit({"request": example("scenario3-trawl.json")}).id
        pid = wait_until("the run's process to start", lambda: process_of(run_id), timeout=120)
        os.kill(pid, signal.SIGKILL)
    wait_until(
        "the run to be marked Crashed", lambda: prefect_api.run(run_id).state_type == "CRASHED"
    )

    watchdog_at(now=now_utc())
    ref = stack_store.requests.ref_for_run(run_id)
    assert ref is not None
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "FAILED"
    assert "Crashed" in found[0].public["reasons"][0]
    params = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10).json()["parameters"]
    assert "Tobias" not in json.dumps(params) and "1990-09-09" not in json.dumps(params)


OFFICER = "tom.baker@homes.northshire.example"  # the housing officer who justifies overrides


def _share_item_1(approver: str, code: str) -> dict[str, Any]:
    """The school's sign-off answer: share the attendance summary (item-1)."""
    return {"approver_id": approver, "code": code, "decision": "SHARE",
            "approved_items": ["item-1"],
            "reasons": "Attendance baseline is necessary for the intervention plan."}  # fmt: skip


def _kill_when_held(run_id: str, held: Hold) -> None:
    """SIGKILL the run's process while it is blocked sending the held notice, then wait for
    Prefect to mark the run Crashed (the runner sees the process die)."""
    assert held.arrived.wait(180), f"the run never sent its {held.kind} notice"
    pid = wait_until("the run's process", lambda: process_of(run_id), timeout=10)
    os.kill(pid, signal.SIGKILL)
    wait_until(
        "the run to be marked Crashed", lambda: prefect_api.run(run_id).state_type == "CRASHED"
    )


def _override_answer(mailbox: Mailbox, ref: str) -> dict[str, Any]:
    return {
        "person_id": "housing-officer",
        "code": mailbox.latest_code(ref, OFFICER),
        "grounds": ["SAFEGUARD_CHILDREN"],
        "proportionality": "Only the disturbance reports, nothing else.",
        "subject_informed": False,
        "not_informed_reason": "Telling the mother now would raise the risk of reprisal.",
    }


@pytest.mark.parametrize("step", ["override", "signoff", "transfer", "record"])
def test_a_run_killed_at_each_step_is_recorded_within_one_sweep(
    step: str, stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """SIGKILL of the run's process at a known point of each step with a process of its own:
    while opening the override (after triage and the consent check), while opening the sign-off
    (in the execution that took the override justification), in the transfer (after the
    delivery, while telling the requester it is in their inbox), and after the record was
    written (while telling the requester the outcome). The run is held there by the mail server
    not answering the step's notice. One sweep later the request has exactly one decision
    record that says truthfully what happened, and the requester has been told the outcome."""
    from test_share_request_flow import resume_when_ready

    if step in ("transfer", "record"):
        run_id = prefect_api.submit({"request": example("scenario1-school-attendance.json")}).id
        ref = wait_until(
            "the run to take the request in", lambda: stack_store.requests.ref_for_run(run_id)
        )
        wait_until("the sign-off to wait", lambda: stack_store.requests.meta(ref).status == "AWAITING_SIGNOFF"
                   and prefect_api.run(run_id).state_type == "PAUSED")  # fmt: skip
        stack_store.requests.provide_item(
            ref, "item-1", b"Attendance 2025-26: 81%.", "school-office"
        )
        with mailbox.hold("delivery_notice" if step == "transfer" else "outcome", run_id) as held:
            resume_when_ready(run_id, _share_item_1("school-head", mailbox.latest_code(ref, HEAD)))
            _kill_when_held(run_id, held)
    else:
        run_id = prefect_api.submit({"request": example("scenario2-housing.json")}).id
        if step == "override":
            with mailbox.hold("override_needed", run_id) as held:
                _kill_when_held(run_id, held)
            ref = stack_store.requests.ref_for_run(run_id)
            assert ref is not None
        else:
            ref = wait_until(
                "the run to take the request in", lambda: stack_store.requests.ref_for_run(run_id)
            )
            wait_until("the override to wait", lambda: stack_store.requests.meta(ref).status
                       == "AWAITING_OVERRIDE" and prefect_api.run(run_id).state_type == "PAUSED")  # fmt: skip
            with mailbox.hold("approval_needed", run_id) as held:
                resume_when_ready(run_id, _override_answer(mailbox, ref))
                _kill_when_held(run_id, held)

    watchdog_at(now=now_utc())
    found = stack_store.chain.record(ref)
    assert found is not None, f"{ref} has no decision record after a sweep"
    record = found[0].public
    if step in ("transfer", "record"):
        # the envelope was delivered before the process died: the record says so
        assert record["decision"] == "SHARE_PARTIAL", record["reasons"]  # item-1 of two
        assert record["reasons"] == ["Approved at sign-off and delivered."]
        assert [i["id"] for i in record["items"] if i["shared"]] == ["item-1"]
        assert record["shared"]["with"] == "northshire-yjs"  # the requesting agency
    else:
        assert record["decision"] == "FAILED"
        assert "Crashed" in " ".join(record["reasons"])
        assert record["shared"] is None and not any(i["shared"] for i in record["items"])
        # what was decided before the crash is on the record
        assert (record["override"] is not None) == (step == "signoff")
    assert ref not in watchdog_at(now=now_utc())["reconciled"]  # recorded once
    told = [m for m in mailbox.messages
            if m["X-Infoshare-Reference"] == ref and m["X-Infoshare-Kind"] == "outcome"]  # fmt: skip
    assert len(told) == 1  # the requester is told, once
    said = "Shared with" if record["decision"] == "SHARE_PARTIAL" else "could not be completed"
    assert said in told[0].get_body(("plain",)).get_content()


def test_a_run_whose_machine_died_is_marked_crashed_and_recorded(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """A machine that dies takes the worker with it, so nobody tells Prefect the run ended: it
    would stay Running. Here the run is a plain ``python`` process (no runner watching it),
    SIGKILLed while it opens the override. With no heartbeat for three periods (3 x 30 s in
    the test stack), the automation declared with the deployments marks it Crashed and records
    it, with no sweep."""
    request = example("scenario2-housing.json")
    marker = f"Disturbance reports, unit-{uuid.uuid4().hex[:8]}"
    request["items"][0]["description"] = marker
    with (
        mailbox.hold("override_needed", marker) as held,
        plain_run("share-request", request, stack.env),
    ):
        assert held.arrived.wait(180), "the run never asked for the override"
    assert held.message is not None
    ref = held.message["X-Infoshare-Reference"]
    run_id = stack_store.requests.meta(ref).flow_run_id
    assert run_id is not None and prefect_api.run(run_id).state_type == "RUNNING"

    found = wait_until("the silent run to be recorded", lambda: stack_store.chain.record(ref), 240)
    run = prefect_api.run(run_id)
    assert run.state_type == "CRASHED" and "No heartbeat for 90 s" in (run.state_message or "")
    assert found[0].decision == "FAILED"
    assert found[0].public["reasons"] == [
        "The run ended before a decision was made: the run ended Crashed"
    ]
    assert ref not in watchdog_at(now=now_utc())["reconciled"]  # recorded once


def test_a_request_whose_run_vanished_is_recorded_from_infoshares_side(
    stack: Stack, stack_store: Store
) -> None:
    """Prefect cannot report a run it no longer has (deleted in the UI): the sweep also walks
    infoshare's own open requests and records those whose run is gone or ended unrecorded."""
    from infoshare.models import ShareRequest
    from infoshare.steps import run_triage

    gone = "00000000-0000-4000-8000-00000000dead"
    req = ShareRequest.model_validate(example("scenario1-school-attendance.json"))
    ref = stack_store.requests.register(req, gone, received_at=now_utc() - timedelta(hours=1))
    run_triage(stack_store, ref)  # taken in and triaged, then its run disappeared
    swept = watchdog_at(now=now_utc())
    assert ref in swept["reconciled"]
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "FAILED"
    assert "deleted" in found[0].public["reasons"][0]


def test_a_sign_off_unanswered_at_its_due_time_goes_to_the_deputy_whose_code_works(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    from test_share_request_flow import resume_when_ready

    run_id, ref = submit_and_wait_for(
        stack_store, "scenario1-school-attendance.json", "AWAITING_SIGNOFF"
    )
    assert not mailbox.codes(ref, DEPUTY)  # the deputy is not told when the step opens
    win = timeliness.window(stack_store, ref, Step.SIGNOFF)
    assert win is not None
    assert ref not in watchdog_at(now=win.due_at - timedelta(minutes=1))["escalated"]
    assert ref in watchdog_at(now=win.due_at + timedelta(minutes=1))["escalated"]
    assert ref not in watchdog_at(now=win.due_at + timedelta(minutes=2))["escalated"]  # once
    # the deputy gets a new code; the headteacher, first told, is told it was escalated
    assert sorted(mailbox.sent(ref, "escalation")) == [(HEAD, False), (DEPUTY, True)]
    assert "escalated" in [e.event for e in stack_store.audit.trail(ref)]

    stack_store.requests.provide_item(ref, "item-1", b"Attendance 2025-26: 81%.", "school-office")
    resume_when_ready(run_id, _share_item_1("school-dsl", mailbox.latest_code(ref, DEPUTY)))
    wait_until("the run to finish", lambda: prefect_api.run(run_id).state_type == "COMPLETED")
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].decision == "SHARE_PARTIAL"
    assert [a["id"] for a in found[0].public["approvers"]] == ["school-dsl"]


def _emergency(store: Store) -> tuple[str, str]:
    request = {**example("scenario1-school-attendance.json"), "urgency": "EMERGENCY",
               "risk_to_life": True}  # fmt: skip
    run_id = prefect_api.submit({"request": request}).id
    ref = wait_until("the run to take the request in", lambda: store.requests.ref_for_run(run_id))
    wait_until(
        f"{ref} to wait for the on-call approver",
        lambda: (
            store.requests.meta(ref).status == "AWAITING_EMERGENCY"
            and prefect_api.run(run_id).state_type == "PAUSED"
        ),
    )
    return run_id, ref


def test_an_emergency_is_shared_on_call_then_signed_off_afterwards(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    from test_share_request_flow import resume_when_ready

    run_id, ref = _emergency(stack_store)
    assert [a for a, _ in mailbox.sent(ref, "approval_needed")] == [DEPUTY]  # on call
    stack_store.requests.provide_item(
        ref, "item-1", b"Absent since Monday; last seen at school.", "school-office"
    )
    # the on-call approver answers from the command line, with the code mailed to her
    confirmed = CliRunner().invoke(
        main,
        ["confirm", ref, "--as", "school-dsl", "--code", mailbox.latest_code(ref, DEPUTY),
         "--decision", "CONFIRM", "--item", "item-1",
         "--reasons", "Missing and at risk tonight: attendance locates the young person."],
        env=stack.env,
    )  # fmt: skip
    assert confirmed.exit_code == 0, confirmed.output
    assert "answer submitted" in confirmed.output
    wait_until(
        "the share, then the wait for sign-off",
        lambda: (
            stack_store.requests.meta(ref).status == "AWAITING_SIGNOFF"
            and prefect_api.run(run_id).state_type == "PAUSED"
        ),
    )
    sent = stack_store.requests.step(ref, "transfer")
    assert sent is not None and sent.status == "DONE"  # shared before any sign-off
    assert mailbox.sent(ref, "delivery_notice")
    resume_when_ready(
        run_id,
        {"approver_id": "school-head", "code": mailbox.latest_code(ref, HEAD),
         "decision": "SHARE", "approved_items": ["item-1"],
         "reasons": "The emergency share was necessary; ratified."},
    )  # fmt: skip
    wait_until("the run to finish", lambda: prefect_api.run(run_id).state_type == "COMPLETED")
    found = stack_store.chain.record(ref)
    assert found is not None
    public = found[0].public
    assert public["decision"] == "SHARE_PARTIAL" and public["emergency"]["outcome"] == "CONFIRMED"
    assert public["emergency"]["retrospective_signoff"]["by"] == "school-head"
    assert len(mailbox.sent(ref, "delivery_notice")) == 1  # shared once


def test_an_emergency_nobody_confirms_in_time_follows_the_red_path(
    stack: Stack, stack_store: Store
) -> None:
    run_id, ref = _emergency(stack_store)
    received = stack_store.requests.meta(ref).received_at
    assert ref not in watchdog_at(now=received + timedelta(minutes=14))["fell_back"]
    assert ref in watchdog_at(now=received + timedelta(minutes=16))["fell_back"]
    wait_until(
        "the woken run to wait for sign-off",
        lambda: (
            stack_store.requests.meta(ref).status == "AWAITING_SIGNOFF"
            and prefect_api.run(run_id).state_type == "PAUSED"
        ),
    )
    assert stack_store.requests.step(ref, "transfer") is None  # nothing shared before sign-off
    red = stack_store.settings.tier_budgets[UrgencyTier.RED]
    hours = stack_store.partnership().agencies["northshire-academy"].office_hours
    assert stack_store.requests.meta(ref).due_at == red.due(received, hours)
