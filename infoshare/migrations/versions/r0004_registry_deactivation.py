"""People and agencies left out of a loaded registry are deactivated, not deleted.

``infoshare registry load`` of a registry without someone who was registered marks them
deactivated (when, and audited): they can no longer sign in, justify, approve or be asked, their
outstanding one-time codes are withdrawn, and the records that name them keep their names.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)  # infoshare.db.tables.UTCDateTime stores this


def upgrade() -> None:
    for table in ("agencies", "people"):
        op.add_column(table, sa.Column("deactivated_at", TIME, nullable=True))


def downgrade() -> None:
    # SQLite drops a column in place (3.35+): batch mode would copy ``agencies``, which
    # ``people`` references, and fail on the foreign key
    for table in ("people", "agencies"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN deactivated_at")
        else:
            op.drop_column(table, "deactivated_at")
