"""The gate in front of the running stack (Prefect server, served share-request deployment,
infoshare's store): an answer through the gate is stamped with the person signed in and the
run accepts it as proof of who answered; the Prefect UI works through the gate in Chromium at
1366x768, websockets included."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from browser import ui_url
from conftest import Mailbox, Stack, example, wait_until
from gate_support import RunningGate, gate_refusals, running_gate, signed_in
from test_workspace_browser import sign_in_by_code, workspace

from infoshare import prefect_api
from infoshare.identity import codes
from infoshare.store import Store

__all__ = ["workspace"]  # the fixture: infoshare workspace serve on the stack


@pytest.fixture(scope="module")
def gate(stack: Stack) -> Iterator[RunningGate]:
    with running_gate(stack.home, stack.api_url.removesuffix("/api"), None) as g:
        yield g


def _paused(stack: Stack, run_id: str) -> bool:
    run = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10).json()
    keyset = run["state"]["state_details"].get("run_input_keyset") or {}
    if run["state"]["type"] != "PAUSED" or not keyset:
        return False
    schema = httpx.get(f"{stack.api_url}/flow_runs/{run_id}/input/{keyset['schema']}", timeout=10)
    return schema.status_code == 200


def _signoff(person: str) -> dict[str, Any]:
    return {"run_input": {
        "approver_id": person, "decision": "REFUSE", "approved_items": [], "code": "",
        "signature": "", "workspace": "", "redactions": "", "dpo_advice": "",
        "reasons": "Attendance data is not needed for the plan as described.",
    }}  # fmt: skip


def test_an_answer_through_the_gate_is_stamped_with_who_gave_it(
    stack: Stack, stack_store: Store, gate: RunningGate, mailbox: Mailbox
) -> None:
    run = prefect_api.submit({"request": example("scenario1-school-attendance.json")})
    ref = wait_until("the request's reference", lambda: stack_store.requests.ref_for_run(run.id))
    wait_until("sign-off to wait", lambda: stack_store.requests.meta(ref).status
               == "AWAITING_SIGNOFF" and _paused(stack, run.id), 180)  # fmt: skip
    resume = f"/api/flow_runs/{run.id}/resume"

    # an officer answering in the headteacher's name is refused at the gate, and it is audited
    with gate.client(signed_in(stack_store, "pc-ahmed")) as c:
        r = c.post(resume, json=_signoff("school-head"))
    assert r.status_code == 403
    assert r.json()["detail"] == (
        "Refused by infoshare's gate: you are signed in as pc-ahmed: answer in your own name."
    )
    assert f"pc-ahmed: POST {resume}: you are signed in as pc-ahmed: answer in your own name" in (
        gate_refusals(stack_store)
    )

    # the headteacher answers through the gate, typing the code she was mailed as well: the
    # gate's stamp is the proof, and the code she typed is spent, not left usable
    code = mailbox.latest_code(ref, "helen.price@academy.northshire.example")
    answer = _signoff("school-head")
    answer["run_input"]["code"] = code
    with gate.client(signed_in(stack_store, "school-head", "passkey")) as c:
        r = c.post(resume, json=answer)
    assert r.status_code == 201 and r.json()["status"] == "ACCEPT", r.text
    assert codes.redeem(stack_store, ref, "signoff", "school-head", run.id, code) == (
        "the code has already been used"
    )
    found = wait_until("the decision record", lambda: stack_store.chain.record(ref), 180)
    record = found[0].public
    assert [(a["id"], a["identity"]) for a in record["approvers"]] == [
        ("school-head", "workspace sign-in: passkey")
    ]
    trail = [(e.actor_id, e.event) for e in stack_store.audit.trail(ref)]
    assert ("school-head", "answer sent through the gate") in trail


def test_the_prefect_ui_through_the_gate(
    stack: Stack, stack_store: Store, gate: RunningGate, new_page: Callable[..., Any]
) -> None:
    run = prefect_api.submit({"request": example("scenario1-school-attendance.json")})
    dep = httpx.get(f"{stack.api_url}/deployments/name/{prefect_api.DEPLOYMENT}", timeout=10)
    page = new_page()
    # not signed in: sent to the workspace's sign-in
    response = page.request.get(f"{gate.url}/runs", headers={"accept": "text/html"},
                                max_redirects=0)  # fmt: skip
    assert response.status == 303
    assert response.headers["location"].endswith("/signin")

    page.context.add_cookies(
        [
            {
                "name": "infoshare-session",
                "value": signed_in(stack_store, "pc-ahmed"),
                "url": gate.url,
            }
        ]  # fmt: skip
    )
    before = len(gate_refusals(stack_store))
    page.goto(ui_url(gate.url, "/runs", "v2"))
    page.locator(f'a[href*="{run.id}"]').first.wait_for(timeout=60_000)  # renamed ISR-... by then
    page.goto(ui_url(gate.url, f"/deployments/deployment/{dep.json()['id']}", "v2"))
    page.get_by_text("share-request").first.wait_for(timeout=60_000)
    page.goto(ui_url(gate.url, f"/runs/flow-run/{run.id}", "v1"))
    # its name as submitted, or the ISR-... reference the flow renames it to once started
    page.get_by_text(re.compile(rf"{run.name}|ISR-\d{{8}}-")).first.wait_for(timeout=60_000)
    refused = gate_refusals(stack_store)[before:]
    assert refused == [], "\n".join(refused)
    # Prefect 3.9.1's UIs poll; its API streams events over a websocket, which the page (with
    # its cookie) follows through the gate, the gate giving Prefect its token
    first = page.evaluate(FOLLOW_EVENTS, gate.url.replace("http", "ws", 1) + "/api/events/out")
    assert first["auth"] == "auth_success" and first["event"].startswith("prefect.")
    assert not [line for line in gate_refusals(stack_store) if "WEBSOCKET" in line]


def test_an_answer_in_the_prefect_ui_through_the_gate_needs_no_code(
    stack: Stack, stack_store: Store, gate: RunningGate, new_page: Callable[..., Any]
) -> None:
    """The headteacher, signed in, opens the run through the gate and answers in Prefect's own
    resume form, code left empty: the gate's stamp proves who answered."""
    from test_ui_journey import choose, control, open_resume_form, resume

    run = prefect_api.submit({"request": example("scenario1-school-attendance.json")})
    ref = wait_until("the request's reference", lambda: stack_store.requests.ref_for_run(run.id))
    wait_until("sign-off to wait", lambda: stack_store.requests.meta(ref).status
               == "AWAITING_SIGNOFF" and _paused(stack, run.id), 180)  # fmt: skip
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": "infoshare-session",
                "value": signed_in(stack_store, "school-head"),
                "url": gate.url,
            }
        ]  # fmt: skip
    )
    dialog = open_resume_form(page, gate.url, run.id, "v2")
    control(dialog, "Approver ID").fill("school-head")
    choose(page, dialog, "Decision", "REFUSE")
    control(dialog, "Reasons").fill("Attendance data is not needed for the plan as described.")
    resume(page, dialog)
    found = wait_until("the decision record", lambda: stack_store.chain.record(ref), 180)
    assert [(a["id"], a["identity"]) for a in found[0].public["approvers"]] == [
        ("school-head", "workspace sign-in: passkey")
    ]


def test_signed_in_at_the_workspace_a_browser_is_let_through_the_gate(
    stack: Stack, stack_store: Store, mailbox: Mailbox, workspace: str,
    new_page: Callable[..., Any],
) -> None:  # fmt: skip
    """The embedded default: the workspace on one port, the gate on another, same host name;
    one sign-in (the workspace's cookie) lets the browser into the Prefect UI."""
    run = prefect_api.submit({"request": example("scenario1-school-attendance.json")})
    upstream = stack.api_url.removesuffix("/api")
    with running_gate(stack.home, upstream, None, workspace=workspace) as gate:
        page = new_page()
        page.goto(ui_url(gate.url, "/runs", "v2"))
        page.wait_for_url(f"{workspace}/signin")
        email = stack_store.partnership().members["pc-ahmed"].email
        sign_in_by_code(page, workspace, "pc-ahmed", email, mailbox)
        page.goto(ui_url(gate.url, "/runs", "v2"))
        page.locator(f'a[href*="{run.id}"]').first.wait_for(
            timeout=60_000
        )  # renamed ISR-... by then
        assert page.url.startswith(gate.url)


FOLLOW_EVENTS = """url => new Promise((resolve, reject) => {
  const ws = new WebSocket(url, "prefect");
  let auth = null;
  ws.onopen = () => ws.send(JSON.stringify({type: "auth", token: "anything"}));
  ws.onmessage = m => {
    const msg = JSON.parse(m.data);
    if (msg.type === "auth_success") {
      auth = msg.type;
      ws.send(JSON.stringify({type: "filter", filter: {}}));
    } else if (msg.type === "event") { ws.close(); resolve({auth, event: msg.event.event}); }
  };
  ws.onclose = e => reject(new Error("closed " + e.code + " " + e.reason));
  setTimeout(() => reject(new Error("no event within 60 s")), 60000);
})"""
