"""Deleted is gone from disk too: VACUUM a SQLite database and checkpoint its WAL with
TRUNCATE, so rows deleted by retention (and parameters or resume input Prefect held before
infoshare redacted them) are in neither file. Used for infoshare's own SQLite store and for a
Prefect server's SQLite database on this machine; PostgreSQL is left to its own (auto)vacuum.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import make_url

from infoshare.store import Store


@dataclass(frozen=True)
class Compacted:
    """A SQLite database vacuumed, with its WAL checkpointed and truncated."""

    name: str
    path: Path
    bytes_before: int
    bytes_after: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "database": self.name,
            "path": str(self.path),
            "bytes_before": self.bytes_before,
            "bytes_after": self.bytes_after,
        }


# --- SQLite files ----------------------------------------------------------------------------


def store_sqlite_path(store: Store) -> Path | None:
    url = make_url(store.settings.database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prefect_sqlite_path(env: Mapping[str, str], infoshare_home: Path | None = None) -> Path | None:
    """The Prefect server's SQLite file, when the server is on this machine and uses SQLite:
    from PREFECT_API_DATABASE_CONNECTION_URL (or PREFECT_SERVER_DATABASE_CONNECTION_URL); else,
    when the API is on loopback, Prefect's default ``$PREFECT_HOME/prefect.db``, or without
    PREFECT_HOME the one ``infoshare up`` runs (``$INFOSHARE_HOME/prefect/prefect.db``) if it
    exists, else ``~/.prefect/prefect.db``. None for PostgreSQL or a remote server."""
    url = env.get("PREFECT_SERVER_DATABASE_CONNECTION_URL") or env.get(
        "PREFECT_API_DATABASE_CONNECTION_URL"
    )
    if url:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite" or not parsed.database:
            return None
        return None if parsed.database == ":memory:" else Path(parsed.database).expanduser()
    api = env.get("PREFECT_API_URL")
    if api and urlparse(api).hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    if env.get("PREFECT_HOME"):
        return Path(env["PREFECT_HOME"]).expanduser() / "prefect.db"
    if infoshare_home is not None and (up := infoshare_home / "prefect" / "prefect.db").exists():
        return up
    return Path.home() / ".prefect" / "prefect.db"


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def compact_sqlite(name: str, path: Path, attempts: int = 40) -> Compacted:
    """VACUUM a SQLite database (live rows only, freed pages gone) and checkpoint its WAL with
    TRUNCATE, so deleted data is in neither file. Safe while other processes use it: they wait
    for the write lock; the checkpoint is retried while readers hold old frames."""
    before = _size(path)
    conn = sqlite3.connect(str(path), timeout=60, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=60000")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("VACUUM")
        for _ in range(attempts):
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                break
            time.sleep(0.25)
        else:
            raise sqlite3.OperationalError(
                "its WAL could not be checkpointed: readers kept it busy"
            )
    finally:
        conn.close()
    return Compacted(name, path, before, _size(path))
