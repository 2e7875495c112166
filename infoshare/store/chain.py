"""The decision-record chain as stored: appending records to each disclosing agency's hash chain
under its head lock, reading a record and its sealed personal part, and the subject index.

Appends to one chain are serialised by locking its head row before anything is read, so
concurrent writers queue: no fork, no gap. What a record's hash covers is
``infoshare.records.canonical``; verifying, signing and cutting a chain is
``infoshare.records.chain`` and ``infoshare.records.checkpoints``.

The subject index is a blind index: keyed HMAC tags of each subject's and third party's name
(and name with date of birth), never the names, so subject access search reads only the
records about the person it looks for (``infoshare.records.search``).
"""

from __future__ import annotations

import hmac
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from infoshare.db.engine import json_text
from infoshare.db.tables import (
    AuditEventRow,
    DecisionChainRow,
    DecisionRecordRow,
    RequestRow,
    SubjectIndexRow,
)
from infoshare.records.canonical import GENESIS, ChainFields, commit_personal
from infoshare.store.errors import UnknownRequest
from infoshare.store.sealing import Keyed
from infoshare.worktime import now_utc

if TYPE_CHECKING:
    from infoshare.store import Store

SALTS = "_commitment_salts"  # key of the salts inside a record's sealed personal part


def normal_name(name: str) -> str:
    """A name as subject searches compare it: case and spacing ignored."""
    return " ".join(name.casefold().split())


class RecordChain:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._sealer = store.sealer
        self._index_key = store.master.derive("subject-index")

    # --- appending --------------------------------------------------------------------------

    def append(self, row: DecisionRecordRow, personal: dict[str, Any]) -> bool:
        """Append a decision record to its disclosing agency's hash chain; returns False (and
        changes nothing) if the request already has one.

        Fills in the chain fields (``chain_seq``, ``prev_sha256``, ``record_sha256``,
        ``personal_commitments``)."""
        return self.append_many([(row, personal)])[0]

    def append_many(self, batch: list[tuple[DecisionRecordRow, dict[str, Any]]]) -> list[bool]:
        """``append`` for many records in one transaction (one lock per chain, one commit):
        what bulk recording (the watchdog's reconciliation, imports) should use. Returns, per
        record, whether it was written (False: its request already had one)."""
        prepared = []
        for row, personal in batch:
            # Hash exactly what the JSON columns will give back.
            row.public = json.loads(json_text(row.public))
            personal = json.loads(json.dumps(personal, default=str))
            prepared.append((row, personal, *commit_personal(personal)))
        refs = [row.ref for row, *_ in prepared]
        written = [False] * len(prepared)
        with self._store.session() as s:
            heads = self.lock(s, {r.disclosing_agency for r, *_ in prepared})
            taken: set[str] = set()
            keys: dict[str, Keyed] = {}  # (ref, wrapped key): no request loaded or parsed
            for chunk in range(0, len(refs), 500):
                part = refs[chunk : chunk + 500]
                taken.update(
                    s.scalars(select(DecisionRecordRow.ref).where(DecisionRecordRow.ref.in_(part)))
                )
                keys.update(
                    (r.ref, r)
                    for r in s.execute(
                        select(RequestRow.ref, RequestRow.wrapped_key).where(
                            RequestRow.ref.in_(part)
                        )
                    )
                )
            decided, audits = [], []
            for i, (row, personal, commitments, salts) in enumerate(prepared):
                if row.ref in taken:
                    continue
                if row.ref not in keys:
                    raise UnknownRequest(row.ref)
                head = heads[row.disclosing_agency]
                row.chain_seq = head.seq + 1
                row.prev_sha256 = head.head_sha256
                row.personal_commitments = commitments
                row.record_sha256 = ChainFields.of(row).digest()
                row.sealed_personal = self._sealer.seal_json(
                    keys[row.ref], "record", {**personal, SALTS: salts}
                )
                s.add(row)
                s.add_all(self._subject_index(row, personal))
                head.seq = row.chain_seq
                head.head_sha256 = row.record_sha256
                decided.append(row.ref)
                audits.append(
                    {"at": now_utc(), "ref": row.ref, "step": "record", "actor_id": None,
                     "event": f"decision recorded: {row.decision}", "detail": ""}
                )  # fmt: skip
                taken.add(row.ref)
                written[i] = True
            for head in heads.values():
                head.updated_at = now_utc()
            if audits:
                s.execute(insert(AuditEventRow), audits)
            for chunk in range(0, len(decided), 500):
                s.execute(
                    update(RequestRow)
                    .where(RequestRow.ref.in_(decided[chunk : chunk + 500]))
                    .values(status="DECIDED")
                )
        return written

    def lock(self, s: Session, agencies: set[str]) -> dict[str, DecisionChainRow]:
        """Take these agencies' chain-head rows for this transaction (creating any new one),
        in a fixed order so that two writers never wait for each other crosswise.

        SQLite: BEGIN IMMEDIATE takes the database's write lock before the first read, so no
        head can change under us (a deferred transaction would read a stale head and fail
        to upgrade). PostgreSQL: INSERT ... ON CONFLICT DO NOTHING, then SELECT ... FOR UPDATE.
        """
        if self._store.engine.dialect.name == "sqlite":
            s.connection().exec_driver_sql("BEGIN IMMEDIATE")
        return {agency: self._lock_one(s, agency) for agency in sorted(agencies)}

    def _lock_one(self, s: Session, agency: str) -> DecisionChainRow:
        dialect = self._store.engine.dialect.name
        values = {"agency": agency, "seq": 0, "head_sha256": GENESIS, "updated_at": now_utc()}
        if dialect == "sqlite":
            s.execute(sqlite_insert(DecisionChainRow).values(values).on_conflict_do_nothing())
        elif dialect == "postgresql":
            s.execute(pg_insert(DecisionChainRow).values(values).on_conflict_do_nothing())
        elif s.get(DecisionChainRow, agency) is None:  # other backends: best effort
            s.add(DecisionChainRow(**values))
            s.flush()
        head = s.scalar(
            select(DecisionChainRow)
            .where(DecisionChainRow.agency == agency)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert head is not None
        return head

    # --- reading ----------------------------------------------------------------------------

    def record(self, ref: str) -> tuple[DecisionRecordRow, dict[str, Any]] | None:
        """The record and its personal part (without the commitment salts)."""
        with self._store.session() as s:
            row = s.scalar(select(DecisionRecordRow).where(DecisionRecordRow.ref == ref))
            if row is None:
                return None
            req_row = s.get(RequestRow, ref)
            if req_row is None:
                raise UnknownRequest(ref)
            personal = self._sealer.unseal_json(req_row, "record", row.sealed_personal)
            personal.pop(SALTS, None)
            return row, personal

    def personal_and_salts(
        self, s: Session, row: DecisionRecordRow
    ) -> tuple[dict[str, Any], dict[str, str]] | None:
        """(personal part, commitment salts) of a record, or None once disposed."""
        req_row = s.get(RequestRow, row.ref)
        if req_row is None or req_row.wrapped_key is None or row.sealed_personal is None:
            return None
        personal = self._sealer.unseal_json(req_row, "record", row.sealed_personal)
        salts = personal.pop(SALTS, {})
        return personal, salts

    # --- the subject index ------------------------------------------------------------------

    def subject_tags(self, name: str, dob: str | None = None) -> tuple[str, str | None]:
        """Blind-index tags of a person: (name tag, name + date of birth tag)."""
        key = self._index_key
        name_tag = hmac.new(key, normal_name(name).encode(), "sha256").hexdigest()
        if not dob:
            return name_tag, None
        both = f"{normal_name(name)}\x00{dob}".encode()
        return name_tag, hmac.new(key, both, "sha256").hexdigest()

    def _subject_index(
        self, row: DecisionRecordRow, personal: dict[str, Any]
    ) -> list[SubjectIndexRow]:
        people = [*personal.get("subjects", []), *personal.get("third_parties", [])]
        tags = {
            self.subject_tags(str(p.get("name") or ""), p.get("date_of_birth"))
            for p in people
            if p.get("name")
        }
        return [
            SubjectIndexRow(
                ref=row.ref,
                disclosing_agency=row.disclosing_agency,
                requesting_agency=row.requesting_agency,
                name_tag=name_tag,
                name_dob_tag=dob_tag,
            )
            for name_tag, dob_tag in sorted(tags, key=str)
        ]

    def reindex_subjects(self) -> int:
        """Add blind-index rows for records that have none (written before the index existed);
        returns how many records were indexed. Safe to run again."""
        indexed = 0
        with self._store.session() as s:
            rows = s.scalars(
                select(DecisionRecordRow).where(
                    DecisionRecordRow.sealed_personal.is_not(None),
                    DecisionRecordRow.ref.not_in(select(SubjectIndexRow.ref)),
                )
            )
            for row in rows:
                opened = self.personal_and_salts(s, row)
                if opened is not None and (entries := self._subject_index(row, opened[0])):
                    s.add_all(entries)
                    indexed += 1
        return indexed
