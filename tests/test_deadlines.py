"""Step due times, reminders per step, escalation to the deputy and the EMERGENCY path, over a
real store with the clock moved by hand (no Prefect: the watchdog's tasks call these)."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import made_before_migrations, upgraded_store

from infoshare import emergency, escalation, timeliness
from infoshare.config import ConfigError, load_settings
from infoshare.forms import due_text, waiting_form
from infoshare.identity import codes, eligibility
from infoshare.models import ShareRequest, Step
from infoshare.policy.answers import EmergencyInput, SignOffInput
from infoshare.records.compose import record_decision
from infoshare.registry.spec import DEMO_REGISTRY, RegistryError, parse_registry, read_registry_file
from infoshare.steps import apply_emergency, apply_signoff, run_triage
from infoshare.store import Store
from infoshare.transfer import TransferError, transfer
from infoshare.transport import DirectoryInbox, RetryPolicy
from infoshare.worktime import LONDON, now_utc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCHOOL = "scenario1-school-attendance.json"  # asks the academy: deputy and on-call school-dsl


@pytest.fixture
def env(every_backend: dict[str, str]) -> dict[str, str]:
    return every_backend  # every test here on SQLite, and on PostgreSQL when configured


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def take_in(store: Store, received: datetime, **changes: Any) -> tuple[str, str]:
    """A request received (and triaged) at ``received``, for a run that exists only by id."""
    data = {**json.loads((EXAMPLES / SCHOOL).read_text()), **changes}
    run_id = str(uuid.uuid4())
    ref = store.requests.register(ShareRequest.model_validate(data), run_id, received_at=received)
    run_triage(store, ref, now=received)
    return ref, run_id


def wait_for(store: Store, ref: str, step: Step, at: datetime) -> timeliness.StepWindow:
    """What the run does when it reaches a person's step at ``at``."""
    store.requests.set_status(ref, f"AWAITING_{step.name}")
    win = timeliness.open_window(store, ref, step, at)
    assert win is not None
    return win


def code(store: Store, ref: str, step: Step, person: str, run_id: str) -> str:
    issued = codes.issue(store, ref, step.value, person, run_id, now_utc() + timedelta(days=3))
    assert issued is not None
    return issued.code


# --- due times ----------------------------------------------------------------------------------


def test_red_at_four_on_friday_before_a_bank_holiday_steps_are_due_in_working_time(
    store: Store,
) -> None:
    # 1 working hour on Friday, none Saturday to bank-holiday Monday 31 Aug, then Tuesday:
    # override due after 2 working hours, sign-off after 3, the request after 4.
    ref, _ = take_in(store, london(2026, 8, 28, 16, 0), urgency="RED")
    assert store.requests.meta(ref).due_at == london(2026, 9, 1, 12, 0)
    assert timeliness.step_due(store, ref, Step.OVERRIDE) == london(2026, 9, 1, 10, 0)
    assert timeliness.step_due(store, ref, Step.SIGNOFF) == london(2026, 9, 1, 11, 0)
    # the window is kept from when the step first opens
    opened = london(2026, 8, 28, 16, 5)
    assert wait_for(store, ref, Step.SIGNOFF, opened).due_at == london(2026, 9, 1, 11, 0)
    again = timeliness.open_window(store, ref, Step.SIGNOFF, opened + timedelta(hours=1))
    assert again == timeliness.StepWindow(opened, london(2026, 9, 1, 11, 0))


def test_clock_hour_tiers_and_configured_fractions(tmp_path: Path) -> None:
    from infoshare.setup import initialise

    env = {"INFOSHARE_HOME": str(tmp_path / "h"), "INFOSHARE_STEP_DUE": '{"signoff": 0.5}'}
    store = Store(load_settings(env))
    initialise(store)
    received = london(2026, 12, 24, 18, 0)
    ref, _ = take_in(store, received)  # GREEN: 72 clock hours, weekends and Christmas count
    assert timeliness.step_due(store, ref, Step.SIGNOFF) == received + timedelta(hours=36)
    store.close()


@pytest.mark.parametrize(
    ("raw", "problem"),
    [('{"signoff": 1.5}', "at most 1"), ('{"transfer": 0.5}', "unknown step"), ("[1]", "object")],
)
def test_bad_step_due_settings_are_refused_clearly(raw: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load_settings({"INFOSHARE_HOME": "/x", "INFOSHARE_STEP_DUE": raw})


def test_the_pause_form_says_when_the_step_is_due(store: Store) -> None:
    ref, _ = take_in(store, now_utc(), urgency="RED")
    form = waiting_form(store, ref, Step.SIGNOFF)
    assert form is not None
    win = timeliness.window(store, ref, Step.SIGNOFF)
    assert win is not None and win.due_at == timeliness.step_due(store, ref, Step.SIGNOFF)
    assert "this step is due in" in form.essentials or "overdue" in form.essentials
    now = london(2026, 9, 1, 8, 0)
    assert due_text(london(2026, 9, 1, 11, 0), now) == "due in 3.0 hours (at 11:00)"
    assert due_text(london(2026, 9, 1, 8, 20), now) == "due in 20 minutes (at 08:20)"
    assert due_text(london(2026, 9, 2, 11, 0), now) == "due in 27.0 hours (at 11:00 on Wed 02 Sep)"
    assert due_text(london(2026, 9, 1, 7, 0), now) == "overdue since 07:00"


# --- reminders and escalation --------------------------------------------------------------------


def test_reminders_come_at_half_and_four_fifths_of_the_steps_own_window(store: Store) -> None:
    received = london(2026, 11, 30, 9, 0)  # a Monday; GREEN 72 h, sign-off due at 54 h
    ref, _ = take_in(store, received)
    opened = received + timedelta(hours=14)  # the sign-off opens late: a 40-hour window
    win = wait_for(store, ref, Step.SIGNOFF, opened)
    assert win.due_at == received + timedelta(hours=54)

    def reminded(at: datetime) -> list[float]:
        due = [r for r in escalation.reminders_due(store, at) if r.request.ref == ref]
        for r in due:
            escalation.mark_reminded(store, r, at)
        return [r.at_fraction for r in due]

    assert reminded(opened + timedelta(hours=19)) == []  # 47.5% of the step's time
    assert reminded(opened + timedelta(hours=20)) == [0.5]  # not 50% of the request's 72 h
    assert reminded(opened + timedelta(hours=21)) == []  # once
    assert reminded(opened + timedelta(hours=32)) == [0.8]
    assert reminded(win.due_at + timedelta(minutes=1)) == []  # past due: escalated instead
    assert [e.request.ref for e in escalation.escalations_due(store, win.due_at)] == [ref]


def test_a_step_unanswered_at_its_due_time_is_escalated_once_to_the_deputy(store: Store) -> None:
    received = now_utc() - timedelta(hours=60)  # GREEN: sign-off due at 54 h, deadline 72 h
    ref, run_id = take_in(store, received)
    store.requests.provide_item(ref, "item-1", b"Attendance 81%.", "school-office")
    win = wait_for(store, ref, Step.SIGNOFF, received + timedelta(minutes=1))
    # the deputy is not among those first told; the headteacher is
    assert [m.id for m in escalation.first_told(store, ref, Step.SIGNOFF)] == ["school-head"]
    now = win.due_at + timedelta(minutes=1)
    (due,) = [d for d in escalation.escalations_due(store, now) if d.request.ref == ref]
    esc = escalation.escalate(store, due, now)
    assert esc is not None and esc.to is not None and esc.to.id == "school-dsl"
    assert esc.code is not None and [m.id for m in esc.told] == ["school-head"]
    trail = [(e.event, e.actor_id, e.detail) for e in store.audit.trail(ref)]
    (escalated,) = [t for t in trail if t[0] == "escalated"]
    assert "escalated to school-dsl" in escalated[2] and "new one-time code" in escalated[2]
    assert esc.code.code not in json.dumps(trail)

    # later sweeps: nothing more
    assert escalation.escalate(store, due, now + timedelta(minutes=1)) is None
    assert not [
        d for d in escalation.escalations_due(store, now + timedelta(minutes=2))
        if d.request.ref == ref
    ]  # fmt: skip

    # the deputy answers with the new code
    answer = SignOffInput(
        approver_id="school-dsl", code=esc.code.code, decision="SHARE",  # type: ignore[arg-type]
        approved_items=["item-1"], reasons="Attendance baseline is needed for the plan.",
    )  # fmt: skip
    assert apply_signoff(store, ref, answer).accepted
    signed = store.requests.step(ref, Step.SIGNOFF)
    assert signed is not None and signed.actor_id == "school-dsl"


def test_no_deputy_registered_is_audited_not_retried(store: Store) -> None:
    # the council registers no deputy or on-call: scenario asks it instead of the school
    received = now_utc() - timedelta(hours=60)
    ref, _ = take_in(store, received, disclosing_agency="northshire-council")
    win = wait_for(store, ref, Step.SIGNOFF, received)
    now = win.due_at + timedelta(minutes=1)
    (due,) = [d for d in escalation.escalations_due(store, now) if d.request.ref == ref]
    esc = escalation.escalate(store, due, now)
    assert esc is not None and esc.to is None and esc.code is None
    # the people first told are told; there is nobody new to give a code to
    assert {m.id for m in esc.told} == {m.id for m in eligibility.eligible(store, ref, "signoff")}
    assert "not escalated" in [e.event for e in store.audit.trail(ref)]
    assert escalation.escalate(store, due, now) is None


# --- the registry's cover ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "problem"),
    [("school-office", "not one of its approver roles"), ("insp-hughes", "not one of its people")],
)
def test_a_deputy_must_be_an_approver_of_the_agency(person: str, problem: str) -> None:
    spec = read_registry_file(DEMO_REGISTRY).model_dump(mode="json")
    for a in spec["agencies"]:
        if a["id"] == "northshire-academy":
            a["deputy"] = person
    with pytest.raises(RegistryError, match=problem):
        parse_registry(spec)


# --- the EMERGENCY path -----------------------------------------------------------------------


def emergency_request(store: Store, received: datetime) -> tuple[str, str]:
    return take_in(store, received, urgency="EMERGENCY", risk_to_life=True)


def confirm(store: Store, ref: str, run_id: str, decision: str = "CONFIRM") -> bool:
    answer = EmergencyInput(
        approver_id="school-dsl",
        code=code(store, ref, Step.EMERGENCY, "school-dsl", run_id),
        decision=decision,  # type: ignore[arg-type]
        approved_items=["item-1"] if decision == "CONFIRM" else [],
        reasons="A life is at risk tonight; attendance pattern locates the young person.",
    )
    return apply_emergency(store, ref, answer).accepted


def test_emergency_needs_risk_to_life_asserted(store: Store) -> None:
    ref, _ = take_in(store, now_utc(), urgency="EMERGENCY")
    t = run_triage(store, ref)
    assert t.decision == "DEFER" and any("risk to life" in r for r in t.reasons)
    ref, _ = take_in(store, now_utc(), urgency="RED", risk_to_life=True)
    assert any("EMERGENCY tier" in r for r in run_triage(store, ref).reasons)
    ref, _ = emergency_request(store, now_utc())
    assert run_triage(store, ref).emergency


def test_emergency_share_then_retrospective_signoff(store: Store, tmp_path: Path) -> None:
    received = now_utc() - timedelta(minutes=5)
    ref, run_id = emergency_request(store, received)
    assert store.requests.meta(ref).due_at == received + timedelta(hours=24)
    # the on-call approver is asked, within minutes
    assert [m.id for m in escalation.first_told(store, ref, Step.EMERGENCY)] == ["school-dsl"]
    win = wait_for(store, ref, Step.EMERGENCY, received)
    assert win.due_at == received + timedelta(minutes=15)
    store.requests.provide_item(ref, "item-1", b"Attendance: absent since Monday.", "school-office")
    assert confirm(store, ref, run_id)
    assert emergency.confirmed(store, ref)
    facts = transfer(store, ref, DirectoryInbox(tmp_path / "inbox"))  # before any sign-off
    assert facts["items"] == ["item-1"] and store.requests.step(ref, Step.SIGNOFF) is None

    # the retrospective sign-off is chased like any other step: due at 75% of the 24 hours
    signoff_win = wait_for(store, ref, Step.SIGNOFF, now_utc())
    assert signoff_win.due_at == received + timedelta(hours=18)
    form = waiting_form(store, ref, Step.SIGNOFF)
    assert form is not None and "Retrospective" in form.essentials
    answer = SignOffInput(
        approver_id="school-head",
        code=code(store, ref, Step.SIGNOFF, "school-head", run_id),
        decision="SHARE",  # type: ignore[arg-type]
        approved_items=["item-1"],
        reasons="The emergency share was necessary and proportionate.",
    )
    assert apply_signoff(store, ref, answer).accepted
    record_decision(store, ref)
    found = store.chain.record(ref)
    assert found is not None
    public = found[0].public
    assert public["decision"] == "SHARE_PARTIAL" and public["shared"]["items"] == ["item-1"]
    assert public["emergency"]["outcome"] == "CONFIRMED"
    assert public["emergency"]["confirmed_by"]["id"] == "school-dsl"
    assert public["emergency"]["retrospective_signoff"]["by"] == "school-head"
    assert "emergency" in public["reasons"][0] and "ratified" in public["reasons"][1]
    assert [a["step"] for a in public["approvers"]] == ["emergency", "signoff"]


def test_an_emergency_share_never_signed_off_says_so(store: Store, tmp_path: Path) -> None:
    received = now_utc() - timedelta(hours=25)
    ref, run_id = emergency_request(store, received)
    store.requests.provide_item(ref, "item-1", b"Attendance: absent since Monday.", "school-office")
    wait_for(store, ref, Step.EMERGENCY, received)
    assert confirm(store, ref, run_id)
    transfer(store, ref, DirectoryInbox(tmp_path / "inbox"))
    win = wait_for(store, ref, Step.SIGNOFF, received + timedelta(minutes=5))
    # at its due time it is not escalated to the deputy who confirmed the share on call
    (due,) = [d for d in escalation.escalations_due(store, win.due_at) if d.request.ref == ref]
    esc = escalation.escalate(store, due, win.due_at)
    assert esc is not None and esc.to is None and [m.id for m in esc.told] == ["school-head"]
    now = now_utc()
    (late,) = [r for r in timeliness.overdue(store, now) if r.ref == ref]
    assert timeliness.expire(store, late, now)
    record_decision(store, ref)
    found = store.chain.record(ref)
    assert found is not None
    public = found[0].public
    assert public["decision"] == "SHARE_PARTIAL"  # it was shared: the record says so
    assert public["emergency"]["retrospective_signoff"] is None
    assert "never ratified" in public["reasons"][1]


def test_a_crash_between_sealing_and_a_confirmed_delivery_is_recorded_truthfully(
    store: Store, tmp_path: Path
) -> None:
    """The envelope was sealed and delivery tried, but no delivery was confirmed before the run
    died: the record shares nothing (no receipt proves it arrived) yet does not claim it was not
    sent. Once recorded, the request is closed: a late transfer is refused."""
    ref, run_id = emergency_request(store, now_utc())
    store.requests.provide_item(ref, "item-1", b"Attendance: absent since Monday.", "school-office")
    wait_for(store, ref, Step.EMERGENCY, now_utc())
    assert confirm(store, ref, run_id)
    blocked = tmp_path / "inbox"
    blocked.mkdir()
    (blocked / "northshire-yjs").write_text("not a directory")  # the share is broken
    with pytest.raises(TransferError, match="inbox write failed"):
        transfer(store, ref, DirectoryInbox(blocked), policy=RetryPolicy(attempts=2),
                 sleep=lambda _: None)  # fmt: skip
    staged = store.requests.step(ref, Step.TRANSFER)
    assert staged is not None and staged.status != "DONE"
    record_decision(store, ref, "the run ended Crashed")
    found = store.chain.record(ref)
    assert found is not None
    public = found[0].public
    assert public["decision"] == "FAILED" and public["shared"] is None
    assert not any(i["shared"] for i in public["items"])
    (reason,) = public["reasons"]
    assert f"envelope {staged.public['envelope_id']} was sealed" in reason
    assert "no delivery was confirmed (the run ended Crashed)" in reason
    assert "ask the recipient agency whether it arrived" in reason

    with pytest.raises(TransferError, match="already has its decision record"):
        transfer(store, ref, DirectoryInbox(tmp_path / "good"))
    assert not (tmp_path / "good").exists()


def test_a_worker_without_the_agencys_key_files_says_so_and_sends_nothing(
    store: Store, tmp_path: Path
) -> None:
    """A second worker machine with the same database and master key but no copy of the
    disclosing agency's key files: the transfer is refused with a reason that says what is
    missing and where to look (the task escalates a TransferError to the data-protection lead),
    nothing is delivered, and after copying the key files the same request goes out."""
    ref, run_id = emergency_request(store, now_utc())
    store.requests.provide_item(ref, "item-1", b"Attendance: absent since Monday.", "school-office")
    wait_for(store, ref, Step.EMERGENCY, now_utc())
    assert confirm(store, ref, run_id)
    master = (store.settings.keys_dir / "master.key").read_text()
    other_home = tmp_path / "worker-2"
    worker = Store(
        load_settings(
            {
                "INFOSHARE_HOME": str(other_home),
                "INFOSHARE_DATABASE_URL": store.settings.database_url,
                "INFOSHARE_MASTER_KEY": master,
            }
        )
    )
    try:
        inbox = tmp_path / "inbox"
        with pytest.raises(TransferError) as refused:
            transfer(worker, ref, DirectoryInbox(inbox))
        why = str(refused.value)
        assert "no ed25519 private key for agency 'northshire-academy' on this machine" in why
        assert why.startswith("this machine cannot sign for northshire-academy (README: Agency")
        assert not inbox.exists() and worker.requests.step(ref, Step.TRANSFER) is None

        agencies = store.settings.keys_dir / "agencies"
        shutil.copytree(agencies, other_home / "keys" / "agencies")
        facts = transfer(worker, ref, DirectoryInbox(inbox))
        assert facts["items"] == ["item-1"] and len(list(inbox.rglob("*.isenv"))) == 1
    finally:
        worker.close()


def test_no_on_call_confirmation_in_time_falls_back_to_red(store: Store) -> None:
    received = london(2026, 8, 28, 16, 0)  # Friday before the August bank holiday
    ref, run_id = emergency_request(store, received)
    win = wait_for(store, ref, Step.EMERGENCY, received)
    assert not timeliness.lapses_due(store, win.due_at - timedelta(minutes=1))
    now = win.due_at + timedelta(seconds=30)
    (lapsed,) = timeliness.lapses_due(store, now)
    assert timeliness.lapse_emergency(store, lapsed, now)
    assert not timeliness.lapse_emergency(store, lapsed, now)  # once
    # RED from receipt, in working time; the sign-off before anything is shared
    assert store.requests.meta(ref).due_at == london(2026, 9, 1, 12, 0)
    assert emergency.effective_tier(store, ref).value == "RED"
    assert timeliness.step_due(store, ref, Step.SIGNOFF) == london(2026, 9, 1, 11, 0)
    assert [w.ref for w in timeliness.fell_back_waiting(store)] == [ref]  # its run is woken
    # a confirmation arriving after the window changes nothing
    store.requests.provide_item(ref, "item-1", b"Attendance.", "school-office")
    assert not confirm(store, ref, run_id)  # refused: "follows the RED path"
    assert not emergency.confirmed(store, ref)
    assert emergency.authorising_step(store, ref) is None  # nothing may be transferred yet
    record_decision(store, ref, "stopped for the test")
    found = store.chain.record(ref)
    assert found is not None and found[0].public["emergency"]["outcome"] == "LAPSED"
    assert found[0].public["shared"] is None


def test_the_on_call_approver_can_decline(store: Store) -> None:
    ref, run_id = emergency_request(store, london(2026, 8, 28, 16, 0))
    wait_for(store, ref, Step.EMERGENCY, london(2026, 8, 28, 16, 0))
    assert confirm(store, ref, run_id, decision="DECLINE")
    assert not emergency.confirmed(store, ref)
    assert store.requests.meta(ref).due_at == london(2026, 9, 1, 12, 0)
    assert not timeliness.lapses_due(store, london(2026, 8, 28, 17, 0))


def test_the_registry_cover_survives_the_store(store: Store) -> None:
    school = store.partnership().agency("northshire-academy")
    assert school is not None and school.deputy == "school-dsl"
    assert school.on_call == ("school-dsl",) and school.cover == ("school-dsl",)


def test_a_store_made_before_step_windows_gets_the_new_columns(env: dict[str, str]) -> None:
    from sqlalchemy import inspect, text

    from infoshare.setup import initialise

    old = Store(load_settings(env))
    initialise(old)
    with old.engine.begin() as conn:  # as an earlier version made it
        for table, column in [("request_steps", "due_at"), ("request_steps", "opened_at"),
                              ("agencies", "deputy"), ("agencies", "on_call")]:  # fmt: skip
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    made_before_migrations(old)
    old.close()
    upgraded = upgraded_store(env)
    columns = {c["name"] for c in inspect(upgraded.engine).get_columns("request_steps")}
    assert {"opened_at", "due_at"} <= columns
    initialise(upgraded)  # the registry reloads its cover
    ref, _ = take_in(upgraded, now_utc(), urgency="RED")
    assert wait_for(upgraded, ref, Step.SIGNOFF, now_utc()).due_at is not None
    upgraded.close()
