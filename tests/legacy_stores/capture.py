"""Make the legacy-store fixtures: stores made by infoshare versions from before migrations.

For each version in ``VERSIONS`` this checks the commit out in a temporary git worktree with its
own virtualenv (``./dev install``), then, on SQLite and on PostgreSQL, runs that version as a
user did: ``infoshare up`` (the store, the demo registry, agency keys, a local Prefect server and
the served flows), ``infoshare submit examples/scenario3-trawl.json`` (refused at triage, so a
decision record without anyone answering) and waits for the record. It keeps:

    <name>/sqlite.sql        ``sqlite3 infoshare.db .dump`` (schema, triggers, rows)
    <name>/postgres.sql      ``pg_dump --schema`` of the store's schema, named __SCHEMA__
    <name>/keys-<backend>/   the agency private key files that version wrote

All under the fixed test master key ``MASTER_KEY`` (tests/test_migrations.py uses the same).
Run from the repository root, with PostgreSQL at INFOSHARE_TEST_POSTGRES_URL; takes about a
minute per version:

    .venv/bin/python tests/legacy_stores/capture.py [NAME ...]
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MASTER_KEY = "aW5mb3NoYXJlIGxlZ2FjeSBzdG9yZSB0ZXN0IGtleSE="  # 32 bytes, tests only
SCHEMA_PLACEHOLDER = "__SCHEMA__"

# One store per schema that landed versions of main had (stop ends and merges, from issue
# notes and `git log --first-parent main`); versions.json maps every landed commit to these.
VERSIONS = {
    "stop7": "a1110da",  # end of stop 7, the first landed version (schema of d0baf7c)
    "retention-merge": "a61a7a4",
    "intake-merge": "aca4555",  # and 4eeadc2
    "deadlines-merge": "e5644da",
    "signoff-merge": "d25035d",  # last with PEM agency keys (2f6947d: same schema, new keys)
    "archive-merge": "28bfe36",  # and 2af5419, b50f1d3
    "stop8": "b3eefff",  # and 858c1ae, 55a99fb, stop 9 (50514c5), stop 10 (56a1911)
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(cmd: list[str], **kw: object) -> str:
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)  # type: ignore[call-overload]
    return str(out.stdout)


def records_in(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM decision_records")).scalar_one())
    except Exception:  # noqa: BLE001 - not made yet
        return 0
    finally:
        engine.dispose()


def capture_one(src: Path, work: Path, backend: str, pg_url: str | None) -> tuple[str, Path]:
    home = work / f"home-{backend}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INFOSHARE_", "PREFECT_"))}
    env.update(
        INFOSHARE_HOME=str(home),
        INFOSHARE_MASTER_KEY=MASTER_KEY,
        INFOSHARE_WATCHDOG_SECONDS="0",
        INFOSHARE_RETENTION_CRON="off",
    )
    schema = f"legacy_{uuid.uuid4().hex[:10]}"
    admin = None
    if backend == "postgres":
        assert pg_url
        admin = create_engine(pg_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        store_url = (
            make_url(pg_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
        env["INFOSHARE_DATABASE_URL"] = store_url
    else:
        store_url = f"sqlite:///{home / 'infoshare.db'}"
    port = free_port()
    log = (work / f"up-{backend}.log").open("wb")
    up = subprocess.Popen(
        [str(src / ".venv/bin/infoshare"), "up", "--port", str(port)],
        cwd=src, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        api = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 240
        while "infoshare is running" not in (work / f"up-{backend}.log").read_text():
            if up.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((work / f"up-{backend}.log").read_text()[-3000:])
            time.sleep(1)
        submitted = run(
            [str(src / ".venv/bin/infoshare"), "submit", "examples/scenario3-trawl.json", "--json"],
            cwd=src,
            env={**env, "PREFECT_API_URL": api},
        )
        print(f"  {backend}: submitted {json.loads(submitted)['reference']}", flush=True)
        while records_in(store_url) < 1:
            if time.monotonic() > deadline + 120:
                raise RuntimeError(
                    "no decision record: " + (work / f"up-{backend}.log").read_text()[-3000:]
                )
            time.sleep(1)
    finally:
        os.killpg(up.pid, signal.SIGTERM)
        up.wait(60)
    try:
        if backend == "sqlite":
            dump = run(["sqlite3", str(home / "infoshare.db"), ".dump"])
        else:
            assert pg_url
            base = make_url(pg_url)
            dump = run(
                ["pg_dump", "--schema", schema, "--no-owner", "--no-privileges",
                 "--column-inserts", "-h", base.host or "127.0.0.1", "-p", str(base.port or 5432),
                 "-U", base.username or "postgres", base.database or "test"]
            )  # fmt: skip
            dump = "\n".join(
                line for line in dump.replace(schema, SCHEMA_PLACEHOLDER).splitlines()
                if not line.startswith(("CREATE SCHEMA", "--", "\\")) and line != ""
            ) + "\n"  # fmt: skip
    finally:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return dump, home / "keys"


def capture(name: str, commit: str, pg_url: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix=f"legacy-{name}-") as tmp:
        work = Path(tmp)
        src = work / "src"
        run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(src), commit])
        try:
            print(f"{name} ({commit}): installing", flush=True)
            run(["./dev", "install"], cwd=src)
            out = HERE / name
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            for backend in ("sqlite", "postgres") if pg_url else ("sqlite",):
                dump, keys = capture_one(src, work, backend, pg_url)
                (out / f"{backend}.sql").write_text(dump)
                shutil.copytree(
                    keys, out / f"keys-{backend}", ignore=shutil.ignore_patterns("master.key")
                )
        finally:
            run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(src)])


def main() -> None:
    pg_url = os.environ.get("INFOSHARE_TEST_POSTGRES_URL")
    if not pg_url:
        print("INFOSHARE_TEST_POSTGRES_URL is not set: SQLite stores only", file=sys.stderr)
    for name in sys.argv[1:] or list(VERSIONS):
        capture(name, VERSIONS[name], pg_url)


if __name__ == "__main__":
    main()
