"""The partnership registry: agencies, their people, sign-off policy, ISAs and public keys.

Loaded from a JSON file (``infoshare registry load FILE``); the demo partnership ships in
``infoshare/demo/registry.json``. Lookups are plain functions over a SQLAlchemy session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from infoshare.db import AgencyKeyRow, AgencyRow, IsaRow, PersonRow
from infoshare.keys import PublicKeyInfo
from infoshare.worktime import OfficeHours

DEMO_REGISTRY = Path(__file__).parent / "demo" / "registry.json"


class RegistryError(ValueError):
    """The registry file is invalid; the message names the entry and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OfficeHoursSpec(_Strict):
    opens: time = time(9, 0)
    closes: time = time(17, 0)
    weekdays: list[int] = Field(default=[0, 1, 2, 3, 4], description="0 = Monday ... 6 = Sunday")

    def to_hours(self) -> OfficeHours:
        return OfficeHours(self.opens, self.closes, frozenset(self.weekdays))


class AgencySpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    kind: str
    approver_roles: list[str] = Field(
        min_length=1, description="Roles or ranks that may sign off disclosures by this agency."
    )
    dpo_email: str | None = None
    office_hours: OfficeHoursSpec = Field(default_factory=lambda: OfficeHoursSpec())


class PersonSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    agency: str
    name: str
    role: str
    email: str


class IsaSpec(_Strict):
    reference: str
    title: str
    parties: list[str] = Field(min_length=2)
    valid_from: date
    valid_to: date


class RegistrySpec(_Strict):
    agencies: list[AgencySpec]
    people: list[PersonSpec]
    isas: list[IsaSpec] = []


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    kind: str
    approver_roles: tuple[str, ...]
    dpo_email: str | None
    office_hours: OfficeHours = OfficeHours()


@dataclass(frozen=True)
class Member:
    id: str
    agency_id: str
    name: str
    role: str
    email: str


def parse_registry(raw: dict[str, Any]) -> RegistrySpec:
    try:
        spec = RegistrySpec.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RegistryError(f"registry entry {where}: {first['msg']}") from exc
    agency_ids = {a.id for a in spec.agencies}
    for p in spec.people:
        if p.agency not in agency_ids:
            raise RegistryError(f"person {p.id!r} belongs to unknown agency {p.agency!r}")
    for isa in spec.isas:
        unknown = set(isa.parties) - agency_ids
        if unknown:
            raise RegistryError(f"ISA {isa.reference!r} names unknown agencies {sorted(unknown)}")
        if isa.valid_to < isa.valid_from:
            raise RegistryError(f"ISA {isa.reference!r} ends before it starts")
    return spec


def read_registry_file(path: Path) -> RegistrySpec:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RegistryError(f"registry file not found: {path}") from exc
    except ValueError as exc:
        raise RegistryError(f"registry file {path} is not valid JSON: {exc}") from exc
    return parse_registry(raw)


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


def load_registry(session: Session, spec: RegistrySpec) -> None:
    """Insert or update every entry of ``spec`` (keys are left alone)."""
    for a in spec.agencies:
        session.merge(
            AgencyRow(
                id=a.id,
                name=a.name,
                kind=a.kind,
                approver_roles=a.approver_roles,
                dpo_email=a.dpo_email,
                office_hours=a.office_hours.model_dump(mode="json"),
            )
        )
    session.flush()
    for p in spec.people:
        session.merge(
            PersonRow(id=p.id, agency_id=p.agency, name=p.name, role=p.role, email=p.email)
        )
    for i in spec.isas:
        session.merge(
            IsaRow(
                reference=i.reference,
                title=i.title,
                parties=sorted(i.parties),
                valid_from=_day_start(i.valid_from),
                valid_to=_day_start(i.valid_to) + timedelta(days=1),
            )
        )


@dataclass(frozen=True)
class Isa:
    reference: str
    parties: frozenset[str]
    valid_from: datetime
    valid_to: datetime

    def covers(self, a: str, b: str, at: datetime) -> bool:
        return {a, b} <= self.parties and self.valid_from <= at < self.valid_to


@dataclass(frozen=True)
class Partnership:
    """An immutable snapshot of the registry, for policy decisions without a database."""

    agencies: dict[str, Agency]
    members: dict[str, Member]
    isas: tuple[Isa, ...]

    def agency(self, agency_id: str) -> Agency | None:
        return self.agencies.get(agency_id)

    def member(self, person_id: str) -> Member | None:
        return self.members.get(person_id)

    def members_of(self, agency_id: str) -> list[Member]:
        return [m for m in self.members.values() if m.agency_id == agency_id]

    def approvers_of(self, agency_id: str) -> list[Member]:
        a = self.agencies.get(agency_id)
        if a is None:
            return []
        return [m for m in self.members_of(agency_id) if m.role in a.approver_roles]

    def isa(self, reference: str) -> Isa | None:
        return next((i for i in self.isas if i.reference == reference), None)

    def in_date_isa(self, a: str, b: str, at: datetime) -> Isa | None:
        return next((i for i in self.isas if i.covers(a, b, at)), None)

    @classmethod
    def from_spec(cls, spec: RegistrySpec) -> Partnership:
        return cls(
            agencies={
                a.id: Agency(
                    a.id,
                    a.name,
                    a.kind,
                    tuple(a.approver_roles),
                    a.dpo_email,
                    a.office_hours.to_hours(),
                )
                for a in spec.agencies
            },
            members={p.id: Member(p.id, p.agency, p.name, p.role, p.email) for p in spec.people},
            isas=tuple(
                Isa(
                    i.reference,
                    frozenset(i.parties),
                    _day_start(i.valid_from),
                    _day_start(i.valid_to) + timedelta(days=1),
                )
                for i in spec.isas
            ),
        )


def load_partnership(session: Session) -> Partnership:
    return Partnership(
        agencies={
            r.id: Agency(
                r.id,
                r.name,
                r.kind,
                tuple(r.approver_roles),
                r.dpo_email,
                OfficeHoursSpec.model_validate(r.office_hours or {}).to_hours(),
            )
            for r in session.scalars(select(AgencyRow))
        },
        members={
            r.id: Member(r.id, r.agency_id, r.name, r.role, r.email)
            for r in session.scalars(select(PersonRow))
        },
        isas=tuple(
            Isa(r.reference, frozenset(r.parties), r.valid_from, r.valid_to)
            for r in session.scalars(select(IsaRow).order_by(IsaRow.reference))
        ),
    )


def add_public_keys(
    session: Session, keys: list[PublicKeyInfo], not_before: datetime, not_after: datetime
) -> None:
    for k in keys:
        session.merge(
            AgencyKeyRow(
                key_id=k.key_id,
                agency_id=k.agency_id,
                kind=k.kind,
                public_raw=k.public_raw,
                not_before=not_before,
                not_after=not_after,
            )
        )


def current_public_key(session: Session, agency_id: str, kind: str, at: datetime) -> bytes | None:
    row = session.scalars(
        select(AgencyKeyRow)
        .where(
            AgencyKeyRow.agency_id == agency_id,
            AgencyKeyRow.kind == kind,
            AgencyKeyRow.not_before <= at,
            AgencyKeyRow.not_after > at,
        )
        .order_by(AgencyKeyRow.not_before.desc())
    ).first()
    return None if row is None else row.public_raw


def agency_public_keys(session: Session, agency_id: str) -> list[AgencyKeyRow]:
    """Every public key registered for an agency, newest first within each kind."""
    return list(
        session.scalars(
            select(AgencyKeyRow)
            .where(AgencyKeyRow.agency_id == agency_id)
            .order_by(AgencyKeyRow.kind, AgencyKeyRow.not_before.desc(), AgencyKeyRow.key_id)
        )
    )


def valid_public_keys(session: Session, agency_id: str, kind: str, at: datetime) -> list[bytes]:
    """The agency's keys of ``kind`` valid at ``at``, newest first: during a rotation overlap a
    sender seals to all of them."""
    return list(
        session.scalars(
            select(AgencyKeyRow.public_raw)
            .where(
                AgencyKeyRow.agency_id == agency_id,
                AgencyKeyRow.kind == kind,
                AgencyKeyRow.not_before <= at,
                AgencyKeyRow.not_after > at,
            )
            .order_by(AgencyKeyRow.not_before.desc(), AgencyKeyRow.key_id)
        )
    )


def key_status(row: AgencyKeyRow, newest_valid: str | None, at: datetime) -> str:
    """current (the newest key of its kind valid now), overlap (still valid, superseded),
    retired (no longer valid) or pending (not valid yet)."""
    if row.key_id == newest_valid:
        return "current"
    if row.not_before > at:
        return "pending"
    return "overlap" if row.not_after > at else "retired"


def end_key_validity(session: Session, key_id: str, at: datetime) -> None:
    """Shorten a key's validity to end at ``at`` (rotation); never lengthens it."""
    row = session.get(AgencyKeyRow, key_id)
    if row is not None and row.not_after > at:
        row.not_after = at
