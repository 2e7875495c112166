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

import pytest
from conftest import example
from sqlalchemy import select
from test_backup import infoshare, ok, refused
from workspace_support import SUBJECT, delivered, new_request

from infoshare import backup
from infoshare.config import load_settings
from infoshare.crypto import master_key_id
from infoshare.db.tables import AuditEventRow, RequestRow
from infoshare.envelope import open_envelope
from infoshare.envelope.stream import MemorySink
from infoshare.models import Enquiry
from infoshare.records.chain import verify
from infoshare.records.search import subject_search
from infoshare.registry.public_keys import signing_key_lookup
from infoshare.rotation import RotationError, rotate
from infoshare.setup import initialise
from infoshare.store import Store
from infoshare.store.master_keys import RetiredMasterKey
from infoshare.worktime import now_utc

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
    # and an enquiry (sealed as one): rows and sealed requests count it too
    store.enquiries.register(Enquiry.model_validate(example("scenario2-enquiry.json")), None)
    with store.session() as s:  # requests and enquiries alike say which key wraps them
        assert set(s.scalars(select(RequestRow.wrapped_key_id))) == {store.master.key_id}
    handle_key = store.master.derive(HANDLE)
    envelope = next(store.settings.inbox_for("northshire-mash").glob("*"))
    store.close()
    return ref, handle_key, envelope


def _reads_everything(env: dict[str, str], ref: str, handle_key: bytes, envelope: Path) -> None:
    """In this process (a command's start-up costs seconds): chains, the sealed request and
    record, subject access search, the envelope delivered before, the passkey user handle."""
    store = Store(load_settings(env))
    try:
        assert all(r.ok for r in verify(store)) and verify(store)
        assert store.requests.request(ref).subjects  # the sealed request opens
        found = subject_search(store, SUBJECT, None, "northshire-hospitals")
        assert ref in {m["reference"] for m in found.matches}
        sink = MemorySink()
        with envelope.open("rb") as fh:
            open_envelope(fh, sink, keys=store.keys.decryption_keys("northshire-mash"),
                          sender_key=signing_key_lookup(store.session), seen=None,
                          now=now_utc())  # fmt: skip
        assert ITEM.encode() in b"".join(sink.contents.values())
        assert store.master.derive(HANDLE) == handle_key  # passkeys keep their user handle
        with store.session() as s:
            ids = set(s.scalars(select(RequestRow.wrapped_key_id)))
            assert ids == {store.master.key_id}
    finally:
        store.close()


def test_a_rotated_store_reads_everything_and_refuses_the_old_key(
    every_backend: dict[str, str], restore_target: dict[str, str], tmp_path: Path
) -> None:
    env = every_backend
    ref, handle_key, envelope = _before(env)
    key_file = Path(env["INFOSHARE_HOME"]) / "keys" / "master.key"
    old = key_file.read_text()
    backup.create(load_settings(env), tmp_path / "backup")

    said = ok(infoshare(env, "keys", "rotate-master"))
    new = key_file.read_text()
    assert new != old and oct(key_file.stat().st_mode & 0o777) == "0o600"
    new_id, old_id = (master_key_id(base64.b64decode(k)) for k in (new, old))
    assert f"master key {old_id} retired; master key {new_id} is current" in said
    assert "2 sealed request(s) opened" in said and "northshire-hospitals 1" in said
    assert f"subject access search found {ref}" in said and f"envelope {envelope.name}" in said
    assert f"The new master key is now {key_file}" in said and "destroy it" in said
    assert not (key_file.parent / "master.key.next").exists()

    _reads_everything(env, ref, handle_key, envelope)

    # the old key is refused by every process given it, with the reason
    with pytest.raises(RetiredMasterKey, match=f"was retired by a rotation to key {new_id}"):
        Store(load_settings({**env, "INFOSHARE_MASTER_KEY": old}))
    store = Store(load_settings(env))
    with store.session() as s:
        lines = s.scalars(select(AuditEventRow).where(AuditEventRow.step == "master key")).all()
    store.close()
    assert [e.event for e in lines] == ["master key rotation started", "master key rotated"]
    for e in lines:  # ids, never key material nor personal data
        assert old.strip() not in e.detail and new.strip() not in e.detail
        assert SUBJECT not in e.detail

    # a backup made before the rotation restores with the key it was made under ...
    target = {**restore_target, "INFOSHARE_MASTER_KEY": old}
    assert "opened 2 sealed request(s)" in ok(
        infoshare(target, "backup", "restore", str(tmp_path / "backup"))
    )
    _reads_everything(target, ref, handle_key, envelope)
    # ... and the new key is refused there, saying why
    refused(infoshare({**target, "INFOSHARE_MASTER_KEY": new}, "backup", "check",
                      str(tmp_path / "backup")),
            "does not open this backup's sealed requests", "before a master key rotation")  # fmt: skip

    # a second rotation carries the pinned sub-keys on again
    assert rotate(load_settings(env)).old_key_id == new_id
    _reads_everything(env, ref, handle_key, envelope)


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
    assert ids.count(master_key_id(base64.b64decode(new))) == 4 and len(ids) == 13

    said = ok(infoshare(env, "keys", "rotate-master", "--batch-size", "2"))
    assert "13 sealed request(s) opened" in said
    assert f"The new master key is in {next_file}: set INFOSHARE_MASTER_KEY" in said

    # the operator puts the new key in the secret store and deletes the file
    next_file.unlink()
    after = {**env, "INFOSHARE_MASTER_KEY": new}
    _reads_everything(after, ref, handle_key, envelope)
    refused(infoshare(env, "records", "verify"), "was retired by a rotation")


def test_a_wrong_new_key_file_is_refused(tmp_path: Path) -> None:
    env = {"INFOSHARE_HOME": str(tmp_path / "home")}
    Store(load_settings(env)).close()
    loose = tmp_path / "loose.key"
    loose.write_text(base64.b64encode(os.urandom(32)).decode())
    loose.chmod(0o644)
    with pytest.raises(RotationError, match="chmod 600"):
        rotate(load_settings(env), loose)
    short = tmp_path / "short.key"
    short.write_text(base64.b64encode(os.urandom(16)).decode())
    short.chmod(0o600)
    with pytest.raises(RotationError, match="must decode to exactly 32 bytes"):
        rotate(load_settings(env), short)
    same = tmp_path / "same.key"
    same.write_bytes((tmp_path / "home" / "keys" / "master.key").read_bytes())
    same.chmod(0o600)
    with pytest.raises(RotationError, match="is the current or a retired master key"):
        rotate(load_settings(env), same)
