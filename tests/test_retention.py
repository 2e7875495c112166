"""Retention and disposal: a closed request's personal data goes after its period, the decision
record stays (and still verifies), the append-only triggers allow that one change and nothing
else, and a byte-level search of the databases finds nothing of a disposed person.

Store tests run on SQLite, and on PostgreSQL when INFOSHARE_TEST_POSTGRES_URL is set. The last
test drives a real request through the real flow on a real Prefect server.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import Mailbox, Stack, example, wait_until
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

import infoshare.records as records_module
import infoshare.store as store_module
from infoshare import identity, prefect_api, retention
from infoshare.cli import main
from infoshare.config import ConfigError, Period, load_settings
from infoshare.db import (
    AuditEventRow,
    Base,
    DecisionCheckpointRow,
    DecisionRecordRow,
    ItemContentRow,
    OneTimeCodeRow,
    RequestRow,
    StepRow,
    SubjectIndexRow,
)
from infoshare.models import ShareRequest
from infoshare.records import checkpoint, record_decision, verify
from infoshare.setup import initialise
from infoshare.store import PersonalDataDisposed, Store

COUNCIL = "northshire-council"  # discloses in scenario 3
SCHOOL = "northshire-academy"  # discloses in scenario 1
TENANT = "Tobias Fictitious-Tenant"  # scenario 3's subject
NOW = datetime.now(UTC)
LONG_AGO = NOW - timedelta(days=3 * 365)  # closed three years ago: past the 2-year default


@pytest.fixture
def env(every_backend: dict[str, str]) -> dict[str, str]:
    return every_backend  # every test here on SQLite, and on PostgreSQL when configured


def _request(scenario: str, **changes: Any) -> ShareRequest:
    return ShareRequest.model_validate({**example(scenario), **changes})


def _closed(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    at: datetime,
    scenario: str = "scenario3-trawl.json",
    **changes: Any,
) -> str:
    """A request with sealed step data, prepared content and a one-time code, decided at
    ``at`` (the record's clock is moved, nothing else)."""
    ref = store.register_request(_request(scenario, **changes), str(uuid.uuid4()))
    store.complete_step(ref, "override", public={"at": "x"}, private={"why": "free text"})
    store.provide_item(ref, "item-1", b"disclosed content", "council-officer")
    identity.issue(store, ref, "signoff", "council-officer", "run-x", NOW + timedelta(days=1))
    with monkeypatch.context() as m:
        m.setattr(records_module, "now_utc", lambda: at)
        record_decision(store, ref, failure="test")
    return ref


def _snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the store."""
    with store.session() as s:
        return {
            t.name: sorted((tuple(r) for r in s.execute(select(t))), key=repr)
            for t in Base.metadata.sorted_tables
        }


# --- configuration -------------------------------------------------------------------------------


def test_periods_default_and_per_agency() -> None:
    rules = load_settings({}).retention
    assert (str(rules.personal), str(rules.record), str(rules.runs)) == ("2y", "6y", "2y")
    rules = load_settings(
        {
            "INFOSHARE_RETENTION_PERSONAL": "400d",
            "INFOSHARE_RETENTION_AGENCIES": json.dumps({COUNCIL: {"personal": "1y30d"}}),
        }
    ).retention
    assert rules.personal_for(SCHOOL) == Period(days=400)
    assert rules.personal_for(COUNCIL) == Period(years=1, days=30)
    assert rules.record_for(COUNCIL) == Period(years=6)
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert Period(years=2).after(leap) == datetime(2030, 2, 28, tzinfo=UTC)
    assert Period(years=2).before(datetime(2030, 2, 28, tzinfo=UTC)) == datetime(
        2028, 2, 28, tzinfo=UTC
    )


@pytest.mark.parametrize(
    "name,value,fragment",
    [
        ("INFOSHARE_RETENTION_PERSONAL", "2 years", "such as 2y"),
        ("INFOSHARE_RETENTION_RECORD", "0d", "at least one day"),
        ("INFOSHARE_RETENTION_AGENCIES", "{not json", "not JSON"),
        ("INFOSHARE_RETENTION_AGENCIES", '{"x": {"personnel": "1y"}}', "personnel"),
        ("INFOSHARE_RETENTION_AGENCIES", '{"x": "1y"}', "map agency ids"),
    ],
)
def test_bad_retention_settings_say_which_and_why(name: str, value: str, fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment) as err:
        load_settings({name: value})
    assert name in str(err.value)


# --- disposal in the store -----------------------------------------------------------------------


def test_dry_run_lists_and_changes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _closed(store, monkeypatch, LONG_AGO)
    _closed(store, monkeypatch, NOW)
    before = _snapshot(store)
    report = retention.run(store, NOW, dry_run=True, prefect=False)
    assert [d.ref for d in report.disposed] == [old]
    [due] = report.disposed
    assert due.agency == COUNCIL and due.closed_at == LONG_AGO
    assert due.disposal.request and due.disposal.record
    assert (due.disposal.steps, due.disposal.items, due.disposal.codes) == (1, 1, 1)
    assert due.disposal.index >= 1  # the subject's blind-index entries
    assert _snapshot(store) == before
    # planning ahead: by then the recent one is due too
    later = retention.run(store, NOW + timedelta(days=2 * 365 + 1), dry_run=True, prefect=False)
    assert len(later.disposed) == 2
    assert _snapshot(store) == before


def test_run_disposes_only_old_closed_requests_and_records_still_verify(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _closed(store, monkeypatch, LONG_AGO)
    recent = _closed(store, monkeypatch, NOW - timedelta(days=300))
    still_open = store.register_request(_request("scenario3-trawl.json"), None)
    checkpoint(store, COUNCIL)  # a signed checkpoint over both records
    kept_before = {r: store.record(r)[0] for r in (old, recent)}  # type: ignore[index]

    report = retention.run(store, NOW, prefect=False)
    assert [d.ref for d in report.disposed] == [old]

    with store.session() as s:
        req = s.get(RequestRow, old)
        assert req is not None and req.wrapped_key is None and req.sealed_request is None
        assert s.scalars(select(StepRow.sealed).where(StepRow.ref == old)).all() == [None, None]
        assert s.scalars(select(ItemContentRow).where(ItemContentRow.ref == old)).all() == []
        assert s.scalars(select(OneTimeCodeRow).where(OneTimeCodeRow.ref == old)).all() == []
        assert s.scalars(select(SubjectIndexRow).where(SubjectIndexRow.ref == old)).all() == []
        events = s.scalars(select(AuditEventRow).where(AuditEventRow.ref == old)).all()
    with pytest.raises(PersonalDataDisposed):
        store.request(old)
    found = store.record(old)
    assert found is not None
    row, personal = found
    assert personal == {} and row.sealed_personal is None and row.disposed_at is not None
    was = kept_before[old]
    assert (row.decision, row.public, row.record_sha256, row.personal_commitments) == (
        was.decision,
        was.public,
        was.record_sha256,
        was.personal_commitments,
    )
    [disposed] = [e for e in events if e.event == "personal data disposed"]
    assert "personal data 2y after the decision (default)" in disposed.detail
    assert "the record's sealed personal part" in disposed.detail
    assert TENANT not in json.dumps([e.detail for e in events])

    # the others are untouched
    assert store.request(recent).subjects[0].name == TENANT
    assert store.record(recent)[1]["subjects"][0]["name"] == TENANT  # type: ignore[index]
    assert store.request(still_open).subjects[0].name == TENANT
    # the chain, its checkpoint and the record hashes are intact
    [council] = verify(store, COUNCIL)
    assert council.ok and council.records == 2 and council.checkpoints == 1
    # a second run finds nothing more to do
    assert retention.run(store, NOW, prefect=False).disposed == []


def test_per_agency_period_applies_to_that_agencys_requests(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**env, "INFOSHARE_RETENTION_AGENCIES": json.dumps({SCHOOL: {"personal": "5y"}})}
    s = Store(load_settings(env))
    initialise(s)
    try:
        council = _closed(s, monkeypatch, LONG_AGO)
        _closed(s, monkeypatch, LONG_AGO, "scenario1-school-attendance.json")
        report = retention.run(s, NOW, dry_run=True, prefect=False)
        assert [d.ref for d in report.disposed] == [council]
        kept = retention.run(s, NOW + timedelta(days=7 * 365), dry_run=True, prefect=False)
        assert {k.agency for k in kept.records_kept} == {COUNCIL, SCHOOL}
    finally:
        s.close()


# --- the append-only triggers --------------------------------------------------------------------


def _refused(store: Store, stmt: Any) -> bool:
    try:
        with store.engine.begin() as conn:
            conn.execute(stmt)
    except DBAPIError as exc:
        assert "append-only" in str(exc)
        return True
    return False


def test_triggers_allow_only_the_disposal_update(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _closed(store, monkeypatch, LONG_AGO)
    checkpoint(store, COUNCIL)
    rec = update(DecisionRecordRow).where(DecisionRecordRow.ref == ref)
    at = datetime.now(UTC)
    refused = [
        rec.values(decision="SHARE_FULL"),
        rec.values(sealed_personal=None),  # nulling without saying when
        rec.values(disposed_at=at),  # saying so, but the ciphertext stays
        rec.values(sealed_personal=b"other"),
        rec.values(sealed_personal=None, disposed_at=at, decision="REFUSE"),
        rec.values(sealed_personal=None, disposed_at=at, public={"decision": "REFUSE"}),
        rec.values(sealed_personal=None, disposed_at=at, personal_commitments={}),
        rec.values(sealed_personal=None, disposed_at=at, record_sha256="0" * 64),
        delete(DecisionRecordRow).where(DecisionRecordRow.ref == ref),
        update(DecisionCheckpointRow).values(seq=99),
        delete(DecisionCheckpointRow),
    ]
    assert [_refused(store, stmt) for stmt in refused] == [True] * len(refused)
    assert not _refused(store, rec.values(sealed_personal=None, disposed_at=at))
    # once disposed, nothing changes any more, not even the disposal time
    assert _refused(store, rec.values(disposed_at=at + timedelta(days=1)))
    assert _refused(store, rec.values(sealed_personal=b"back"))
    if store.engine.dialect.name == "postgresql":
        assert _refused(store, text("TRUNCATE decision_records CASCADE"))
    assert verify(store, COUNCIL)[0].ok


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def home(cli_home: Path) -> Path:
    assert run_cli("init").exit_code == 0
    return cli_home


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_subject_search_after_disposal_finds_the_record_but_not_the_person(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_module.default_store()
    old = _closed(store, monkeypatch, LONG_AGO)
    recent = _closed(store, monkeypatch, NOW)
    why = ("--as", "council-officer", "--why", "SAR-2026-118")

    dry = run_cli("retention", "run", "--dry-run", "--no-prefect")
    assert dry.exit_code == 0, dry.output
    assert "dry run: nothing changed" in dry.stdout and old in dry.stdout
    assert recent not in dry.stdout and COUNCIL in dry.stdout
    assert f"closed {LONG_AGO:%Y-%m-%d}" in dry.stdout and "the sealed request" in dry.stdout

    done = run_cli("retention", "run", "--no-prefect", "--json")
    assert done.exit_code == 0, done.output
    assert [d["reference"] for d in json.loads(done.stdout)["disposed"]] == [old]
    assert TENANT not in done.stdout

    search = run_cli("records", "search", "--subject-name", TENANT, *why, "--json")
    assert search.exit_code == 0, search.output
    found = json.loads(search.stdout)
    assert [m["reference"] for m in found["matches"]] == [recent]
    assert found["records_with_personal_data_disposed"] == 1
    shown = run_cli("records", "show", old, "--json")
    assert shown.exit_code == 0, shown.output
    record = json.loads(shown.stdout)
    assert record["decision"] == "FAILED" and record["decided_at"].startswith(f"{LONG_AGO:%Y}")
    assert len(record["record_sha256"]) == 64
    assert run_cli("records", "verify").exit_code == 0
    gone = run_cli("requests", "show", old, *why)
    assert gone.exit_code == 2 and "was disposed of under the retention rules" in gone.stderr


def test_records_past_their_own_period_are_kept_and_said_so(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_module.default_store()
    ref = _closed(store, monkeypatch, NOW - timedelta(days=7 * 365))
    result = run_cli("retention", "run", "--no-prefect")
    assert result.exit_code == 0, result.output
    assert f"{COUNCIL}: 1 record(s) older than 6y" in result.stdout
    assert "break its agency's hash chain" in result.stdout
    assert store.record(ref) is not None and verify(store, COUNCIL)[0].ok


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("--now", "26/11/2030"), "--now must be a date"),
        (("--now", "2030-13-01"), "--now must be a date"),
        (("--now", "2099-01-01"), "in the future"),
    ],
)
def test_bad_arguments_are_one_clear_line(home: Path, args: tuple[str, ...], fragment: str) -> None:
    result = run_cli("retention", "run", "--no-prefect", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr and "Traceback" not in result.output


def test_bad_retention_setting_is_a_clear_error(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFOSHARE_RETENTION_PERSONAL", "two years")
    monkeypatch.setattr(store_module, "_default", None)
    result = run_cli("retention", "run", "--dry-run", "--no-prefect")
    assert result.exit_code == 2, result.output
    assert "INFOSHARE_RETENTION_PERSONAL" in result.stderr and "Traceback" not in result.output


def test_prefect_database_is_found_as_infoshare_up_and_the_tests_run_it(tmp_path: Path) -> None:
    find = retention.prefect_sqlite_path
    assert find({"PREFECT_HOME": str(tmp_path)}) == tmp_path / "prefect.db"
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    assert find({"PREFECT_API_DATABASE_CONNECTION_URL": url}) == tmp_path / "p.db"
    assert find({"PREFECT_API_DATABASE_CONNECTION_URL": "postgresql+asyncpg://h/db"}) is None
    remote = {"PREFECT_API_URL": "https://prefect.example.org/api", "PREFECT_HOME": "/x"}
    assert find(remote) is None
    up = tmp_path / "infoshare" / "prefect" / "prefect.db"  # as `infoshare up` lays it out
    up.parent.mkdir(parents=True)
    up.touch()
    assert find({}, tmp_path / "infoshare") == up


def test_prefect_unreachable_disposes_and_says_what_is_left(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_module.default_store()
    old = _closed(store, monkeypatch, LONG_AGO)  # its run is on no server that answers
    result = run_cli("retention", "run")
    assert result.exit_code == 1, result.output
    assert "cannot reach the Prefect API" in result.stdout
    assert "retried at the next run" in result.stderr and "Traceback" not in result.output
    assert store.record(old)[0].disposed_at is not None  # type: ignore[index]
    assert store.runs_to_delete() == [(old, store.meta(old).flow_run_id)]


# --- end to end: the byte-level scan -------------------------------------------------------------

NAME = "Zebulon Quillfeather-Xanthippe"
DOB = "2011-07-23"
CONTENT = "Attendance 2025-26: 77% Quorvex-Plimsoll-Content"


def _forms(value: str) -> list[bytes]:
    """The value as UTF-8, UTF-16 (either byte order) and as an escaped JSON string."""
    texts = {value, json.dumps(value)[1:-1], value.lower(), value.upper()}
    return [t.encode(enc) for t in texts for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def _files_holding(paths: list[Path], values: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in paths:
        if not p.exists():
            continue
        data = p.read_bytes()
        for v in values:
            if any(f in data for f in _forms(v)):
                found.setdefault(v, []).append(p.name)
    return found


def _sqlite_files(db: Path) -> list[Path]:
    return [db, Path(f"{db}-wal"), Path(f"{db}-shm")]


def _drive(stack: Stack, store: Store, mailbox: Mailbox) -> tuple[str, str]:
    """Submit a request with distinctive personal data; prepare the item and sign it off as the
    headteacher with the code mailed to her. Returns (run id, reference)."""
    raw = example("scenario1-school-attendance.json")
    raw["subjects"] = [{"name": NAME, "date_of_birth": DOB}]
    run_id = prefect_api.submit({"request": raw}).id

    def waiting_for_signoff() -> str | None:
        ref = store.ref_for_run(run_id)
        info = prefect_api.run(run_id)
        paused = info.state_type == "PAUSED"
        return ref if ref and paused and store.meta(ref).status == "AWAITING_SIGNOFF" else None

    ref = wait_until("the run to wait for sign-off", waiting_for_signoff)
    store.provide_item(ref, "item-1", CONTENT.encode(), "school-office")
    head = store.partnership().member("school-head")
    assert head is not None
    answer = {
        "approver_id": "school-head",
        "decision": "SHARE",
        "approved_items": ["item-1"],
        "reasons": "Attendance only is needed.",
        "code": mailbox.latest_code(ref, head.email),
    }
    prefect_api.resume(run_id, answer)
    wait_until("the run to complete", lambda: prefect_api.run(run_id).state_type == "COMPLETED")
    return run_id, ref


def _never_started(stack: Stack) -> str:
    """A run Prefect could not start (an unknown extra parameter: it ends Crashed before the
    flow's first line), so infoshare never redacted its parameters: they hold the request as
    submitted. Only Prefect-side retention removes them."""
    raw = example("scenario1-school-attendance.json")
    raw["subjects"] = [{"name": NAME, "date_of_birth": DOB}]
    run_id = prefect_api.submit({"request": raw, "unexpected": 1}).id
    wait_until(
        "the run to end", lambda: prefect_api.run(run_id).state_type in ("CRASHED", "FAILED")
    )
    return run_id


@pytest.fixture
def isolated_rules(stack: Stack) -> Iterator[Store]:
    """The stack's store with rules for this test: the school's personal data goes after
    2 years, every other agency's after a century (other modules share this store)."""
    env = {
        **stack.env,
        "INFOSHARE_RETENTION_PERSONAL": "100y",
        "INFOSHARE_RETENTION_AGENCIES": json.dumps({SCHOOL: {"personal": "2y"}}),
    }
    s = Store(load_settings(env))
    yield s
    s.close()


def test_no_byte_of_a_disposed_request_is_left_in_either_database(
    stack: Stack, stack_store: Store, mailbox: Mailbox, isolated_rules: Store, tmp_path: Path
) -> None:
    assert stack.prefect_db is not None, "the byte-level scan needs Prefect on SQLite"
    run_id, ref = _drive(stack, stack_store, mailbox)
    crashed = _never_started(stack)
    assert stack_store.record(ref)[0].decision == "SHARE_PARTIAL"  # type: ignore[index]
    store_db = retention.store_sqlite_path(stack_store)
    assert store_db is not None
    files = _sqlite_files(stack.prefect_db) + _sqlite_files(store_db)
    needles = [NAME, DOB, CONTENT]
    # the scan sees what is there: the crashed run's parameters in Prefect's files ...
    assert NAME in _files_holding(_sqlite_files(stack.prefect_db), [NAME])
    # ... in any of the forms it looks for
    planted = tmp_path / "planted.db"
    planted.write_bytes(NAME.encode("utf-16-le") + b"\0" + DOB.encode("utf-16-be"))
    assert _files_holding([planted], needles) == {NAME: ["planted.db"], DOB: ["planted.db"]}

    later = NOW + timedelta(days=2 * 365 + 2)  # move time past the retention period
    env = {
        "PREFECT_API_URL": stack.api_url,
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{stack.prefect_db}",
    }
    planned = retention.run(isolated_rules, later, dry_run=True, env=env)
    assert ref in [d.ref for d in planned.disposed] and run_id in planned.runs_of_disposed
    # ended more than 2 years before the moved clock; once the record-ended-run trigger has
    # recorded it FAILED (it may, any time now), it goes as the run of a disposed request
    assert crashed in planned.old_runs + planned.runs_of_disposed

    report = retention.run(isolated_rules, later, env=env)
    assert report.ok, report.problems
    assert ref in [d.ref for d in report.disposed] and run_id in report.runs_of_disposed
    assert crashed in report.old_runs + report.runs_of_disposed
    assert {c.name for c in report.compacted} == {"infoshare store", "Prefect database"}

    assert _files_holding(files, needles) == {}
    for gone in (run_id, crashed):
        assert httpx.get(f"{stack.api_url}/flow_runs/{gone}", timeout=10).status_code == 404
    found = stack_store.record(ref)
    assert found is not None and found[0].decision == "SHARE_PARTIAL" and found[1] == {}
    assert verify(stack_store, SCHOOL)[0].ok
    with stack_store.session() as s:
        step = s.get(StepRow, (ref, "disposal"))
        assert step is not None and step.public["prefect_run"] == "deleted"


def test_retention_is_served_daily_and_runs(stack: Stack, stack_store: Store) -> None:
    url = f"{stack.api_url}/deployments/name/retention/retention"
    # served after the share-request deployment the stack waits for
    dep = wait_until(
        "the retention deployment", lambda: (r := httpx.get(url, timeout=10)).is_success and r, 60
    )
    [schedule] = dep.json()["schedules"]
    assert schedule["schedule"]["cron"] == "30 2 * * *"
    assert schedule["schedule"]["timezone"] == "Europe/London"
    # run it now, as the schedule would: nothing is old enough to dispose of, and it completes
    run = prefect_api.submit({}, deployment="retention/retention")
    wait_until(
        "the retention run to end",
        lambda: prefect_api.run(run.id).state_type in ("COMPLETED", "FAILED", "CRASHED"),
    )
    assert prefect_api.run(run.id).state_type == "COMPLETED", stack.serve_log.read_text()[-3000:]
    with stack_store.session() as s:
        logged = s.scalars(
            select(AuditEventRow.detail).where(AuditEventRow.event == "retention run")
        ).all()
    assert logged and "Prefect run(s) deleted" in logged[-1]


def test_a_store_made_before_retention_is_upgraded(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Store(load_settings(env))
    initialise(s)
    ref = _closed(s, monkeypatch, LONG_AGO)
    with s.engine.begin() as conn:  # the schema as it was: no disposed_at, triggers refuse all
        if s.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER decision_records_no_update"))
            conn.execute(text("ALTER TABLE decision_records DROP COLUMN disposed_at"))
            conn.execute(
                text(
                    "CREATE TRIGGER decision_records_no_update BEFORE UPDATE ON decision_records "
                    "BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END"
                )
            )
        else:
            conn.execute(text("ALTER TABLE decision_records DROP COLUMN disposed_at"))
    s.close()
    upgraded = Store(load_settings(env))
    try:
        report = retention.run(upgraded, NOW, prefect=False)
        assert [d.ref for d in report.disposed] == [ref]
        assert upgraded.record(ref)[0].disposed_at is not None  # type: ignore[index]
        assert _refused(upgraded, update(DecisionRecordRow).values(decision="SHARE_FULL"))
        assert verify(upgraded, COUNCIL)[0].ok
    finally:
        upgraded.close()
