"""Alembic's environment for infoshare's store.

``infoshare db`` (``infoshare.db.revision``) passes its own connection, already in a locked
transaction, in ``config.attributes["connection"]``. The plain ``alembic`` command, which
developers use to write a revision (DEVELOPERS.md), opens the database of the INFOSHARE_*
settings instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from infoshare.db.tables import Base


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite alters most things by copying the table; the script must then make the
        # triggers of a copied table again
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("infoshare's migrations run against a database, not as SQL scripts (--sql)")
given = context.config.attributes.get("connection")
if given is not None:
    run(given)
else:
    from infoshare.config import load_settings
    from infoshare.db.engine import make_engine

    engine = make_engine(load_settings().database_url)
    try:
        with engine.connect() as conn:
            run(conn)
            conn.commit()
    finally:
        engine.dispose()
