"""infoshare's own store: the source of truth for a request's content and progress.

A request's personal data is sealed under its own data key (see ``crypto``); the rest is plain
columns for reporting. Steps are recorded as they complete so a resumed Prefect run never does
a completed step again. Decision records are append-only.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, inspect, select
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
    RequestRow,
    StepRow,
    create_schema,
    make_engine,
)
from infoshare.keys import AgencyKeyStore
from infoshare.models import PERSONAL_FIELDS, ShareRequest


class UnknownRequest(LookupError):
    def __init__(self, ref: str) -> None:
        super().__init__(f"no request with reference {ref!r}")
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


class Store:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.engine = make_engine(self.settings.database_url)
        if not inspect(self.engine).has_table("decision_records"):
            create_schema(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.master = MasterKey.load(self.settings.keys_dir, self.settings.master_key_b64)
        self.keys = AgencyKeyStore(
            self.settings.keys_dir, self.master, self.settings.key_passphrase
        )

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

    def _data_key(self, row: RequestRow) -> bytes:
        if row.wrapped_key is None:
            raise UnknownRequest(row.ref)  # disposed: the personal data no longer exists
        return self.master.unwrap(row.wrapped_key, row.ref)

    def _seal_json(self, row: RequestRow, what: str, obj: Any) -> bytes:
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
            if signed is not None and signed.status == DONE:
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
        # Hash exactly what the JSON columns will give back.
        row.public = json.loads(json.dumps(row.public))
        personal = json.loads(json.dumps(personal, default=str))
        commitments, salts = commit_personal(personal)
        with self.session() as s:
            head = self._lock_chain(s, row.disclosing_agency)
            if s.scalar(select(DecisionRecordRow.id).where(DecisionRecordRow.ref == row.ref)):
                return False
            req_row = self._row(s, row.ref)
            row.chain_seq = head.seq + 1
            row.prev_sha256 = head.head_sha256
            row.personal_commitments = commitments
            row.record_sha256 = chain_fields(row).digest()
            row.sealed_personal = self._seal_json(req_row, "record", {**personal, SALTS: salts})
            s.add(row)
            head.seq = row.chain_seq
            head.head_sha256 = row.record_sha256
            head.updated_at = now_utc()
            req_row.status = "DECIDED"
            self._audit(s, row.ref, "record", None, f"decision recorded: {row.decision}")
        return True

    def _lock_chain(self, s: Session, agency: str) -> DecisionChainRow:
        """Take the agency's chain-head row for this transaction (creating it if new).

        SQLite: BEGIN IMMEDIATE takes the database's write lock before the first read, so the
        head cannot change under us (a deferred transaction would read a stale head and fail
        to upgrade). PostgreSQL: INSERT ... ON CONFLICT DO NOTHING, then SELECT ... FOR UPDATE.
        """
        dialect = self.engine.dialect.name
        values = {"agency": agency, "seq": 0, "head_sha256": GENESIS, "updated_at": now_utc()}
        if dialect == "sqlite":
            s.connection().exec_driver_sql("BEGIN IMMEDIATE")
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
