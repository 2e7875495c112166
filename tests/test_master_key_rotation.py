"""Rotating the master key as an operator does (README: Rotating the master key): the command in
a process of its own; afterwards everything reads with the new key alone (sealed requests, record
chains, subject access search, agency key files, an envelope delivered before, passkey user
handles) and the old key is refused; a rotation killed midway completes when run again; a backup
from before the rotation restores with the old key."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import POSTGRES_ENV  # noqa: F401  (the backends run as tests/test_backup.py's do)
from sqlalchemy import func, select
from test_backup import infoshare, ok, refused
from workspace_support import SUBJECT, delivered, new_request

from infoshare.config import load_settings
from infoshare.crypto import master_key_id
from infoshare.db.tables import AuditEventRow, RequestRow
from infoshare.records.search import subject_search
from infoshare.setup import initialise
from infoshare.store import Store

ITEM = "2026-03-02, 2026-07-19"  # what workspace_support.delivered shares (item-1)
HANDLE = "workspace-passkey-user-handle-v1"


def _before(env: dict[str, str], extra_requests: int = 0) -> tuple[str, bytes, Path]:
    """A store with a delivered, recorded request (and more waiting): its reference, the
    passkey user handle key, and the envelope delivered."""
    store = Store(load_settings(env))
    initialise(store)
    ref = delivered(store)
    for _ in range(extra_requests):
        new_request(store)
    handle_key = store.master.derive(HANDLE)
    envelope = next(store.settings.inbox_for("northshire-mash").glob("*"))
    store.close()
    return ref, handle_key, envelope


def _reads_everything(env: dict[str, str], ref: str, handle_key: bytes, envelope: Path,
                      tmp_path: Path) -> None:  # fmt: skip
    ok(infoshare(env, "records", "verify"))
    assert "SHARED" in ok(infoshare(env, "records", "show", ref))
    out = tmp_path / f"opened-{os.urandom(4).hex()}"
    ok(infoshare(env, "open", str(envelope), "--agency", "northshire-mash", "--out", str(out)))
    assert ITEM in "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    store = Store(load_settings(env))
    try:
        assert store.requests.request(ref).subjects  # the sealed request opens
        found = subject_search(store, SUBJECT, None, "northshire-hospitals")
        assert ref in {m["reference"] for m in found.matches}
        assert store.master.derive(HANDLE) == handle_key  # passkeys keep their user handle
        with store.session() as s:
            left = s.scalar(select(func.count()).where(RequestRow.wrapped_key_id.is_not(
                store.master.key_id)))  # fmt: skip
            assert left == 0
    finally:
        store.close()


def test_a_rotated_store_reads_everything_and_refuses_the_old_key(
    every_backend: dict[str, str], tmp_path: Path
) -> None:
    env = every_backend
    ref, handle_key, envelope = _before(env)
    key_file = Path(env["INFOSHARE_HOME"]) / "keys" / "master.key"
    old = key_file.read_text()

    said = ok(infoshare(env, "keys", "rotate-master"))
    new = key_file.read_text()
    assert new != old and oct(key_file.stat().st_mode & 0o777) == "0o600"
    new_id, old_id = (master_key_id(base64.b64decode(k)) for k in (new, old))
    assert f"master key {old_id} retired; master key {new_id} is current" in said
    assert "1 sealed request(s) opened" in said and "northshire-hospitals 1" in said
    assert f"subject access search found {ref}" in said and "envelope " in said
    assert f"The new master key is now {key_file}" in said and "destroy it" in said
    assert not (key_file.parent / "master.key.next").exists()

    _reads_everything(env, ref, handle_key, envelope, tmp_path)

    # the old key is refused by every process given it, with the reason
    refused(infoshare({**env, "INFOSHARE_MASTER_KEY": old}, "records", "verify"),
            f"was retired by a rotation to key {new_id}")  # fmt: skip
    store = Store(load_settings(env))
    with store.session() as s:
        lines = s.scalars(select(AuditEventRow).where(AuditEventRow.step == "master key")).all()
    store.close()
    assert [e.event for e in lines] == ["master key rotation started", "master key rotated"]
    for e in lines:  # ids, never key material
        assert old.strip() not in e.detail and new.strip() not in e.detail and SUBJECT not in e.detail

    # a second rotation carries the pinned sub-keys on again
    ok(infoshare(env, "keys", "rotate-master"))
    _reads_everything(env, ref, handle_key, envelope, tmp_path)


def test_a_rotation_killed_midway_completes_when_run_again(
    every_backend: dict[str, str], tmp_path: Path
) -> None:
    """The key in INFOSHARE_MASTER_KEY (production's way); SIGKILL after a few batches."""
    home = Path(every_backend["INFOSHARE_HOME"])
    old = base64.b64encode(os.urandom(32)).decode()
    env = {**every_backend, "INFOSHARE_MASTER_KEY": old}
    ref, handle_key, envelope = _before(env, extra_requests=11)

    clean = {k: v for k, v in os.environ.items() if not k.startswith("INFOSHARE_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "infoshare", "keys", "rotate-master", "--batch-size", "2",
         "--pause", "0.5"],
        env={**clean, **env}, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("data keys: 4/"):
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    next_file = home / "keys" / "master.key.next"
    new = next_file.read_text()
    assert oct(next_file.stat().st_mode & 0o777) == "0o600"
    store = Store(load_settings(env))  # midway: the old key still opens what has not moved
    with store.session() as s:
        ids = list(s.scalars(select(RequestRow.wrapped_key_id)))
    store.close()
    assert ids.count(master_key_id(base64.b64decode(new))) == 4 and len(ids) == 12

    said = ok(infoshare(env, "keys", "rotate-master", "--batch-size", "2"))
    assert "12 sealed request(s) opened" in said
    assert f"The new master key is in {next_file}: set INFOSHARE_MASTER_KEY" in said

    # the operator puts the new key in the secret store and deletes the file
    next_file.unlink()
    after = {**env, "INFOSHARE_MASTER_KEY": new}
    _reads_everything(after, ref, handle_key, envelope, tmp_path)
    refused(infoshare(env, "records", "verify"), "was retired by a rotation")


def test_a_backup_from_before_the_rotation_restores_with_the_old_key(tmp_path: Path) -> None:
    source = {"INFOSHARE_HOME": str(tmp_path / "home")}
    ref, handle_key, envelope = _before(source)
    old = (tmp_path / "home" / "keys" / "master.key").read_text()
    ok(infoshare(source, "backup", "create", str(tmp_path / "backup")))
    ok(infoshare(source, "keys", "rotate-master"))
    new = (tmp_path / "home" / "keys" / "master.key").read_text()

    # with the new key: refused, saying why
    target = {"INFOSHARE_HOME": str(tmp_path / "restored"), "INFOSHARE_MASTER_KEY": new}
    refused(infoshare(target, "backup", "restore", str(tmp_path / "backup")),
            "does not open this backup's sealed requests", "before a master key rotation")  # fmt: skip

    # with the key it was made under: whole, and everything reads
    target = {"INFOSHARE_HOME": str(tmp_path / "restored-old"), "INFOSHARE_MASTER_KEY": old}
    assert "opened 1 sealed request(s)" in ok(
        infoshare(target, "backup", "restore", str(tmp_path / "backup"))
    )
    _reads_everything(target, ref, handle_key, envelope, tmp_path)


def test_a_wrong_new_key_file_is_refused(tmp_path: Path) -> None:
    env = {"INFOSHARE_HOME": str(tmp_path / "home")}
    Store(load_settings(env)).close()
    loose = tmp_path / "loose.key"
    loose.write_text(base64.b64encode(os.urandom(32)).decode())
    loose.chmod(0o644)
    refused(infoshare(env, "keys", "rotate-master", "--new-key-file", str(loose)), "chmod 600")
    short = tmp_path / "short.key"
    short.write_text(base64.b64encode(os.urandom(16)).decode())
    short.chmod(0o600)
    refused(infoshare(env, "keys", "rotate-master", "--new-key-file", str(short)),
            "must decode to exactly 32 bytes")  # fmt: skip
    same = tmp_path / "same.key"
    same.write_bytes((tmp_path / "home" / "keys" / "master.key").read_bytes())
    same.chmod(0o600)
    refused(infoshare(env, "keys", "rotate-master", "--new-key-file", str(same)),
            "is the current or a retired master key")  # fmt: skip
