"""The production shape's parts for tests: the `infoshare` and `prefect` commands as an
operator runs them, and fresh PostgreSQL databases for Prefect and infoshare's store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import POSTGRES_ENV, ROOT

INFOSHARE = [sys.executable, "-m", "infoshare.cli"]
PREFECT = [sys.executable, "-m", "prefect", "--no-prompt"]


def cli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [*INFOSHARE, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and proc.returncode != 0:
        pytest.fail(f"infoshare {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def cli_json(env: dict[str, str], *args: str) -> Any:
    return json.loads(cli(env, *args, "--json").stdout)


def prefect(env: dict[str, str], *args: str) -> None:
    proc = subprocess.run(
        [*PREFECT, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


@contextmanager
def meanwhile(command: list[str], env: dict[str, str]) -> Iterator[None]:
    """Run ``command`` while the block runs (it needs nothing the block makes); it must have
    succeeded by the block's end."""
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield
    finally:
        out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, f"{' '.join(command[2:])} failed:\n{out[-3000:]}"


@dataclass(frozen=True)
class Databases:
    """A fresh database (Prefect's) and a fresh schema (infoshare's store) on the test server."""

    name: str
    url: str  # INFOSHARE_TEST_POSTGRES_URL

    def prefect_url(self, host: str | None = None) -> str:
        """Prefect's database, reached at ``host`` (default: as the test server's URL says)."""
        from sqlalchemy import make_url

        url = make_url(self.url).set(drivername="postgresql+asyncpg", database=self.name)
        return (url.set(host=host) if host else url).render_as_string(hide_password=False)

    def store_url(self, host: str | None = None) -> str:
        """infoshare's store (INFOSHARE_DATABASE_URL), confined to its schema."""
        from sqlalchemy import make_url

        url = make_url(self.url).update_query_dict({"options": f"-csearch_path={self.name}"})
        return (url.set(host=host) if host else url).render_as_string(hide_password=False)


@contextmanager
def fresh_postgres() -> Iterator[Databases | None]:
    """Databases on INFOSHARE_TEST_POSTGRES_URL, dropped afterwards; None when it is not set."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        yield None
        return
    from sqlalchemy import create_engine, text

    name = f"infoshare_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield Databases(name, url)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()
