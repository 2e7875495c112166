"""Stores made before migrations: recognised, completed to the baseline, then stamped with it.

Versions before migrations (stop 7, the first with a store, to stop 10) made their tables with
``create_all`` and, from stop 8 on, added what was missing each time a store was opened: new
tables, new nullable columns, new indexes, new trigger texts; never a changed or dropped column,
and one index dropped from the schema but left in stores (``OBSOLETE_INDEXES``).
So a store from before migrations has every table and column stop 7 made, nothing that the
baseline (``infoshare/migrations/baseline.py``) does not have, and any part of what was added
after stop 7 (``ADDED_SINCE_STOP7``). That is how one is recognised. A store that does not fit
is refused and left untouched.

The store is then completed from the frozen baseline: missing tables, columns (``signoff_policy``
is NOT NULL: existing agencies get ``{}``, the defaults, as the registry would give them) and
indexes, and the baseline's triggers replace older ones (the disposal and floor exceptions came
after stop 7). Stop 7 stores opened by a later version never got ``signoff_policy`` (that upgrade
skipped NOT NULL columns) and could not load their registry since; this repairs them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext

from infoshare.config import ConfigError
from infoshare.migrations import baseline

ADDED_SINCE_STOP7 = {
    "agencies": ("deputy", "on_call", "signoff_policy"),
    "request_steps": ("opened_at", "due_at"),
    "decision_records": ("disposed_at",),
    "decision_chain_floors": "table",
    "subject_index": "table",
    "agency_intakes": "table",
    "person_keys": "table",
}
# what a NOT NULL column added to existing rows starts as
FILL = {("agencies", "signoff_policy"): "{}"}
# indexes of versions before the baseline that it does not have: fa9d292 to 4124e1c made this
# one, which ix_requests_received_covering replaced (versions from then on left it in place)
OBSOLETE_INDEXES = {"ix_requests_received": "requests"}


class UnknownStore(ConfigError):
    """The database has tables of infoshare's names that no infoshare version made."""


def _added(table: str, column: str) -> bool:
    added = ADDED_SINCE_STOP7.get(table, ())
    return added == "table" or column in added


def _check(have: dict[str, set[str]]) -> None:
    unknown, missing = [], []
    for name, table in baseline.METADATA.tables.items():
        columns = {c.name for c in table.columns}
        if name not in have:
            if ADDED_SINCE_STOP7.get(name) != "table":
                missing.append(f"no table {name}")
            continue
        unknown += [f"unknown column {name}.{c}" for c in sorted(have[name] - columns)]
        missing += [f"no column {name}.{c}" for c in sorted(columns - have[name])
                    if not _added(name, c)]  # fmt: skip
    problems = unknown + missing
    if problems:
        more = f" and {len(problems) - 4} more" if len(problems) > 4 else ""
        raise UnknownStore(
            f"this database was not made by any infoshare version ({'; '.join(problems[:4])}"
            f"{more}): nothing was changed; check INFOSHARE_DATABASE_URL or restore a backup"
        )


def adopt(conn: sa.Connection) -> list[str]:
    """Complete a store made before migrations to the baseline, in the caller's transaction;
    returns what was done ("table x", "column x.y", "index i", "dropped index i")."""
    inspector = sa.inspect(conn)
    have = {
        name: {c["name"] for c in inspector.get_columns(name)}
        for name in inspector.get_table_names()
        if name in baseline.METADATA.tables
    }
    _check(have)
    op = Operations(MigrationContext.configure(conn))
    added = []
    for name, table in baseline.METADATA.tables.items():
        if name not in have:
            table.create(conn)
            added.append(f"table {name}")
            continue
        for column in table.columns:
            if column.name in have[name]:
                continue
            fill = FILL.get((name, column.name))
            op.add_column(
                name,
                sa.Column(
                    column.name,
                    column.type,
                    nullable=column.nullable,
                    server_default=None if fill is None else sa.text(f"'{fill}'"),
                ),
            )
            if fill is not None and conn.dialect.name != "sqlite":  # SQLite cannot drop it
                op.alter_column(name, column.name, server_default=None)
            added.append(f"column {name}.{column.name}")
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes(name)}
        for obsolete in sorted(i for i, on in OBSOLETE_INDEXES.items() if on == name):
            if obsolete in indexes:
                op.drop_index(obsolete, table_name=name)
                added.append(f"dropped index {obsolete}")
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if index.name not in indexes:
                index.create(conn)
                added.append(f"index {index.name}")
    baseline.install_triggers(conn)
    return added
