"""infoshare's own store: the source of truth for a request's content and progress.

A request's personal data is sealed under its own data key (see ``crypto``); the rest is plain
columns for reporting. Steps are recorded as they complete so a resumed Prefect run never does
a completed step again. Decision records are append-only.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Row, delete, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from infoshare import registry
from infoshare.chain import GENESIS, ChainFields, commit_personal
from infoshare.config import Settings, load_settings
from infoshare.crypto import MasterKey, seal, sha256_hex, unseal
from infoshare.db import (
    AuditEventRow,
    DecisionChainRow,
    DecisionRecordRow,
    ItemContentRow,
    OneTimeCodeRow,
    RequestRow,
    StepRow,
    SubjectIndexRow,
    create_schema,
    json_text,
    make_engine,
    upgrade_schema,
)
from infoshare.keys import AgencyKeyStore
from infoshare.models import PERSONAL_FIELDS, ShareRequest


class UnknownRequest(LookupError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"no request with reference {ref!r}")
        self.ref = ref


class PersonalDataDisposed(UnknownRequest):
    """The request's personal data was disposed of under the retention rules (its data key is
    gone); its decision record remains."""

    def __init__(self, ref: str) -> None:
        LookupError.__init__(
            self,
            f"the personal data of {ref} was disposed of under the retention rules; "
            f"its decision record remains (infoshare records show {ref})",
        )
        self.ref = ref


def now_utc() -> datetime:
    return datetime.now(UTC)


def new_reference(at: datetime) -> str:
    """Human-quotable, unguessable, unique without a shared counter: ISR-20261126-7KQ3XM9P."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"ISR-{at:%Y%m%d}-" + "".join(secrets.choice(alphabet) for _ in range(8))


def public_view(req: ShareRequest) -> dict[str, Any]:
    """The request without its personal fields: safe for reports, Prefect and notifications."""
    data = req.model_dump(mode="json", exclude=set(PERSONAL_FIELDS))
    for item in data["items"]:
        item.pop("necessity", None)
    data["subject_count"] = len(req.subjects)
    data["third_party_count"] = len(req.third_parties)
    data["item_ids"] = req.item_ids()
    return data


def redacted_parameters(req: ShareRequest, ref: str) -> dict[str, Any]:
    """What stays in Prefect's copy of the run parameters: a valid request in which every field
    of ``PERSONAL_FIELDS`` (and each item's necessity) is emptied or replaced by a pointer."""
    placeholder = f"held in infoshare as {ref}"
    data = req.model_dump(mode="json")
    for name in PERSONAL_FIELDS:
        data[name] = [] if isinstance(data[name], list) else placeholder
    for item in data["items"]:
        item["necessity"] = placeholder
    return {"request": data}


@dataclass(frozen=True)
class RequestMeta:
    ref: str
    flow_run_id: str | None
    received_at: datetime
    requesting_agency: str
    disclosing_agency: str
    requester_id: str
    urgency: str
    due_at: datetime | None
    status: str
    public: dict[str, Any]


@dataclass(frozen=True)
class StepState:
    status: str
    attempts: int
    actor_id: str | None
    public: dict[str, Any]
    private: dict[str, Any]


DONE = "DONE"
WAITING = "WAITING"


class _Keyed(Protocol):
    """What sealing needs of a request: its reference and its wrapped data key."""

    @property
    def ref(self) -> str: ...

    @property
    def wrapped_key(self) -> bytes | None: ...


class Store:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.engine = make_engine(self.settings.database_url)
        if not inspect(self.engine).has_table("decision_records"):
            create_schema(self.engine)
        else:
            upgrade_schema(self.engine)  # a store made by an earlier version
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.master = MasterKey.load(self.settings.keys_dir, self.settings.master_key_b64)
        self.keys = AgencyKeyStore(
            self.settings.keys_dir, self.master, self.settings.key_passphrase
        )
        self._index_key = self.master.derive("subject-index")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as s:
            yield s

    def partnership(self) -> registry.Partnership:
        with self.session() as s:
            return registry.load_partnership(s)

    # --- sealing ----------------------------------------------------------------------------

    def _data_key(self, row: _Keyed) -> bytes:
        """The request's data key, from a request row (or any row with ``ref, wrapped_key``)."""
        if row.wrapped_key is None:
            raise PersonalDataDisposed(row.ref)
        return self.master.unwrap(row.wrapped_key, row.ref)

    def _seal_json(self, row: _Keyed, what: str, obj: Any) -> bytes:
        ctx = f"{row.ref}:{what}".encode()
        return seal(self._data_key(row), json.dumps(obj, default=str).encode(), ctx)

    def _unseal_json(self, row: RequestRow, what: str, blob: bytes | None) -> Any:
        if blob is None:
            return {}
        return json.loads(unseal(self._data_key(row), blob, f"{row.ref}:{what}".encode()))

    def _row(self, s: Session, ref: str) -> RequestRow:
        row = s.get(RequestRow, ref)
        if row is None:
            raise UnknownRequest(ref)
        return row

    # --- requests ---------------------------------------------------------------------------

    def register_request(
        self, req: ShareRequest, flow_run_id: str | None, received_at: datetime | None = None
    ) -> str:
        """Store a new request (personal fields sealed); idempotent per flow run."""
        if flow_run_id is not None:
            existing = self.ref_for_run(flow_run_id)
            if existing:
                return existing
        at = received_at or now_utc()
        ref = new_reference(at)
        data_key, wrapped = self.master.new_data_key(ref)
        row = RequestRow(
            ref=ref,
            flow_run_id=flow_run_id,
            received_at=at,
            requesting_agency=req.requesting_agency,
            disclosing_agency=req.disclosing_agency,
            requester_id=req.requester_id,
            urgency=req.urgency.value,
            due_at=None,
            status="RECEIVED",
            public=public_view(req),
            wrapped_key=wrapped,
            sealed_request=seal(
                data_key, req.model_dump_json().encode(), f"{ref}:request".encode()
            ),
        )
        try:
            with self.session() as s:
                s.add(row)
                self._audit(s, ref, "intake", req.requester_id, "request received")
        except IntegrityError:
            if flow_run_id is not None and (existing := self.ref_for_run(flow_run_id)):
                return existing  # a concurrent attempt for the same run won the race
            raise
        return ref

    def ref_for_run(self, flow_run_id: str) -> str | None:
        with self.session() as s:
            return s.scalar(select(RequestRow.ref).where(RequestRow.flow_run_id == flow_run_id))

    def request(self, ref: str) -> ShareRequest:
        with self.session() as s:
            row = self._row(s, ref)
            raw = unseal(self._data_key(row), row.sealed_request or b"", f"{ref}:request".encode())
        return ShareRequest.model_validate_json(raw)

    @staticmethod
    def _meta(r: RequestRow) -> RequestMeta:
        return RequestMeta(
            r.ref,
            r.flow_run_id,
            r.received_at,
            r.requesting_agency,
            r.disclosing_agency,
            r.requester_id,
            r.urgency,
            r.due_at,
            r.status,
            dict(r.public),
        )

    def meta(self, ref: str) -> RequestMeta:
        with self.session() as s:
            return self._meta(self._row(s, ref))

    def set_status(self, ref: str, status: str, due_at: datetime | None = None) -> None:
        with self.session() as s:
            row = self._row(s, ref)
            row.status = status
            if due_at is not None:
                row.due_at = due_at

    def list_requests(self, limit: int = 50) -> list[RequestMeta]:
        with self.session() as s:
            rows = s.scalars(
                select(RequestRow).order_by(RequestRow.received_at.desc()).limit(limit)
            )
            return [self._meta(r) for r in rows]

    # --- steps ------------------------------------------------------------------------------

    def step(self, ref: str, step: str) -> StepState | None:
        with self.session() as s:
            row = s.get(StepRow, (ref, step))
            if row is None:
                return None
            req_row = self._row(s, ref)
            return StepState(
                row.status,
                row.attempts,
                row.actor_id,
                dict(row.public),
                self._unseal_json(req_row, f"step:{step}", row.sealed),
            )

    def _upsert_step(self, s: Session, ref: str, step: str) -> StepRow:
        row = s.get(StepRow, (ref, step), with_for_update=True)
        if row is None:
            row = StepRow(
                ref=ref, step=step, status=WAITING, attempts=0, public={}, updated_at=now_utc()
            )
            s.add(row)
        return row

    def complete_step(
        self,
        ref: str,
        step: str,
        *,
        actor_id: str | None = None,
        public: dict[str, Any] | None = None,
        private: dict[str, Any] | None = None,
    ) -> None:
        """Mark a step DONE with its outcome; ``private`` is sealed (free text may name people)."""
        with self.session() as s:
            req_row = self._row(s, ref)
            row = self._upsert_step(s, ref, step)
            if row.status == DONE:
                return
            row.status = DONE
            row.actor_id = actor_id
            row.updated_at = now_utc()
            row.public = public or {}
            row.sealed = self._seal_json(req_row, f"step:{step}", private or {})
            self._audit(s, ref, step, actor_id, "step completed")

    def stage_step(
        self, ref: str, step: str, *, public: dict[str, Any], private: dict[str, Any]
    ) -> None:
        """Keep work in progress for a step that is not DONE yet (e.g. a sealed envelope
        before delivery, so a retry delivers the same message instead of a second one)."""
        with self.session() as s:
            req_row = self._row(s, ref)
            row = self._upsert_step(s, ref, step)
            if row.status == DONE:
                return
            row.updated_at = now_utc()
            row.public = public
            row.sealed = self._seal_json(req_row, f"step:{step}", private)

    def refuse_attempt(self, ref: str, step: str, actor_id: str | None, reasons: list[str]) -> int:
        """Count a refused input for a waiting step; returns the number of attempts so far."""
        with self.session() as s:
            row = self._upsert_step(s, ref, step)
            row.attempts += 1
            row.updated_at = now_utc()
            row.public = {**row.public, "last_refusal": reasons}
            self._audit(s, ref, step, actor_id, "input refused", "; ".join(reasons))
            return row.attempts

    def attempts(self, ref: str, step: str) -> int:
        with self.session() as s:
            row = s.get(StepRow, (ref, step))
            return 0 if row is None else row.attempts

    def refused_since_unlock(self, ref: str, step: str) -> int:
        """Refused answers since the step was last unlocked: what the lock-out counts. (The
        total keeps growing: it names the run's next pause, which must always be new.)"""
        with self.session() as s:
            row = s.get(StepRow, (ref, step))
            return 0 if row is None else row.attempts - int(row.public.get("unlocked_at", 0))

    def unlock(self, ref: str, step: str, actor_id: str, why: str) -> None:
        with self.session() as s:
            row = self._upsert_step(s, ref, step)
            row.public = {**row.public, "unlocked_at": row.attempts, "last_refusal": []}
            row.updated_at = now_utc()
            self._audit(s, ref, step, actor_id, "step unlocked", why)

    # --- item content -----------------------------------------------------------------------

    def provide_item(self, ref: str, item: str, content: bytes, provided_by: str) -> None:
        with self.session() as s:
            req_row = self._row(s, ref)
            if item not in req_row.public.get("item_ids", []):
                raise KeyError(f"request {ref} has no item {item!r}")
            signed = s.get(StepRow, (ref, "signoff"))
            # frozen from the first approval on (under four eyes a second one confirms it)
            if signed is not None and (signed.status == DONE or signed.public.get("approvals")):
                raise KeyError(f"{ref} is signed off: its items' content can no longer change")
            ctx = f"{ref}:item:{item}".encode()
            sealed = seal(self._data_key(req_row), content, ctx)
            s.merge(
                ItemContentRow(
                    ref=ref,
                    item_id=item,
                    provided_by=provided_by,
                    provided_at=now_utc(),
                    size=len(content),
                    sealed=sealed,
                )
            )
            self._audit(s, ref, "prepare", provided_by, f"content prepared for {item}")

    def prepared_items(self, ref: str) -> set[str]:
        with self.session() as s:
            return set(s.scalars(select(ItemContentRow.item_id).where(ItemContentRow.ref == ref)))

    def item_contents(self, ref: str, items: list[str]) -> dict[str, bytes]:
        with self.session() as s:
            req_row = self._row(s, ref)
            key = self._data_key(req_row)
            rows = s.scalars(
                select(ItemContentRow).where(
                    ItemContentRow.ref == ref, ItemContentRow.item_id.in_(items)
                )
            )
            return {
                r.item_id: unseal(key, r.sealed, f"{ref}:item:{r.item_id}".encode()) for r in rows
            }

    # --- decision records -------------------------------------------------------------------

    def append_record(self, row: DecisionRecordRow, personal: dict[str, Any]) -> bool:
        """Append a decision record to its disclosing agency's hash chain; returns False (and
        changes nothing) if the request already has one.

        Fills in the chain fields (``chain_seq``, ``prev_sha256``, ``record_sha256``,
        ``personal_commitments``). Appends to one chain are serialised by locking its head row
        before anything is read, so concurrent writers queue: no fork, no gap."""
        return self.append_records([(row, personal)])[0]

    def append_records(self, batch: list[tuple[DecisionRecordRow, dict[str, Any]]]) -> list[bool]:
        """``append_record`` for many records in one transaction (one lock per chain, one
        commit): what bulk recording (the watchdog's reconciliation, imports) should use.
        Returns, per record, whether it was written (False: its request already had one)."""
        prepared = []
        for row, personal in batch:
            # Hash exactly what the JSON columns will give back.
            row.public = json.loads(json_text(row.public))
            personal = json.loads(json.dumps(personal, default=str))
            prepared.append((row, personal, *commit_personal(personal)))
        refs = [row.ref for row, *_ in prepared]
        written = [False] * len(prepared)
        with self.session() as s:
            heads = self._lock_chains(s, {r.disclosing_agency for r, *_ in prepared})
            taken: set[str] = set()
            keys: dict[str, _Keyed] = {}  # (ref, wrapped key): no request loaded or parsed
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
                row.record_sha256 = chain_fields(row).digest()
                row.sealed_personal = self._seal_json(
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
        with self.session() as s:
            rows = s.scalars(
                select(DecisionRecordRow).where(
                    DecisionRecordRow.sealed_personal.is_not(None),
                    DecisionRecordRow.ref.not_in(select(SubjectIndexRow.ref)),
                )
            )
            for row in rows:
                opened = self.record_salts(s, row)
                if opened is not None and (entries := self._subject_index(row, opened[0])):
                    s.add_all(entries)
                    indexed += 1
        return indexed

    def _lock_chains(self, s: Session, agencies: set[str]) -> dict[str, DecisionChainRow]:
        """Take these agencies' chain-head rows for this transaction (creating any new one),
        in a fixed order so that two writers never wait for each other crosswise.

        SQLite: BEGIN IMMEDIATE takes the database's write lock before the first read, so no
        head can change under us (a deferred transaction would read a stale head and fail
        to upgrade). PostgreSQL: INSERT ... ON CONFLICT DO NOTHING, then SELECT ... FOR UPDATE.
        """
        if self.engine.dialect.name == "sqlite":
            s.connection().exec_driver_sql("BEGIN IMMEDIATE")
        return {agency: self._lock_chain(s, agency) for agency in sorted(agencies)}

    def _lock_chain(self, s: Session, agency: str) -> DecisionChainRow:
        dialect = self.engine.dialect.name
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

    def record(self, ref: str) -> tuple[DecisionRecordRow, dict[str, Any]] | None:
        """The record and its personal part (without the commitment salts)."""
        with self.session() as s:
            row = s.scalar(select(DecisionRecordRow).where(DecisionRecordRow.ref == ref))
            if row is None:
                return None
            req_row = self._row(s, ref)
            personal = self._unseal_json(req_row, "record", row.sealed_personal)
            personal.pop(SALTS, None)
            return row, personal

    def record_salts(
        self, s: Session, row: DecisionRecordRow
    ) -> tuple[dict[str, Any], dict[str, str]] | None:
        """(personal part, commitment salts) of a record, or None once disposed."""
        req_row = s.get(RequestRow, row.ref)
        if req_row is None or req_row.wrapped_key is None or row.sealed_personal is None:
            return None
        personal = self._unseal_json(req_row, "record", row.sealed_personal)
        salts = personal.pop(SALTS, {})
        return personal, salts

    # --- retention: disposal of a closed request's personal data ----------------------------

    def _disposal(self, s: Session, ref: str) -> Disposal:
        req_row = self._row(s, ref)
        record = s.scalar(select(DecisionRecordRow).where(DecisionRecordRow.ref == ref))
        if record is None:
            raise NotClosed(ref)
        count = func.count()
        return Disposal(
            ref=ref,
            request=req_row.wrapped_key is not None or req_row.sealed_request is not None,
            steps=s.scalar(select(count).where(StepRow.ref == ref, StepRow.sealed.is_not(None)))
            or 0,
            items=s.scalar(select(count).where(ItemContentRow.ref == ref)) or 0,
            codes=s.scalar(select(count).where(OneTimeCodeRow.ref == ref)) or 0,
            index=s.scalar(select(count).where(SubjectIndexRow.ref == ref)) or 0,
            record=record.sealed_personal is not None,
            flow_run_id=req_row.flow_run_id,
        )

    def disposal_inventory(self, ref: str) -> Disposal:
        """What disposing of the request's personal data would destroy (changes nothing)."""
        with self.session() as s:
            return self._disposal(s, ref)

    def dispose_personal(self, ref: str, at: datetime, rule: str) -> Disposal:
        """Destroy a closed request's personal data, in one transaction: its data key and sealed
        request (crypto-shredding), the sealed data of its steps (answers, staged envelopes),
        its prepared item contents, its one-time code rows, its subject blind-index entries and
        its decision record's sealed personal part (the one UPDATE the record triggers allow).
        Kept: the record's decision, reasons, agencies, dates, hashes and commitments, so the
        chain still verifies.

        The request's Prefect run is noted as still to delete (step ``disposal`` WAITING) until
        ``run_data_deleted``. Logged in the audit trail with the rule, never personal data."""
        with self.session() as s:
            if self.engine.dialect.name == "sqlite":
                s.connection().exec_driver_sql("BEGIN IMMEDIATE")
            done = self._disposal(s, ref)
            if s.get(StepRow, (ref, DISPOSAL)) is not None:
                return done  # disposed already (e.g. by a concurrent run)
            req_row = self._row(s, ref)
            req_row.wrapped_key = None
            req_row.sealed_request = None
            s.execute(update(StepRow).where(StepRow.ref == ref).values(sealed=None))
            s.execute(delete(ItemContentRow).where(ItemContentRow.ref == ref))
            s.execute(delete(OneTimeCodeRow).where(OneTimeCodeRow.ref == ref))
            s.execute(delete(SubjectIndexRow).where(SubjectIndexRow.ref == ref))
            s.execute(
                update(DecisionRecordRow)
                .where(DecisionRecordRow.ref == ref, DecisionRecordRow.disposed_at.is_(None))
                .values(sealed_personal=None, disposed_at=at)
            )
            run = "pending" if req_row.flow_run_id else "none"
            s.merge(
                StepRow(
                    ref=ref,
                    step=DISPOSAL,
                    status=WAITING if req_row.flow_run_id else DONE,
                    attempts=0,
                    actor_id=None,
                    updated_at=now_utc(),
                    public={"at": at.isoformat(), "rule": rule, "prefect_run": run},
                    sealed=None,
                )
            )
            self._audit(
                s, ref, DISPOSAL, None, "personal data disposed", f"{rule}; disposed: {done.what()}"
            )
        return done

    def runs_to_delete(self) -> list[tuple[str, str]]:
        """(reference, flow run id) of disposed requests whose Prefect run is not deleted yet."""
        with self.session() as s:
            rows = s.execute(
                select(RequestRow.ref, RequestRow.flow_run_id)
                .join(StepRow, StepRow.ref == RequestRow.ref)
                .where(StepRow.step == DISPOSAL, StepRow.status == WAITING)
                .order_by(RequestRow.ref)
            )
            return [(r.ref, r.flow_run_id) for r in rows if r.flow_run_id]

    def run_data_deleted(self, ref: str, outcome: str) -> None:
        """The request's Prefect run is gone (``outcome``: deleted, or already absent)."""
        with self.session() as s:
            row = s.get(StepRow, (ref, DISPOSAL), with_for_update=True)
            if row is None or row.status == DONE:
                return
            row.status = DONE
            row.updated_at = now_utc()
            row.public = {**row.public, "prefect_run": outcome}
            self._audit(s, ref, DISPOSAL, None, "prefect run data deleted", outcome)

    def delete_requests_without_record(self) -> list[str]:
        """Delete what is left of requests whose decision record was deleted under the record
        retention rule (``records.delete_prefix``): the request row, its steps and any item
        contents, code rows or index entries. Only requests whose personal data was disposed of
        and whose Prefect run is gone (step ``disposal`` DONE) and that have no record; the
        audit trail stays. Returns their references."""
        with self.session() as s:
            refs = list(
                s.scalars(
                    select(StepRow.ref).where(
                        StepRow.step == DISPOSAL,
                        StepRow.status == DONE,
                        StepRow.ref.not_in(select(DecisionRecordRow.ref)),
                    )
                )
            )
            for start in range(0, len(refs), 500):
                part = refs[start : start + 500]
                for table in (StepRow, ItemContentRow, OneTimeCodeRow, SubjectIndexRow):
                    s.execute(delete(table).where(table.ref.in_(part)))
                s.execute(delete(RequestRow).where(RequestRow.ref.in_(part)))
            for ref in refs:
                self._audit(s, ref, DISPOSAL, None, "request deleted", "its record was deleted")
        return refs

    # --- audit ------------------------------------------------------------------------------

    def _audit(
        self,
        s: Session,
        ref: str | None,
        step: str | None,
        actor: str | None,
        event: str,
        detail: str = "",
    ) -> None:
        s.add(
            AuditEventRow(
                at=now_utc(), ref=ref, step=step, actor_id=actor, event=event, detail=detail
            )
        )

    def audit(
        self, ref: str | None, step: str | None, actor: str | None, event: str, detail: str = ""
    ) -> None:
        with self.session() as s:
            self._audit(s, ref, step, actor, event, detail)

    def audit_trail(self, ref: str) -> list[AuditEventRow]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(AuditEventRow).where(AuditEventRow.ref == ref).order_by(AuditEventRow.id)
                )
            )


DISPOSAL = "disposal"  # the step recording that a request's personal data was disposed of


class NotClosed(ValueError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"{ref} has no decision record: it is not closed, nothing is disposed")
        self.ref = ref


@dataclass(frozen=True)
class Disposal:
    """What disposing of one request's personal data destroys (counts, never content)."""

    ref: str
    request: bool  # the sealed request and its wrapped data key
    steps: int  # steps with sealed data (answers, justifications, staged envelopes)
    items: int  # prepared item contents
    codes: int  # one-time code rows
    index: int  # subject blind-index entries (keyed tags of names and dates of birth)
    record: bool  # the decision record's sealed personal part (and its commitment salts)
    flow_run_id: str | None  # the Prefect run, deleted through the API afterwards

    def parts(self) -> list[str]:
        return [
            p
            for p in [
                "the sealed request and its data key" if self.request else "",
                f"sealed data of {self.steps} step(s)" if self.steps else "",
                f"{self.items} prepared item content(s)" if self.items else "",
                f"{self.codes} one-time code row(s)" if self.codes else "",
                f"{self.index} subject index entr(y/ies)" if self.index else "",
                "the record's sealed personal part" if self.record else "",
                "the Prefect run" if self.flow_run_id else "",
            ]
            if p
        ]

    def what(self) -> str:
        return ", ".join(self.parts()) or "nothing left to dispose"


def normal_name(name: str) -> str:
    """A name as subject searches compare it: case and spacing ignored."""
    return " ".join(name.casefold().split())


SALTS = "_commitment_salts"  # key of the salts inside a record's sealed personal part


def chain_fields(row: DecisionRecordRow | Row[Any]) -> ChainFields:
    """What a record's hash covers (docs/records-canonical-form.md)."""
    return ChainFields(
        agency=row.disclosing_agency,
        seq=row.chain_seq,
        prev=row.prev_sha256,
        ref=row.ref,
        recorded_at=row.recorded_at,
        decided_at=row.decided_at,
        due_at=row.due_at,
        decision=row.decision,
        requesting_agency=row.requesting_agency,
        urgency=row.urgency,
        envelope_id=row.envelope_id,
        envelope_sha256=row.envelope_sha256,
        public=row.public,
        personal_commitments=row.personal_commitments,
    )


def digest_json(obj: Any) -> str:
    """SHA-256 of canonical JSON (sorted keys, no whitespace, UTF-8)."""
    return sha256_hex(
        json.dumps(
            obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
        ).encode()
    )


_default: Store | None = None


def default_store() -> Store:
    """One store per process, configured from the environment (used by flows and the CLI)."""
    global _default
    if _default is None:
        _default = Store()
    return _default
