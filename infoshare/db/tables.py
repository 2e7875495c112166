"""The tables of infoshare's own store (registry, requests, progress, records, audit), as the
code maps them (SQLAlchemy 2).

Columns named ``sealed_*`` hold AES-256-GCM ciphertext under the request's data key; everything
else is non-personal and may be queried freely for reports.

A database gets these tables, their indexes and the decision-record triggers from the Alembic
revisions in ``infoshare/migrations`` (``infoshare db upgrade``), never from ``create_all``: a
change here needs a new revision (DEVELOPERS.md), and tests/test_migrations.py fails until the
revisions make exactly these tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware UTC")
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        from datetime import UTC

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


# --- registry ---------------------------------------------------------------------------------


class AgencyRow(Base):
    __tablename__ = "agencies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    approver_roles: Mapped[list[Any]] = mapped_column(JSON)
    dpo_email: Mapped[str | None] = mapped_column(String(200))
    office_hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # cover: who escalations go to, and who may confirm an EMERGENCY share (person ids)
    deputy: Mapped[str | None] = mapped_column(String(64), nullable=True)
    on_call: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    # ranks, sign-off rules and four eyes (registry.AgencySpec); {} means the defaults
    signoff_policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # left out of a loaded registry: kept for the records that name it, no longer in use
    deactivated_at: Mapped[datetime | None] = mapped_column(nullable=True)


class PersonRow(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))
    # left out of a loaded registry: no longer signs in, answers or is asked (records keep them)
    deactivated_at: Mapped[datetime | None] = mapped_column(nullable=True)


class IsaRow(Base):
    __tablename__ = "isas"
    reference: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    parties: Mapped[list[Any]] = mapped_column(JSON)
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime]


class AgencyKeyRow(Base):
    __tablename__ = "agency_keys"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    public_raw: Mapped[bytes] = mapped_column(LargeBinary)
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]


# --- requests and their progress ---------------------------------------------------------------


class RequestRow(Base):
    __tablename__ = "requests"
    ref: Mapped[str] = mapped_column(String(40), primary_key=True)
    flow_run_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    received_at: Mapped[datetime]
    requesting_agency: Mapped[str] = mapped_column(String(64), index=True)
    disclosing_agency: Mapped[str] = mapped_column(String(64), index=True)
    requester_id: Mapped[str] = mapped_column(String(64))
    urgency: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(32))
    public: Mapped[dict[str, Any]] = mapped_column(JSON)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    # the master key that wraps it (``infoshare.crypto.master_key_id``); None: wrapped before
    # key ids were kept (revision 0006), by the store's master key of that time
    wrapped_key_id: Mapped[str | None] = mapped_column(String(32))
    sealed_request: Mapped[bytes | None] = mapped_column(LargeBinary)
    # a multi-agency enquiry's part: the enquiry's reference; the enquiry's own row (which
    # holds the enquiry sealed, and its record) names itself
    enquiry_ref: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)


ENQUIRY_PREFIX = "ENQ-"  # an enquiry's reference: ENQ-20261207-7KQ3XM9P
ENQUIRY_DECISION = "ENQUIRY"  # the decision column of an answered enquiry's record


def share_requests() -> ColumnElement[bool]:
    """Rows of ``requests`` that are share requests, not an enquiry's own row (which holds the
    enquiry sealed, and its record). Counted, listed and swept as requests; enquiries are not.
    By reference, which the covering indexes of the timeliness figures hold."""
    return RequestRow.ref.not_like(f"{ENQUIRY_PREFIX}%")


class EnquiryAgencyRow(Base):
    """One agency asked by a multi-agency enquiry (``infoshare.enquiries``): its share request
    (``child_ref``, once its run has taken its part in) and that run. What the agency is asked
    is sealed in the enquiry's own request row."""

    __tablename__ = "enquiry_agencies"
    enquiry_ref: Mapped[str] = mapped_column(ForeignKey("requests.ref"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(64), primary_key=True)
    added_at: Mapped[datetime]
    added_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # ASKED or WITHDRAWN
    child_run_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    child_ref: Mapped[str | None] = mapped_column(String(40), nullable=True, unique=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(nullable=True)


class StepRow(Base):
    """A step's progress; a DONE row means a resumed run must not do the step again."""

    __tablename__ = "request_steps"
    ref: Mapped[str] = mapped_column(ForeignKey("requests.ref"), primary_key=True)
    step: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    actor_id: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime]
    public: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    # a person's step: when it started waiting and when it is due (inside the request deadline)
    opened_at: Mapped[datetime | None] = mapped_column(nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ItemContentRow(Base):
    """Content prepared by the disclosing agency for one requested item (encrypted)."""

    __tablename__ = "item_contents"
    ref: Mapped[str] = mapped_column(ForeignKey("requests.ref"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    provided_by: Mapped[str] = mapped_column(String(64))
    provided_at: Mapped[datetime]
    size: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class DecisionRecordRow(Base):
    """Append-only: database triggers refuse UPDATE and DELETE but for the disposal and the
    deletion below a chain floor (infoshare/migrations/baseline.py).

    Each disclosing agency's records form a hash chain (see ``infoshare.chain`` and
    docs/records-canonical-form.md): ``chain_seq`` counts 1, 2, 3, ... per agency, ``prev_sha256``
    is the previous record's ``record_sha256`` and ``record_sha256`` covers the record's canonical
    form, which commits to the personal fields by salted hashes (``personal_commitments``)."""

    __tablename__ = "decision_records"
    __table_args__ = (UniqueConstraint("disclosing_agency", "chain_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(ForeignKey("requests.ref"), unique=True)
    recorded_at: Mapped[datetime]
    decision: Mapped[str] = mapped_column(String(16), index=True)
    requesting_agency: Mapped[str] = mapped_column(String(64))
    disclosing_agency: Mapped[str] = mapped_column(String(64), index=True)
    urgency: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime | None]
    decided_at: Mapped[datetime]
    envelope_id: Mapped[str | None] = mapped_column(String(64))
    envelope_sha256: Mapped[str | None] = mapped_column(String(64))
    chain_seq: Mapped[int] = mapped_column(Integer)
    prev_sha256: Mapped[str] = mapped_column(String(64))
    record_sha256: Mapped[str] = mapped_column(String(64))
    public: Mapped[dict[str, Any]] = mapped_column(JSON)
    personal_commitments: Mapped[dict[str, Any]] = mapped_column(JSON)
    sealed_personal: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Retention: when the personal part was disposed of. The one UPDATE the triggers allow sets
    # this and nulls ``sealed_personal``, nothing else (infoshare.retention).
    disposed_at: Mapped[datetime | None]


class DecisionChainRow(Base):
    """The head of one disclosing agency's chain. Appends lock this row first (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE), so concurrent writers queue, never fork."""

    __tablename__ = "decision_chains"
    agency: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    head_sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class DecisionCheckpointRow(Base):
    """A chain head signed with the agency's Ed25519 key. Append-only like the records."""

    __tablename__ = "decision_checkpoints"
    __table_args__ = (UniqueConstraint("agency", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    head_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))


class DecisionChainFloorRow(Base):
    """Where an agency's chain now starts: records 1..``seq`` were deleted under the record
    retention rule, ``head_sha256`` is record ``seq``'s hash (what record ``seq`` + 1 links to)
    and ``checkpoint_id`` the checkpoint the agency's key signed at ``seq`` before the deletion;
    ``signature`` is the agency key's signature of the floor itself
    (``records.canonical.Floor``), so a floor cannot be moved up to an older genuine checkpoint
    without the key. One row per deletion, append-only; each must lie beyond the last and match
    its checkpoint (triggers). The record triggers allow DELETE of records at or below the
    agency's floor."""

    __tablename__ = "decision_chain_floors"
    __table_args__ = (UniqueConstraint("agency", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    head_sha256: Mapped[str] = mapped_column(String(64))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("decision_checkpoints.id"))
    at: Mapped[datetime]
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))


class AuditEventRow(Base):
    """Who did what to which request, and refused attempts. Never personal data, never codes."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    ref: Mapped[str | None] = mapped_column(String(40), index=True)
    step: Mapped[str | None] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


class SubjectIndexRow(Base):
    """Blind index for subject access searches: for each person a decision record names (as a
    subject or third party), keyed HMAC-SHA256 tags of the normalised name and of name + date of
    birth, never the name itself. The key is infoshare's own (derived from the master key), so
    the tags cannot be recomputed from a guessed name without it. Rows are deleted with the
    request's personal data at disposal."""

    __tablename__ = "subject_index"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(ForeignKey("requests.ref"), index=True)
    disclosing_agency: Mapped[str] = mapped_column(String(64))
    requesting_agency: Mapped[str] = mapped_column(String(64))
    name_tag: Mapped[str] = mapped_column(String(64), index=True)
    name_dob_tag: Mapped[str | None] = mapped_column(String(64), index=True)


Index("ix_requests_status_due", RequestRow.status, RequestRow.due_at)
# covering the timeliness figures' scan of a period (no request row is read)
Index(
    "ix_requests_received_covering",
    RequestRow.received_at,
    RequestRow.ref,
    RequestRow.urgency,
    RequestRow.disclosing_agency,
    RequestRow.due_at,
)
Index("ix_records_requesting", DecisionRecordRow.requesting_agency)
Index(  # the timeliness figures' join: no record row is read
    "ix_records_ref_outcome",
    DecisionRecordRow.ref,
    DecisionRecordRow.decision,
    DecisionRecordRow.decided_at,
)
# Requests whose personal data has been disposed of (data key destroyed), per agency.
for _column in ("disclosing_agency", "requesting_agency"):
    Index(
        f"ix_requests_disposed_{_column}",
        RequestRow.__table__.c[_column],
        sqlite_where=RequestRow.wrapped_key.is_(None),
        postgresql_where=RequestRow.wrapped_key.is_(None),
    )


# --- the master key ------------------------------------------------------------------------------


class MasterKeyRotationRow(Base):
    """A rotation of the master key (``infoshare.rotation``): which key (by id, never the key)
    was replaced by which, when it started and when it finished (every data key moved, proven,
    the old key retired). A store opened with a retired key refuses to run."""

    __tablename__ = "master_key_rotations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    old_key_id: Mapped[str] = mapped_column(String(32), index=True)
    new_key_id: Mapped[str] = mapped_column(String(32), unique=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class MasterKeyDerivationRow(Base):
    """A sub-key that must outlive the master key it was first derived from
    (``infoshare.crypto.PINNED_DERIVATIONS``), wrapped under the master key ``key_id``."""

    __tablename__ = "master_key_derivations"
    label: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)


class SeenEnvelopeRow(Base):
    """Message ids of envelopes opened here, kept until they expire: a repeat is a replay."""

    __tablename__ = "seen_envelopes"
    message_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sender_key_id: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    expires: Mapped[datetime] = mapped_column(index=True)


class AgencyIntakeRow(Base):
    """Where an agency receives envelopes over HTTPS (``infoshare intake serve``) and the CA
    bundle its server certificate must chain to. An agency without a row gets a directory
    inbox."""

    __tablename__ = "agency_intakes"
    agency_id: Mapped[str] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    ca_pem: Mapped[str | None] = mapped_column(Text)


class OneTimeCodeRow(Base):
    """A one-time code issued to a person for one step of one request's run. The code itself
    is never stored: it is recomputed from ``nonce`` with infoshare's own HMAC key."""

    __tablename__ = "one_time_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(ForeignKey("requests.ref"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str] = mapped_column(String(64))
    flow_run_id: Mapped[str] = mapped_column(String(36))
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ConfirmationCodeRow(Base):
    """A code mailed to a person to confirm an action outside a run (``purpose``: registering
    their signing key, unlocking a step, preparing an item). Only a keyed hash is kept."""

    __tablename__ = "confirmation_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(160))
    code_hash: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)


class PersonKeyRow(Base):
    """A person's Ed25519 public key for signed answers (``infoshare approve --sign``). The
    current key has no ``retired_at``; retired keys stay so old signatures can be checked."""

    __tablename__ = "person_keys"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    public_raw: Mapped[bytes] = mapped_column(LargeBinary)
    registered_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(16))  # "registry" or "cli"


# --- the workspace (infoshare.workspace) --------------------------------------------------------
# Sessions, sign-in codes and attempts, passkeys and the answer proofs the workspace gives the
# flow. Kept together here, after everything else, so that one migration can create them. None
# holds personal data of the people requests are about; codes, session ids and proofs are stored
# only as keyed hashes or nonces.


class WorkspaceSessionRow(Base):
    """A browser session of the workspace. ``id_hash`` is the SHA-256 of the random session id
    in the (signed) cookie, so a copy of this table opens no session. A session without
    ``person_id`` is a visitor who has not signed in (it holds the CSRF token and the pending
    sign-in)."""

    __tablename__ = "workspace_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str | None] = mapped_column(String(64), index=True)
    proof: Mapped[str | None] = mapped_column(String(16))  # "passkey" or "mailed code"
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    signed_in_at: Mapped[datetime | None]
    last_seen: Mapped[datetime] = mapped_column(index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class WorkspaceSignInCodeRow(Base):
    """A mailed sign-in code, bound to the browser session that asked for it. Only a keyed hash
    of the code is kept; ``person_id`` is None when the id or email given was not registered
    (nothing is sent then, but the visitor is told the same)."""

    __tablename__ = "workspace_signin_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_hash: Mapped[str] = mapped_column(String(64), index=True)
    person_id: Mapped[str | None] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)


class WorkspaceSignInEventRow(Base):
    """Sign-in events the rate limits and the lock-out count (codes asked for, wrong codes),
    per person and per client address. The audit trail has the same events for people to read."""

    __tablename__ = "workspace_signin_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


class WorkspacePasskeyRow(Base):
    """A person's passkey (WebAuthn credential) for signing in to the workspace."""

    __tablename__ = "workspace_passkeys"
    credential_id: Mapped[str] = mapped_column(String(512), primary_key=True)  # base64url
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)  # COSE
    sign_count: Mapped[int] = mapped_column(Integer, default=0)
    transports: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class WorkspaceProofRow(Base):
    """A proof of identity the workspace gave with an answer it sent to a run: bound to the
    signed-in person, the run, the step, the request's hash and the answer's hash, spent by the
    flow when it accepts the answer (``infoshare.identity.workspace_proof``)."""

    __tablename__ = "workspace_proofs"
    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), index=True)
    step: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[str] = mapped_column(String(64))
    flow_run_id: Mapped[str] = mapped_column(String(36))
    answer_sha256: Mapped[str] = mapped_column(String(64))
    signed_in_by: Mapped[str] = mapped_column(String(16))  # "passkey" or "mailed code"
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
