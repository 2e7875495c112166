"""The workspace: sessions, sign-in codes and events, passkeys, answer proofs.

Browser sessions, mailed sign-in codes and the sign-in events the rate limits count, passkeys,
and the proofs of identity the workspace gives the flow with an answer. None of them holds personal data of the people requests are about; codes, session ids and
proofs are stored only as keyed hashes or nonces (``infoshare.workspace``).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)  # infoshare.db.tables.UTCDateTime stores this


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "workspace_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("person_id", sa.String(64), nullable=True),
        sa.Column("proof", sa.String(16), nullable=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("signed_in_at", TIME, nullable=True),
        sa.Column("last_seen", TIME, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    _index("workspace_sessions", "person_id", "last_seen")
    op.create_table(
        "workspace_signin_codes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("session_hash", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("issued_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("used_at", TIME, nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
    )
    _index("workspace_signin_codes", "session_hash", "code_hash")
    op.create_table(
        "workspace_signin_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", TIME, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=True),
        sa.Column("address", sa.String(64), nullable=False),
    )
    _index("workspace_signin_events", "at", "person_id", "address")
    op.create_table(
        "workspace_passkeys",
        sa.Column("credential_id", sa.String(512), primary_key=True),
        sa.Column("person_id", sa.String(64), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("transports", sa.JSON(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_used_at", TIME, nullable=True),
    )
    _index("workspace_passkeys", "person_id")
    op.create_table(
        "workspace_proofs",
        sa.Column("nonce", sa.String(32), primary_key=True),
        sa.Column("ref", sa.String(40), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("flow_run_id", sa.String(36), nullable=False),
        sa.Column("answer_sha256", sa.String(64), nullable=False),
        sa.Column("signed_in_by", sa.String(16), nullable=False),
        sa.Column("issued_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("used_at", TIME, nullable=True),
    )
    _index("workspace_proofs", "ref")


def downgrade() -> None:
    for table in (
        "workspace_proofs",
        "workspace_passkeys",
        "workspace_signin_events",
        "workspace_signin_codes",
        "workspace_sessions",
    ):
        op.drop_table(table)  # its indexes go with it
