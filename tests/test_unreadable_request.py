"""A run whose request cannot be read (the run form's "Validate parameters" unticked, or the
API without schema enforcement) is refused with a decision record naming the fields at fault,
never their values; its parameters are redacted; no log quotes what was typed.

Two runs on the session's server (about 15 s): one the flow reads itself, one that fails before
the flow starts (an unknown top-level parameter) and is recorded by its state hook.
"""

from __future__ import annotations

import base64
import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import httpx
from conftest import Stack, example, wait_until

from infoshare.reading import read_request, refusal_reasons
from infoshare.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from prefect_server import api, scan_database_for  # noqa: E402

NAME = "Quilla Unreadable-Testperson"
BAD_DOB = "31/12/1999"
EXTRA = "Hobbies of Quilla"


def unreadable_request() -> dict[str, Any]:
    req = example("scenario2-hospital.json")
    del req["purpose"]
    req["subjects"] = [{"name": NAME, "date_of_birth": BAD_DOB}]
    req["nickname"] = EXTRA
    return req


def test_problems_name_the_fields_and_never_the_values() -> None:
    reading = read_request(unreadable_request())
    assert not reading.readable
    text = " ".join(refusal_reasons(reading))
    assert "purpose is missing" in text
    assert (
        "subjects entry 1, date_of_birth is not in the expected form (a date as YYYY-MM-DD)" in text
    )
    assert "nickname is not a field of this form" in text
    for value in (NAME, BAD_DOB, EXTRA, "Quilla", "1999"):
        assert value not in text
    # what could be read is kept; what could not stands in, and the record says which
    assert reading.request.disclosing_agency == "northshire-hospitals"
    assert reading.request.subjects == [] and reading.placeholders == ["purpose"]
    assert "stand-in values: purpose" in text
    assert read_request(None).problems == ["the request is missing"]
    assert read_request(example("scenario1-school-attendance.json")).readable


def _create_run(stack: Stack, parameters: dict[str, Any]) -> str:
    """As the UI's run form does with "Validate parameters" unticked."""
    dep = httpx.get(f"{stack.api_url}/deployments/name/share-request/share-request", timeout=10)
    dep.raise_for_status()
    resp = _post(
        f"{stack.api_url}/deployments/{dep.json()['id']}/create_flow_run",
        {"parameters": parameters, "enforce_parameter_schema": False},
    )
    resp.raise_for_status()
    return str(resp.json()["id"])


def _post(url: str, body: Any) -> httpx.Response:
    """JSON as a browser or curl sends it: ASCII, any lone surrogate as its \\u escape."""
    headers = {"content-type": "application/json"}
    return api("POST", url, content=json.dumps(body), headers=headers)


def _recorded(store: Store, run_id: str) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        ref = store.requests.ref_for_run(run_id)
        rec = store.chain.record(ref) if ref else None
        return rec[0].public if rec else None

    return wait_until(f"a decision record for run {run_id}", found, 120)


def test_an_unreadable_request_is_refused_recorded_and_redacted(
    stack: Stack, stack_store: Store
) -> None:
    in_flow = _create_run(stack, {"request": unreadable_request()})
    # fails before the flow starts, so only its state hook (or the automation) records it
    before_flow = _create_run(stack, {"request": unreadable_request(), "colour": EXTRA})
    for run_id in (in_flow, before_flow):
        rec = _recorded(stack_store, run_id)
        assert rec["decision"] == "REFUSE", rec
        reasons = " ".join(rec["reasons"])
        assert "could not be read" in reasons and "purpose is missing" in reasons
        assert "date_of_birth is not in the expected form" in reasons
        assert rec["disclosing_agency"] == "northshire-hospitals"
        run = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10).json()
        assert run["name"].startswith(rec["reference"])
        assert NAME not in str(run["parameters"]) and BAD_DOB not in str(run["parameters"])
    assert (
        httpx.get(f"{stack.api_url}/flow_runs/{in_flow}", timeout=10).json()["state"]["type"]
        == "COMPLETED"
    )
    # nothing typed is anywhere in Prefect (parameters, states, logs) nor in the serve log
    hits = scan_database_for(stack.prefect_db, [NAME, BAD_DOB, EXTRA])
    assert hits == [], "\n".join(str(h) for h in hits[:10])
    log = stack.serve_log.read_text(errors="replace")
    for value in (NAME, BAD_DOB, EXTRA):
        assert value not in log
    assert f"could not record run {before_flow}" not in log
    # and the scan can fail: the reference is in Prefect (run name, artifact)
    assert scan_database_for(stack.prefect_db, [stack_store.requests.ref_for_run(in_flow) or "-"])


# --- text that is not text (issue 18: one character stopped everything) -----------------------

SURROGATE = "\udfff"


def test_control_characters_and_lone_surrogates_are_named_never_quoted() -> None:
    req = example("scenario2-hospital.json")
    req["subjects"] = [{"name": f"Quilla{SURROGATE}", "date_of_birth": "2004-07-21"}]
    req["offence_or_risk"] = "Theft\x1b[2J of Quilla's bike"
    req["requester_id"] = "dc-evans\x00"
    req["consequence_if_not_shared"] = "Line one\n\tline two\r\n"  # line breaks are text here
    req[f"note{SURROGATE}"] = "x"
    reading = read_request(req)
    text = " ".join(refusal_reasons(reading))
    assert "subjects entry 1, name contains a character that is not valid text" in text
    assert "offence_or_risk contains a control character" in text
    assert "requester_id contains a control character" in text
    assert "(a field whose name is not valid text)" in text
    assert "consequence_if_not_shared" not in text
    for value in ("Quilla", "Theft", "bike", SURROGATE, "\x1b", "\x00", "note"):
        assert value not in text
    # what was at fault is gone from what is kept; the record can be stored and sent
    assert reading.request.subjects == [] and reading.request.offence_or_risk == ""
    assert "requester_id" in reading.placeholders
    text.encode("utf-8")
    # a single line refuses a line break; a tab in a name is a control character too
    named = example("scenario2-hospital.json")
    named["items"][0]["description"] = "A&E\nattendances"
    assert read_request(named).problems == [
        "items entry 1, description contains a control character"
    ]


def test_json_nested_deeper_than_any_request_is_refused_not_a_crash() -> None:
    deep: Any = "Quilla"
    for _ in range(100_000):
        deep = {"a": [deep]}
    req = {**example("scenario2-hospital.json"), "third_parties": deep}
    reading = read_request(req)
    assert not reading.readable
    assert reading.problems[0].startswith("third_parties a entry 1,")
    assert reading.problems[0].endswith("is nested more than 20 levels deep")
    assert reading.request.third_parties == []


def test_text_that_is_not_text_is_refused_by_the_form_and_recorded_by_the_flow(
    stack: Stack, stack_store: Store
) -> None:
    """The attack: a lone surrogate or a control character typed into a field, once through
    the run form (the server checks the schema) and once with "Validate parameters" unticked."""
    dep = httpx.get(f"{stack.api_url}/deployments/name/share-request/share-request", timeout=10)
    url = f"{stack.api_url}/deployments/{dep.json()['id']}/create_flow_run"
    for where, value in (("name", f"Quilla{SURROGATE}"), ("name", "Quilla\x07")):
        req = example("scenario2-hospital.json")
        req["subjects"][0][where] = value
        resp = _post(url, {"parameters": {"request": req}})
        assert resp.status_code == 409, resp.text
        assert "subjects" in resp.text and "name" in resp.text
    # (unvalidated, Prefect 3.9.1's server stores a lone surrogate, answers 500, and then 500
    # to the runner's every poll: the gate refuses unvalidated runs, and `infoshare up` releases
    # such a run and restarts the runner, tests/test_up.py; the flow's reading refuses one all
    # the same, test above)
    req = example("scenario2-hospital.json")
    req["subjects"] = [{"name": "Quilla\x07 Ctrl", "date_of_birth": "2004-07-21"}]
    req["offence_or_risk"] = "Quilla\x1b[2J"
    run_id = _create_run(stack, {"request": req})
    rec = _recorded(stack_store, run_id)
    assert rec["decision"] == "REFUSE", rec
    reasons = " ".join(rec["reasons"])
    assert "subjects entry 1, name contains a control character" in reasons
    assert "offence_or_risk contains a control character" in reasons

    def finished() -> dict[str, Any] | None:
        run = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10).json()
        return run if run["state"]["type"] not in ("RUNNING", "PENDING", "SCHEDULED") else None

    run = wait_until("the run to finish", finished, 60)
    assert run["state"]["type"] == "COMPLETED"
    assert "Quilla" not in str(run["parameters"])
    # the runner still serves: a good request after it is taken in
    good = _create_run(stack, {"request": example("scenario2-hospital.json")})
    wait_until("the next request taken in", lambda: stack_store.requests.ref_for_run(good), 120)


def test_prefect_result_storage_holds_nothing_typed(stack: Stack, stack_store: Store) -> None:
    """The attack: runs whose parameters cannot be read, one of the share-request deployment
    and one of a deployment that checks its parameters (Prefect pickles the failure, with the
    values it quotes, into $PREFECT_HOME/storage, whatever ``persist_result`` says)."""
    in_flow = _create_run(stack, {"request": unreadable_request()})
    dep = httpx.get(f"{stack.api_url}/deployments/name/record-ended-run/record-ended-run")
    dep.raise_for_status()
    resp = _post(
        f"{stack.api_url}/deployments/{dep.json()['id']}/create_flow_run",
        {"parameters": {"flow_run_id": NAME, "silent_seconds": 0},
         "enforce_parameter_schema": False},
    )  # fmt: skip
    resp.raise_for_status()
    checked = str(resp.json()["id"])

    def failed() -> str | None:
        run = httpx.get(f"{stack.api_url}/flow_runs/{checked}", timeout=10).json()
        return run["state"]["type"] if run["state"]["type"] in ("FAILED", "CRASHED") else None

    wait_until("the run with unreadable parameters to fail", failed, 120)
    assert _recorded(stack_store, in_flow)["decision"] == "REFUSE"
    storage = Path(stack.env["PREFECT_HOME"]) / "storage"
    files = [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []
    assert files, "Prefect kept no result: this test would prove nothing"
    for path in files:
        data = path.read_bytes()
        with contextlib.suppress(ValueError):
            data += base64.b64decode(data)  # a pickle, wrapped in base64
        for value in (NAME, BAD_DOB, EXTRA, "Quilla"):
            assert value.encode() not in data, (path, data[:300])
        assert path.stat().st_mode & 0o077 == 0, path


def test_a_failed_flows_exception_is_kept_without_its_values(stack: Stack, tmp_path: Path) -> None:
    """Prefect pickles a failed flow's exception into result storage whatever persist_result
    says; with infoshare's serializer (every flow of ours has it) only its type is kept."""
    from prefect import flow
    from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH, temporary_settings

    from flows.results import NO_VALUES

    @flow(persist_result=False, result_serializer=NO_VALUES)
    def quoting() -> None:
        raise ValueError(f"cannot read {NAME!r} born {BAD_DOB}")

    storage = tmp_path / "storage"
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: storage}):
        state = quoting(return_state=True)
    assert state.is_failed()
    files = [p for p in storage.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes() + base64.b64decode(path.read_bytes())
        assert b"ValueError" in data
        assert NAME.encode() not in data and BAD_DOB.encode() not in data
    # every flow infoshare serves keeps its results this way
    from flows import retention, share_request, watchdog

    served = [share_request.share_request, watchdog.watchdog, watchdog.watchdog_at,
              watchdog.record_ended_run_flow, retention.retention]  # fmt: skip
    assert all(f.result_serializer is NO_VALUES for f in served)
