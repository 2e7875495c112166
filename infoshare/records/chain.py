"""Verifying a decision-record chain: every link, every record's hash, every stored or exported
checkpoint's signature, and the signed floor where records were deleted under retention.

The canonical form and the hashing are ``infoshare.records.canonical`` (and
docs/records-canonical-form.md); appending is ``infoshare.store.chain``; signing checkpoints
and deleting a prefix behind a floor is ``infoshare.records.checkpoints``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from infoshare.db.tables import (
    AgencyKeyRow,
    AgencyRow,
    DecisionChainFloorRow,
    DecisionChainRow,
    DecisionCheckpointRow,
    DecisionRecordRow,
)
from infoshare.keys import SIGNING
from infoshare.records.canonical import (
    GENESIS,
    CanonicalFormError,
    ChainFields,
    Checkpoint,
    Floor,
    stored_digest,
)
from infoshare.store import Store


class ChainError(Exception):
    """A checkpoint could not be made (unknown agency, empty chain, chain does not verify)."""


class UnknownAgency(ChainError):
    def __init__(self, agency: str) -> None:
        super().__init__(f"unknown agency {agency!r} (not in the registry)")
        self.agency = agency


@dataclass(frozen=True)
class Problem:
    """The first thing wrong with a chain: where (seq, ref) and what."""

    seq: int | None
    ref: str | None
    message: str


@dataclass
class ChainReport:
    agency: str
    records: int = 0
    head_seq: int = 0
    head_sha256: str = GENESIS
    checkpoints: int = 0  # signatures checked and matched
    external_checkpoints: int = 0
    floor_seq: int = 0  # records 1..floor_seq were deleted under retention (0: none)
    problem: Problem | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "agency": self.agency,
            "ok": self.ok,
            "records": self.records,
            "head_seq": self.head_seq,
            "head_sha256": self.head_sha256,
            "checkpoints_checked": self.checkpoints,
            "external_checkpoints_checked": self.external_checkpoints,
            "floor_seq": self.floor_seq,
            "first_problem": None if self.problem is None else self.problem.__dict__,
            "notes": self.notes,
        }


def checkpoint_of(r: DecisionCheckpointRow) -> Checkpoint:
    return Checkpoint(
        r.agency, r.seq, r.head_sha256, r.signed_at, r.key_id, bytes.fromhex(r.signature)
    )


def signing_keys(s: Session, agency: str) -> dict[str, bytes]:
    rows = s.scalars(
        select(AgencyKeyRow).where(AgencyKeyRow.agency_id == agency, AgencyKeyRow.kind == SIGNING)
    )
    return {r.key_id: r.public_raw for r in rows}


def check_agency(s: Session, agency: str) -> None:
    if s.get(AgencyRow, agency) is None:
        raise UnknownAgency(agency)


def floor_row(s: Session, agency: str) -> DecisionChainFloorRow | None:
    """The agency's current chain floor (its highest), or None when no record was deleted."""
    return s.scalar(
        select(DecisionChainFloorRow)
        .where(DecisionChainFloorRow.agency == agency)
        .order_by(DecisionChainFloorRow.seq.desc())
        .limit(1)
    )


def _floor_problem(s: Session, r: DecisionChainFloorRow, keys: dict[str, bytes]) -> str | None:
    """What is wrong with a chain floor: its own signature, or the checkpoint it stands on
    (None when both verify under the agency's registered keys and agree with it)."""
    try:
        floor = Floor(r.agency, r.seq, r.head_sha256, r.at, r.key_id, bytes.fromhex(r.signature))
    except ValueError:
        floor = None
    if floor is None or not floor.verify(keys.get(r.key_id, b"")):
        return (
            f"the chain floor at #{r.seq} has no valid signature by {r.agency}: "
            "it was forged or altered"
        )
    cp_row = s.get(DecisionCheckpointRow, r.checkpoint_id)
    if cp_row is None or (cp_row.agency, cp_row.seq, cp_row.head_sha256) != (
        r.agency,
        r.seq,
        r.head_sha256,
    ):
        return f"the chain floor at #{r.seq} does not match the checkpoint it stands on"
    cp = checkpoint_of(cp_row)
    if not cp.verify(keys.get(cp.key_id, b"")):
        return f"the checkpoint under the chain floor at #{r.seq} has no valid signature"
    return None


def chain_agencies(store: Store) -> list[str]:
    """Every agency with a chain, records or checkpoints in the store."""
    with store.session() as s:
        found = set(s.scalars(select(DecisionChainRow.agency)))
        found |= set(s.scalars(select(DecisionRecordRow.disclosing_agency).distinct()))
        found |= set(s.scalars(select(DecisionCheckpointRow.agency).distinct()))
        found |= set(s.scalars(select(DecisionChainFloorRow.agency).distinct()))
    return sorted(found)


def walk(
    s: Session,
    report: ChainReport,
    *,
    from_seq: int = 1,
    from_prev: str = GENESIS,
    to_seq: int | None = None,
    checkpoints: dict[int, list[tuple[Checkpoint, bool]]] | None = None,
    keys: dict[str, bytes] | None = None,
) -> None:
    """Check records ``from_seq``..``to_seq`` of one chain in order; stop at the first problem.

    ``checkpoints`` maps seq to (checkpoint, came from a file); each is checked when the walk
    reaches its seq, so the problem reported is always the earliest in the chain."""
    checkpoints = checkpoints or {}
    keys = keys or {}
    query = (
        _stored_text_query(s)
        .where(
            DecisionRecordRow.disclosing_agency == report.agency,
            DecisionRecordRow.chain_seq >= from_seq,
        )
        .order_by(DecisionRecordRow.chain_seq)
        .execution_options(yield_per=5000)
    )
    if to_seq is not None:
        query = query.where(DecisionRecordRow.chain_seq <= to_seq)
    expected, prev = from_seq, from_prev
    for row in s.execute(query):
        if row.chain_seq != expected:
            report.problem = Problem(
                row.chain_seq,
                row.ref,
                f"record #{row.chain_seq} ({row.ref}) follows #{expected - 1}: "
                f"record #{expected} is missing (deleted or renumbered)",
            )
            return
        if row.prev_sha256 != prev:
            report.problem = Problem(
                row.chain_seq,
                row.ref,
                f"record #{row.chain_seq} ({row.ref}) does not link to record #{expected - 1}: "
                "a record before it was inserted, removed, changed or reordered",
            )
            return
        if not _hash_matches(s, row):
            report.problem = Problem(
                row.chain_seq,
                row.ref,
                f"record #{row.chain_seq} ({row.ref}) does not match its hash: it was modified",
            )
            return
        for cp, external in checkpoints.get(row.chain_seq, []):
            where = "checkpoint file" if external else "stored checkpoint"
            public = cp.public_key if external else keys.get(cp.key_id)
            if external and cp.key_id not in keys:
                msg = f"the {where} for #{cp.seq} is signed by key {cp.key_id}, not registered"
                report.problem = Problem(row.chain_seq, row.ref, msg + f" for {report.agency}")
                return
            if public is None or not cp.verify(public):
                msg = f"the {where} for #{cp.seq} has no valid signature by {report.agency}"
                report.problem = Problem(row.chain_seq, row.ref, msg)
                return
            if cp.head != row.record_sha256:
                report.problem = Problem(
                    row.chain_seq,
                    row.ref,
                    f"record #{row.chain_seq} ({row.ref}) differs from the {where} signed "
                    f"{cp.signed_at:%Y-%m-%d %H:%M} UTC: the chain was rewritten",
                )
                return
            if external:
                report.external_checkpoints += 1
            else:
                report.checkpoints += 1
        prev = row.record_sha256
        expected += 1
        report.records += 1
    report.head_seq, report.head_sha256 = expected - 1, prev


# Verification reads the stored text of each record (no JSON parsing, no ORM objects, never the
# ciphertext) and hashes it as stored: the store writes JSON columns in canonical form, and the
# database formats times as the canonical strings.
def _stored_text_query(s: Session) -> Select[Any]:
    c = DecisionRecordRow.__table__.c
    if s.get_bind().dialect.name == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC)
        times = [func.replace(c[t], " ", "T").concat("Z") for t in _TIMES]
        texts: list[ColumnElement[str]] = [type_coerce(c[j], Text()) for j in _JSON]
    else:
        utc = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
        times = [func.to_char(func.timezone("UTC", c[t]), utc) for t in _TIMES]
        texts = [cast(c[j], Text()) for j in _JSON]
    return select(
        c.id, c.chain_seq, c.ref, c.prev_sha256, c.record_sha256, c.disclosing_agency,
        c.requesting_agency, c.decision, c.urgency, c.envelope_id, c.envelope_sha256,
        *times, *texts,
    )  # fmt: skip


_TIMES = ("recorded_at", "decided_at", "due_at")
_JSON = ("public", "personal_commitments")


def _hash_matches(s: Session, row: Sequence[Any]) -> bool:
    (id_, seq, ref, prev, record_sha256, agency, requesting, decision, urgency, envelope_id,
     envelope_sha256, recorded_at, decided_at, due_at, public, commitments) = row  # fmt: skip
    fast = stored_digest(
        agency=agency,
        seq=seq,
        prev=prev,
        ref=ref,
        recorded_at=recorded_at,
        decided_at=decided_at,
        due_at=due_at,
        decision=decision,
        requesting_agency=requesting,
        urgency=urgency,
        envelope_id=envelope_id,
        envelope_sha256=envelope_sha256,
        public_json=public,
        commitments_json=commitments,
    )
    if fast == record_sha256:
        return True
    # Not stored in canonical form (an older version's record) or modified: parse, recompute.
    try:
        return ChainFields.of(s.get_one(DecisionRecordRow, id_)).digest() == record_sha256
    except (TypeError, ValueError, CanonicalFormError):
        return False


def verify_chain(
    store: Store, agency: str, external: list[Checkpoint] | None = None
) -> ChainReport:
    """Check every link, hash and checkpoint signature of one agency's chain.

    Once records were deleted under retention the chain starts after its floor: the floor's
    signature and the checkpoint it stands on must verify, and record floor + 1 must link to
    the floor's head. Stored checkpoints below the floor are kept but not checked (what they
    signed is gone); a checkpoint file below it is noted, one at it must match the floor."""
    report = ChainReport(agency)
    with store.session() as s:
        keys = signing_keys(s, agency)
        floor = floor_row(s, agency)
        start, prev = 1, GENESIS
        if floor is not None:
            wrong = _floor_problem(s, floor, keys)
            if wrong is not None:
                report.problem = Problem(floor.seq, None, wrong)
                return report
            report.floor_seq, start, prev = floor.seq, floor.seq + 1, floor.head_sha256
        checkpoints: dict[int, list[tuple[Checkpoint, bool]]] = {}
        for r in s.scalars(
            select(DecisionCheckpointRow).where(
                DecisionCheckpointRow.agency == agency, DecisionCheckpointRow.seq >= start
            )
        ):
            checkpoints.setdefault(r.seq, []).append((checkpoint_of(r), False))
        for cp in external or []:
            if cp.seq >= start:
                checkpoints.setdefault(cp.seq, []).append((cp, True))
            elif cp.seq < report.floor_seq:
                report.notes.append(
                    f"the checkpoint file for #{cp.seq} is below the floor: records up to "
                    f"#{report.floor_seq} were deleted under retention, it cannot be checked"
                )
            elif cp.key_id not in keys or not cp.verify(keys[cp.key_id]):
                msg = f"the checkpoint file for #{cp.seq} has no valid signature by {agency}"
                report.problem = Problem(cp.seq, None, msg)
                return report
            elif cp.head != prev:
                report.problem = Problem(
                    cp.seq,
                    None,
                    f"the chain floor at #{cp.seq} differs from the checkpoint file signed "
                    f"{cp.signed_at:%Y-%m-%d %H:%M} UTC: the chain was rewritten",
                )
                return report
            else:
                report.external_checkpoints += 1
        walk(s, report, from_seq=start, from_prev=prev, checkpoints=checkpoints, keys=keys)
        if report.problem:
            return report
        last = report.head_seq
        beyond = [cp for seq, cps in checkpoints.items() if seq > last for cp, _ in cps]
        if beyond:
            far = max(cp.seq for cp in beyond)
            report.problem = Problem(
                None,
                None,
                f"a checkpoint was signed at record #{far} but the chain ends at #{last}: "
                "records were deleted",
            )
            return report
        head = s.get(DecisionChainRow, agency)
        if last > 0 and not keys:
            report.problem = Problem(
                None,
                None,
                f"unsigned chain: {agency} has no signing key in the registry, so no checkpoint "
                "can ever prove these records were not rewritten",
            )
        elif head is None and last > 0:
            report.problem = Problem(None, None, "the chain's head row is missing")
        elif head is not None and (head.seq, head.head_sha256) != (last, report.head_sha256):
            report.problem = Problem(
                None,
                None,
                f"the chain head says #{head.seq} but the last record is #{last}: "
                "records at the end were deleted or the head was altered",
            )
    return report


def verify(
    store: Store, agency: str | None = None, checkpoint: Checkpoint | None = None
) -> list[ChainReport]:
    """Verify one agency's chain, or every chain in the store."""
    if checkpoint is not None:
        if agency is not None and agency != checkpoint.agency:
            raise ChainError(f"the checkpoint file is for {checkpoint.agency}, not {agency}")
        agency = checkpoint.agency
    if agency is not None:
        with store.session() as s:
            check_agency(s, agency)
        return [verify_chain(store, agency, [checkpoint] if checkpoint else None)]
    return [verify_chain(store, a) for a in chain_agencies(store)]
