"""The receiver's store of seen message ids (replay protection), kept until each id expires.

SQLAlchemy and the schema are imported by ``SqlSeenStore`` when it is used, not with the module:
``infoshare.envelope`` imports this module, and a process that only seals, or opens without a
database, should not pay for them (about 1 s of imports without cached bytecode, and 25-30 MiB
of its peak memory).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class SeenStore(Protocol):
    def seen(self, message_id: str) -> bool: ...

    def claim(self, message_id: str, sender_key_id: str, expires: datetime, now: datetime) -> bool:
        """Record the id atomically; False when it was already there (a replay)."""
        ...


class MemorySeenStore:
    def __init__(self) -> None:
        self.ids: dict[str, datetime] = {}

    def seen(self, message_id: str) -> bool:
        return message_id in self.ids

    def claim(self, message_id: str, sender_key_id: str, expires: datetime, now: datetime) -> bool:
        if message_id in self.ids:
            return False
        self.ids[message_id] = expires
        return True


class SqlSeenStore:
    """The ``seen_envelopes`` table; the primary key makes a racing second claim fail."""

    def __init__(self, engine: Engine) -> None:
        from infoshare.db.tables import SeenEnvelopeRow

        self.engine = engine
        SeenEnvelopeRow.__table__.create(engine, checkfirst=True)  # type: ignore[attr-defined]

    def seen(self, message_id: str) -> bool:
        from sqlalchemy.orm import Session

        from infoshare.db.tables import SeenEnvelopeRow

        with Session(self.engine) as s:
            return s.get(SeenEnvelopeRow, message_id) is not None

    def claim(self, message_id: str, sender_key_id: str, expires: datetime, now: datetime) -> bool:
        from sqlalchemy.exc import IntegrityError
        from sqlalchemy.orm import Session

        from infoshare.db.tables import SeenEnvelopeRow

        try:
            with Session(self.engine) as s, s.begin():
                s.add(
                    SeenEnvelopeRow(
                        message_id=message_id,
                        sender_key_id=sender_key_id,
                        opened_at=now,
                        expires=expires,
                    )
                )
        except IntegrityError:
            return False
        return True

    def purge(self, now: datetime) -> int:
        """Forget ids whose envelopes have expired (the expiry check rejects those anyway)."""
        from sqlalchemy import delete, select
        from sqlalchemy.orm import Session

        from infoshare.db.tables import SeenEnvelopeRow

        with Session(self.engine) as s, s.begin():
            doomed = list(s.scalars(select(SeenEnvelopeRow.message_id).where(
                SeenEnvelopeRow.expires <= now)))  # fmt: skip
            if doomed:
                s.execute(delete(SeenEnvelopeRow).where(SeenEnvelopeRow.message_id.in_(doomed)))
            return len(doomed)
