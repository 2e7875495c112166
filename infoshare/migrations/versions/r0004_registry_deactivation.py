"""People and agencies left out of a loaded registry are deactivated, not deleted.

``infoshare registry load`` of a registry without someone who was registered marks them
deactivated (when, and audited): they can no longer sign in, justify, approve or be asked, their
outstanding one-time codes are withdrawn, and the records that name them keep their names.

Revision ID: 0004
Revises: 0002 (the lead chains it after 0003 at merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)  # infoshare.db.tables.UTCDateTime stores this


def upgrade() -> None:
    for table in ("agencies", "people"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("deactivated_at", TIME, nullable=True))


def downgrade() -> None:
    for table in ("people", "agencies"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("deactivated_at")
