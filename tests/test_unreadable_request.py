"""A run whose request cannot be read (the run form's "Validate parameters" unticked, or the
API without schema enforcement) is refused with a decision record naming the fields at fault,
never their values; its parameters are redacted; no log quotes what was typed.

Two runs on the session's server (about 15 s): one the flow reads itself, one that fails before
the flow starts (an unknown top-level parameter) and is recorded by its state hook.
"""

from __future__ import annotations

import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from conftest import Stack, example, wait_until

from infoshare.reading import read_request, refusal_reasons
from infoshare.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from prefect_server import scan_database_for  # noqa: E402

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
    body = {"parameters": parameters, "enforce_parameter_schema": False,
            "idempotency_key": uuid.uuid4().hex}  # fmt: skip
    for wait in (0.5, 1, 2, 4, 8, 0):  # a busy SQLite server answers 503: the user tries again
        resp = httpx.post(
            f"{stack.api_url}/deployments/{dep.json()['id']}/create_flow_run", json=body, timeout=30
        )
        if resp.status_code != 503:
            break
        time.sleep(wait)
    resp.raise_for_status()
    return str(resp.json()["id"])


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
