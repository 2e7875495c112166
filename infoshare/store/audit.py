"""The audit trail: who did what to which request and when (never personal data).

Lines are added in the transaction of the change they describe (``add``), so a change and its
audit line are written together or not at all; ``write`` is for an event that changes nothing
else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from infoshare.db.tables import AuditEventRow
from infoshare.worktime import now_utc

if TYPE_CHECKING:
    from infoshare.store import Store


class AuditTrail:
    def __init__(self, store: Store) -> None:
        self._store = store

    @staticmethod
    def add(
        s: Session,
        ref: str | None,
        step: str | None,
        actor: str | None,
        event: str,
        detail: str = "",
    ) -> None:
        """Add a line in the caller's transaction."""
        s.add(
            AuditEventRow(
                at=now_utc(), ref=ref, step=step, actor_id=actor, event=event, detail=detail
            )
        )

    def write(
        self, ref: str | None, step: str | None, actor: str | None, event: str, detail: str = ""
    ) -> None:
        """Write a line in a transaction of its own."""
        with self._store.session() as s:
            self.add(s, ref, step, actor, event, detail)

    def trail(self, ref: str) -> list[AuditEventRow]:
        with self._store.session() as s:
            return list(
                s.scalars(
                    select(AuditEventRow).where(AuditEventRow.ref == ref).order_by(AuditEventRow.id)
                )
            )
