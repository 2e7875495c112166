"""Confirmation codes: the mailed proof a person gives for an action outside a run.

Registering or replacing their own signing key, unlocking a step, preparing an item's content
from the CLI: each needs a code mailed to the person's registered address
(``infoshare.identity.confirmations``). Only a keyed hash of a code is stored, with the action
it confirms.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)  # infoshare.db.tables.UTCDateTime stores this


def upgrade() -> None:
    op.create_table(
        "confirmation_codes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(160), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("issued_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("used_at", TIME, nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
    )
    op.create_index("ix_confirmation_codes_person_id", "confirmation_codes", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_confirmation_codes_person_id", table_name="confirmation_codes")
    op.drop_table("confirmation_codes")
