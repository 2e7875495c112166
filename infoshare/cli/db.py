"""The store's schema: ``infoshare db upgrade|current|history`` (Alembic revisions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from infoshare.cli.common import emit, fail, json_option, main
from infoshare.config import Settings, load_settings
from infoshare.db import revision


@contextmanager
def database(settings: Settings) -> Iterator[Engine]:
    """An engine on the store's database only (no master key, no schema check); a database
    error is one line naming the database, never a traceback."""
    from infoshare.db.engine import make_engine

    engine = make_engine(settings.database_url)
    try:
        yield engine
    except SQLAlchemyError as exc:
        fail(f"the store's database {engine.url.render_as_string()}: {getattr(exc, 'orig', exc)}")
    finally:
        engine.dispose()


def upgrade_store(settings: Settings) -> tuple[revision.Upgrade, list[str]]:
    """``setup.upgrade_store`` with database errors as one line (also used by init and up)."""
    from infoshare.setup import upgrade_store

    with database(settings):
        done, converted = upgrade_store(settings)
    return done, [str(p) for p in converted]


def _describe(found: str) -> str:
    return {revision.EMPTY: "none (an empty database)", revision.LEGACY: "none"}.get(found, found)


@main.group("db")
def db_group() -> None:
    """The store's schema: upgrade it, show its revision, list the revisions."""


@db_group.command("upgrade")
@json_option
def db_upgrade(as_json: bool) -> None:
    """Bring the store's schema to this version's revision (in one transaction); a store made
    before migrations is recognised and completed first. Also converts this machine's agency
    key files written before stop 8. Safe to repeat."""
    done, converted = upgrade_store(load_settings())
    lines = [f"schema revision {_describe(done.before)} -> {done.after} (head)"]
    if done.before == revision.LEGACY:
        lines.append(
            f"a store made before migrations, recognised and completed to {revision.BASELINE}: "
            + (", ".join(done.adopted) or "nothing was missing")
        )
    if converted:
        lines.append(f"agency key files converted to the current format: {len(converted)}")
    emit(as_json, {**asdict(done), "keys_converted": converted}, "\n".join(lines))


@db_group.command("current")
@json_option
def db_current(as_json: bool) -> None:
    """The store's schema revision, and whether this infoshare can use it."""
    settings = load_settings()
    with database(settings) as engine, engine.connect() as conn:
        found = revision.stored_revision(conn)
    ok = found == revision.HEAD
    text = f"{found} (head): up to date" if ok else f"{_describe(found)}: {revision.explain(found)}"
    if found == revision.EMPTY:
        text = f"none: an empty database; `{revision.UPGRADE}` or `infoshare init` creates it"
    emit(as_json, {"revision": found, "head": revision.HEAD, "up_to_date": ok}, text)


@db_group.command("history")
@json_option
def db_history(as_json: bool) -> None:
    """The schema revisions this infoshare knows, newest first."""
    revisions = revision.history()
    emit(
        as_json,
        [asdict(r) for r in revisions],
        "\n".join(
            f"{r.revision}{' (head)' if r.revision == revision.HEAD else ''}"
            f"{' <- ' + r.down_revision if r.down_revision else ''}  {r.title}"
            for r in revisions
        ),
    )
