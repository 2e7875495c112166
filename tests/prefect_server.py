"""A real Prefect server for tests, and a schema-agnostic scanner of its database.

Usable three ways:

* ``with start_prefect_server(tmp_path) as server: ...`` in any test or script;
* as a pytest plugin (``pytest_plugins = ["prefect_server"]`` in ``tests/conftest.py``), which
  provides the session-scoped fixture ``prefect_server``;
* ``scan_database_for(server, ["secret"])`` to prove a value did (or did not) reach the
  Prefect database, without knowing Prefect's schema.

The server is a real ``python -m prefect server start`` subprocess on 127.0.0.1 and a free port,
with ``PREFECT_HOME`` and its SQLite database inside the given directory. Starting it takes about
12 s on a 2-vCPU machine (about 5 s importing the server, the rest creating the schema); the UI
makes no measurable difference. It is off by default (``ui=True`` turns it on); the session's
``prefect_server`` serves it, for the browser tests (``tests/browser.py``).

Observed with Prefect 3.9.1: stopping only the ``prefect server start`` wrapper can leave the
real server running, so the server gets its own session/process group and the whole group is
stopped (SIGTERM, then SIGKILL after a grace period). Nothing else is ever signalled.

Set ``INFOSHARE_TEST_PREFECT_DATABASE_URL`` (e.g. ``postgresql+asyncpg://user:pw@host/db``, an
empty database) to run the ``prefect_server`` fixture on PostgreSQL instead of SQLite.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

__all__ = [
    "Hit",
    "PrefectServer",
    "PrefectServerError",
    "free_loopback_port",
    "prefect_server",
    "scan_database_for",
    "scan_files_raw",
    "start_prefect_server",
]

STARTUP_TIMEOUT_S = 90.0
STOP_GRACE_S = 10.0
DATABASE_URL_ENV = "INFOSHARE_TEST_PREFECT_DATABASE_URL"


class PrefectServerError(RuntimeError):
    """The Prefect server could not be started (message includes the server log tail)."""


# --------------------------------------------------------------------------------------------
# Ports
# --------------------------------------------------------------------------------------------


def free_loopback_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------


def _prefect_command() -> list[str]:
    return [sys.executable, "-m", "prefect"]


def _base_environ() -> dict[str, str]:
    """The current environment without any PREFECT_* variable (no outside profile leaks in)."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PREFECT_")}


def _sqlite_path_from_url(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    _, _, rest = url.partition(":///")
    return Path(rest.split("?", 1)[0]) if rest else None


@dataclass
class PrefectServer:
    """A running ``prefect server start`` subprocess. Create with :func:`start_prefect_server`."""

    home: Path
    port: int
    database_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    auth_string: str | None = field(default=None, repr=False)
    startup_seconds: float = 0.0
    host: str = "127.0.0.1"  # where this process reaches it

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api"

    @property
    def ui_url(self) -> str:
        return self.base_url

    @property
    def db_path(self) -> Path | None:
        """The SQLite database file, or None when the server runs on PostgreSQL."""
        return _sqlite_path_from_url(self.database_url)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def env(self) -> dict[str, str]:
        """Environment variables a client process needs to talk to (only) this server."""
        env = {
            "PREFECT_API_URL": self.api_url,
            "PREFECT_HOME": str(self.home),
            # Fail loudly instead of silently starting a throwaway ephemeral server.
            "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
            "DO_NOT_TRACK": "1",
        }
        if self.auth_string:
            env["PREFECT_API_AUTH_STRING"] = self.auth_string
        return env

    def subprocess_env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A full environment for ``subprocess``: os.environ minus PREFECT_*, plus :attr:`env`."""
        env = _base_environ()
        env.update(self.env)
        if extra:
            env.update(extra)
        return env

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def is_healthy(self, timeout: float = 2.0) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=timeout) as resp:  # noqa: S310
                return resp.status == 200 and resp.read().strip() == b"true"
        except (OSError, urllib.error.URLError):
            return False

    def log_tail(self, max_chars: int = 4000) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "<no server log>"
        return text[-max_chars:]

    def stop(self, grace_seconds: float = STOP_GRACE_S) -> None:
        """Stop the server's whole process group: SIGTERM, then SIGKILL after the grace period.

        Only this server's own process group (pgid == its pid, made by start_new_session) is
        signalled. Idempotent.
        """
        proc = self.process
        if proc is None:
            return
        pgid = proc.pid
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline:
            proc.poll()
            if not _group_alive(pgid):
                break
            time.sleep(0.1)
        else:
            _signal_group(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        self.process = None


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _launch(
    home: Path,
    port: int,
    database_url: str,
    log_path: Path,
    *,
    ui: bool,
    log_level: str,
    auth_string: str | None,
    extra_env: Mapping[str, str] | None,
    bind: str = "127.0.0.1",
    wrap: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    env = _base_environ()
    env.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_API_DATABASE_CONNECTION_URL": database_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "true" if ui else "false",
            "PREFECT_SERVER_LOGGING_LEVEL": log_level,
            "PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    if ui:  # the UI asks the server where its API is; by default it would say port 4200
        env["PREFECT_UI_API_URL"] = f"http://127.0.0.1:{port}/api"
    if auth_string:
        env["PREFECT_SERVER_API_AUTH_STRING"] = auth_string
    if extra_env:
        env.update(extra_env)
    cmd = [*wrap, *_prefect_command(), "server", "start", "--host", bind, "--port", str(port)]
    with log_path.open("ab") as log:
        log.write(f"\n=== {' '.join(cmd)} ===\n".encode())
        log.flush()
        return subprocess.Popen(
            cmd,
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() kills the whole group
        )


@contextlib.contextmanager
def start_prefect_server(
    home: Path,
    *,
    database_url: str | None = None,
    ui: bool = False,
    timeout: float = STARTUP_TIMEOUT_S,
    log_level: str = "WARNING",
    auth_string: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    wrap: Sequence[str] = (),
    host: str | None = None,
) -> Iterator[PrefectServer]:
    """Start a real Prefect server with ``PREFECT_HOME=home``; stop it (whole group) on exit.

    ``wrap`` runs it through another command, e.g. ``ip netns exec NS`` (another host: it then
    listens on all of that host's addresses, port 4200, and ``host`` is its address as this
    process reaches it).

    ``database_url`` defaults to ``sqlite+aiosqlite:///<home>/prefect.db``; a
    ``postgresql+asyncpg://`` URL of an existing (empty) database also works. The server log is
    ``<home>/prefect-server.log``. Raises :class:`PrefectServerError` (with the log tail) if
    ``GET /api/health`` does not answer within ``timeout`` seconds.
    """
    home = Path(home).resolve()
    home.mkdir(parents=True, exist_ok=True)
    database_url = database_url or f"sqlite+aiosqlite:///{home / 'prefect.db'}"
    log_path = home / "prefect-server.log"
    server: PrefectServer | None = None
    try:
        for attempt in range(3):  # retry only if the free port was grabbed meanwhile
            server = PrefectServer(
                home=home,
                port=4200 if wrap else free_loopback_port(),
                database_url=database_url,
                log_path=log_path,
                auth_string=auth_string,
                host=host or "127.0.0.1",
            )
            started = time.monotonic()
            server.process = _launch(
                home,
                server.port,
                database_url,
                log_path,
                ui=ui,
                log_level=log_level,
                auth_string=auth_string,
                extra_env=extra_env,
                bind="0.0.0.0" if wrap else "127.0.0.1",  # noqa: S104 - a namespace's own
                wrap=wrap,
            )
            if _wait_healthy(server, started + timeout):
                server.startup_seconds = time.monotonic() - started
                break
            exited = not server.is_running()
            tail = server.log_tail()
            server.stop()
            if exited and "already in use" in tail and attempt < 2:
                continue
            reason = "exited early" if exited else f"not healthy after {timeout:.0f}s"
            raise PrefectServerError(
                f"Prefect server {reason} ({server.api_url}/health, log {log_path}).\n"
                f"--- server log tail ---\n{tail}"
            )
        assert server is not None
        yield server
    finally:
        if server is not None:
            server.stop()


def api(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One call to a test's Prefect API, tried again while it answers 503 as Prefect's own client
    does (a SQLite server answers so when a write waits on the lock under the suite's load)."""
    kwargs.setdefault("timeout", 30)
    for wait in (0.5, 1, 2, 4, 8, 16):
        resp = httpx.request(method, url, **kwargs)
        if resp.status_code != 503:
            return resp
        time.sleep(wait)
    return httpx.request(method, url, **kwargs)


def _wait_healthy(server: PrefectServer, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if not server.is_running():
            return False
        if server.is_healthy(timeout=1.0):
            return True
        time.sleep(0.2)
    return False


# --------------------------------------------------------------------------------------------
# pytest plugin
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    """One real Prefect server for the whole test session (SQLite unless
    ``INFOSHARE_TEST_PREFECT_DATABASE_URL`` is set)."""
    home = tmp_path_factory.mktemp("prefect-home")
    database_url = os.environ.get(DATABASE_URL_ENV) or None
    with start_prefect_server(home, database_url=database_url, ui=True) as server:
        yield server


# --------------------------------------------------------------------------------------------
# Database scanner
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One needle found in one cell."""

    table: str
    column: str
    needle: str
    context: str
    row: str = ""  # the row's ``id`` (or SQLite rowid) when known

    def __str__(self) -> str:
        return f"{self.table}.{self.column}[{self.row}]: {self.needle!r} in …{self.context}…"


def _needle_forms(needle: str) -> list[str]:
    """The needle as written, JSON-escaped (ASCII and not), and JSON-escaped twice (JSON in a
    JSON string), all case-folded."""
    forms = [needle]
    for ensure_ascii in (True, False):
        once = json.dumps(needle, ensure_ascii=ensure_ascii)[1:-1]
        twice = json.dumps(once, ensure_ascii=ensure_ascii)[1:-1]
        forms += [once, twice]
    out: list[str] = []
    for form in forms:
        folded = form.casefold()
        if folded and folded not in out:
            out.append(folded)
    return out


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="ignore")
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _match_cell(
    table: str,
    column: str,
    row: str,
    value: Any,
    needles: list[tuple[str, list[str]]],
    context_chars: int,
) -> Iterator[Hit]:
    text = _as_text(value)
    if not text:
        return
    folded = text.casefold()
    if len(folded) != len(text):  # casefold changed lengths: context from the folded text
        text = folded
    for needle, forms in needles:
        for form in forms:
            pos = folded.find(form)
            if pos >= 0:
                start = max(0, pos - context_chars)
                end = min(len(text), pos + len(form) + context_chars)
                yield Hit(table, column, needle, text[start:end].replace("\n", "\\n"), row)
                break


def scan_database_for(
    db: Any,
    needles: Iterable[str],
    *,
    context_chars: int = 40,
) -> list[Hit]:
    """Search every column of every table of a Prefect database for each needle.

    ``db`` may be a :class:`PrefectServer`, a SQLite file path, a ``sqlite[+aiosqlite]:///``
    URL, or a ``postgresql[+asyncpg|+psycopg]://`` URL (needs ``psycopg``). Matching is
    case-insensitive, also finds JSON-escaped forms of the needle, and decodes blobs as UTF-8
    (errors ignored). Returns one :class:`Hit` per (cell, needle). The schema is discovered
    (``sqlite_master`` / ``information_schema``), never assumed.

    This sees only live rows: deleted or overwritten bytes may still sit in SQLite's WAL and
    free pages (see :func:`scan_files_raw`).
    """
    prepared = [(n, _needle_forms(n)) for n in needles if n]
    if not prepared:
        return []
    if isinstance(db, PrefectServer):
        db = db.database_url
    target = str(db)
    if target.startswith("postgres"):
        return _scan_postgres(target, prepared, context_chars)
    path = _sqlite_path_from_url(target) if target.startswith("sqlite") else Path(target)
    if path is None or not path.exists():
        raise FileNotFoundError(f"SQLite database not found: {db!r}")
    return _scan_sqlite(path, prepared, context_chars)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _scan_sqlite(path: Path, needles: list[tuple[str, list[str]]], context_chars: int) -> list[Hit]:
    hits: list[Hit] = []
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    conn.text_factory = bytes  # never fail on invalid UTF-8; we decode ourselves
    try:
        tables = [
            _as_text(r[0]) or ""
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            cols = [
                _as_text(r[1]) or ""
                for r in conn.execute(f"PRAGMA table_info({_quote_ident(table)})")
            ]
            if not cols:
                continue
            has_id = "id" in cols
            select = ", ".join(_quote_ident(c) for c in cols)
            try:
                cursor = conn.execute(f"SELECT rowid, {select} FROM {_quote_ident(table)}")  # noqa: S608
            except sqlite3.OperationalError:  # WITHOUT ROWID tables
                cursor = conn.execute(f"SELECT NULL, {select} FROM {_quote_ident(table)}")  # noqa: S608
            for values in cursor:
                rowid, cells = values[0], values[1:]
                row = _as_text(cells[cols.index("id")] if has_id else rowid) or ""
                for column, value in zip(cols, cells, strict=True):
                    hits.extend(_match_cell(table, column, row, value, needles, context_chars))
    finally:
        conn.close()
    return hits


def _scan_postgres(url: str, needles: list[tuple[str, list[str]]], context_chars: int) -> list[Hit]:
    import psycopg  # optional dependency (extra "postgres"/"dev")

    scheme, sep, rest = url.partition("://")
    conninfo = f"postgresql{sep}{rest}" if "+" in scheme else url
    hits: list[Hit] = []
    with psycopg.connect(conninfo) as conn:
        conn.read_only = True
        columns: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, column, data_type in conn.execute(
            """
            SELECT c.table_schema, c.table_name, c.column_name, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE t.table_type = 'BASE TABLE'
              AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
            ORDER BY c.table_schema, c.table_name, c.ordinal_position
            """
        ):
            columns.setdefault((schema, table), []).append((column, data_type))
        for (schema, table), cols in columns.items():
            names = [c for c, _ in cols]
            # bytea raw (decoded as UTF-8 here); everything else as PostgreSQL's own text form
            exprs = [
                _quote_ident(c) if t == "bytea" else f"{_quote_ident(c)}::text" for c, t in cols
            ]
            label = table if schema == "public" else f"{schema}.{table}"
            sql = f"SELECT {', '.join(exprs)} FROM {_quote_ident(schema)}.{_quote_ident(table)}"  # noqa: S608
            for cells in conn.execute(sql):
                row = _as_text(cells[names.index("id")]) if "id" in names else ""
                for column, value in zip(names, cells, strict=True):
                    hits.extend(
                        _match_cell(label, column, row or "", value, needles, context_chars)
                    )
    return hits


def scan_files_raw(paths: Iterable[Path], needles: Iterable[str]) -> dict[str, list[str]]:
    """Needles (any form, case-insensitive) found in the raw bytes of files, e.g. a SQLite
    database with its ``-wal`` file: {needle: [file names]}. Finds deleted/overwritten data that
    :func:`scan_database_for` cannot see."""
    found: dict[str, list[str]] = {}
    blobs = []
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            blobs.append((str(p), Path(p).read_bytes().decode("utf-8", errors="ignore").casefold()))
    for needle in needles:
        for name, blob in blobs:
            if any(form in blob for form in _needle_forms(needle)):
                found.setdefault(needle, []).append(name)
    return found
