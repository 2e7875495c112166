"""The master key can be rotated (``infoshare keys rotate-master``): each wrapped data key says
which master key wraps it, rotations are recorded (so a retired key is refused and a stopped
rotation picks up where it was), and the sub-keys that must outlive a master key are kept
wrapped under the current one.

Rows written before this revision have no key id: they are under the store's master key of the
time, and the first rotation moves them.

Revision ID: 0006
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)  # infoshare.db.tables.UTCDateTime stores this


def upgrade() -> None:
    op.add_column("requests", sa.Column("wrapped_key_id", sa.String(32), nullable=True))
    op.create_table(
        "master_key_rotations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("old_key_id", sa.String(32), nullable=False),
        sa.Column("new_key_id", sa.String(32), nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("finished_at", TIME, nullable=True),
        sa.UniqueConstraint("new_key_id"),
    )
    op.create_index("ix_master_key_rotations_old_key_id", "master_key_rotations", ["old_key_id"])
    op.create_table(
        "master_key_derivations",
        sa.Column("label", sa.String(64), primary_key=True),
        sa.Column("key_id", sa.String(32), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("master_key_derivations")
    op.drop_index("ix_master_key_rotations_old_key_id", "master_key_rotations")
    op.drop_table("master_key_rotations")
    # SQLite drops a column in place (3.35+); batch mode would copy ``requests``
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE requests DROP COLUMN wrapped_key_id")
    else:
        op.drop_column("requests", "wrapped_key_id")
