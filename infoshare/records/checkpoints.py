"""Signing a decision-record chain: checkpoints every N records and at least daily (only over
a chain that verifies), and deleting a chain's oldest records under the record retention rule
behind a signed floor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from infoshare.db.tables import (
    DecisionChainFloorRow,
    DecisionChainRow,
    DecisionCheckpointRow,
    DecisionRecordRow,
)
from infoshare.keys import KeyStoreError
from infoshare.records.canonical import Checkpoint, Floor, sign_checkpoint, sign_floor
from infoshare.records.chain import (
    ChainError,
    ChainReport,
    chain_agencies,
    check_agency,
    checkpoint_of,
    floor_row,
    signing_keys,
    verify_chain,
    walk,
)
from infoshare.store import Store
from infoshare.worktime import now_utc


def checkpoint(store: Store, agency: str, seq: int | None = None) -> Checkpoint:
    """Sign the agency's chain head (or its record ``seq``) and keep the checkpoint.

    Only signs what verifies: the records since the last checkpoint are checked first, so a
    checkpoint never blesses a chain that was already tampered with. Raises ``ChainError``, or
    ``KeyNotFound`` when this machine does not hold the agency's signing key."""
    with store.session() as s:
        check_agency(s, agency)
        head = s.get(DecisionChainRow, agency)
        top = head.seq if head else 0
        seq = top if seq is None else seq
        floor = floor_row(s, agency)
        bottom = floor.seq if floor else 1
        if seq < bottom or seq > top:
            raise ChainError(
                f"{agency} has no decision records yet"
                if top == 0
                else f"{agency}'s chain has records #{bottom} to #{top}, not #{seq}"
                + (" (the records before were deleted under retention)" if floor else "")
            )
        existing = s.scalar(
            select(DecisionCheckpointRow).where(
                DecisionCheckpointRow.agency == agency, DecisionCheckpointRow.seq == seq
            )
        )
        keys = signing_keys(s, agency)
        if existing is not None:
            cp = checkpoint_of(existing)
            return replace(cp, public_key=keys.get(cp.key_id))
        last = s.scalar(
            select(DecisionCheckpointRow)
            .where(DecisionCheckpointRow.agency == agency, DecisionCheckpointRow.seq < seq)
            .order_by(DecisionCheckpointRow.seq.desc())
            .limit(1)
        )
        report = ChainReport(agency)
        if last is None:
            walk(s, report, to_seq=seq)
        else:
            prior = checkpoint_of(last)
            if not prior.verify(keys.get(prior.key_id, b"")):
                raise ChainError(f"the stored checkpoint at #{prior.seq} does not verify")
            walk(s, report, from_seq=prior.seq + 1, from_prev=prior.head, to_seq=seq)
        if report.problem is not None:
            raise ChainError(f"not signing {agency}'s chain: {report.problem.message}")
        if report.head_seq != seq:
            raise ChainError(f"not signing {agency}'s chain: it ends at #{report.head_seq}")
        head_sha = report.head_sha256
    key = store.keys.signing_key(agency)
    cp = sign_checkpoint(key, agency, seq, head_sha, now_utc())
    try:
        with store.session() as s:
            s.add(
                DecisionCheckpointRow(
                    agency=agency,
                    seq=seq,
                    head_sha256=head_sha,
                    signed_at=cp.signed_at,
                    key_id=cp.key_id,
                    signature=cp.signature.hex(),
                )
            )
            store.audit.add(s, None, "checkpoint", None, f"chain of {agency} signed at #{seq}")
    except IntegrityError:  # another process signed the same record first: use theirs
        return checkpoint(store, agency, seq)
    return cp


@dataclass(frozen=True)
class PrefixDeleted:
    """Records ``first``..``floor.seq`` of one chain deleted, and the floor that replaced them."""

    floor: Floor
    first: int
    refs: list[str]
    checkpoint: Checkpoint


def delete_prefix(store: Store, agency: str, seq: int) -> PrefixDeleted:
    """Delete the agency's records up to ``seq`` (a prefix of its chain), keeping the proof of
    the rest: the whole chain is verified first (no deleting evidence of tampering), the head
    at ``seq`` is signed (``checkpoint``), then one transaction, under the chain's lock, records
    the floor at ``seq`` signed with the agency's key and deletes the records, which the record
    triggers then allow. Which records are due is the caller's rule (``infoshare.retention``).

    Raises ``ChainError`` (chain does not verify, nothing to delete) or ``KeyNotFound``."""
    report = verify_chain(store, agency)
    if report.problem is not None:
        raise ChainError(f"not deleting {agency}'s records: {report.problem.message}")
    if seq <= report.floor_seq:
        raise ChainError(f"{agency}'s records up to #{report.floor_seq} are already deleted")
    cp = checkpoint(store, agency, seq)
    key = store.keys.signing_key(agency)
    with store.session() as s:
        store.chain.lock(s, {agency})
        below = floor_row(s, agency)
        first = below.seq + 1 if below else 1
        if first > seq:
            raise ChainError(f"{agency}'s records up to #{seq} were deleted meanwhile")
        cp_id = s.scalar(
            select(DecisionCheckpointRow.id).where(
                DecisionCheckpointRow.agency == agency,
                DecisionCheckpointRow.seq == seq,
                DecisionCheckpointRow.head_sha256 == cp.head,
            )
        )
        if cp_id is None:
            raise ChainError(f"the checkpoint at #{seq} of {agency} is not stored")
        floor = sign_floor(key, agency, seq, cp.head, now_utc())
        s.add(
            DecisionChainFloorRow(
                agency=agency,
                seq=seq,
                head_sha256=cp.head,
                checkpoint_id=cp_id,
                at=floor.at,
                key_id=floor.key_id,
                signature=floor.signature.hex(),
            )
        )
        s.flush()  # the floor first: the record triggers allow deletion only below it
        in_prefix = (DecisionRecordRow.disclosing_agency == agency) & (
            DecisionRecordRow.chain_seq <= seq
        )
        refs = list(
            s.scalars(
                select(DecisionRecordRow.ref).where(in_prefix).order_by(DecisionRecordRow.chain_seq)
            )
        )
        s.execute(delete(DecisionRecordRow).where(in_prefix))
        for ref in refs:
            store.audit.add(
                s, ref, "retention", None, "decision record deleted", f"{agency} floor #{seq}"
            )
        store.audit.add(
            s,
            None,
            "retention",
            None,
            "records deleted",
            f"{agency}: records #{first} to #{seq} ({len(refs)}) deleted under the record "
            f"retention rule; chain floor at #{seq}, head {cp.head}, signed checkpoint "
            f"{cp.key_id}",
        )
    return PrefixDeleted(floor, first, refs, cp)


def auto_checkpoint(store: Store, agency: str, seq: int) -> None:
    """The every-N checkpoint after an append. The record is already safe, so a checkpoint
    that cannot be made here is noted in the audit trail, never raised."""
    try:
        checkpoint(store, agency, seq)
    except KeyStoreError as exc:  # no key file here, or no passphrase for it
        store.audit.write(None, "checkpoint", None, "checkpoint skipped", f"{agency}: {exc}")
    except ChainError as exc:
        store.audit.write(None, "checkpoint", None, "checkpoint refused", str(exc))


CHECKPOINT_AT_LEAST_EVERY = timedelta(days=1)


def due_checkpoints(store: Store, now: datetime) -> list[str]:
    """Sign each chain whose newest record is unsigned and whose last checkpoint is a day old
    (or that has none): checkpoints come every N records *and* at least daily. Called by the
    watchdog; returns the agencies signed."""
    signed = []
    for agency in chain_agencies(store):
        with store.session() as s:
            head = s.get(DecisionChainRow, agency)
            last = s.scalar(
                select(DecisionCheckpointRow)
                .where(DecisionCheckpointRow.agency == agency)
                .order_by(DecisionCheckpointRow.seq.desc())
                .limit(1)
            )
        if head is None or head.seq == 0 or (last is not None and last.seq >= head.seq):
            continue
        if last is not None and now - last.signed_at < CHECKPOINT_AT_LEAST_EVERY:
            continue
        auto_checkpoint(store, agency, head.seq)
        signed.append(agency)
    return signed
