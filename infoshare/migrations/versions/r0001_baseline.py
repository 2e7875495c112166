"""Baseline: the schema of the last versions before migrations (4124e1c to 56a1911).

Every table, index and append-only trigger of ``infoshare.migrations.baseline``. Stores made
before migrations are completed to this and stamped with it (``infoshare.db.legacy``).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

from infoshare.migrations import baseline

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    baseline.METADATA.create_all(conn)
    baseline.install_triggers(conn)


def downgrade() -> None:
    # Below the baseline there is no schema: going there would drop every decision record.
    raise RuntimeError("the baseline cannot be downgraded; restore a backup instead")
