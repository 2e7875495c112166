"""The store's schema revision: checked whenever a store is opened, moved on by
``infoshare db upgrade`` (and ``infoshare init``, which runs it).

The revisions are Alembic scripts in ``infoshare/migrations/versions``. ``REVISIONS`` lists
their ids oldest first, so that opening a store costs one query and no Alembic import (about
0.35 s); tests/test_migrations.py checks it against the scripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.engine import Engine

from infoshare.config import ConfigError
from infoshare.db.tables import Base

if TYPE_CHECKING:
    from alembic.config import Config

REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006")
HEAD = REVISIONS[-1]
BASELINE = REVISIONS[0]  # the schema as the last version before migrations made it
UPGRADE = "infoshare db upgrade"
EMPTY = "empty"  # no tables yet
LEGACY = "before migrations"  # infoshare's tables, no alembic_version: made before migrations
_LOCK_KEY = 0x1F05_5A4E  # PostgreSQL advisory lock: one upgrade at a time


class SchemaNotCurrent(ConfigError):
    """The store's schema is not the one this code was written for."""


@dataclass(frozen=True)
class Upgrade:
    before: str  # a revision, EMPTY or LEGACY
    after: str
    adopted: list[str] = field(default_factory=list)  # what a store from before migrations lacked


def stored_revision(conn: Connection) -> str:
    """The store's revision, or EMPTY, or LEGACY."""
    tables = set(inspect(conn).get_table_names())
    if "alembic_version" in tables:
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        if len(found) == 1:
            return str(found[0])
        raise SchemaNotCurrent(f"the store's alembic_version table holds {found!r}, not one row")
    return LEGACY if tables & set(Base.metadata.tables) else EMPTY


def explain(revision: str) -> str:
    """Why a store at ``revision`` cannot be used by this code, in one line."""
    if revision == LEGACY:
        return (
            "this store was made by an infoshare version from before schema migrations: run "
            f"`{UPGRADE}` (README: Upgrading)"
        )
    if revision in REVISIONS:
        return (
            f"this store's schema is at revision {revision} and this infoshare needs {HEAD}: "
            f"run `{UPGRADE}` (README: Upgrading)"
        )
    return (
        f"this store's schema is at revision {revision}, which this infoshare does not know "
        f"(its newest is {HEAD}): a newer infoshare upgraded it, so run that version"
    )


def require_current(engine: Engine) -> None:
    """Called on opening a store: a new, empty database gets the schema; a store at another
    revision than this code's, or made before migrations, raises ``SchemaNotCurrent``."""
    with engine.connect() as conn:
        found = stored_revision(conn)
    if found == EMPTY:
        found = upgrade(engine).after
    if found != HEAD:
        raise SchemaNotCurrent(explain(found))


@contextmanager
def _exclusive(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that no other upgrade runs beside: SQLite's write lock
    (taken before the first read), a PostgreSQL advisory lock. DDL is transactional on both:
    an upgrade that fails leaves the store as it was."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def alembic_config(conn: Connection | None = None) -> Config:
    """Alembic's configuration for infoshare's scripts (installed with the package); with
    ``conn``, migrations run on that connection, in its transaction."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "infoshare:migrations")
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def upgrade(engine: Engine, target: str = "head") -> Upgrade:
    """Bring the store to ``target`` (a new database gets the whole schema). A store made
    before migrations is recognised first (``infoshare.db.legacy``), completed to the baseline
    and stamped with it. Safe to repeat; concurrent upgrades wait for each other."""
    from alembic import command

    from infoshare.db import legacy

    with _exclusive(engine) as conn:
        before = stored_revision(conn)
        if before not in (EMPTY, LEGACY, *REVISIONS):
            raise SchemaNotCurrent(explain(before))
        cfg = alembic_config(conn)
        adopted: list[str] = []
        if before == LEGACY:
            adopted = legacy.adopt(conn)
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, target)
        return Upgrade(before, stored_revision(conn), adopted)


@dataclass(frozen=True)
class RevisionInfo:
    revision: str
    down_revision: str | None
    title: str


def history() -> list[RevisionInfo]:
    """The revisions the installed scripts define, newest first."""
    from alembic.script import ScriptDirectory

    out = []
    for script in ScriptDirectory.from_config(alembic_config()).walk_revisions():
        down: Any = script.down_revision
        out.append(
            RevisionInfo(
                script.revision,
                down if down is None else str(down),
                " ".join((script.doc or "").split()),
            )
        )
    return out
