"""Multi-agency enquiries: one case asks several agencies at once.

A request made for an enquiry names its enquiry (``requests.enquiry_ref``); the enquiry's own
row (which holds the enquiry sealed and, at the end, its record) names itself. Each agency
asked has a row in ``enquiry_agencies``: its share request and run once started, or withdrawn.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)  # infoshare.db.tables.UTCDateTime stores this


def upgrade() -> None:
    # in place (no batch copy of ``requests``, which other tables reference)
    op.add_column("requests", sa.Column("enquiry_ref", sa.String(40), nullable=True))
    op.create_index("ix_requests_enquiry_ref", "requests", ["enquiry_ref"])
    op.create_table(
        "enquiry_agencies",
        sa.Column("enquiry_ref", sa.String(40), sa.ForeignKey("requests.ref"), nullable=False),
        sa.Column("agency", sa.String(64), nullable=False),
        sa.Column("added_at", TIME, nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("child_run_id", sa.String(36), nullable=True),
        sa.Column("child_ref", sa.String(40), nullable=True),
        sa.Column("withdrawn_at", TIME, nullable=True),
        sa.PrimaryKeyConstraint("enquiry_ref", "agency"),
        sa.UniqueConstraint("child_ref"),
    )


def downgrade() -> None:
    op.drop_table("enquiry_agencies")
    op.drop_index("ix_requests_enquiry_ref", table_name="requests")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE requests DROP COLUMN enquiry_ref")
    else:
        op.drop_column("requests", "enquiry_ref")
