"""infoshare's own store: personal data sealed at rest, idempotent steps, append-only records.

Runs on a temporary SQLite store, and also on PostgreSQL when INFOSHARE_TEST_POSTGRES_URL is set
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); each test then gets its own schema.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, MetaData, inspect, select, text
from sqlalchemy.exc import DBAPIError

from infoshare.config import load_settings
from infoshare.crypto import DecryptionError
from infoshare.db.tables import AuditEventRow, DecisionRecordRow, RequestRow
from infoshare.models import Decision, ShareRequest, Step
from infoshare.records.compose import record_decision
from infoshare.steps import run_triage
from infoshare.store import Store
from infoshare.store.errors import UnknownRequest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)

# Personal data in scenario 2 (hospital): none of it may reach the database unencrypted.
PERSONAL = [
    "Morwenna Fictitious-Mother",
    "2002-06-02",
    "12 Example Terrace",
    "Dorian Fictitious-Partner",
    "1998-01-20",
    "domestic-violence convictions",
    "Domestic incident last night",
    "Frequency of attendances informs",
    "Risk to the mother and the children",
    "fear of reprisal",
]
# Non-personal values that are stored in plain columns: proves the scan can see the data.
PLAIN = ["mash-social-worker", "A&E attendance dates, last 12 months"]


def example(name: str) -> ShareRequest:
    return ShareRequest.model_validate_json((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def env(every_backend: dict[str, str]) -> dict[str, str]:
    return every_backend  # every test here on SQLite, and on PostgreSQL when configured


def test_postgres_store_uses_its_own_schema(store: Store, backend: str | None) -> None:
    if backend is None:
        pytest.skip("PostgreSQL only")
    assert "decision_records" in inspect(store.engine).get_table_names()
    with store.engine.connect() as conn:
        assert conn.scalar(text("select current_schema()")).startswith("infoshare_test_")


# --- personal data at rest -----------------------------------------------------------------------


def _db_files(store: Store) -> list[Path]:
    return sorted(store.settings.home.glob("infoshare.db*"))


def _logical_dump(store: Store) -> bytes:
    """Every cell of every table, as bytes (binary cells raw, others as text)."""
    out = bytearray()
    with store.engine.connect() as conn:
        tables = MetaData()
        tables.reflect(conn)
        assert "requests" in tables.tables
        for table in tables.sorted_tables:
            for row in conn.execute(select(table)):
                for cell in row:
                    if isinstance(cell, bytes | memoryview):
                        out += bytes(cell)
                    else:
                        out += json.dumps(cell, default=str, ensure_ascii=False).encode()
                    out += b"\0"
    return bytes(out)


def _stored_bytes(store: Store) -> bytes:
    blob = _logical_dump(store)
    if store.engine.dialect.name == "sqlite":
        files = _db_files(store)
        assert any(f.name == "infoshare.db" for f in files)
        blob += b"".join(f.read_bytes() for f in files)
    return blob


def test_personal_data_is_never_stored_in_clear(store: Store) -> None:
    req = example("scenario2-hospital.json")
    ref = store.requests.register(req, str(uuid.uuid4()))
    run_triage(store, ref, now=NOW)
    store.requests.complete_step(
        ref, Step.OVERRIDE, actor_id="caldicott-rao", public={"grounds": ["SAFEGUARD_CHILDREN"]},
        private={"proportionality": "Morwenna Fictitious-Mother is at risk of reprisal."},
    )  # fmt: skip
    store.requests.provide_item(
        ref, "item-1", b"2026-10-01 Morwenna Fictitious-Mother, A&E", "nurse-lee"
    )
    record_decision(store, ref)

    # The store gives it all back ...
    back = store.requests.request(ref)
    assert back.subjects[0].name == "Morwenna Fictitious-Mother"
    assert back.subjects[0].date_of_birth == "2002-06-02"
    assert back == req
    found = store.chain.record(ref)
    assert found is not None
    assert found[1]["subjects"][0]["name"] == "Morwenna Fictitious-Mother"
    # ... but nothing personal is in the database's bytes, while plain columns are.
    stored = _stored_bytes(store)
    for plain in PLAIN:
        assert plain.encode() in stored, f"scan cannot see {plain!r}: scanning the wrong place?"
    leaked = [needle for needle in PERSONAL if needle.encode() in stored]
    assert leaked == []


def test_unknown_reference(store: Store) -> None:
    with pytest.raises(UnknownRequest, match="ISR-nonexistent"):
        store.requests.request("ISR-nonexistent")
    with pytest.raises(UnknownRequest):
        store.requests.meta("ISR-nonexistent")


def test_wrong_master_key_cannot_read_the_request(store: Store, env: dict[str, str]) -> None:
    ref = store.requests.register(example("scenario1-school-attendance.json"), None)
    wrong_key = base64.b64encode(os.urandom(32)).decode()
    other = Store(load_settings({**env, "INFOSHARE_MASTER_KEY": wrong_key}))
    try:
        with pytest.raises(DecryptionError):
            other.requests.request(ref)
        assert (
            other.requests.meta(ref).requesting_agency == "northshire-yjs"
        )  # plain columns still readable
    finally:
        other.close()
    same = Store(load_settings(env))  # the key file on this machine
    try:
        assert same.requests.request(ref).subjects[0].name == "Jamie Fictitious-Pupil"
    finally:
        same.close()


# --- idempotency ---------------------------------------------------------------------------------


def _count(store: Store, model: type, *where: ColumnElement[bool]) -> int:
    with store.session() as s:
        return len(list(s.scalars(select(model).where(*where))))


def test_register_request_is_idempotent_per_flow_run(store: Store) -> None:
    req = example("scenario1-school-attendance.json")
    run_id = str(uuid.uuid4())
    ref = store.requests.register(req, run_id)
    assert ref.startswith("ISR-")
    assert store.requests.register(req, run_id) == ref
    assert store.requests.ref_for_run(run_id) == ref
    assert _count(store, RequestRow) == 1
    assert _count(store, AuditEventRow, AuditEventRow.event == "request received") == 1

    other = store.requests.register(req, str(uuid.uuid4()))
    assert other != ref
    a, b = store.requests.register(req, None), store.requests.register(req, None)
    assert a != b  # without a run id every call is a new request
    assert _count(store, RequestRow) == 4


def test_complete_step_is_idempotent(store: Store) -> None:
    ref = store.requests.register(example("scenario1-school-attendance.json"), None)
    assert store.requests.step(ref, Step.SIGNOFF) is None
    store.requests.complete_step(
        ref, Step.SIGNOFF, actor_id="school-head", public={"decision": "SHARE_PARTIAL"},
        private={"reasons": "first answer"},
    )  # fmt: skip
    store.requests.complete_step(
        ref, Step.SIGNOFF, actor_id="school-dsl", public={"decision": "REFUSE"},
        private={"reasons": "second answer"},
    )  # fmt: skip
    st = store.requests.step(ref, Step.SIGNOFF)
    assert st is not None
    assert (st.status, st.actor_id) == ("DONE", "school-head")
    assert st.public == {"decision": "SHARE_PARTIAL"}
    assert st.private == {"reasons": "first answer"}
    completed = AuditEventRow.event == "step completed"
    assert _count(store, AuditEventRow, AuditEventRow.ref == ref, completed) == 1


def test_stage_step_does_not_undo_a_completed_step(store: Store) -> None:
    ref = store.requests.register(example("scenario1-school-attendance.json"), None)
    store.requests.complete_step(ref, Step.TRANSFER, public={"envelope_id": "a"})
    store.requests.stage_step(
        ref, Step.TRANSFER, public={"envelope_id": "b"}, private={"envelope": "x"}
    )
    st = store.requests.step(ref, Step.TRANSFER)
    assert st is not None
    assert (st.status, st.public, st.private) == ("DONE", {"envelope_id": "a"}, {})


def test_run_triage_twice_keeps_the_first_outcome(store: Store) -> None:
    ref = store.requests.register(example("scenario1-school-attendance.json"), None)
    first = run_triage(store, ref, now=NOW)
    again = run_triage(store, ref, now=NOW + timedelta(days=3))
    assert first.accepted
    assert again == first
    assert first.due_at == (NOW + timedelta(hours=72)).isoformat()
    assert store.requests.meta(ref).due_at == NOW + timedelta(hours=72)


# --- decision records ----------------------------------------------------------------------------


def _refused_trawl(store: Store) -> str:
    ref = store.requests.register(example("scenario3-trawl.json"), str(uuid.uuid4()))
    t = run_triage(store, ref, now=NOW)
    assert t.decision == "REFUSE"
    return ref


def test_record_for_triage_refusal(store: Store) -> None:
    ref = _refused_trawl(store)
    triage = store.requests.step(ref, Step.TRIAGE)
    assert triage is not None
    summary = record_decision(store, ref)
    assert (summary.ref, summary.decision, summary.written) == (ref, Decision.REFUSE, True)

    found = store.chain.record(ref)
    assert found is not None
    row, personal = found
    rec = row.public
    assert row.decision == rec["decision"] == "REFUSE"
    assert rec["reasons"] == triage.public["reasons"]
    assert any("all information held" in r for r in rec["reasons"])
    assert any("Inspector" in r for r in rec["reasons"])
    assert rec["shared"] is None
    assert row.envelope_id is None and row.envelope_sha256 is None
    assert [i["shared"] for i in rec["items"]] == [False]
    assert rec["approvers"] == []
    assert rec["requester"]["role"] == "Constable"
    # AMBER is 24 working hours: Thursday 10:00 -> Tuesday 10:00 (7 + 8 + 8 + 1 hours)
    assert rec["due_at"] == datetime(2026, 12, 1, 10, 0, tzinfo=UTC).isoformat()
    assert row.record_sha256 == summary.record_sha256
    assert personal["subjects"][0]["name"] == "Tobias Fictitious-Tenant"
    assert "Tobias" not in json.dumps(rec)  # the plain part of the record names nobody
    assert store.requests.meta(ref).status == "DECIDED"


def test_record_decision_twice_gives_one_record(store: Store) -> None:
    ref = _refused_trawl(store)
    first = record_decision(store, ref)
    second = record_decision(store, ref, failure="a later crash report")
    assert first.written is True
    assert second.written is False
    assert (second.decision, second.record_sha256) == (first.decision, first.record_sha256)
    assert _count(store, DecisionRecordRow, DecisionRecordRow.ref == ref) == 1


def test_run_that_ends_without_decision_is_recorded_as_failed(store: Store) -> None:
    ref = store.requests.register(example("scenario1-school-attendance.json"), None)
    summary = record_decision(store, ref, failure="worker lost")
    assert summary.decision == Decision.FAILED
    found = store.chain.record(ref)
    assert found is not None
    assert any("worker lost" in r for r in found[0].public["reasons"])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decision_records SET decision = 'SHARE_FULL'",
        "UPDATE decision_records SET public = '{}'",
        "DELETE FROM decision_records",
        "TRUNCATE decision_records",
        "TRUNCATE requests CASCADE",
    ],
)
def test_decision_records_are_append_only(store: Store, statement: str) -> None:
    if statement.startswith("TRUNCATE") and store.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has no TRUNCATE (its DELETE FROM runs the triggers)")
    ref = _refused_trawl(store)
    record_decision(store, ref)
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    found = store.chain.record(ref)
    assert found is not None
    assert found[0].decision == "REFUSE"
    assert found[0].public["decision"] == "REFUSE"
