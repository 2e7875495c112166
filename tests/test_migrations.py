"""Schema revisions (Alembic): a new store is made by them, a store made before migrations by any
landed version is recognised and upgraded, and a store at another revision refuses to open.

The stores made before migrations are real: ``tests/legacy_stores/<version>/`` holds what each
landed version's ``infoshare up`` made, with one refused request recorded, on SQLite and
PostgreSQL (``tests/legacy_stores/capture.py`` made them). Each is upgraded with
``infoshare db upgrade``; it must then have exactly the schema of a new store, pass
``records verify`` and carry a full request (the share-request flow's tasks, in order, in a real
Prefect flow run; the answer is given to the sign-off task as the resume form would) whose
envelope the recipient opens and whose record verifies in the chain.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import example, outbox_code
from legacy_stores.capture import MASTER_KEY, SCHEMA_PLACEHOLDER, VERSIONS
from prefect import flow
from sqlalchemy import Connection, create_engine, inspect, make_url, text
from sqlalchemy.engine import Engine

import infoshare.store as store_module
from infoshare.cli import main
from infoshare.db import revision
from infoshare.db.engine import make_engine
from infoshare.db.tables import Base, DecisionRecordRow
from infoshare.models import ShareRequest

LEGACY = Path(__file__).parent / "legacy_stores"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


# --- what a database's schema is -------------------------------------------------------------


def _words(sql: str) -> str:
    return " ".join(sql.replace("IF NOT EXISTS ", "").replace("(", " ( ").split())


def snapshot(conn: Connection) -> dict[str, Any]:
    """Everything about infoshare's tables that a query or a trigger could tell apart: columns
    (type, nullable, default), keys, unique constraints, indexes, triggers and their functions."""
    insp = inspect(conn)
    tables: dict[str, Any] = {}
    for name in sorted(set(insp.get_table_names()) - {"alembic_version"}):
        tables[name] = {
            "columns": {
                c["name"]: (c["type"].compile(conn.dialect), c["nullable"], c.get("default"))
                for c in insp.get_columns(name)
            },
            "pk": insp.get_pk_constraint(name)["constrained_columns"],
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in insp.get_foreign_keys(name)
            ),
            "unique": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(name)),
        }
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')")
        )
        extra = {f"{kind} {name}": _words(sql or "") for kind, name, sql in rows}
    else:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        rows = conn.execute(
            text(
                "SELECT 'index ' || indexname, indexdef FROM pg_indexes WHERE schemaname = :s "
                "UNION ALL SELECT 'trigger ' || t.tgname, pg_get_triggerdef(t.oid) "
                "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = :s AND NOT t.tgisinternal "
                "UNION ALL SELECT 'function ' || p.proname, p.prosrc FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :s"
            ),
            {"s": schema},
        )
        extra = {k: _words(v.replace(f"{schema}.", "")) for k, v in rows}
    extra.pop("index alembic_version_pkc", None)
    return {"tables": tables, **extra}


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    out = [f"{k}: {a.get(k)!r} != {b.get(k)!r}"
           for k in sorted((set(a) | set(b)) - {"tables"}) if a.get(k) != b.get(k)]  # fmt: skip
    for t in sorted(set(a["tables"]) | set(b["tables"])):
        ta, tb = a["tables"].get(t), b["tables"].get(t)
        if ta != tb:
            out.append(f"table {t}: {ta!r} != {tb!r}")
    return out


# --- stores ----------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, backend: str | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """INFOSHARE_HOME for a store on ``backend`` (an empty database), as this process's
    environment: CLI commands and the flow's tasks open it as they would in production."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("INFOSHARE_HOME", str(h))
    monkeypatch.setenv("INFOSHARE_MASTER_KEY", MASTER_KEY)
    for var in ("INFOSHARE_SMTP_URL", "INFOSHARE_SMTP_BLOCK", "INFOSHARE_KEY_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    if backend:
        monkeypatch.setenv("INFOSHARE_DATABASE_URL", backend)
    else:
        monkeypatch.delenv("INFOSHARE_DATABASE_URL", raising=False)
    monkeypatch.setattr(store_module, "_default", None)
    yield h
    if store_module._default is not None:
        store_module._default.close()


def database_url(home: Path, backend: str | None) -> str:
    return backend or f"sqlite:///{home / 'infoshare.db'}"


@pytest.fixture
def engine(home: Path, backend: str | None) -> Iterator[Engine]:
    e = make_engine(database_url(home, backend))
    yield e
    e.dispose()


def load_legacy(version: str, home: Path, backend: str | None) -> None:
    """The store ``version`` made: its database and the agency key files it wrote."""
    kind = "postgres" if backend else "sqlite"
    shutil.copytree(LEGACY / version / f"keys-{kind}", home / "keys")
    for path in (home / "keys").rglob("*"):  # as that version wrote them (git keeps no modes)
        path.chmod(0o700 if path.is_dir() else 0o600)
    dump = (LEGACY / version / f"{kind}.sql").read_text()
    if backend is None:
        with sqlite3.connect(home / "infoshare.db") as db:
            db.executescript(dump)
        return
    url = make_url(backend)
    schema = url.query["options"].removeprefix("-csearch_path=")
    loader = create_engine(url)  # its own: the dump empties the connection's search_path
    try:
        raw = loader.raw_connection()
        try:
            raw.cursor().execute(dump.replace(SCHEMA_PLACEHOLDER, schema))
            raw.commit()
        finally:
            raw.close()
    finally:
        loader.dispose()


_NEW_STORE: dict[str, dict[str, Any]] = {}


def new_store_snapshot(tmp_path: Path, backend: str | None) -> dict[str, Any]:
    """The schema ``infoshare db upgrade`` gives an empty database of this backend (made once
    per backend: it does not depend on the schema's name)."""
    kind = "postgres" if backend else "sqlite"
    if kind not in _NEW_STORE:
        _NEW_STORE[kind] = _new_store_snapshot(tmp_path, backend)
    return copy.deepcopy(_NEW_STORE[kind])


def _new_store_snapshot(tmp_path: Path, backend: str | None) -> dict[str, Any]:
    if backend:
        url = make_url(backend)
        schema = url.query["options"].removeprefix("-csearch_path=") + "_new"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        fresh = url.update_query_dict({"options": f"-csearch_path={schema}"})
    else:
        fresh = make_url(f"sqlite:///{tmp_path / 'new.db'}")
    e = make_engine(fresh.render_as_string(hide_password=False))
    try:
        revision.upgrade(e)
        with e.connect() as conn:
            return snapshot(conn)
    finally:
        e.dispose()
        if backend:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


# --- a full request on the upgraded store -----------------------------------------------------


CONTENT = "Attendance 2025-26: 84% (target 95%)."  # disclosed: never a flow parameter


@flow(name="request-on-an-upgraded-store", persist_result=False)
def full_request(example_file: str) -> str:
    """The share-request flow's tasks in its order, for a request that needs one sign-off; the
    approver's answer goes to the sign-off task as the resume form would give it, with the
    one-time code mailed to them (no suspension: that needs a deployment, tested elsewhere)."""
    from tasks.consent import consent_check
    from tasks.intake import intake
    from tasks.record import record
    from tasks.signoff import apply_signoff_input, outcome, signoff_form
    from tasks.transfer import transfer
    from tasks.triage import triage

    store = store_module.default_store()
    ref = intake(ShareRequest.model_validate(example(example_file)))
    assert triage(ref).accepted
    assert not consent_check(ref)  # consent obtained: no override needed
    store.requests.provide_item(ref, "item-1", CONTENT.encode(), "school-office")
    form = signoff_form(ref)
    assert form is not None
    head = store.partnership().member("school-head")
    assert head is not None
    answer = {
        "approver_id": "school-head",
        "decision": "SHARE",
        "approved_items": ["item-1"],
        "reasons": "Attendance only is needed for the plan.",
        "code": outbox_code(store.settings.home, ref, head.email),
    }
    verdict = apply_signoff_input(ref, form.pause_key, answer)
    assert verdict.accepted, verdict.reasons
    assert verdict.finished and verdict.shares  # the finishing answer says to share
    assert outcome(ref)  # and so does the store, read again
    transfer(ref)
    return str(record(ref).decision.value) + " " + ref


def request_works(prefect_server: Any, home: Path, tmp_path: Path) -> None:
    from prefect.logging.handlers import APILogHandler
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: prefect_server.api_url}):
        decision, ref = full_request("scenario1-school-attendance.json").split()
        APILogHandler().flush()  # the run's logs, while its server is up
    assert decision == "SHARE_PARTIAL"  # one of the two items
    envelopes = sorted((home / "inbox" / "northshire-yjs").rglob("*.isenv"))
    assert envelopes, list((home / "inbox").rglob("*"))
    opened = cli("open", str(envelopes[-1]), "--agency", "northshire-yjs", "--out",
                 str(tmp_path / "opened"))  # fmt: skip
    assert opened.exit_code == 0, opened.output
    items = [p for p in (tmp_path / "opened").rglob("*") if p.is_file()]
    assert CONTENT in "".join(p.read_text(errors="replace") for p in items)
    shown = cli("records", "show", ref, "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["decision"] == "SHARE_PARTIAL"


def verified(expect: dict[str, int]) -> None:
    """``records verify`` passes, with ``expect`` records in these agencies' chains."""
    result = cli("records", "verify", "--json")
    assert result.exit_code == 0, result.output
    chains = {c["agency"]: c for c in json.loads(result.output)["chains"]}
    for agency, count in expect.items():
        assert chains[agency]["records"] == count, chains
        assert chains[agency]["ok"], chains


# --- tests -----------------------------------------------------------------------------------


def test_the_revisions_in_code_are_the_scripts() -> None:
    """Opening a store compares with ``revision.REVISIONS`` (no Alembic import): it must list
    the scripts, oldest first, ending at their one head."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(revision.alembic_config())
    assert scripts.get_heads() == [revision.HEAD]
    oldest_first = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(oldest_first) == revision.REVISIONS
    listed = cli("db", "history").output.splitlines()
    assert listed[0].startswith(f"{revision.HEAD} (head)") and len(listed) == len(oldest_first)


def test_a_new_store_has_exactly_the_tables_the_code_maps(
    engine: Engine, backend: str | None
) -> None:
    done = revision.upgrade(engine)
    assert (done.before, done.after) == (revision.EMPTY, revision.HEAD)
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"tables.py and the revisions differ: write a revision: {diff}"
        if conn.dialect.name == "sqlite":  # the disposal may change no column but the disposed
            trigger = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'decision_records_no_update'")
            ).scalar_one()
            kept = {c.name for c in DecisionRecordRow.__table__.columns} - {
                "sealed_personal", "disposed_at"
            }  # fmt: skip
            assert kept == set(re.findall(r"NEW\.(\w+) IS OLD\.\1", trigger))
    assert revision.upgrade(engine).before == revision.HEAD  # again: nothing to do


@pytest.mark.parametrize("version", list(VERSIONS))
def test_a_store_made_before_migrations_upgrades_and_carries_a_request(
    version: str,
    home: Path,
    backend: str | None,
    tmp_path: Path,
    prefect_server: Any,
) -> None:
    load_legacy(version, home, backend)
    # until upgraded, nothing runs on it: one line naming the command
    refused = cli("records", "verify")
    assert refused.exit_code == 2
    assert refused.output.strip().endswith(
        "made by an infoshare version from before schema migrations: run "
        "`infoshare db upgrade` (README: Upgrading)"
    ), refused.output
    assert "Traceback" not in refused.output

    upgraded = cli("db", "upgrade", "--json")
    assert upgraded.exit_code == 0, upgraded.output
    done = json.loads(upgraded.output)
    assert (done["before"], done["after"]) == (revision.LEGACY, revision.HEAD)
    assert bool(done["keys_converted"]) == (version in PEM_KEYS)
    assert not list((home / "keys").rglob("*.pem"))
    e = make_engine(database_url(home, backend))
    try:
        with e.connect() as conn:
            upgraded_schema = snapshot(conn)
    finally:
        e.dispose()
    if backend is None and version in BEFORE_SIGNOFF_POLICY:  # SQLite keeps the column's fill
        columns = upgraded_schema["tables"]["agencies"]["columns"]
        assert columns["signoff_policy"] == ("JSON", False, "'{}'")
        columns["signoff_policy"] = ("JSON", False, None)
    assert differences(upgraded_schema, new_store_snapshot(tmp_path, backend)) == []

    current = cli("db", "current")
    assert current.output.strip() == f"{revision.HEAD} (head): up to date"
    verified({"northshire-council": 1})  # the trawl that version refused, as it recorded it
    request_works(prefect_server, home, tmp_path)
    verified({"northshire-council": 1, "northshire-academy": 1})


# versions whose agency key files were PKCS#8 PEM (before 2f6947d), and whose stores had no
# agencies.signoff_policy (before d25035d)
PEM_KEYS = {"stop7", "retention-merge", "intake-merge", "deadlines-merge", "signoff-merge"}
BEFORE_SIGNOFF_POLICY = {"stop7", "retention-merge", "intake-merge", "deadlines-merge"}


def test_upgrades_at_once_wait_for_each_other(engine: Engine, home: Path) -> None:
    """Two workers opening a new database at the same moment: one makes the schema, the other
    waits and finds it made."""
    found: list[str] = []

    def upgrade() -> None:
        found.append(revision.upgrade(engine).before)

    threads = [threading.Thread(target=upgrade) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(found) == sorted([revision.EMPTY, revision.HEAD])


def test_a_store_upgraded_by_a_newer_version_refuses_this_one(engine: Engine, home: Path) -> None:
    revision.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    line = (
        "infoshare: this store's schema is at revision 9999, which this infoshare does not know "
        f"(its newest is {revision.HEAD}): a newer infoshare upgraded it, so run that version"
    )
    for command in (("records", "verify"), ("db", "upgrade"), ("init",)):
        result = cli(*command)
        assert (result.exit_code, result.output.strip()) == (2, line), command
    assert cli("db", "current").output.startswith("9999: this store's schema is at revision 9999")


def test_a_database_no_version_made_is_refused_and_left_alone(engine: Engine, home: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE agencies (id VARCHAR(64) PRIMARY KEY, colour TEXT)"))
    result = cli("db", "upgrade")
    assert result.exit_code == 2
    assert result.output.startswith(
        "infoshare: this database was not made by any infoshare version (unknown column "
        "agencies.colour; no column agencies.approver_roles;"
    ), result.output
    with engine.connect() as conn:
        assert inspect(conn).get_table_names() == ["agencies"]


def test_init_upgrades_a_store_made_before_migrations(home: Path, backend: str | None) -> None:
    load_legacy("stop8", home, backend)
    result = cli("init", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["schema"] == revision.HEAD
    assert cli("db", "current").output.strip() == f"{revision.HEAD} (head): up to date"
