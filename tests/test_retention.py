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
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from conftest import Mailbox, Stack, example, made_before_migrations, upgraded_store, wait_until
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from run_support import wait_for_last_logs
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

import infoshare.records.compose as compose_module
import infoshare.store as store_module
from infoshare import compaction, prefect_api, retention
from infoshare.cli import main
from infoshare.config import ConfigError, Period, load_settings
from infoshare.db.tables import (
    AuditEventRow,
    Base,
    DecisionChainFloorRow,
    DecisionCheckpointRow,
    DecisionRecordRow,
    ItemContentRow,
    OneTimeCodeRow,
    RequestRow,
    StepRow,
    SubjectIndexRow,
)
from infoshare.identity import codes
from infoshare.models import ShareRequest
from infoshare.records.canonical import sign_floor
from infoshare.records.chain import ChainError, verify
from infoshare.records.checkpoints import checkpoint
from infoshare.records.compose import record_decision
from infoshare.setup import initialise
from infoshare.store import Store
from infoshare.store.errors import PersonalDataDisposed

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
    ref = store.requests.register(_request(scenario, **changes), str(uuid.uuid4()))
    store.requests.complete_step(ref, "override", public={"at": "x"}, private={"why": "free text"})
    store.requests.provide_item(ref, "item-1", b"disclosed content", "council-officer")
    codes.issue(store, ref, "signoff", "council-officer", "run-x", NOW + timedelta(days=1))
    with monkeypatch.context() as m:
        m.setattr(compose_module, "now_utc", lambda: at)
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
    still_open = store.requests.register(_request("scenario3-trawl.json"), None)
    checkpoint(store, COUNCIL)  # a signed checkpoint over both records
    kept_before = {r: store.chain.record(r)[0] for r in (old, recent)}  # type: ignore[index]

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
        store.requests.request(old)
    found = store.chain.record(old)
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
    assert store.requests.request(recent).subjects[0].name == TENANT
    assert store.chain.record(recent)[1]["subjects"][0]["name"] == TENANT  # type: ignore[index]
    assert store.requests.request(still_open).subjects[0].name == TENANT
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
        later = retention.run(s, NOW + timedelta(days=7 * 365), dry_run=True, prefect=False)
        assert {r.agency for r in later.records_deleted} == {COUNCIL, SCHOOL}
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


def test_records_past_their_own_period_are_deleted_by_the_command(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = store_module.default_store()
    old = _closed(store, monkeypatch, NOW - timedelta(days=7 * 365))
    kept = _closed(store, monkeypatch, NOW - timedelta(days=365))
    dry = run_cli("retention", "run", "--dry-run", "--no-prefect")
    assert dry.exit_code == 0, dry.output
    assert f"would delete {COUNCIL} #1 to #1 (1, decided" in dry.stdout
    assert "would sign a checkpoint and the chain floor at #1" in dry.stdout
    assert store.chain.record(old) is not None
    result = run_cli("retention", "run", "--no-prefect", "--json")
    assert result.exit_code == 0, result.output
    [deleted] = json.loads(result.stdout)["records_deleted"]
    assert (deleted["agency"], deleted["from_seq"], deleted["to_seq"]) == (COUNCIL, 1, 1)
    assert deleted["floor"]["seq"] == 1 and len(deleted["floor"]["head_sha256"]) == 64
    assert store.chain.record(old) is None and store.chain.record(kept) is not None
    checked = run_cli("records", "verify", "--json")
    assert checked.exit_code == 0, checked.output
    [council] = [c for c in json.loads(checked.stdout)["chains"] if c["agency"] == COUNCIL]
    assert council["floor_seq"] == 1 and council["records"] == 1


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
    find = compaction.prefect_sqlite_path
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
    assert store.chain.record(old)[0].disposed_at is not None  # type: ignore[index]
    assert store.disposals.runs_to_delete() == [(old, store.requests.meta(old).flow_run_id)]


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
        ref = store.requests.ref_for_run(run_id)
        info = prefect_api.run(run_id)
        paused = info.state_type == "PAUSED"
        return (
            ref
            if ref and paused and store.requests.meta(ref).status == "AWAITING_SIGNOFF"
            else None
        )

    ref = wait_until("the run to wait for sign-off", waiting_for_signoff)
    store.requests.provide_item(ref, "item-1", CONTENT.encode(), "school-office")
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
    assert stack_store.chain.record(ref)[0].decision == "SHARE_PARTIAL"  # type: ignore[index]
    store_db = compaction.store_sqlite_path(stack_store)
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
    # their workers' last lines (the crash report comes after the state) arrive before deletion
    wait_for_last_logs(planned.old_runs + planned.runs_of_disposed, processes_of=[run_id, crashed])

    report = retention.run(isolated_rules, later, env=env)
    assert report.ok, report.problems
    assert ref in [d.ref for d in report.disposed] and run_id in report.runs_of_disposed
    assert crashed in report.old_runs + report.runs_of_disposed
    assert {c.name for c in report.compacted} == {"infoshare store", "Prefect database"}

    assert _files_holding(files, needles) == {}
    for gone in (run_id, crashed):
        assert httpx.get(f"{stack.api_url}/flow_runs/{gone}", timeout=10).status_code == 404
    found = stack_store.chain.record(ref)
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
    made_before_migrations(s)
    s.close()
    upgraded = upgraded_store(env)
    try:
        report = retention.run(upgraded, NOW, prefect=False)
        assert [d.ref for d in report.disposed] == [ref]
        assert upgraded.chain.record(ref)[0].disposed_at is not None  # type: ignore[index]
        assert _refused(upgraded, update(DecisionRecordRow).values(decision="SHARE_FULL"))
        assert verify(upgraded, COUNCIL)[0].ok
    finally:
        upgraded.close()


# --- decision records past their own period: a prefix of the chain, behind a signed floor -------

YEAR = timedelta(days=365)


def _floors_unguarded(store: Store) -> None:
    """What an attacker with the database owner's rights does first: switch the floor
    table's triggers off."""
    with store.engine.begin() as conn:
        if store.engine.dialect.name == "sqlite":
            for op in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER decision_chain_floors_no_{op}"))
        else:
            conn.execute(text("ALTER TABLE decision_chain_floors DISABLE TRIGGER USER"))


def test_only_a_prefix_past_its_period_is_deleted_and_the_rest_still_verifies(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _closed(store, monkeypatch, NOW - 8 * YEAR)
    second = _closed(store, monkeypatch, NOW - 7 * YEAR)
    checkpoint(store, COUNCIL)  # at #2: the first floor stands on it, the second is above it
    inside = _closed(store, monkeypatch, NOW - YEAR)  # #3: inside its 6 years
    after = _closed(store, monkeypatch, NOW - 7 * YEAR)  # #4: past, but after #3 in the chain
    before = _snapshot(store)

    dry = retention.run(store, NOW, dry_run=True, prefect=False)
    [due] = dry.records_deleted
    assert (due.agency, due.first, due.last, due.floor) == (COUNCIL, 1, 2, None)
    [waits] = dry.records_kept
    assert waits.count == 1 and "record #3 before them is inside its period" in waits.because
    assert _snapshot(store) == before

    report = retention.run(store, NOW, prefect=False)
    assert report.ok, report.problems
    [done] = report.records_deleted
    assert (done.first, done.last) == (1, 2) and done.floor is not None
    assert store.chain.record(first) is None and store.chain.record(second) is None
    assert store.chain.record(inside) is not None and store.chain.record(after) is not None
    [council] = verify(store, COUNCIL)
    assert council.ok, council.problem
    assert (council.floor_seq, council.records, council.head_seq) == (2, 2, 4)
    # the Prefect runs of #1 and #2 are not deleted yet (--no-prefect): their requests stay
    assert report.requests_deleted == []
    with store.session() as s:
        assert s.get(RequestRow, first) is not None
        events = s.scalars(select(AuditEventRow).where(AuditEventRow.ref == first)).all()
        run_logged = s.scalars(
            select(AuditEventRow.detail).where(AuditEventRow.event == "retention run")
        ).all()[-1]
    assert "decision record deleted" in [e.event for e in events]
    assert f"{COUNCIL} #1-#2" in run_logged

    for ref in (first, second):
        store.disposals.run_data_deleted(ref, "deleted")
    again = retention.run(store, NOW, prefect=False)
    assert again.records_deleted == [] and sorted(again.requests_deleted) == sorted([first, second])
    with store.session() as s:
        assert s.get(RequestRow, first) is None
        assert s.scalars(select(StepRow).where(StepRow.ref == first)).all() == []
        assert s.scalars(select(AuditEventRow).where(AuditEventRow.ref == first)).all()

    # the chain goes on after the floor: appends, checkpoints and verification as before
    newer = _closed(store, monkeypatch, NOW)
    assert store.chain.record(newer)[0].chain_seq == 5  # type: ignore[index]
    assert checkpoint(store, COUNCIL).seq == 5
    with pytest.raises(ChainError, match="deleted under retention"):
        checkpoint(store, COUNCIL, 1)
    assert verify(store, COUNCIL)[0].ok

    # later, once #3 is past its period too, #3 and #4 go: the floor moves forward
    later = retention.run(store, NOW + 6 * YEAR, prefect=False)
    [moved] = later.records_deleted
    assert (moved.first, moved.last) == (3, 4)
    [council] = verify(store, COUNCIL)
    assert council.ok and (council.floor_seq, council.records) == (4, 1)


def test_deleting_beyond_the_floor_or_moving_it_back_is_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _closed(store, monkeypatch, NOW - 7 * YEAR)
    kept = _closed(store, monkeypatch, NOW - YEAR)
    other = _closed(store, monkeypatch, NOW - YEAR, "scenario1-school-attendance.json")
    assert retention.run(store, NOW, prefect=False).records_deleted[0].last == 1
    with store.session() as s:
        floor = s.scalars(select(DecisionChainFloorRow)).all()
    assert [(f.agency, f.seq) for f in floor] == [(COUNCIL, 1)]
    [f] = floor
    again = {
        "agency": COUNCIL, "seq": 1, "head_sha256": f.head_sha256, "checkpoint_id": f.checkpoint_id,
        "at": NOW, "key_id": f.key_id, "signature": f.signature,
    }  # fmt: skip
    cp2 = checkpoint(store, COUNCIL, 2)
    with store.session() as s:
        cp2_id = s.scalar(select(DecisionCheckpointRow.id).where(DecisionCheckpointRow.seq == 2))
    refused = [
        delete(DecisionRecordRow).where(DecisionRecordRow.ref == kept),  # above the floor
        delete(DecisionRecordRow).where(DecisionRecordRow.ref == other),  # a chain with no floor
        insert(DecisionChainFloorRow).values(again),  # not forward
        insert(DecisionChainFloorRow).values({**again, "seq": 0}),  # backwards
        insert(DecisionChainFloorRow).values({**again, "seq": 2}),  # not its checkpoint's head
        insert(DecisionChainFloorRow).values({**again, "seq": 2, "head_sha256": cp2.head}),
        update(DecisionChainFloorRow).values(seq=2),
        delete(DecisionChainFloorRow),
        delete(DecisionCheckpointRow).where(DecisionCheckpointRow.seq == 1),
    ]
    assert [_refused(store, stmt) for stmt in refused] == [True] * len(refused)
    if store.engine.dialect.name == "postgresql":
        assert _refused(store, text("TRUNCATE decision_chain_floors CASCADE"))
    assert store.chain.record(kept) is not None and store.chain.record(other) is not None
    assert cp2_id is not None and verify(store, COUNCIL)[0].ok


def test_a_forged_or_altered_floor_is_reported(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _closed(store, monkeypatch, NOW - 7 * YEAR)
    victim = _closed(store, monkeypatch, NOW - YEAR)
    _closed(store, monkeypatch, NOW - YEAR)
    retention.run(store, NOW, prefect=False)
    assert verify(store, COUNCIL)[0].ok
    # forged: a floor at #2 on a genuine checkpoint, signed with a key that is not the agency's;
    # the triggers accept it (they cannot check signatures), so record #2 can then be deleted
    cp = checkpoint(store, COUNCIL, 2)
    with store.session() as s:
        cp_id = s.scalar(select(DecisionCheckpointRow.id).where(DecisionCheckpointRow.seq == 2))
    fake = sign_floor(Ed25519PrivateKey.generate(), COUNCIL, 2, cp.head, NOW)
    row = {
        "agency": COUNCIL, "seq": 2, "head_sha256": cp.head, "checkpoint_id": cp_id, "at": NOW,
        "key_id": fake.key_id, "signature": fake.signature.hex(),
    }  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(insert(DecisionChainFloorRow).values(row))
        conn.execute(delete(DecisionRecordRow).where(DecisionRecordRow.ref == victim))
    [council] = verify(store, COUNCIL)
    assert not council.ok and council.problem is not None
    assert "chain floor at #2 has no valid signature" in council.problem.message

    # altered: the genuine floor at #1 changed to claim #2 (triggers switched off first)
    _floors_unguarded(store)
    with store.engine.begin() as conn:
        conn.execute(delete(DecisionChainFloorRow).where(DecisionChainFloorRow.seq == 2))
        conn.execute(
            update(DecisionChainFloorRow).values(seq=2, head_sha256=cp.head, checkpoint_id=cp_id)
        )
    [council] = verify(store, COUNCIL)
    assert council.problem is not None and "no valid signature" in council.problem.message


def test_a_checkpoint_file_below_the_floor_is_noted_and_one_at_it_must_match(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _closed(store, monkeypatch, NOW - 8 * YEAR)
    old = checkpoint(store, COUNCIL)  # a file the DPO keeps, at #1
    _closed(store, monkeypatch, NOW - 7 * YEAR)
    _closed(store, monkeypatch, NOW)
    at_floor = checkpoint(store, COUNCIL, 2)
    retention.run(store, NOW, prefect=False)
    [below] = verify(store, COUNCIL, old)
    assert below.ok and "below the floor" in below.notes[0]
    [at] = verify(store, COUNCIL, at_floor)
    assert at.ok and at.external_checkpoints == 1
    rewritten = replace(at_floor, head="1" * 64)
    [bad] = verify(store, COUNCIL, rewritten)
    assert bad.problem is not None and "no valid signature" in bad.problem.message


def test_a_store_made_before_floors_is_upgraded(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = Store(load_settings(env))
    initialise(s)
    ref = _closed(s, monkeypatch, NOW - 7 * YEAR)
    with s.engine.begin() as conn:  # as it was: no floor table, record DELETE always refused
        conn.execute(text("DROP TABLE decision_chain_floors"))
        if s.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER decision_records_no_delete"))
            conn.execute(
                text(
                    "CREATE TRIGGER decision_records_no_delete BEFORE DELETE ON decision_records "
                    "BEGIN SELECT RAISE(ABORT, 'decision records are append-only'); END"
                )
            )
    made_before_migrations(s)
    s.close()
    upgraded = upgraded_store(env)
    try:
        report = retention.run(upgraded, NOW, prefect=False)
        assert report.ok, report.problems
        assert [r.last for r in report.records_deleted] == [1]
        assert upgraded.chain.record(ref) is None and verify(upgraded, COUNCIL)[0].ok
    finally:
        upgraded.close()


def test_nothing_is_deleted_from_a_chain_that_does_not_verify_or_without_the_key(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _closed(store, monkeypatch, NOW - 7 * YEAR)
    changed = _closed(store, monkeypatch, NOW - YEAR)
    with store.engine.begin() as conn:  # someone alters a later record, triggers off
        if store.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER decision_records_no_update"))
        else:
            conn.execute(text("ALTER TABLE decision_records DISABLE TRIGGER USER"))
        conn.execute(
            update(DecisionRecordRow).where(DecisionRecordRow.ref == changed).values(urgency="x")
        )
    report = retention.run(store, NOW, prefect=False)
    assert report.records_deleted == [] and store.chain.record(old) is not None
    [problem] = report.problems
    assert f"{COUNCIL}'s records past their retention not deleted" in problem
    assert "#2" in problem and "modified" in problem


def test_records_wait_where_this_machine_cannot_sign_the_floor(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _closed(store, monkeypatch, NOW - 7 * YEAR)
    for key in (store.settings.keys_dir / "agencies" / COUNCIL).glob("ed25519-*.key"):
        key.unlink()
    report = retention.run(store, NOW, prefect=False)
    assert report.ok and report.records_deleted == []
    [waits] = report.records_kept
    assert waits.agency == COUNCIL and "signing key" in waits.because
    assert store.chain.record(old) is not None and verify(store, COUNCIL)[0].ok
