"""The real-Prefect-server helper works, and its database scanner can find (and miss) values.

One server start (~12 s) plus one flow run in a subprocess (~5 s): well under a minute.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from prefect_server import (
        PrefectServer,
        free_loopback_port,
        scan_database_for,
        start_prefect_server,
    )
except ImportError:  # tests/ imported as a package
    from tests.prefect_server import (  # type: ignore[no-redef]
        PrefectServer,
        free_loopback_port,
        scan_database_for,
        start_prefect_server,
    )

SENTINEL = "Zebedee Quixote-Test"
FLOW_TIMEOUT_S = 45

FLOW_SCRIPT = textwrap.dedent(
    """
    import sys

    from prefect import flow, task
    from prefect.context import get_run_context


    @task
    def shout(text: str) -> str:
        return text.upper()


    @flow(name="fixture-smoke")
    def smoke(who: str) -> str:
        shout(who)
        return str(get_run_context().flow_run.id)


    print("FLOW_RUN_ID=" + smoke(sys.argv[1]))
    """
)


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PrefectServer]:
    """The session-wide ``prefect_server`` fixture if conftest loads the plugin, else our own."""
    try:
        yield request.getfixturevalue("prefect_server")
        return
    except pytest.FixtureLookupError:
        pass
    with start_prefect_server(tmp_path_factory.mktemp("prefect-home")) as own:
        yield own


@pytest.fixture(scope="module")
def flow_run_id(server: PrefectServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run a trivial flow against the server in a separate process, parameter = SENTINEL."""
    script = tmp_path_factory.mktemp("flow") / "smoke_flow.py"
    script.write_text(FLOW_SCRIPT)
    proc = subprocess.run(
        [sys.executable, str(script), SENTINEL],
        env=server.subprocess_env(),
        cwd=script.parent,
        capture_output=True,
        text=True,
        timeout=FLOW_TIMEOUT_S,
        check=False,
    )
    assert proc.returncode == 0, f"flow failed:\n{proc.stdout}\n{proc.stderr}"
    ids = [line.split("=", 1)[1] for line in proc.stdout.splitlines() if "FLOW_RUN_ID=" in line]
    assert ids, proc.stdout
    return ids[-1].strip()


def _get_json(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310
        return json.loads(resp.read())


def test_server_is_real_and_healthy(server: PrefectServer) -> None:
    assert server.is_running()
    assert server.api_url.startswith("http://127.0.0.1:")
    assert server.api_url.endswith("/api")
    assert _get_json(f"{server.api_url}/health") is True
    assert server.env["PREFECT_API_URL"] == server.api_url
    assert server.env["PREFECT_HOME"] == str(server.home)
    if server.db_path is not None:
        assert server.db_path.is_file()
        assert server.database_url.startswith("sqlite+aiosqlite:///")


def test_flow_parameter_reaches_database_and_scanner_finds_it(
    server: PrefectServer, flow_run_id: str
) -> None:
    run = _get_json(f"{server.api_url}/flow_runs/{flow_run_id}")
    assert isinstance(run, dict)
    assert run["state_type"] == "COMPLETED"
    assert run["parameters"] == {"who": SENTINEL}

    # The scanner can fail: the sentinel is in flow_run.parameters (any case, any escaping).
    hits = scan_database_for(server, [SENTINEL.lower()])
    assert any(
        h.table == "flow_run" and h.column == "parameters" and h.row == flow_run_id for h in hits
    ), hits

    # ... and it does not invent hits.
    never_used = f"never-used-{uuid.uuid4()}"
    assert scan_database_for(server, [never_used]) == []


def test_scanner_on_plain_sqlite(tmp_path: Path) -> None:
    """No server needed: text, JSON-escaped, double-escaped and blob cells are all searched."""
    db = tmp_path / "t.db"
    conn = sqlite3.connect(db)
    conn.execute('CREATE TABLE "odd ""name""" (id TEXT, doc TEXT, data BLOB, n INTEGER)')
    rows = [
        ("a", json.dumps({"p": 'Zoë "Q"'}), None, 1),  # JSON-escaped, \u00eb and \"
        ("b", json.dumps(json.dumps({"p": 'Zoë "Q"'})), None, 2),  # JSON inside a JSON string
        ("c", None, b"\x00\xffprefix ZEBEDEE quixote-test suffix\xfe", 3),  # blob, other case
    ]
    conn.executemany('INSERT INTO "odd ""name""" VALUES (?, ?, ?, ?)', rows)
    conn.commit()
    conn.close()

    hits = scan_database_for(db, ['zoë "q"', SENTINEL, "nowhere-to-be-found"])
    found = {(h.row, h.column, h.needle) for h in hits}
    assert found == {
        ("a", "doc", 'zoë "q"'),
        ("b", "doc", 'zoë "q"'),
        ("c", "data", SENTINEL),
    }
    assert all(h.table == 'odd "name"' for h in hits)
    assert scan_database_for(f"sqlite:///{db}", [SENTINEL])[0].row == "c"


def test_free_loopback_port_is_bindable() -> None:
    import socket

    port = free_loopback_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
