"""Backup and restore as an operator runs them (README: Backup and restore): the commands in a
process of their own, a restored copy that verifies its chains and opens an envelope delivered
before the backup, and the ways a restore must refuse."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from workspace_support import delivered

from infoshare.config import load_settings
from infoshare.setup import initialise
from infoshare.store import Store

ITEM = "2026-03-02, 2026-07-19"  # what workspace_support.delivered shares (item-1)


def infoshare(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("INFOSHARE_")}
    return subprocess.run(
        [sys.executable, "-m", "infoshare", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def refused(done: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """One line on stderr naming the problem, no traceback."""
    assert done.returncode != 0, done.stdout
    err = done.stderr.strip()
    assert err.startswith("infoshare: ") and len(err.splitlines()) == 1, err
    for f in fragments:
        assert f in err, err
    return err


def test_a_restored_copy_verifies_its_chains_and_opens_an_envelope_sent_before(
    every_backend: dict[str, str], restore_target: dict[str, str], tmp_path: Path
) -> None:
    store = Store(load_settings(every_backend))
    initialise(store)
    ref = delivered(store)
    envelope = next(store.settings.inbox_for("northshire-mash").glob("*"))
    master_key = (store.settings.keys_dir / "master.key").read_text()
    store.close()

    made = ok(infoshare(every_backend, "backup", "create", str(tmp_path / "backup")))
    assert "backed up 1 request(s)" in made and "northshire-hospitals at 1" in made
    assert "master key is not in it" in made
    assert not list((tmp_path / "backup").rglob("master.key"))
    assert oct((tmp_path / "backup").stat().st_mode & 0o777) == "0o700"

    # the master key comes from the secret store, never from the backup
    refused(infoshare(restore_target, "backup", "restore", str(tmp_path / "backup")),
            "INFOSHARE_MASTER_KEY")  # fmt: skip
    target = {**restore_target, "INFOSHARE_MASTER_KEY": master_key}
    said = ok(infoshare(target, "backup", "restore", str(tmp_path / "backup")))
    assert "record chains verified to the backup's heads (northshire-hospitals 1)" in said
    assert "opened 1 sealed request(s)" in said

    ok(infoshare(target, "records", "verify"))
    shown = ok(infoshare(target, "records", "show", ref))
    assert "SHARED" in shown
    out = tmp_path / "opened"
    ok(infoshare(target, "open", str(envelope), "--agency", "northshire-mash", "--out", str(out)))
    assert ITEM in "".join(p.read_text() for p in out.rglob("*") if p.is_file())

    # and never over a store that is there
    refused(infoshare(target, "backup", "restore", str(tmp_path / "backup")), "never over a store")


def test_a_restore_with_another_master_key_is_refused(tmp_path: Path) -> None:
    source = {"INFOSHARE_HOME": str(tmp_path / "home")}
    store = Store(load_settings(source))
    initialise(store)
    delivered(store)
    store.close()
    ok(infoshare(source, "backup", "create", str(tmp_path / "backup")))
    other = Store(load_settings({"INFOSHARE_HOME": str(tmp_path / "other")}))
    wrong = (other.settings.keys_dir / "master.key").read_text()
    other.close()
    target = {"INFOSHARE_HOME": str(tmp_path / "restored"), "INFOSHARE_MASTER_KEY": wrong}
    refused(infoshare(target, "backup", "restore", str(tmp_path / "backup")),
            "does not open this backup's sealed requests")  # fmt: skip


def test_a_changed_or_incomplete_backup_is_refused(tmp_path: Path) -> None:
    source = {"INFOSHARE_HOME": str(tmp_path / "home")}
    store = Store(load_settings(source))
    initialise(store)
    delivered(store)
    key = (store.settings.keys_dir / "master.key").read_text()
    store.close()
    backup = tmp_path / "backup"
    ok(infoshare(source, "backup", "create", str(backup)))
    target = {"INFOSHARE_HOME": str(tmp_path / "restored"), "INFOSHARE_MASTER_KEY": key}

    removed = next((backup / "keys" / "agencies").glob("*/x25519-*"))
    removed.unlink()
    refused(infoshare(target, "backup", "restore", str(backup)), "the backup lacks keys/")

    db = sqlite3.connect(backup / "infoshare.db")  # someone edits the copy
    db.execute("UPDATE audit_events SET detail = '{}'")
    db.commit()
    db.close()  # written into the file itself
    refused(infoshare(target, "backup", "restore", str(backup)),
            "infoshare.db in the backup is not the file that was backed up")  # fmt: skip
    assert not (tmp_path / "restored" / "infoshare.db").exists()

    refused(infoshare(target, "backup", "restore", str(tmp_path)), "not an infoshare backup")
    refused(infoshare(source, "backup", "create", str(backup)), "not an empty folder")


def test_a_backup_from_an_older_schema_is_restored_then_upgraded_and_checked(
    tmp_path: Path,
) -> None:
    from alembic import command

    from infoshare.db.revision import REVISIONS, alembic_config

    source = {"INFOSHARE_HOME": str(tmp_path / "home")}
    store = Store(load_settings(source))
    initialise(store)
    delivered(store)
    key = (store.settings.keys_dir / "master.key").read_text()
    older = REVISIONS[-2]
    with store.engine.begin() as conn:  # as the version before this one left it
        command.downgrade(alembic_config(conn), older)
    store.close()
    backup = tmp_path / "backup"
    ok(infoshare(source, "backup", "create", str(backup)))
    target = {"INFOSHARE_HOME": str(tmp_path / "restored"), "INFOSHARE_MASTER_KEY": key}
    said = refused(infoshare(target, "backup", "restore", str(backup)), f"revision {older}")
    assert "infoshare db upgrade" in said and f"infoshare backup check {backup}" in said
    ok(infoshare(target, "db", "upgrade"))
    checked = ok(infoshare(target, "backup", "check", str(backup)))
    assert "record chains verified to the backup's heads (northshire-hospitals 1)" in checked
