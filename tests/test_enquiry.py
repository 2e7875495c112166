"""Multi-agency enquiries end to end on the session's Prefect server and stack: one enquiry,
one share-request run per agency under it, each with its own rules, envelope and record, and
one enquiry record in the requesting agency's chain when the last agency has answered."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from conftest import Mailbox, Stack, example, wait_until
from run_support import plain_run, process_of, store_held
from test_share_request_flow import resume_when_ready

from infoshare import enquiries, prefect_api, reports
from infoshare.cli import main
from infoshare.envelope import open_bytes
from infoshare.store import Store
from infoshare.worktime import now_utc

sys.path.insert(0, str(Path(__file__).parent))
from prefect_server import scan_database_for  # noqa: E402

TIMEOUT = 600  # on a shared 2-core machine a run's process can take minutes to start
MASH = "northshire-mash"


def cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


@dataclass
class Part:
    """One agency's run of an enquiry and the answers its people give, in order."""

    agency: str
    answers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    prepare: dict[str, str] = field(default_factory=dict)
    preparer: str = ""
    run_id: str = ""
    ref: str = ""
    last_pause: str = ""
    prepared: bool = False


def override_by(person: str) -> tuple[str, dict[str, Any]]:
    return ("override", {
        "person_id": person, "grounds": ["SAFEGUARD_CHILDREN", "PREVENT_OFFENCES"],
        "proportionality": "Two young children in the household; only what is needed.",
        "subject_informed": False,
        "not_informed_reason": "Telling the mother now would raise the risk of reprisal.",
    })  # fmt: skip


def signoff(approver: str, decision: str, items: list[str]) -> tuple[str, dict[str, Any]]:
    return ("signoff", {"approver_id": approver, "decision": decision, "approved_items": items,
                        "reasons": "Necessary and proportionate to protect the children."})  # fmt: skip


def submit(enquiry: dict[str, Any]) -> str:
    run_id = prefect_api.submit({"enquiry": enquiry}, deployment=prefect_api.ENQUIRY_DEPLOYMENT).id
    return run_id


def enquiry_ref(store: Store, run_id: str) -> str:
    ref: str = wait_until("the enquiry to be taken in", lambda: store.requests.ref_for_run(run_id))
    return ref


def drive(
    store: Store, mailbox: Mailbox, ref: str, parts: list[Part], killed: bool = False
) -> None:
    """Answer each agency's run when it waits, as its people would; until every part has a
    record. The enquiry's own run must not fail (unless the test ``killed`` it)."""
    deadline = time.monotonic() + TIMEOUT
    enquiry_run = store.requests.meta(ref).flow_run_id
    assert enquiry_run is not None
    while time.monotonic() < deadline:
        state = prefect_api.run(enquiry_run).state_type
        assert killed or state not in ("FAILED", "CRASHED"), f"the enquiry's run ended {state}"
        asked = {a.agency: a for a in store.enquiries.asked(ref)}
        pending = 0
        for p in parts:
            a = asked[p.agency]
            p.run_id, p.ref = a.child_run_id or "", a.child_ref or ""
            if not p.ref or store.chain.record(p.ref) is not None:
                pending += not p.ref
                continue
            pending += 1
            run = prefect_api.run(p.run_id)
            if run.state_type != "PAUSED" or run.state_id == p.last_pause or not p.answers:
                continue
            waiting = store.requests.meta(p.ref).status
            if p.prepare and waiting == "AWAITING_SIGNOFF" and not p.prepared:
                for item, content in p.prepare.items():
                    store.requests.provide_item(p.ref, item, content.encode(), p.preparer)
                p.prepared = True
            step, data = p.answers.pop(0)
            assert waiting == f"AWAITING_{step.upper()}", (p.agency, waiting, step)
            person = store.partnership().member(data.get("person_id") or data["approver_id"])
            assert person is not None
            resume_when_ready(p.run_id, {**data, "code": mailbox.latest_code(p.ref, person.email)})
            p.last_pause = run.state_id
        if pending == 0:
            return
        time.sleep(0.5)
    raise AssertionError(f"{ref}: the agencies did not all answer in time")


def record_of(store: Store, ref: str) -> dict[str, Any]:
    found = store.chain.record(ref)
    assert found is not None, f"{ref}: no record"
    row, personal = found
    return {**row.public, "personal": personal, "chain": row.disclosing_agency,
            "record_sha256": row.record_sha256}  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def enquiry_served(stack: Stack) -> None:
    """flows.serve registers the enquiry deployment just after the share-request one (which
    the stack waits for)."""
    import httpx

    wait_until("the enquiry deployment", lambda: httpx.get(
        f"{stack.api_url}/deployments/name/enquiry/enquiry", timeout=5).status_code == 200)  # fmt: skip


@pytest.fixture(scope="module")
def scenario2(stack: Stack, stack_store: Store, mailbox: Mailbox) -> dict[str, Any]:
    """Scenario 2 as one enquiry: the hospital (four eyes) and the housing provider."""
    result = cli("submit-enquiry", str(Path("examples/scenario2-enquiry.json").resolve()),
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    ref = json.loads(result.output)["reference"]
    assert ref.startswith("ENQ-")
    parts = [
        Part("northshire-hospitals",
             [override_by("nurse-lee"),
              signoff("caldicott-rao", "SHARE", ["item-1", "item-2"]),
              signoff("caldicott-deputy", "SHARE", ["item-1", "item-2"])],
             {"item-1": "2026-03-02, 2026-07-19", "item-2": "Bruising to both forearms."},
             "nurse-lee"),
        Part("northshire-homes",
             [override_by("housing-officer"),
              signoff("housing-manager", "SHARE", ["item-1"]),
              signoff("housing-head", "SHARE", ["item-1"])],
             {"item-1": "4 noise/disturbance reports, Jan-Nov 2026."}, "housing-officer"),
    ]  # fmt: skip
    t0 = time.monotonic()
    drive(stack_store, mailbox, ref, parts)
    wait_until("the enquiry record", lambda: stack_store.chain.record(ref), timeout=60)
    return {"ref": ref, "parts": {p.agency: p for p in parts}, "seconds": time.monotonic() - t0}


def test_scenario2_as_one_enquiry(
    scenario2: dict[str, Any], stack: Stack, stack_store: Store
) -> None:
    ref = scenario2["ref"]
    parts: dict[str, Part] = scenario2["parts"]
    enquiry = record_of(stack_store, ref)
    # the enquiry record: in the requesting agency's chain, linking both agencies' records
    assert enquiry["chain"] == MASH and enquiry["decision"] == enquiries.ENQUIRY_DECISION
    assert enquiry["asked"] == ["northshire-hospitals", "northshire-homes"]
    by_agency = {a["agency"]: a for a in enquiry["agencies"]}
    for agency, p in parts.items():
        child = record_of(stack_store, p.ref)
        assert child["enquiry"] == ref and child["chain"] == agency
        assert by_agency[agency]["request"] == p.ref
        assert by_agency[agency]["record_sha256"] == child["record_sha256"]
        assert by_agency[agency]["decision"] == child["decision"]
        # each its own envelope, only its approved items, in the requester's inbox
        shared = child["shared"]
        data = (
            stack_store.settings.inbox_for(MASH) / f"{shared['envelope_id']}.isenv"
        ).read_bytes()
        assert hashlib.sha256(data).hexdigest() == shared["envelope_sha256"]
        opened = open_bytes(data, keys=stack_store.keys.decryption_keys(MASH),
                            sender_key=stack_store.keys.signing_key(agency).public_key())  # fmt: skip
        assert sorted(i.item_id for i in opened.items) == sorted(shared["items"])
        assert by_agency[agency]["shared"]["envelope_sha256"] == shared["envelope_sha256"]
    hospital = record_of(stack_store, parts["northshire-hospitals"].ref)
    assert hospital["decision"] == "SHARE_PARTIAL"  # mental health history not approved
    assert [a["id"] for a in hospital["approvers"]] == ["caldicott-rao", "caldicott-deputy"]
    assert by_agency["northshire-hospitals"]["shared"]["by"] == [
        "caldicott-rao",
        "caldicott-deputy",
    ]
    # the enquiry record names the people only in its sealed part
    assert enquiry["personal"]["subjects"][0]["name"] == "Morwenna Fictitious-Mother"
    assert "Morwenna" not in json.dumps({k: v for k, v in enquiry.items() if k != "personal"})
    # the case view
    shown = cli("enquiries", "show", ref, "--json")
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.output)
    assert view["status"] == "CLOSED" and view["record_sha256"] == enquiry["record_sha256"]
    assert {a["agency"]: a["decision"] for a in view["agencies"]} == {
        a: record_of(stack_store, p.ref)["decision"] for a, p in parts.items()
    }
    # tamper-evident in its chain, and found by subject access search
    verified = cli("records", "verify", "--agency", MASH)
    assert verified.exit_code == 0, verified.output
    found = cli("records", "search", "--subject-name", "Morwenna Fictitious-Mother",
                "--dob", "2002-06-02", "--as", "mash-manager", "--why", "subject access request",
                "--json")  # fmt: skip
    assert found.exit_code == 0, found.output
    assert ref in [m["reference"] for m in json.loads(found.output)["matches"]]
    # the timeliness report counts it: every answer in, all on time
    assert counted_in_report(stack_store, ref, enquiry["last_answer_at"]) == (1, 1, 1)


def counted_in_report(store: Store, ref: str, last_answer_at: str) -> tuple[int, int, int]:
    """The enquiry as the timeliness report counts the enquiries received in the microsecond
    it was: (received, every answer in, all of them on time); its hours to the last answer
    are those from receipt to ``last_answer_at``."""
    received = store.requests.meta(ref).received_at
    figures = reports.timeliness(store, received, received + timedelta(microseconds=1)).enquiries
    hours = (datetime.fromisoformat(last_answer_at) - received).total_seconds() / 3600
    assert figures.hours_to_last_answer == [pytest.approx(hours)]
    return figures.received, figures.answered, figures.all_on_time


def test_nothing_about_the_subject_left_in_prefect(scenario2: dict[str, Any], stack: Stack) -> None:
    enquiry = example("scenario2-enquiry.json")
    needles = ["Morwenna", "Fictitious-Mother", "Dorian", "2002-06-02", "Example Terrace",
               "reprisal", "Bruising", "Domestic incident", "informs the risk assessment"]  # fmt: skip
    assert enquiry["subjects"][0]["name"].startswith(needles[0])
    hits = scan_database_for(stack.prefect_db, needles)
    assert hits == [], "\n".join(str(h) for h in hits[:20])
    assert scan_database_for(stack.prefect_db, [scenario2["ref"]])  # the scanner can see


def test_the_agencies_runs_are_tied_to_the_enquiry(scenario2: dict[str, Any], stack: Stack) -> None:
    """Each agency's run carries the enquiry's tag, and the enquiry's case view (its artifact)
    links each run. (Not as subflows: Prefect cannot suspend a run with a parent.)"""
    import httpx

    ref = scenario2["ref"]
    for p in scenario2["parts"].values():
        run = httpx.get(f"{stack.api_url}/flow_runs/{p.run_id}", timeout=10).json()
        assert f"enquiry:{ref}" in run["tags"] and run["name"].startswith(p.ref)

    def closed_case_view() -> dict[str, Any] | None:
        resp = httpx.post(f"{stack.api_url}/artifacts/latest/filter",
                          json={"artifacts": {"key": {"any_": [f"enquiry-{ref.lower()}"]}}},
                          timeout=10)  # fmt: skip
        (artifact,) = resp.json()
        return artifact if f"Enquiry {ref}: CLOSED" in artifact["data"] else None

    # the last agency's run publishes it just after writing the enquiry's record
    artifact = wait_until("the case view to show the enquiry closed", closed_case_view, 60)
    for p in scenario2["parts"].values():
        assert f"/runs/flow-run/{p.run_id}" in artifact["data"]
    assert "Morwenna" not in artifact["data"]


# --- bad input --------------------------------------------------------------------------------


def bad_enquiry(tmp_path: Path, change: Any) -> Path:
    enquiry = copy.deepcopy(example("scenario2-enquiry.json"))
    change(enquiry)
    path = tmp_path / "enquiry.json"
    path.write_text(json.dumps(enquiry))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e["agencies"].append(copy.deepcopy(e["agencies"][1])),
         "northshire-homes is listed twice"),
        (lambda e: e["agencies"][1].update(items=[]), "northshire-homes is asked for no items"),
        (lambda e: e["agencies"][1].update(disclosing_agency="northshire-mash"),
         "northshire-mash is the requesting agency"),
        (lambda e: e.update(agencies=[]), "needs at least one agency"),
    ],
    ids=["twice", "no-items", "itself", "nobody"],
)  # fmt: skip
def test_bad_enquiry_is_refused_by_the_cli(
    stack: Stack, tmp_path: Path, change: Any, message: str
) -> None:
    result = cli("submit-enquiry", str(bad_enquiry(tmp_path, change)))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output and "Morwenna" not in result.output


def test_bad_enquiry_sent_to_prefect_is_refused_and_recorded(
    stack: Stack, stack_store: Store
) -> None:
    """The run form cannot check that each agency is listed once, nor that the requesting
    agency does not ask itself: the flow refuses it, records why and asks nobody."""
    enquiry = copy.deepcopy(example("scenario2-enquiry.json"))
    enquiry["agencies"].append(copy.deepcopy(enquiry["agencies"][0]))
    enquiry["agencies"][1]["disclosing_agency"] = MASH
    run_id = submit(enquiry)
    ref = enquiry_ref(stack_store, run_id)
    rec = wait_until("the refused enquiry's record", lambda: stack_store.chain.record(ref))
    row = rec[0]
    assert row.decision == "REFUSE" and row.disclosing_agency == MASH
    reasons = " ".join(row.public["reasons"])
    assert "northshire-hospitals is listed twice" in reasons
    assert "northshire-mash is the requesting agency" in reasons
    assert stack_store.enquiries.children(ref) == []
    wait_until("the run to end", lambda: prefect_api.run(run_id).state_type == "COMPLETED")
    assert stack_store.enquiries.asked(ref) == []


# --- five agencies, one RED enquiry -----------------------------------------------------------


CONTACTS = {"item-1": "3 contacts with the family, March to November."}


def five_agency_enquiry() -> dict[str, Any]:
    enquiry = copy.deepcopy(example("scenario2-enquiry.json"))
    enquiry["consent"] = "OBTAINED"  # no override: each agency's sign-off only
    enquiry["consent_reason"] = "She agreed at the MASH contact."
    item = {"description": "Contacts with the family, last 12 months",
            "necessity": "The pattern of contacts informs the risk assessment."}  # fmt: skip
    enquiry["agencies"] = [
        # no agreement that covers it and no gateway: sent back on its own
        {"disclosing_agency": "northshire-police", "items": [item],
         "isa_reference": "NCSP-ISA-1999-99"},
        {"disclosing_agency": "northshire-council", "items": [item], "gateway": "CDA1998_S115"},
        {"disclosing_agency": "northshire-academy", "items": [item], "gateway": "CDA1998_S115"},
        {"disclosing_agency": "northshire-hospitals", "items": [item], "gateway": "CDA1998_S115"},
        {"disclosing_agency": "northshire-homes", "items": [item], "gateway": "CDA1998_S115"},
    ]  # fmt: skip
    return enquiry


def test_five_agencies_one_sent_back_one_refuses_one_expires_two_share(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    from flows.watchdog import watchdog_at

    run_id = submit(five_agency_enquiry())
    ref = enquiry_ref(stack_store, run_id)
    parts = [
        Part("northshire-council", [signoff("council-head", "REFUSE", [])]),
        Part("northshire-hospitals",
             [signoff("caldicott-rao", "SHARE", ["item-1"]),
              signoff("caldicott-deputy", "SHARE", ["item-1"])], CONTACTS, "nurse-lee"),
        Part("northshire-homes",
             [signoff("housing-manager", "SHARE", ["item-1"]),
              signoff("housing-head", "SHARE", ["item-1"])], CONTACTS, "housing-officer"),
    ]  # fmt: skip
    drive(stack_store, mailbox, ref, parts)
    # the academy's sign-off waits; past its step's due time the requesting agency's managers
    # are told, then past the deadline it expires
    academy = wait_until("the academy's request to wait", lambda: next(
        (a for a in enquiries.case_view(stack_store, ref)["agencies"]
         if a["agency"] == "northshire-academy" and a["step_due_at"]), None))  # fmt: skip
    assert stack_store.chain.record(ref) is None  # still open
    swept = watchdog_at(now=academy["step_due_at"] + timedelta(minutes=1))
    assert academy["request"] in swept["enquiries"]["escalated"]
    told = [m for m in mailbox.messages if "liam.byrne@mash" in str(m["To"])
            and academy["request"] in str(m.get_body(("plain",)).get_content())]  # fmt: skip
    assert told, "the requesting agency's manager was not told"
    watchdog_at(now=academy["due_at"] + timedelta(minutes=1))
    rec = wait_until("the enquiry record", lambda: stack_store.chain.record(ref), timeout=90)
    public = rec[0].public
    decisions = {a["agency"]: a["decision"] for a in public["agencies"]}
    assert decisions == {
        "northshire-police": "DEFER",
        "northshire-council": "REFUSE",
        "northshire-academy": "EXPIRED",
        "northshire-hospitals": decisions["northshire-hospitals"],
        "northshire-homes": decisions["northshire-homes"],
    }
    assert {decisions["northshire-hospitals"], decisions["northshire-homes"]} <= {
        "SHARE_FULL", "SHARE_PARTIAL"}  # fmt: skip
    shared = {a["agency"] for a in public["agencies"] if a["shared"]}
    assert shared == {"northshire-hospitals", "northshire-homes"}
    assert public["on_time"] is False  # the academy did not answer in time
    for a in public["agencies"]:
        child = stack_store.chain.record(a["request"])
        assert child is not None and child[0].record_sha256 == a["record_sha256"]
    # the timeliness report counts it: every answer in, not all of them on time
    assert counted_in_report(stack_store, ref, public["last_answer_at"]) == (1, 1, 0)


# --- the requester withdraws an agency and adds another -------------------------------------------


def as_requester(mailbox: Mailbox, *args: str) -> Any:
    """An ``enquiries`` command by the requester: the first call mails a confirmation code,
    the second gives it."""
    first = cli(*args, "--as", "mash-social-worker")
    assert first.exit_code == 2 and "--code" in first.output, first.output
    code = mailbox.confirmation_codes("sara.novak@mash.northshire.example")[-1]
    return cli(*args, "--as", "mash-social-worker", "--code", code, "--json")


def test_withdraw_one_agency_and_add_another(
    stack: Stack, stack_store: Store, mailbox: Mailbox, tmp_path: Path
) -> None:
    enquiry = five_agency_enquiry()
    enquiry["agencies"] = [enquiry["agencies"][3]]  # the hospital only
    ref = enquiry_ref(stack_store, submit(enquiry))
    hospital = wait_until("the hospital to wait for its sign-off", lambda: next(
        (a for a in enquiries.case_view(stack_store, ref)["agencies"]
         if a["step"] == "AWAITING_SIGNOFF"), None))  # fmt: skip
    homes = tmp_path / "homes.json"
    homes.write_text(json.dumps(five_agency_enquiry()["agencies"][4]))
    added = as_requester(mailbox, "enquiries", "add", ref, str(homes))
    assert added.exit_code == 0, added.output
    # not the requester: refused, nothing changed
    other = cli("enquiries", "withdraw", ref, "northshire-hospitals", "--as", "mash-manager")
    assert other.exit_code == 2 and "only the requester" in other.output
    withdrawn = as_requester(mailbox, "enquiries", "withdraw", ref, "northshire-hospitals")
    assert withdrawn.exit_code == 0, withdrawn.output
    rec = record_of(stack_store, hospital["request"])
    assert rec["decision"] == "WITHDRAWN" and rec["shared"] is None and rec["enquiry"] == ref
    wait_until("the withdrawn run to be cancelled",
               lambda: prefect_api.run(hospital["flow_run_id"]).state_type == "CANCELLED")  # fmt: skip
    drive(stack_store, mailbox, ref, [Part("northshire-homes", [
        signoff("housing-manager", "SHARE", ["item-1"]),
        signoff("housing-head", "SHARE", ["item-1"])], CONTACTS, "housing-officer")])  # fmt: skip
    public = wait_until("the enquiry record", lambda: stack_store.chain.record(ref))[0].public
    assert [(a["agency"], a["decision"]) for a in public["agencies"]] == [
        ("northshire-hospitals", "WITHDRAWN"),
        ("northshire-homes", record_of(stack_store, public["agencies"][1]["request"])["decision"]),
    ]
    assert public["agencies"][0]["shared"] is None
    assert (
        record_of(stack_store, hospital["request"])["record_sha256"]
        == (public["agencies"][0]["record_sha256"])
    )
    assert cli("enquiries", "withdraw", ref, "northshire-homes", "--as",
               "mash-social-worker").exit_code == 2  # closed: nothing more changes  # fmt: skip


# --- SIGKILL ------------------------------------------------------------------------------------


def _process_when_seen(run_id: str) -> int | None:
    """The run's process, looked for as often as /proc allows: under the fork worker an
    enquiry's run lives for about a second (it imports nothing)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pid = process_of(run_id)
        if pid is not None:
            return pid
        time.sleep(0.02)
    return None


def two_agency_enquiry() -> dict[str, Any]:
    enquiry = five_agency_enquiry()
    enquiry["agencies"] = enquiry["agencies"][3:]  # the hospital and the housing provider
    return enquiry


def test_killed_enquiry_run_and_killed_agency_run_each_end_with_one_record(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """SIGKILL of the enquiry's run as soon as it has a process (before or while it takes the
    enquiry in and asks the agencies), then SIGKILL of one agency's run while it sends its
    approval notice: the enquiry is taken in and asked all the same, the killed agency's
    request is recorded FAILED, the other shares, and the enquiry ends with one record."""
    from flows.watchdog import watchdog_at

    run_id = submit(two_agency_enquiry())
    pid = _process_when_seen(run_id)
    assert pid is not None, "the enquiry run's process was never seen"
    with mailbox.hold("approval_needed", "Northshire Homes") as held:
        os.kill(pid, signal.SIGKILL)
        wait_until("the enquiry run to be marked Crashed",
                   lambda: prefect_api.run(run_id).state_type == "CRASHED")  # fmt: skip
        ref = enquiry_ref(stack_store, run_id)  # taken in by its crash hook, if not before
        assert held.arrived.wait(120), "the housing provider's run never asked for approval"
        homes = next(a for a in stack_store.enquiries.asked(ref) if a.agency == "northshire-homes")
        assert homes.child_run_id is not None
        child_pid = wait_until("its process", lambda: process_of(homes.child_run_id), timeout=10)
        os.kill(child_pid, signal.SIGKILL)
    wait_until("the housing run to be marked Crashed",
               lambda: prefect_api.run(homes.child_run_id).state_type == "CRASHED")  # fmt: skip
    parts = [Part("northshire-hospitals", [signoff("caldicott-rao", "SHARE", ["item-1"]),
                                           signoff("caldicott-deputy", "SHARE", ["item-1"])],
                  CONTACTS, "nurse-lee")]  # fmt: skip
    drive(stack_store, mailbox, ref, parts, killed=True)
    watchdog_at(now=now_utc())  # the net: records anything the hooks missed
    rec = wait_until("the enquiry record", lambda: stack_store.chain.record(ref), timeout=90)
    decisions = {a["agency"]: a["decision"] for a in rec[0].public["agencies"]}
    assert decisions["northshire-homes"] == "FAILED"
    assert decisions["northshire-hospitals"] in ("SHARE_FULL", "SHARE_PARTIAL")
    # one record each: every child once in its chain, the enquiry once in the MASH chain
    for a in stack_store.enquiries.asked(ref):
        assert a.child_ref is not None
        assert stack_store.requests.ref_for_run(a.child_run_id or "") == a.child_ref
    assert len(stack_store.enquiries.children(ref)) == 2
    again = watchdog_at(now=now_utc())
    assert again["enquiries"]["closed"] == []


def _enquiry_runs(api_url: str, *states: str) -> set[str]:
    runs: dict[str, Any] = {"flows": {"name": {"any_": ["enquiry"]}}, "limit": 200}
    if states:
        runs["flow_runs"] = {"state": {"type": {"any_": list(states)}}}
    resp = httpx.post(f"{api_url}/flow_runs/filter", json=runs, timeout=10)
    resp.raise_for_status()
    return {r["id"] for r in resp.json()}


def _heartbeat_seen(api_url: str, run_id: str) -> bool:
    resp = httpx.post(
        f"{api_url}/events/filter",
        json={"filter": {"event": {"name": ["prefect.flow-run.heartbeat"]},
                         "resource": {"id": [f"prefect.flow-run.{run_id}"]}}},
        timeout=10,
    )  # fmt: skip
    resp.raise_for_status()
    return bool(resp.json()["events"])


def test_an_enquiry_run_whose_machine_died_is_marked_crashed_and_gone_on_with(
    stack: Stack, stack_store: Store
) -> None:
    """A machine that dies takes the worker with it, and the enquiry run's state hooks too:
    nobody would tell Prefect the run ended. Here the run is a plain ``python`` process (no
    runner watching it), SIGKILLed while its intake waits for the store (the test holds the
    store's write lock, as a stalled disk would), after its first heartbeat. With no heartbeat
    for three periods (3 x 30 s in the test stack) the automation declared with the deployments
    marks it Crashed, takes the enquiry in and asks its agencies, with no sweep."""
    enquiry = two_agency_enquiry()
    before = _enquiry_runs(stack.api_url)
    with store_held(stack_store), plain_run("enquiry", enquiry, stack.env):  # its intake waits
        run_id = wait_until(
            "the enquiry run to start",
            lambda: next(iter(_enquiry_runs(stack.api_url, "RUNNING") - before), None),
            120,
        )
        wait_until("its first heartbeat", lambda: _heartbeat_seen(stack.api_url, run_id), 20)
    assert stack_store.requests.ref_for_run(run_id) is None  # it died before taking it in
    assert prefect_api.run(run_id).state_type == "RUNNING"

    ref = wait_until("the enquiry to be taken in by the automation",
                     lambda: stack_store.requests.ref_for_run(run_id), 240)  # fmt: skip
    run = prefect_api.run(run_id)
    assert run.state_type == "CRASHED" and "No heartbeat for 90 s" in (run.state_message or "")
    asked = wait_until("its agencies to be asked",
                       lambda: (a := stack_store.enquiries.asked(ref))
                       and all(x.child_run_id for x in a) and a, 60)  # fmt: skip
    assert sorted(a.agency for a in asked) == ["northshire-homes", "northshire-hospitals"]
    assert "Morwenna" not in json.dumps(httpx.get(f"{stack.api_url}/flow_runs/{run_id}",
                                                  timeout=10).json()["parameters"])  # fmt: skip


def test_the_case_view_in_the_workspace(
    scenario2: dict[str, Any], stack_store: Store, mailbox: Mailbox
) -> None:
    """Its page shows each agency's request and decision to the agencies party to it (no
    personal data); anyone else gets the 404 of a page that does not exist."""
    from workspace_support import Visitor, app_for

    ref = scenario2["ref"]
    app = app_for(stack_store)
    requester, stranger = Visitor(app), Visitor(app, "127.0.0.2")
    try:
        requester.sign_in("mash-social-worker", stack_store, mailbox)
        page = requester.get(f"/enquiries/{ref}")
        assert page.status_code == 200, page.text
        for p in scenario2["parts"].values():
            assert f'href="/requests/{p.ref}"' in page.text
        assert "CLOSED" in page.text and "Morwenna" not in page.text
        stranger.sign_in("school-head", stack_store, mailbox)
        assert stranger.get(f"/enquiries/{ref}").status_code == 404
        assert stranger.get("/enquiries/ENQ-20260101-NOTAREAL").status_code == 404
    finally:
        requester.close()
        stranger.close()


def unstarted_enquiry_run(client: Any) -> Any:
    """A run of the enquiry deployment for two agencies that no worker takes (it is scheduled
    for tomorrow): a run whose machine never ran it, for a test to end as it likes."""
    from prefect.states import Scheduled

    deployment = client.read_deployment_by_name(prefect_api.ENQUIRY_DEPLOYMENT)
    return client.create_flow_run_from_deployment(
        deployment.id,
        parameters={"enquiry": two_agency_enquiry()},
        state=Scheduled(scheduled_time=now_utc() + timedelta(days=1)),
    )


def test_an_enquiry_run_that_ended_unseen_is_taken_in_by_the_sweep(stack_store: Store) -> None:
    """An enquiry run that crashed before taking its enquiry in, with no state hook run for it
    (its machine died with the worker; here it never started, and is marked Crashed through
    the API) and unseen by the automation on ended runs too (someone had switched it off): the
    watchdog's sweep switches it back on, takes the enquiry in from the run's parameters,
    redacts them and asks its agencies, once."""
    from prefect.client.orchestration import get_client
    from prefect.states import Crashed

    from flows.watchdog import watchdog_at
    from tasks.integrity import RECORDER

    with get_client(sync_client=True) as client:
        # off, or the automation takes it in first, as often as not (a race, not the sweep)
        recorder = client.read_deployment_by_name(RECORDER)
        recorders = [a for a in client.read_automations()
                     if any(getattr(x, "deployment_id", None) == recorder.id for x in a.actions)]  # fmt: skip
        assert recorders
        for auto in recorders:
            client.pause_automation(auto.id)
        try:
            time.sleep(1)  # Prefect's server (SQLite) updates its automations after commit
            run = unstarted_enquiry_run(client)
            client.set_flow_run_state(run.id, Crashed(message="its machine died"), force=True)
            assert "Morwenna" in json.dumps(client.read_flow_run(run.id).parameters)
            swept = watchdog_at(now=now_utc())
            back_on = [client.read_automation(a.id) for a in recorders]
        finally:  # on again for the module's other tests, whatever happened here
            for auto in recorders:
                client.resume_automation(auto.id)
        assert all(a is not None and a.enabled for a in back_on)  # the sweep switched them on
        ref = stack_store.requests.ref_for_run(str(run.id))
        assert ref is not None and ref in swept["enquiries"]["taken_in"]
        asked = stack_store.enquiries.asked(ref)
        assert sorted(a.agency for a in asked) == ["northshire-homes", "northshire-hospitals"]
        assert all(a.child_run_id for a in asked)
        assert "Morwenna" not in json.dumps(client.read_flow_run(run.id).parameters)
    assert ref not in watchdog_at(now=now_utc())["enquiries"]["taken_in"]  # taken in once


def test_an_enquiry_run_cancelled_before_its_intake_is_recorded_and_asks_nobody(
    stack_store: Store,
) -> None:
    """Someone cancels an enquiry run before it took its enquiry in (here it never started):
    the automation on runs that ended takes it in all the same, so Prefect's copy of its
    parameters loses the subject's name, and closes it with its record: refused, no agency
    asked. With no sweep."""
    from prefect.client.orchestration import get_client
    from prefect.states import Cancelled

    with get_client(sync_client=True) as client:
        run = unstarted_enquiry_run(client)
        client.set_flow_run_state(run.id, Cancelled(message="cancelled in the UI"), force=True)
    rec = wait_until("the enquiry's record",
                     lambda: (ref := stack_store.requests.ref_for_run(str(run.id)))
                     and stack_store.chain.record(ref), 120)  # fmt: skip
    assert rec[0].decision == "REFUSE", rec[0].decision
    assert any("cancelled before it took the enquiry in" in r for r in rec[0].public["reasons"])
    ref = stack_store.requests.ref_for_run(str(run.id))
    assert ref is not None
    assert not any(a.child_run_id for a in stack_store.enquiries.asked(ref))
    with get_client(sync_client=True) as client:
        assert "Morwenna" not in json.dumps(client.read_flow_run(run.id).parameters)
