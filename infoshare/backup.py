"""Backups of a store, and restoring one so that it is known to be whole.

A backup is a folder, readable only by its owner:

- ``infoshare.db`` (SQLite: a consistent copy taken with SQLite's online backup, while the store
  is in use) or ``infoshare.pgdump`` (PostgreSQL: ``pg_dump``'s custom format, of the store's
  schema only where its URL confines it to one with ``options=-csearch_path=...``);
- ``keys/agencies/<agency>/...``: the agencies' key files as they are on disk, encrypted under
  the master key (or ``INFOSHARE_KEY_PASSPHRASE``);
- ``manifest.json``: when, which schema revision, each file's SHA-256, and each agency's record
  chain head (sequence number and hash).

The master key is never in a backup: personal data, agency private keys and the subject index
are all under it, so a backup and its master key kept together would be one theft away from
everything. It comes from the secret store at restore time (``INFOSHARE_MASTER_KEY``, or
``keys/master.key`` put back in the new home).

``restore`` refuses to write over a store, and then proves the copy whole before saying so: the
files match the manifest, the schema is this version's, every record chain verifies up to the
head the manifest names (nothing lost at the end, nothing changed inside), the master key opens
sealed requests, and every agency private key can be read.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import URL, func, inspect, make_url, select

from infoshare.config import Settings
from infoshare.db.engine import make_engine
from infoshare.db.tables import RequestRow
from infoshare.worktime import now_utc

if TYPE_CHECKING:
    from infoshare.store import Store

MANIFEST = "manifest.json"
SQLITE_FILE = "infoshare.db"
PG_FILE = "infoshare.pgdump"
FORMAT = 1


class BackupError(Exception):
    """A backup could not be made or restored, with what to do."""


@dataclass(frozen=True)
class ChainHead:
    seq: int
    sha256: str


@dataclass
class Manifest:
    created_at: str
    revision: str
    database: str  # "sqlite" or "postgresql"
    files: dict[str, str]  # relative path -> SHA-256
    chains: dict[str, ChainHead]
    requests: int
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        try:
            raw = json.loads((folder / MANIFEST).read_text())
            if raw.get("format") != FORMAT:
                raise BackupError(
                    f"{folder} is a backup in format {raw.get('format')!r}, not {FORMAT}"
                )
            raw["chains"] = {a: ChainHead(**h) for a, h in raw["chains"].items()}
            return cls(**raw)
        except FileNotFoundError:
            raise BackupError(f"{folder} is not an infoshare backup (no {MANIFEST})") from None
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupError(f"{folder / MANIFEST} cannot be read: {exc}") from None


@dataclass
class Restored:
    manifest: Manifest
    chains_verified: dict[str, int] = field(default_factory=dict)  # agency -> records
    sealed_requests_opened: int = 0
    agency_keys_read: int = 0


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _url(settings: Settings) -> URL:
    return make_url(settings.database_url)


def _schema(url: URL) -> str | None:
    """The schema a PostgreSQL URL confines the store to (``options=-csearch_path=S``)."""
    options = url.query.get("options", "")
    for part in (options,) if isinstance(options, str) else options:
        if part.startswith("-csearch_path="):
            return part.removeprefix("-csearch_path=").split(",")[0]
    return None


def _libpq(url: URL) -> str:
    """The URL for PostgreSQL's own tools (no driver name; the password kept)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed on this machine: it is PostgreSQL's client "
            "(Debian: apt install postgresql-client, of the server's major version)"
        )
    return found


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise BackupError(f"{what} failed: {last}")


def chain_heads(settings: Settings) -> dict[str, ChainHead]:
    from infoshare.db.tables import DecisionChainRow

    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(DecisionChainRow)).all()
            return {r.agency: ChainHead(r.seq, r.head_sha256) for r in rows if r.seq > 0}
    finally:
        engine.dispose()


def _empty_folder(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not an empty folder: choose a new one")
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    dest.chmod(0o700)


def create(settings: Settings, dest: Path) -> Manifest:
    """Back up the store named by ``settings`` into the new folder ``dest``."""
    from infoshare.db.revision import stored_revision

    _empty_folder(dest)
    url = _url(settings)
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            revision = stored_revision(conn)
            requests = conn.execute(select(func.count()).select_from(RequestRow)).scalar_one()
    finally:
        engine.dispose()
    if url.get_backend_name() == "sqlite":
        target = dest / SQLITE_FILE
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        src = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # a consistent copy, even while runs write
        finally:
            dst.close()
            src.close()
        heads = chain_heads(_at(settings, f"sqlite:///{target}"))
    elif url.get_backend_name() == "postgresql":
        target = dest / PG_FILE
        args = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
        if (schema := _schema(url)) is not None:
            args.append(f"--schema={schema}")
        # one snapshot for the dump; the heads are read just before, so a record appended in
        # between is in the dump beyond the head the manifest names (restore checks up to it)
        heads = chain_heads(settings)
        _run([*args, "--file", str(target), _libpq(url)], "pg_dump")
        target.chmod(0o600)
    else:
        raise BackupError(f"infoshare backs up SQLite and PostgreSQL stores, not {url.drivername}")
    key_root = settings.keys_dir / "agencies"
    if key_root.is_dir():
        _copy_private(key_root, dest / "keys" / "agencies")
    files = {str(p.relative_to(dest)): _sha256(p) for p in sorted(dest.rglob("*")) if p.is_file()}
    manifest = Manifest(
        created_at=now_utc().strftime("%Y-%m-%dT%H:%M:%SZ"),
        revision=revision,
        database=url.get_backend_name(),
        files=files,
        chains=heads,
        requests=requests,
    )
    fd = os.open(dest / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(manifest.to_json())
    return manifest


def _copy_private(source: Path, dest: Path) -> None:
    """Copy a folder of key files readable only by their owner (folders 0700, files 0600)."""
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    dest.parent.chmod(0o700)  # the keys folder
    shutil.copytree(source, dest, dirs_exist_ok=True, copy_function=shutil.copy2)
    for path in [dest, *dest.rglob("*")]:
        path.chmod(0o700 if path.is_dir() else 0o600)


def _at(settings: Settings, database_url: str) -> Settings:
    from dataclasses import replace

    return replace(settings, database_url=database_url)


def _check_files(source: Path, manifest: Manifest) -> None:
    for name, digest in manifest.files.items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"the backup lacks {name}, which its manifest lists")
        if _sha256(path) != digest:
            raise BackupError(f"{name} in the backup is not the file that was backed up")


def _require_master_key(settings: Settings) -> None:
    if not settings.master_key_b64 and not (settings.keys_dir / "master.key").exists():
        raise BackupError(
            "the master key is not in a backup: set INFOSHARE_MASTER_KEY from your secret store "
            f"(or put the key file at {settings.keys_dir / 'master.key'}, mode 0600) and restore again"
        )


def _require_empty_store(settings: Settings, url: URL) -> None:
    if url.get_backend_name() == "sqlite":
        if url.database and Path(url.database).exists():
            raise BackupError(
                f"{url.database} exists: restore into a new INFOSHARE_HOME, never over a store"
            )
        return
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            if inspect(conn).get_table_names(schema=_schema(url)):
                raise BackupError(
                    "the database INFOSHARE_DATABASE_URL names already has tables: restore into "
                    "an empty database (createdb), never over a store"
                )
    finally:
        engine.dispose()


def restore(settings: Settings, source: Path) -> Restored:
    """Restore the backup ``source`` into the store ``settings`` names (which must not exist
    yet), then prove it whole (see the module's docstring)."""
    manifest = Manifest.load(source)
    _check_files(source, manifest)
    _require_master_key(settings)
    url = _url(settings)
    if url.get_backend_name() != manifest.database:
        raise BackupError(
            f"this backup is of a {manifest.database} store; INFOSHARE_DATABASE_URL names a "
            f"{url.get_backend_name()} one"
        )
    _require_empty_store(settings, url)
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    keys = source / "keys" / "agencies"
    target_keys = settings.keys_dir / "agencies"
    if keys.is_dir():
        if target_keys.exists() and any(target_keys.iterdir()):
            raise BackupError(f"{target_keys} already holds agency keys: restore into a new home")
        _copy_private(keys, target_keys)
    if manifest.database == "sqlite":
        assert url.database is not None
        Path(url.database).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(url.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, (source / SQLITE_FILE).open("rb") as src:
            shutil.copyfileobj(src, out)
    else:
        args = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        _run([*args, "--dbname", _libpq(url), str(source / PG_FILE)], "pg_restore")
    from infoshare.db.revision import HEAD

    if manifest.revision != HEAD:
        raise BackupError(
            f"restored; the backup's schema is at revision {manifest.revision} and this "
            f"infoshare needs {HEAD}: run `infoshare db upgrade`, then `infoshare backup check "
            f"{source}` to prove the copy whole (README: Upgrading)"
        )
    return prove_whole(settings, manifest)


def prove_whole(settings: Settings, manifest: Manifest) -> Restored:
    """Check a restored store against the manifest of the backup it came from."""
    from infoshare.keys import KeyStoreError
    from infoshare.records.chain import verify
    from infoshare.store import Store

    store = Store(settings)  # refuses a schema behind this version's, naming the command
    try:
        done = Restored(manifest)
        reports = {r.agency: r for r in verify(store)}
        for agency, head in manifest.chains.items():
            report = reports.get(agency)
            if report is None or report.head_seq < head.seq:
                raise BackupError(
                    f"{agency}'s record chain ends at {report.head_seq if report else 0}, "
                    f"before the backup's head {head.seq}: records are missing"
                )
            if not report.ok:
                assert report.problem is not None
                raise BackupError(
                    f"{agency}'s record chain does not verify: {report.problem.message}"
                )
            done.chains_verified[agency] = report.records
        done.sealed_requests_opened = _open_sealed(store)
        for agency in sorted({p.parent.name for p in store.settings.keys_dir.glob("agencies/*/*")}):
            try:
                done.agency_keys_read += len(store.keys.decryption_keys(agency))
                store.keys.signing_key(agency)
            except KeyStoreError as exc:
                raise BackupError(f"{agency}'s private keys cannot be read: {exc}") from None
        return done
    finally:
        store.close()


def _open_sealed(store: Store) -> int:
    """Unwrap a sealed request's data key (the first and the last): a wrong master key fails."""
    from infoshare.crypto import DecryptionError

    with store.session() as s:
        rows = s.scalars(
            select(RequestRow).where(RequestRow.wrapped_key.is_not(None)).order_by(RequestRow.ref)
        ).all()
    sample = [rows[0], rows[-1]] if len(rows) > 1 else list(rows)
    for row in sample:
        try:
            store.sealer.data_key(row)
        except DecryptionError:
            raise BackupError(
                "the master key given does not open this backup's sealed requests: it is not the "
                "key the store was made with (a backup made before a master key rotation needs "
                "the key that rotation retired)"
            ) from None
    return len(sample)


def check(settings: Settings, source: Path) -> Restored:
    """``prove_whole`` for a store already restored (e.g. after ``infoshare db upgrade``)."""
    return prove_whole(settings, Manifest.load(source))
