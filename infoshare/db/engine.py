"""How infoshare connects to its database: one engine per store, JSON written canonically, and
on SQLite the pragmas every connection needs."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA secure_delete=ON")  # freed pages are zeroed: disposed data is gone
    cur.close()


def json_text(value: Any) -> str:
    """How JSON columns are written: canonical JSON (sorted keys, no whitespace, UTF-8; see
    docs/records-canonical-form.md), so a record's stored text is already what its hash covers
    and ``records verify`` can hash it without parsing."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True, pool_pre_ping=True, json_serializer=json_text)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine
