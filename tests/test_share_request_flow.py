"""The three public scenarios end to end on a real Prefect server and a served deployment.

Approvals go through ``resume_flow_run``: the same endpoint the Prefect UI's resume form posts
to. Afterwards every table of the Prefect database is searched for the subjects' personal data.
"""

from __future__ import annotations

import contextvars
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import Mailbox, Stack, example, wait_until
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from infoshare import prefect_api
from infoshare.envelope import open_bytes
from infoshare.identity import person_keys
from infoshare.keys import key_id, raw_public
from infoshare.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from prefect_server import scan_database_for  # noqa: E402

TIMEOUT = 180


def run_state(run_id: str) -> tuple[str, str, str | None]:
    run = prefect_api.run(run_id)
    return run.state_id, run.state_type, run.state_message


@dataclass
class Scenario:
    """A request and the answers people give, step by step, in order."""

    file: str
    answers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    prepare: dict[str, str] = field(default_factory=dict)  # item id -> content
    preparer: str = ""
    run_id: str = ""
    ref: str = ""
    final_state: str = ""
    error: str = ""


def resume_when_ready(run_id: str, data: dict[str, Any]) -> None:
    """Resume as the UI does. A run shows Suspended a moment before its form exists (Prefect
    saves the form's schema after the state change): a person would not be that quick, so wait."""
    for _ in range(40):
        try:
            resume_flow_run(run_id, run_input=data)  # type: ignore[arg-type]
            return
        except RuntimeError as exc:
            if "schema not found" not in str(exc):
                raise
            time.sleep(0.25)
    raise AssertionError(f"run {run_id} never offered its resume form")


def drive(s: Scenario, store: Store, mailbox: Mailbox) -> None:
    """Submit, then answer each time the run waits, like a person watching the Prefect UI and
    their email: the one-time code is read from the message the SMTP server received."""
    try:
        s.run_id = prefect_api.submit({"request": example(s.file)}).id
        last_pause = None
        prepared = False
        answers = list(s.answers)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            state_id, kind, _ = run_state(s.run_id)
            if kind in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                s.final_state = kind
                s.ref = store.requests.ref_for_run(s.run_id) or ""
                return
            if kind == "PAUSED" and state_id != last_pause:
                s.ref = store.requests.ref_for_run(s.run_id) or ""
                waiting = store.requests.meta(s.ref).status
                if s.prepare and waiting == "AWAITING_SIGNOFF" and not prepared:
                    for item, content in s.prepare.items():
                        store.requests.provide_item(s.ref, item, content.encode(), s.preparer)
                    prepared = True  # frozen from the first approval on
                step, data = answers.pop(0)
                assert waiting == f"AWAITING_{step.upper()}", (waiting, step)
                if "code" not in data:
                    person = store.partnership().member(
                        data.get("person_id") or data["approver_id"]
                    )
                    assert person is not None
                    data = {**data, "code": mailbox.latest_code(s.ref, person.email)}
                resume_when_ready(s.run_id, data)
                last_pause = state_id
            time.sleep(0.5)
        s.error = f"timed out in state {run_state(s.run_id)[1]}"
    except Exception as exc:  # surfaced by the test, with the serve log
        s.error = f"{type(exc).__name__}: {exc}"


OVERRIDE_BY_REQUESTER = (
    "override",
    {
        "person_id": "mash-social-worker",
        "code": "ZZZZZ-ZZZZZ",  # the requester is sent no code: she may not answer
        "grounds": ["SAFEGUARD_CHILDREN"],
        "proportionality": "I made the request and want it through quickly.",
        "subject_informed": False,
        "not_informed_reason": "Would raise the risk.",
    },
)


def override_by(person: str) -> tuple[str, dict[str, Any]]:
    return (
        "override",
        {
            "person_id": person,
            "grounds": ["SAFEGUARD_CHILDREN", "PREVENT_OFFENCES"],
            "proportionality": "Two young children in the household; only attendance and "
            "injury records are shared, nothing else.",
            "subject_informed": False,
            "not_informed_reason": "Telling the mother now would raise the risk of reprisal.",
        },
    )


def signoff(
    approver: str, decision: str, items: list[str], reasons: str, code: Any = None
) -> tuple[str, dict[str, Any]]:
    """A sign-off answer; without ``code`` the driver uses the one mailed to the approver."""
    data = {"approver_id": approver, "decision": decision, "approved_items": items,
            "reasons": reasons}  # fmt: skip
    return ("signoff", data if code is None else {**data, "code": code})


# What an attacker with API access might try: make the server fill the code in from a workspace
# variable (Prefect substitutes these inside resume input before the flow sees it).
INJECTED_CODE = {"__prefect_kind": "workspace_variable", "variable_name": "leaked_code"}


SCENARIOS = {
    "school": Scenario(
        "scenario1-school-attendance.json",
        answers=[
            # The data manager is registered but may not sign off: refused, run waits again.
            signoff(
                "school-office",
                "SHARE",
                ["item-1"],
                "Attendance only is needed.",
                code="ZZZZZ-ZZZZZ",
            ),  # fmt: skip
            # The headteacher's name with a code substituted by the server: refused.
            signoff(
                "school-head", "SHARE", ["item-1"], "Attendance only is needed.", code=INJECTED_CODE
            ),  # fmt: skip
            signoff(
                "school-head",
                "SHARE",
                ["item-1"],
                "Attendance summary meets the stated need; exclusions held back as the plan "
                "can proceed without them.",
            ),
        ],
        prepare={"item-1": "Attendance 2025-26: 81% (target 95%)."},
        preparer="school-office",
    ),
    "hospital": Scenario(
        "scenario2-hospital.json",
        answers=[
            OVERRIDE_BY_REQUESTER,
            override_by("nurse-lee"),
            # RED, consent overridden, special-category data: four eyes
            signoff(
                "caldicott-rao",
                "SHARE",
                ["item-1", "item-2"],
                "Necessary to safeguard the children; mental health history not necessary.",
            ),
            # the first approver cannot also be the second (her own, now withdrawn, code)
            signoff("caldicott-rao", "SHARE", ["item-1", "item-2"], "Confirming my approval."),
            signoff(
                "caldicott-deputy",
                "SHARE",
                ["item-1", "item-2"],
                "Agree: attendance dates and injuries only; the children are at risk.",
            ),
        ],
        prepare={
            "item-1": "2026-03-02, 2026-07-19, 2026-11-25",
            "item-2": "Bruising to both forearms; split lip.",
        },
        preparer="nurse-lee",
    ),
    "housing": Scenario(
        "scenario2-housing.json",
        answers=[
            override_by("housing-officer"),
            signoff(
                "housing-manager",
                "SHARE",
                ["item-1"],
                "Disturbance records are necessary to protect the children.",
            ),
            signoff("housing-head", "SHARE", ["item-1"], "Agreed: necessary and proportionate."),
        ],
        prepare={"item-1": "4 noise/disturbance reports, Jan-Nov 2026."},
        preparer="housing-officer",
    ),
    "trawl": Scenario("scenario3-trawl.json"),
}


@pytest.fixture(scope="module")
def scenarios(stack: Stack, stack_store: Store, mailbox: Mailbox) -> dict[str, Scenario]:
    """Run all scenarios at once, as several officers and managers would."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import VariableCreate

    with get_client(sync_client=True) as client:
        client.create_variable(VariableCreate(name="leaked_code", value="ABCDE-FGHIJ"))
    # each thread runs in a copy of this context, so Prefect's client settings (a context
    # variable) point at the test server there too
    threads = [
        threading.Thread(
            target=contextvars.copy_context().run,
            args=(drive, s, stack_store, mailbox),
            daemon=True,
        )
        for s in SCENARIOS.values()
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT + 30)
    problems = {k: s.error for k, s in SCENARIOS.items() if s.error}
    if problems:
        pytest.fail(f"{problems}\nserve log tail:\n{stack.serve_log.read_text()[-4000:]}")
    return SCENARIOS


def record_of(store: Store, s: Scenario) -> dict[str, Any]:
    found = store.chain.record(s.ref)
    assert found is not None, f"{s.file}: no decision record"
    row, personal = found
    return {**row.public, "personal": personal}


def test_school_shares_attendance_only(scenarios: dict[str, Scenario], stack_store: Store) -> None:
    s = scenarios["school"]
    assert s.final_state == "COMPLETED"
    rec = record_of(stack_store, s)
    assert rec["decision"] == "SHARE_PARTIAL"
    assert [i["shared"] for i in rec["items"]] == [True, False]
    assert rec["approvers"][0]["id"] == "school-head"
    assert rec["consent"] == "OBTAINED" and rec["override"] is None
    # the refused attempt by the data manager is in the audit trail, and the run waited again
    refused = [e for e in stack_store.audit.trail(s.ref) if e.event == "input refused"]
    assert [e.actor_id for e in refused] == ["school-office", "school-head"]
    assert "Identity not proven" in refused[0].detail  # no code of hers: refused before policy
    assert "Identity not proven" in refused[1].detail  # the substituted code did not verify
    assert "ABCDE" not in refused[1].detail  # and the audit trail never holds a code


def test_decision_is_visible_on_the_run_as_an_artifact(
    scenarios: dict[str, Scenario], stack: Stack
) -> None:
    s = scenarios["school"]
    resp = httpx.post(
        f"{stack.api_url}/artifacts/filter",
        json={"artifacts": {"key": {"any_": [f"decision-{s.ref.lower()}"]}}},
        timeout=10,
    )
    resp.raise_for_status()
    (artifact,) = resp.json()
    assert artifact["flow_run_id"] == s.run_id
    assert "Decision SHARE_PARTIAL" in artifact["data"]
    # the description as typed, escaped (Prefect renders markdown): tests/test_markdown_escaping
    assert r"| item-2 | Exclusions \(dates and types\), last 12 months | no |" in artifact["data"]


def test_envelope_reaches_requester_and_holds_only_approved_items(
    scenarios: dict[str, Scenario], stack_store: Store
) -> None:
    s = scenarios["school"]
    rec = record_of(stack_store, s)
    shared = rec["shared"]
    path = stack_store.settings.inbox_for("northshire-yjs") / f"{shared['envelope_id']}.isenv"
    data = path.read_bytes()
    import hashlib

    assert hashlib.sha256(data).hexdigest() == shared["envelope_sha256"]
    opened = open_bytes(
        data,
        keys=stack_store.keys.decryption_keys("northshire-yjs"),
        sender_key=stack_store.keys.signing_key("northshire-academy").public_key(),
    )
    assert [i.item_id for i in opened.items] == ["item-1"]
    assert opened.items[0].content == b"Attendance 2025-26: 81% (target 95%)."
    assert opened.header.transfer_id == s.ref
    assert opened.header.sender_key_id == key_id(
        raw_public(stack_store.keys.signing_key("northshire-academy").public_key())
    )
    # the record keeps the envelope's id and hash, never the content
    assert "81%" not in json.dumps(rec)


def test_consent_refused_is_overridden_and_signed_off_by_four_eyes(
    scenarios: dict[str, Scenario], stack_store: Store, mailbox: Mailbox
) -> None:
    for key, approvers in (
        ("hospital", ["caldicott-rao", "caldicott-deputy"]),
        ("housing", ["housing-manager", "housing-head"]),
    ):
        s = scenarios[key]
        assert s.final_state == "COMPLETED", key
        rec = record_of(stack_store, s)
        assert rec["decision"] in ("SHARE_PARTIAL", "SHARE_FULL")
        assert rec["override"]["grounds"] == ["SAFEGUARD_CHILDREN", "PREVENT_OFFENCES"]
        assert rec["override"]["subject_informed"] is False
        assert "reprisal" in rec["personal"]["override"]["not_informed_reason"]
        # four eyes: two different approvers, each proven by the code mailed to them
        assert [a["id"] for a in rec["approvers"]] == approvers, key
        assert [a["proof"] for a in rec["approvers"]] == ["code", "code"]
        assert rec["approvals_required"] == 2
        assert rec["approvers"][0]["at"] < rec["approvers"][1]["at"]
        assert rec["override"]["proof"] == "code"
        assert rec["shared"]["with"] == "northshire-mash"
    hospital = record_of(stack_store, scenarios["hospital"])
    assert hospital["decision"] == "SHARE_PARTIAL"
    assert [i["shared"] for i in hospital["items"]] == [True, True, False]
    # the requester tried to justify the override of her own request: refused, run waited
    refused = [
        e for e in stack_store.audit.trail(scenarios["hospital"].ref) if e.event == "input refused"
    ]
    assert [e.actor_id for e in refused] == ["mash-social-worker", "caldicott-rao"]
    # her code was withdrawn at the first approval (and she is sent no new one)
    assert "already been used" in refused[1].detail
    # the deputy was asked to sign off twice: her first code was withdrawn at the first
    # approval, and a new one sent for the second
    asked = [
        m for m in mailbox.messages
        if m["X-Infoshare-Reference"] == scenarios["hospital"].ref
        and m["X-Infoshare-Kind"] == "approval_needed"
        and "owen.hale@hospitals.northshire.example" in str(m["To"])
    ]  # fmt: skip
    assert len(asked) == 2


def test_trawl_is_refused_with_reasons_and_recorded(
    scenarios: dict[str, Scenario], stack_store: Store
) -> None:
    s = scenarios["trawl"]
    assert s.final_state == "COMPLETED"
    rec = record_of(stack_store, s)
    assert rec["decision"] == "REFUSE"
    text = " ".join(rec["reasons"])
    assert "all information held" in text
    assert "necessary" in text
    assert "Inspector" in text
    assert rec["shared"] is None and not any(i["shared"] for i in rec["items"])
    assert rec["personal"]["subjects"][0]["name"] == "Tobias Fictitious-Tenant"
    assert not list(stack_store.settings.inbox_for("northshire-police").glob("*.isenv"))


def test_no_personal_data_left_in_prefect(scenarios: dict[str, Scenario], stack: Stack) -> None:
    needles = []
    for s in scenarios.values():
        req = example(s.file)
        for person in req.get("subjects", []) + req.get("third_parties", []):
            needles.append(person["name"])
            needles.extend(person["name"].split())
            if person.get("date_of_birth"):
                needles.append(person["date_of_birth"])
        needles.extend(c for c in s.prepare.values())
    needles += ["reprisal", "Bruising"]
    needles = sorted(set(needles) - {"Dr"})
    hits = scan_database_for(stack.prefect_db, needles)
    assert hits == [], "\n".join(str(h) for h in hits[:20])
    # and the scanner does see what is legitimately there (it can fail)
    assert scan_database_for(stack.prefect_db, [scenarios["trawl"].ref])


def test_a_woken_run_reads_where_it_stands_once_and_does_not_redo_its_done_steps(
    scenarios: dict[str, Scenario], stack: Stack
) -> None:
    """In the run's task runs, as the Prefect UI lists them: the hospital's request ran again
    after each of its five answers (refused ones too), and each time read where its request
    stood (its resume point, which checks its deployment again). The steps done before a wait
    (intake, the deployment check with the watchdog's repairs, triage, the consent check) ran
    once each, at submission; each form was opened once for each pause the run waited at (two
    overrides, three sign-offs), not again when the run was woken from it."""
    resp = httpx.post(
        f"{stack.api_url}/task_runs/filter",
        json={"flow_runs": {"id": {"any_": [scenarios["hospital"].run_id]}}, "limit": 200},
        timeout=10,
    )
    resp.raise_for_status()
    names = [t["name"].rsplit("-", 1)[0] for t in resp.json()]
    assert names.count("resume-point") == 5, names
    for once in ("intake", "deployment-check", "triage", "consent-check"):
        assert names.count(once) == 1, (once, names)
    assert "keep-watch" not in names, names  # done by the first deployment check
    assert names.count("override-form") == names.count("override-justification") == 2, names
    assert names.count("signoff-form") == names.count("senior-signoff") == 3, names
    # the answer that finished the sign-off said whether to share: no separate read of it
    assert "signoff-outcome" not in names and names.count("encrypted-transfer") == 1, names


def test_bad_form_is_rejected_by_the_server_with_the_field_named(stack: Stack) -> None:
    bad = example("scenario1-school-attendance.json")
    bad["urgency"] = "PURPLE"
    with pytest.raises(prefect_api.PrefectApiError, match="urgency"):
        prefect_api.submit({"request": bad})
    extra = example("scenario1-school-attendance.json")
    extra["favourite_colour"] = "blue"
    with pytest.raises(prefect_api.PrefectApiError, match="favourite_colour|additional"):
        prefect_api.submit({"request": extra})


def test_failed_transfer_still_ends_with_a_record(
    scenarios: dict[str, Scenario], stack_store: Store, mailbox: Mailbox
) -> None:
    """The recipient's only encryption key has expired: nothing can be sealed to it. The run
    fails, and the decision record says FAILED with the reason, and that nothing was shared."""
    from sqlalchemy import update

    from infoshare.db.tables import AgencyKeyRow
    from infoshare.worktime import now_utc

    with stack_store.session() as s:
        keys = list(
            s.scalars(select(AgencyKeyRow).where(AgencyKeyRow.agency_id == "northshire-yjs"))
        )
        saved = {k.key_id: k.not_after for k in keys}
        s.execute(
            update(AgencyKeyRow)
            .where(AgencyKeyRow.agency_id == "northshire-yjs")
            .values(not_after=now_utc())
        )
    try:
        s = Scenario(
            "scenario1-school-attendance.json",
            answers=[signoff("school-head", "SHARE", ["item-1"], "Attendance is what is needed.")],
            prepare={"item-1": "Attendance 2025-26: 77%."},
            preparer="school-office",
        )
        drive(s, stack_store, mailbox)
    finally:
        with stack_store.session() as sess:
            for key_id, not_after in saved.items():
                sess.execute(
                    update(AgencyKeyRow)
                    .where(AgencyKeyRow.key_id == key_id)
                    .values(not_after=not_after)
                )
    assert not s.error, s.error
    assert s.final_state == "FAILED"
    rec = record_of(stack_store, s)
    assert rec["decision"] == "FAILED"
    assert "no current encryption key registered for northshire-yjs" in " ".join(rec["reasons"])
    assert rec["shared"] is None and not any(i["shared"] for i in rec["items"])
    assert rec["approvers"][0]["id"] == "school-head"  # the sign-off itself is on the record


def test_the_requester_is_told_by_mail_and_nothing_personal_is_in_any_mail(
    scenarios: dict[str, Scenario], mailbox: Mailbox
) -> None:
    school, trawl = scenarios["school"], scenarios["trawl"]
    to_requester = {
        (m["X-Infoshare-Reference"], m["X-Infoshare-Kind"])
        for m in mailbox.messages
        if "ben.carter@yjs.northshire.example" in str(m["To"])
        or "sam.ahmed@police.northshire.example" in str(m["To"])
    }
    assert (school.ref, "delivery_notice") in to_requester
    assert (school.ref, "outcome") in to_requester
    assert (trawl.ref, "outcome") in to_requester  # refused requests are answered too
    refused = next(
        m for m in mailbox.messages
        if m["X-Infoshare-Reference"] == trawl.ref and m["X-Infoshare-Kind"] == "outcome"
    )  # fmt: skip
    assert "all information held" in refused.get_body(("plain",)).get_content()
    everything = "\n".join(m.as_string() for m in mailbox.messages)
    for s in scenarios.values():
        for person in example(s.file).get("subjects", []):
            assert person["name"] not in everything
            if person.get("date_of_birth"):
                assert person["date_of_birth"] not in everything
        for content in s.prepare.values():
            assert content not in everything


def test_cli_signed_approval_through_a_run(
    stack: Stack, stack_store: Store, mailbox: Mailbox
) -> None:
    """The headteacher signs with her own key (``infoshare approve --sign``); an answer with a
    forged signature, as anyone who can reach the Prefect API could send, is refused first."""
    import base64
    import os

    from click.testing import CliRunner

    from infoshare.cli import main

    env = {"INFOSHARE_PERSON_PASSPHRASE": "the headteacher's own passphrase"}
    generate = ["person-key", "generate", "--as", "school-head", "--replace"]
    asked = CliRunner().invoke(main, generate, env=env)  # a code is mailed to her
    assert asked.exit_code == 2 and "not confirmed" in asked.stderr
    mailed = mailbox.confirmation_codes("helen.price@academy.northshire.example")[-1]
    made = CliRunner().invoke(main, [*generate, "--code", mailed], env=env)
    assert made.exit_code == 0, made.output
    run_id = prefect_api.submit({"request": example("scenario1-school-attendance.json")}).id

    def paused_after(seen: str | None) -> str | None:
        state_id, kind, _ = run_state(run_id)
        ref = stack_store.requests.ref_for_run(run_id)
        waiting = ref is not None and stack_store.requests.meta(ref).status == "AWAITING_SIGNOFF"
        return state_id if kind == "PAUSED" and state_id != seen and waiting else None

    first = wait_until("the run to wait for sign-off", lambda: paused_after(None), TIMEOUT)
    ref = stack_store.requests.ref_for_run(run_id)
    assert ref is not None
    stack_store.requests.provide_item(ref, "item-1", b"Attendance 2025-26: 90%.", "school-office")
    answer = ["--decision", "SHARE", "--item", "item-1",
              "--reasons", "Attendance summary only: it is what the plan needs."]  # fmt: skip
    forged = {"approver_id": "school-head", "decision": "SHARE", "approved_items": ["item-1"],
              "reasons": "Attendance summary only: it is what the plan needs.",
              "signature": base64.b64encode(os.urandom(64)).decode()}  # fmt: skip
    resume_when_ready(run_id, forged)
    wait_until("the run to wait again", lambda: paused_after(first), TIMEOUT)

    signed = CliRunner().invoke(main, ["approve", ref, "--as", "school-head", "--sign", *answer],
                                env=env)  # fmt: skip
    assert signed.exit_code == 0, signed.output
    wait_until("the run to finish", lambda: run_state(run_id)[1] == "COMPLETED", TIMEOUT)
    found = stack_store.chain.record(ref)
    assert found is not None
    rec = found[0].public
    assert rec["decision"] == "SHARE_PARTIAL"
    (approver,) = rec["approvers"]
    assert (approver["id"], approver["proof"]) == ("school-head", "signature")
    assert approver["signed_payload"]["run_id"] == run_id
    registered = person_keys.registered_key(stack_store, "school-head")
    assert registered is not None and approver["key_id"] == registered.key_id
    refused = [e for e in stack_store.audit.trail(ref) if e.event == "input refused"]
    assert [e.actor_id for e in refused] == ["school-head"]
    assert "does not verify" in refused[0].detail
    assert forged["signature"] not in refused[0].detail
