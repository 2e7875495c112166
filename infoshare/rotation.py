"""Rotating the store's master key (``infoshare keys rotate-master``).

What is under the master key, and what a rotation does with it:

- each request's data key (``requests.wrapped_key``): unwrapped with the old key and wrapped
  with the new one, in batches; each batch is one transaction, and each row is written only if
  it still holds the bytes that were read (compare and set), so a request disposed of meanwhile
  stays disposed. ``requests.wrapped_key_id`` says which key wraps each one;
- the agency private key files protected by the master key (``infoshare.keys``): written again
  under the new key, each replaced atomically; each file says which key protects it;
- the sub-keys that must outlive a master key (``infoshare.crypto.PINNED_DERIVATIONS``: the
  subject index's key, the passkey user handle's key): carried over, wrapped under the new key
  in ``master_key_derivations``. Every other sub-key (workspace sessions, mailed codes, the
  workspace's proofs) is derived afresh from the new key, so whoever kept the old key can forge
  none of them; what that costs is said in the README.

The steps, each safe to stop at any point (SIGKILL included) and to run again:

1. the new key is written to ``keys/master.key.next`` (0600) before anything is wrapped under
   it (unless the operator gave it with ``--new-key-file`` and keeps it in ``INFOSHARE_MASTER_KEY``);
2. one transaction records the rotation (old and new key ids) with the carried-over sub-keys;
3. the data keys move in batches; a run again skips what has moved (by key id). Every item is
   wrapped under exactly one of the two keys at every moment, and the rotation holds both;
4. this machine's agency key files move;
5. the proof, with the new key alone: every sealed request opens, every record chain verifies,
   a subject access search finds a person a record names, every agency key file reads, and an
   envelope delivered before opens;
6. one transaction finishes the rotation (nothing left under the old key) and audits it: the old
   key is retired, and a process given it refuses to run;
7. on a home whose key is the file ``keys/master.key``, the new key replaces it.

Other machines with their own agency key files run the command there once the store is done:
it finds the rotation finished, moves only their files and proves the store again.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from infoshare.config import Settings
from infoshare.crypto import (
    KEY_LEN,
    PINNED_DERIVATIONS,
    DecryptionError,
    MasterKey,
    decode_master_key,
    write_secret_file,
)
from infoshare.db.engine import make_engine
from infoshare.db.revision import require_current
from infoshare.db.tables import (
    DecisionRecordRow,
    MasterKeyDerivationRow,
    MasterKeyRotationRow,
    RequestRow,
)
from infoshare.store.enquiries import is_enquiry
from infoshare.store.master_keys import Rotation, rotations, wrap_derivation
from infoshare.worktime import now_utc

if TYPE_CHECKING:
    from infoshare.store import Store

NEXT = "master.key.next"
STEP = "master key"  # the audit trail's step


class RotationError(Exception):
    """A rotation cannot go on, and what to do."""


@dataclass
class Proof:
    """What the new key was shown to open (counts and ids only)."""

    requests_opened: int = 0
    chains_verified: dict[str, int] = field(default_factory=dict)  # agency -> records
    subject_found: str | None = None  # the reference a subject access search found
    agency_keys_read: int = 0
    envelope_opened: str | None = None  # the file name of the envelope opened


@dataclass
class Rotated:
    old_key_id: str
    new_key_id: str
    data_keys_moved: int
    key_files_moved: int
    proof: Proof
    key_file: Path | None  # where the new key is
    key_file_installed: bool  # True: it replaced keys/master.key (else: INFOSHARE_MASTER_KEY's)
    store_finished_before: bool  # True: the store was done already; this machine's files only


Progress = Callable[[str], None]


def read_key_file(path: Path) -> bytes:
    """A master key from a file an operator gives: base64 of 32 bytes, readable by its owner
    only."""
    try:
        mode = path.stat().st_mode & 0o777
        text = path.read_bytes()
    except OSError as exc:
        raise RotationError(f"{path} cannot be read: {exc.strerror}") from None
    if mode & 0o077:
        raise RotationError(f"{path} has mode {mode:04o}: a key file must be 0600 (chmod 600)")
    try:
        return decode_master_key(text, str(path))
    except ValueError as exc:
        raise RotationError(str(exc)) from None


def _write_key(path: Path, key: bytes) -> None:
    fresh = path.with_suffix(".writing")
    fresh.unlink(missing_ok=True)
    write_secret_file(fresh, base64.b64encode(key))
    fresh.replace(path)


def _choose_new_key(
    settings: Settings, old: MasterKey, given: Path | None, done: list[Rotation]
) -> tuple[MasterKey, Path | None]:
    """The new key and the file it is in: the one given, the one a stopped run left in
    keys/master.key.next, or a new one written there."""
    next_file = settings.keys_dir / NEXT
    running = next((r for r in done if not r.finished), None)
    retired = next((r for r in done if r.old_key_id == old.key_id and r.finished), None)
    wanted = running.new_key_id if running else retired.new_key_id if retired else None
    if given is not None:
        new = MasterKey(read_key_file(given))
        keep: Path | None = given
    elif next_file.exists():
        new = MasterKey(read_key_file(next_file))
        keep = next_file
    else:
        if wanted is not None:
            raise RotationError(
                f"the store is being rotated to master key {wanted}, which is not here: give it "
                "with --new-key-file"
            )
        new = MasterKey(os.urandom(KEY_LEN))
        keep = next_file
    if wanted is not None and new.key_id != wanted:
        raise RotationError(
            f"the store is being rotated to master key {wanted}; the new key given is "
            f"{new.key_id}: give that key with --new-key-file (or leave keys/{NEXT} as the "
            "stopped run left it)"
        )
    if new.key_id == old.key_id or any(new.key_id == r.old_key_id for r in done):
        raise RotationError(
            f"the new key {new.key_id} is the current or a retired master key: give a new one"
        )
    if not settings.master_key_b64 and keep != next_file:
        keep = next_file  # it will replace keys/master.key
    if keep == next_file and not (next_file.exists() and read_key_file(next_file) == new.key):
        _write_key(next_file, new.key)  # before anything is wrapped under it
    return new, keep


def rotate(
    settings: Settings,
    new_key_file: Path | None = None,
    batch_size: int = 500,
    pause: float = 0.0,
    progress: Progress = lambda _line: None,
) -> Rotated:
    """Rotate the store's master key, or finish a rotation that stopped (module docstring)."""
    from infoshare.store import Store

    engine = make_engine(settings.database_url)
    try:
        require_current(engine)
        with Session(engine) as s:
            done = rotations(s)
    finally:
        engine.dispose()
    old = MasterKey.load(settings.keys_dir, settings.master_key_b64)
    new, key_file = _choose_new_key(settings, old, new_key_file, done)
    store_done = any(r.old_key_id == old.key_id and r.finished for r in done)
    running = next((r for r in done if not r.finished), None)
    if running is not None and running.old_key_id != old.key_id:
        raise RotationError(
            f"a rotation from master key {running.old_key_id} is under way, and the key given "
            f"(INFOSHARE_MASTER_KEY or keys/master.key) is {old.key_id}: give the old key until "
            "it finishes"
        )
    moved = 0
    if not store_done:
        _start(settings, old, new, running is None, progress)
    both = Store(settings, master=MasterKey(new.key, previous=old))
    try:
        if not store_done:
            moved = _move_data_keys(both, old, new, batch_size, pause, progress)
        files = both.keys.under_other_master_key()
        for i, key in enumerate(files, 1):
            both.keys.rewrap(key)
            progress(f"agency key files: {i}/{len(files)} under the new key")
    finally:
        both.close()
    alone = Store(settings, master=MasterKey(new.key))
    try:
        progress("proving the new key opens everything ...")
        proof = prove(alone)
        if not store_done:
            _finish(alone, old, new, moved)
    finally:
        alone.close()
    installed = False
    if not settings.master_key_b64 and key_file is not None and key_file.exists():
        key_file.replace(settings.keys_dir / "master.key")  # the old key is gone from here
        key_file, installed = settings.keys_dir / "master.key", True
    return Rotated(old.key_id, new.key_id, moved, len(files), proof, key_file, installed,
                   store_done)  # fmt: skip


def _start(
    settings: Settings, old: MasterKey, new: MasterKey, first: bool, progress: Progress
) -> None:
    """Record the rotation and carry the pinned sub-keys over (one transaction)."""
    from infoshare.store import Store

    store = Store(settings, master=old)  # the old key's sub-keys, as the store has them
    try:
        with store.session() as s:
            if first:
                s.add(MasterKeyRotationRow(old_key_id=old.key_id, new_key_id=new.key_id,
                                           started_at=now_utc(), finished_at=None))  # fmt: skip
                store.audit.add(s, None, STEP, None, "master key rotation started",
                                f"from key {old.key_id} to key {new.key_id}")  # fmt: skip
            have = set(
                s.scalars(
                    select(MasterKeyDerivationRow.label).where(
                        MasterKeyDerivationRow.key_id == new.key_id
                    )
                )
            )
            for label in PINNED_DERIVATIONS:
                if label not in have:
                    s.add(wrap_derivation(new, label, store.master.derive(label)))
    finally:
        store.close()
    progress(f"rotating master key {old.key_id} to {new.key_id}")


def _pending(new: MasterKey) -> tuple[ColumnElement[bool], ...]:
    """Requests whose data key is not (yet) under ``new``."""
    return (
        RequestRow.wrapped_key.is_not(None),
        or_(RequestRow.wrapped_key_id.is_(None), RequestRow.wrapped_key_id != new.key_id),
    )


def _move_data_keys(
    store: Store, old: MasterKey, new: MasterKey, batch_size: int, pause: float, progress: Progress
) -> int:
    """Wrap every data key still under the old key with the new one, a batch per transaction.
    Passes again until none is left (a process still running with the old key may add one)."""
    moved = 0
    with store.session() as s:
        total = s.scalar(select(func.count()).where(*_pending(new))) or 0
    progress(f"data keys: {total} to move, {batch_size} per transaction")
    while True:
        after, moved_this_pass = "", 0
        while True:
            with store.session() as s:
                rows = s.execute(
                    select(RequestRow.ref, RequestRow.wrapped_key)
                    .where(RequestRow.ref > after, *_pending(new))
                    .order_by(RequestRow.ref)
                    .limit(batch_size)
                ).all()
                for ref, wrapped in rows:
                    assert wrapped is not None  # selected so
                    try:
                        data_key = old.unwrap(wrapped, ref)
                    except DecryptionError:
                        raise RotationError(
                            f"the data key of {ref} does not open with the old master key "
                            f"({old.key_id}): the store was altered, or written with another key"
                        ) from None
                    written = s.execute(  # only if unchanged since read (a disposal stays)
                        update(RequestRow)
                        .where(RequestRow.ref == ref, RequestRow.wrapped_key == wrapped)
                        .values(wrapped_key=new.wrap(data_key, ref), wrapped_key_id=new.key_id)
                    )
                    moved_this_pass += int(written.rowcount)  # type: ignore[attr-defined]
            if not rows:
                break
            after = rows[-1].ref
            moved += len(rows)
            progress(f"data keys: {moved}/{max(total, moved)} under the new key")
            if pause:
                time.sleep(pause)
        if not moved_this_pass:
            return moved


def _finish(store: Store, old: MasterKey, new: MasterKey, moved: int) -> None:
    with store.session() as s:
        left = s.scalar(select(func.count()).where(*_pending(new))) or 0
        if left:
            raise RotationError(
                f"{left} data key(s) were wrapped under the old key while the rotation ran: stop "
                "every infoshare process (workers, workspace, gate) and run it again"
            )
        row = s.scalars(
            select(MasterKeyRotationRow).where(MasterKeyRotationRow.new_key_id == new.key_id)
        ).one()
        row.finished_at = now_utc()
        for gone in s.scalars(
            select(MasterKeyDerivationRow).where(MasterKeyDerivationRow.key_id == old.key_id)
        ):
            s.delete(gone)
        store.audit.add(s, None, STEP, None, "master key rotated",
                        f"key {old.key_id} retired for key {new.key_id}; every sealed request "
                        "opened with the new key, record chains verified")  # fmt: skip


def prove(store: Store) -> Proof:
    """Show that the store's key (alone) opens everything under it, as ``backup check`` does
    for a restored copy; raises ``RotationError`` naming what does not."""
    from infoshare.keys import KeyStoreError
    from infoshare.records.chain import verify

    proof = Proof()
    after = ""
    while True:  # every sealed request, a page at a time
        with store.session() as s:
            rows = s.scalars(
                select(RequestRow)
                .where(RequestRow.ref > after, RequestRow.wrapped_key.is_not(None))
                .order_by(RequestRow.ref)
                .limit(500)
            ).all()
        if not rows:
            break
        for row in rows:
            try:
                if row.sealed_request is not None:
                    what = "enquiry" if is_enquiry(row.ref) else "request"  # as sealed
                    store.sealer.unseal(row, what, row.sealed_request)
                else:
                    store.sealer.data_key(row)
            except DecryptionError:
                raise RotationError(
                    f"{row.ref} does not open with master key {store.master.key_id}"
                ) from None
        proof.requests_opened += len(rows)
        after = rows[-1].ref
    for report in verify(store):
        if not report.ok:
            assert report.problem is not None
            raise RotationError(
                f"{report.agency}'s record chain does not verify: {report.problem.message}"
            )
        proof.chains_verified[report.agency] = report.records
    proof.subject_found = _search_a_subject(store)
    for agency in sorted(p.name for p in (store.settings.keys_dir / "agencies").glob("*")):
        try:
            proof.agency_keys_read += len(store.keys.decryption_keys(agency))
            store.keys.signing_key(agency)
        except KeyStoreError as exc:
            raise RotationError(f"{agency}'s private keys cannot be read: {exc}") from None
    proof.envelope_opened = _open_an_envelope(store)
    return proof


def _search_a_subject(store: Store) -> str | None:
    """A subject access search (the blind index, then the record) for a person the newest
    readable record names finds that record; None when no record names anyone yet."""
    from infoshare.records.search import subject_search

    with store.session() as s:
        rows = s.scalars(
            select(DecisionRecordRow)
            .join(RequestRow, RequestRow.ref == DecisionRecordRow.ref)
            .where(RequestRow.wrapped_key.is_not(None))
            .where(DecisionRecordRow.sealed_personal.is_not(None))
            .order_by(DecisionRecordRow.decided_at.desc())
            .limit(20)
        ).all()
        for row in rows:
            opened = store.chain.personal_and_salts(s, row)
            people = (opened[0].get("subjects", []) if opened else []) or []
            if people and people[0].get("name"):
                person, agency, ref = people[0], row.disclosing_agency, row.ref
                break
        else:
            return None
    found = subject_search(store, str(person["name"]), person.get("date_of_birth"), agency)
    if ref not in {m["reference"] for m in found.matches}:
        raise RotationError(
            f"a subject access search with the new key does not find {ref}, whose record "
            "names the person searched: the subject index's key was not carried over"
        )
    return ref


def _open_an_envelope(store: Store) -> str | None:
    """The newest envelope delivered to an agency whose keys are here opens (signature and
    content); None when none was delivered here."""
    from infoshare.envelope import EnvelopeError, open_envelope
    from infoshare.envelope.stream import MemorySink
    from infoshare.registry.public_keys import signing_key_lookup

    found = [
        (p.stat().st_mtime, p)
        for agency in (store.settings.keys_dir / "agencies").glob("*")
        for p in store.settings.inbox_for(agency.name).glob("*.isenv")
    ]
    if not found:
        return None
    path = max(found)[1]
    try:
        with path.open("rb") as fh:
            open_envelope(fh, MemorySink(), keys=store.keys.decryption_keys(path.parent.name),
                          sender_key=signing_key_lookup(store.session), seen=None,
                          now=now_utc())  # fmt: skip
    except EnvelopeError as exc:
        raise RotationError(f"the envelope {path.name} does not open: {exc}") from None
    return path.name
