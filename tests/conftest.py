"""Shared fixtures: a real Prefect server, an infoshare home, and the served deployment."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from run_support import stop_processes_of

from infoshare import prefect_api
from infoshare.config import load_settings
from infoshare.setup import initialise
from infoshare.store import Store

pytest_plugins = ["prefect_server", "browser"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def example(name: str) -> dict[str, Any]:
    """One of the example requests in examples/, as a user would submit it."""
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data


def wait_until(what: str, check: Callable[[], Any], timeout: float = 180) -> Any:
    """Poll ``check`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")


def records_of(store: Store, ref: str) -> int:
    """How many decision records the request has (exactly one, whatever happened)."""
    from sqlalchemy import func, select

    from infoshare.db.tables import DecisionRecordRow

    with store.session() as s:
        found = s.scalar(
            select(func.count()).select_from(DecisionRecordRow).where(DecisionRecordRow.ref == ref)
        )
        return int(found or 0)


def submit_and_wait_for(store: Store, name: str, status: str) -> tuple[str, str]:
    """Submit the example request ``name`` and wait until its run is paused at ``status``."""
    run_id = prefect_api.submit({"request": example(name)}).id
    ref = wait_until("the run to take the request in", lambda: store.requests.ref_for_run(run_id))
    wait_until(
        f"{ref} to wait ({status})",
        lambda: (
            store.requests.meta(ref).status == status
            and prefect_api.run(run_id).state_type == "PAUSED"
        ),
    )
    return run_id, ref


def outbox_code(home: Path, ref: str, email: str) -> str:
    """The one-time code in the newest outbox message to ``email`` about ``ref``."""
    import mailbox

    box = mailbox.Maildir(home / "outbox", create=False)
    codes = []
    for msg in box:
        if msg["X-Infoshare-Reference"] == ref and email in str(msg["To"]):
            text = msg.get_payload(0).get_payload(decode=True).decode()  # the text/plain part
            found = CODE_LINE.search(text)
            if found:
                codes.append((msg["Date"], found.group(1)))
    assert codes, f"no code for {email} about {ref} in the outbox"
    return sorted(codes)[-1][1]


CONFIRMATION_LINE = re.compile(r"Your confirmation code: ([A-Z2-7]{5}-[A-Z2-7]{5})")


def outbox_confirmation(home: Path, email: str) -> str:
    """The confirmation code in the newest outbox message to ``email`` that carries one."""
    import mailbox

    box = mailbox.Maildir(home / "outbox", create=False)
    found = []
    for msg in box:
        if email in str(msg["To"]) and msg["X-Infoshare-Kind"] == "confirmation_code":
            text = msg.get_payload(0).get_payload(decode=True).decode()
            if m := CONFIRMATION_LINE.search(text):
                found.append((msg["Date"], m.group(1)))
    assert found, f"no confirmation code for {email} in the outbox"
    return sorted(found)[-1][1]


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh INFOSHARE_HOME for commands run in this process (click's CliRunner): no
    inherited store settings or proxies, a fresh default store, and a Prefect API address where
    nothing listens, so a command that reaches for Prefect fails fast instead of hanging."""
    import infoshare.store as store_module

    h = tmp_path / "home"
    monkeypatch.setenv("INFOSHARE_HOME", str(h))
    for var in ("INFOSHARE_DATABASE_URL", "INFOSHARE_MASTER_KEY", "INFOSHARE_TIERS",
                "INFOSHARE_SMTP_URL", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy",
                "INFOSHARE_SMTP_BLOCK",
                "https_proxy", "all_proxy"):  # fmt: skip
        monkeypatch.delenv(var, raising=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{closed}/api")
    monkeypatch.setattr(store_module, "_default", None)
    yield h
    if store_module._default is not None:
        store_module._default.close()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Settings for a test's own store: SQLite in a fresh home. Modules that test on every
    backend override it: ``env = every_backend`` (or a fixture built on ``every_backend``)."""
    return {"INFOSHARE_HOME": str(tmp_path / "home")}


@pytest.fixture
def every_backend(tmp_path: Path, backend: str | None) -> dict[str, str]:
    """``env`` for a test run once per backend (see ``backend``)."""
    e = {"INFOSHARE_HOME": str(tmp_path / "home")}
    if backend:
        e["INFOSHARE_DATABASE_URL"] = backend
    return e


@pytest.fixture
def store(env: dict[str, str]) -> Iterator[Store]:
    """An initialised store (schema, demo registry, agency keys) with the ``env`` settings."""
    s = Store(load_settings(env))
    initialise(s)
    yield s
    s.close()


def made_before_migrations(store: Store) -> None:
    """Turn a test's store into one as a version before migrations left it: the baseline's
    schema (later revisions downgraded with Alembic, as they would run) and no revision
    stamped (the caller then removes what that version did not have yet)."""
    from alembic import command
    from sqlalchemy import text

    from infoshare.db.revision import BASELINE, alembic_config

    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), BASELINE)
        conn.execute(text("DROP TABLE alembic_version"))


def upgraded_store(env: dict[str, str]) -> Store:
    """``infoshare db upgrade``, then the store opened as any command opens it."""
    from infoshare.setup import upgrade_store

    settings = load_settings(env)
    upgrade_store(settings)
    return Store(settings)


POSTGRES_ENV = "INFOSHARE_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The store's database for a test run on each backend: None for the default SQLite store,
    or a PostgreSQL URL confined to a fresh schema (dropped afterwards). PostgreSQL runs when
    INFOSHARE_TEST_POSTGRES_URL is set (``.ci/run`` sets it where the machine has one)."""
    if request.param == "sqlite":
        yield None
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"set {POSTGRES_ENV} to run this on PostgreSQL too")
    from sqlalchemy import create_engine, make_url, text

    schema = f"infoshare_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def restore_target(tmp_path: Path, backend: str | None) -> Iterator[dict[str, str]]:
    """Where a backup is restored (tests/test_backup.py, test_master_key_rotation.py): a new home, and on PostgreSQL a new, empty database."""
    env = {"INFOSHARE_HOME": str(tmp_path / "restored")}
    if backend is None:
        yield env
        return
    from sqlalchemy import create_engine, make_url, text

    admin = create_engine(os.environ[POSTGRES_ENV], isolation_level="AUTOCOMMIT")
    name = f"infoshare_restore_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(backend).set(database=name)
        yield {**env, "INFOSHARE_DATABASE_URL": url.render_as_string(hide_password=False)}
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Hold:
    """A message the SMTP server keeps waiting for its reply: the sender stays blocked in that
    notification (so in that step, at a known point) until the hold is released; the message
    is then refused (451), as a mail server that went away would."""

    kind: str
    needle: str  # in the message's text: the run's id (in its link), or an item's description
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    message: EmailMessage | None = None

    def matches(self, msg: EmailMessage) -> bool:
        body = msg.get_body(("plain",))
        text = body.get_content() if body else ""
        return msg["X-Infoshare-Kind"] == self.kind and self.needle in text


@dataclass
class Mailbox:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""

    url: str
    messages: list[EmailMessage]
    holds: list[Hold] = field(default_factory=list)

    def codes(self, ref: str, email: str) -> list[str]:
        """One-time codes sent to ``email`` for request ``ref``, oldest first."""
        out = []
        for m in self.messages:
            if m["X-Infoshare-Reference"] == ref and email in str(m["To"]):
                body = m.get_body(("plain",))
                found = CODE_LINE.search(body.get_content() if body else "")
                if found:
                    out.append(found.group(1))
        return out

    def confirmation_codes(self, email: str) -> list[str]:
        """Confirmation codes (for actions outside a run) mailed to ``email``, oldest first."""
        out = []
        for m in self.messages:
            if m["X-Infoshare-Kind"] == "confirmation_code" and email in str(m["To"]):
                body = m.get_body(("plain",))
                if found := CONFIRMATION_LINE.search(body.get_content() if body else ""):
                    out.append(found.group(1))
        return out

    def sent(self, ref: str, kind: str) -> list[tuple[str, bool]]:
        """(address, carries a code) of each ``kind`` message about ``ref``."""
        out = []
        for m in self.messages:
            if m["X-Infoshare-Reference"] == ref and m["X-Infoshare-Kind"] == kind:
                body = m.get_body(("plain",))
                text = body.get_content() if body else ""
                out.append((str(m["To"]).split("<")[-1].rstrip(">"), "one-time code:" in text))
        return out

    def latest_code(self, ref: str, email: str) -> str:
        return wait_until(f"a code for {email} on {ref}", lambda: self.codes(ref, email), 60)[-1]

    @contextmanager
    def hold(self, kind: str, needle: str) -> Iterator[Hold]:
        """Hold the first ``kind`` notice whose text contains ``needle``."""
        held = Hold(kind, needle)
        self.holds.append(held)
        try:
            yield held
        finally:
            held.released.set()
            self.holds.remove(held)


CODE_LINE = re.compile(r"Your one-time code: ([A-Z2-7]{5}-[A-Z2-7]{5})")


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    box = Mailbox("", [])

    class Keep:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            msg = cast(EmailMessage, message_from_bytes(envelope.content, policy=default_policy))
            for held in list(box.holds):
                if not held.arrived.is_set() and held.matches(msg):
                    held.message = msg
                    held.arrived.set()
                    while not held.released.is_set():
                        await asyncio.sleep(0.05)
                    return "451 4.3.0 held by the test, not delivered"
            box.messages.append(msg)
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        box.url = f"smtp://127.0.0.1:{port}?starttls=0"
        yield box
    finally:
        controller.stop()


@dataclass
class Stack:
    """A running embedded infoshare: Prefect server, our store, the served deployment."""

    home: Path
    env: dict[str, str]
    api_url: str
    prefect_db: Path
    serve_log: Path


def _wait_for_deployment(api_url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"flows.serve exited early:\n{log.read_text()[-3000:]}")
        try:
            r = httpx.get(f"{api_url}/deployments/name/share-request/share-request", timeout=5)
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail(f"share-request deployment never appeared:\n{log.read_text()[-3000:]}")


def _forget_default_store() -> None:
    """``default_store()`` is one per process, made from the environment when first used: a
    stack that changes INFOSHARE_HOME must not leave the previous stack's store in place."""
    import infoshare.store as store_module

    if store_module._default is not None:
        store_module._default.close()
        store_module._default = None


@contextmanager
def running_stack(
    server: Any, mailbox: Mailbox, home: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Stack]:
    """infoshare's flows run by ``python -m flows.serve`` against ``server`` (a PrefectServer),
    with the store in ``home``; ``extra_env`` chooses e.g. the worker (INFOSHARE_WORKER)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # the watchdog is not served: tests run it themselves with a chosen clock
    extra = {
        "INFOSHARE_HOME": str(home),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "INFOSHARE_WATCHDOG_SECONDS": "0",
        "INFOSHARE_SMTP_URL": mailbox.url,
        # the least Prefect allows, so a run that goes silent is found within 90 s
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",
        **(extra_env or {}),
    }
    env = server.subprocess_env(extra)
    store = Store(load_settings(env))
    initialise(store)
    store.close()

    log = home / "serve.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "flows.serve"],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # flows run in this process (the watchdog, with a moved clock) see what served ones see
    shared = {
        "PREFECT_API_URL": server.api_url,
        "INFOSHARE_HOME": str(home),
        "INFOSHARE_SMTP_URL": mailbox.url,
    }
    saved = {k: os.environ.get(k) for k in shared}
    os.environ.update(shared)
    _forget_default_store()  # this process's flows use this stack's store from now on
    try:
        _wait_for_deployment(server.api_url, proc, log)
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield Stack(home, env, server.api_url, server.db_path, log)
    finally:
        from prefect.logging.handlers import APILogHandler

        APILogHandler().flush()  # logs of flows run in this process, before the server stops
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        _forget_default_store()  # and the store of the stack around it (if any) again
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        stop_processes_of(home)  # runs forked in sessions of their own


@pytest.fixture(scope="session")
def stack(
    prefect_server, mailbox: Mailbox, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:  # type: ignore[no-untyped-def]
    """infoshare as ``infoshare up`` serves it: through the infoshare-fork worker, unless
    INFOSHARE_TEST_WORKER says otherwise (serve: Prefect's runner, a new Python per run)."""
    worker = os.environ.get("INFOSHARE_TEST_WORKER", "fork")
    extra = {"INFOSHARE_WORKER": worker, "INFOSHARE_FORK_CANCEL_POLL": "1"}
    with running_stack(
        prefect_server, mailbox, tmp_path_factory.mktemp("infoshare-home"), extra
    ) as s:
        yield s


@pytest.fixture(scope="session")
def stack_store(stack: Stack):  # type: ignore[no-untyped-def]
    """The same store the served flows use (same INFOSHARE_HOME), seen from the test process."""
    store = Store(load_settings(stack.env))
    yield store
    store.close()
