"""The partnership registry: agencies, their people, sign-off policy, ISAs and public keys.

Loaded from a JSON file (``infoshare registry load FILE``); the demo partnership ships in
``infoshare/demo/registry.json``. Lookups are plain functions over a SQLAlchemy session.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from infoshare.db import AgencyIntakeRow, AgencyKeyRow, AgencyRow, IsaRow, PersonRow
from infoshare.keys import SIGNING, PublicKeyInfo
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


class IntakeSpec(_Strict):
    """The agency's HTTPS intake endpoint (``infoshare intake serve``): envelopes to it are
    POSTed there instead of written to its directory inbox."""

    url: str = Field(pattern=r"^https://[^\s]+$", description="e.g. https://intake.yjs.example/")
    ca_file: Path | None = Field(
        default=None,
        description="PEM CA bundle the server's certificate must chain to (relative paths are "
        "read from the registry file's folder); the system's trust store when absent.",
    )


class AgencySpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    kind: str
    approver_roles: list[str] = Field(
        min_length=1, description="Roles or ranks that may sign off disclosures by this agency."
    )
    dpo_email: str | None = None
    office_hours: OfficeHoursSpec = Field(default_factory=lambda: OfficeHoursSpec())
    intake: IntakeSpec | None = None
    deputy: str | None = Field(
        default=None,
        description="Person id of an approver of this agency who is told when a step passes its "
        "due time unanswered (with a new one-time code). Not told when a step opens.",
    )
    on_call: list[str] = Field(
        default_factory=list,
        description="Person ids of approvers of this agency who may confirm an EMERGENCY share "
        "at any hour. Not told when a step opens.",
    )


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
    deputy: str | None = None
    on_call: tuple[str, ...] = ()

    @property
    def cover(self) -> tuple[str, ...]:
        """Who stands behind the people a step is first sent to: the deputy, then on-call."""
        return tuple(dict.fromkeys([*([self.deputy] if self.deputy else []), *self.on_call]))


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
    people = {p.id: p for p in spec.people}
    for a in spec.agencies:
        for role, pid in [("deputy", a.deputy)] + [("on_call", p) for p in a.on_call]:
            if pid is None:
                continue
            person = people.get(pid)
            if person is None or person.agency != a.id:
                raise RegistryError(f"agency {a.id!r}: {role} {pid!r} is not one of its people")
            if person.role not in a.approver_roles:
                raise RegistryError(
                    f"agency {a.id!r}: {role} {pid!r} is a {person.role}, not one of its "
                    f"approver roles ({', '.join(a.approver_roles)})"
                )
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
    spec = parse_registry(raw)
    for a in spec.agencies:
        if a.intake is not None and a.intake.ca_file is not None:
            a.intake.ca_file = path.parent / a.intake.ca_file  # absolute paths stay as they are
    return spec


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
                deputy=a.deputy,
                on_call=list(a.on_call),
            )
        )
    session.flush()
    for p in spec.people:
        session.merge(
            PersonRow(id=p.id, agency_id=p.agency, name=p.name, role=p.role, email=p.email)
        )
    _load_intakes(session, spec)
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
                    deputy=a.deputy,
                    on_call=tuple(a.on_call),
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
                deputy=r.deputy,
                on_call=tuple(r.on_call or ()),
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


# --- HTTPS intake endpoints and the keys that sign for an agency ------------------------------


@dataclass(frozen=True)
class Intake:
    agency_id: str
    url: str
    ca_pem: str | None  # None: the system's trust store


def _intake_table(session: Session) -> None:
    AgencyIntakeRow.__table__.create(session.connection(), checkfirst=True)  # type: ignore[attr-defined]


def _read_ca(agency_id: str, path: Path) -> str:
    from cryptography.x509 import load_pem_x509_certificates

    try:
        pem = path.read_text(encoding="ascii")
        load_pem_x509_certificates(pem.encode())
    except (OSError, ValueError) as exc:
        raise RegistryError(
            f"agency {agency_id!r} intake.ca_file {path}: not a readable PEM CA bundle ({exc})"
        ) from exc
    return pem


def _load_intakes(session: Session, spec: RegistrySpec) -> None:
    """The registry file is the truth: an agency listed without ``intake`` loses its endpoint."""
    _intake_table(session)
    for a in spec.agencies:
        row = session.get(AgencyIntakeRow, a.id)
        if a.intake is None:
            if row is not None:
                session.delete(row)
            continue
        ca = _read_ca(a.id, a.intake.ca_file) if a.intake.ca_file else None
        session.merge(AgencyIntakeRow(agency_id=a.id, url=a.intake.url, ca_pem=ca))


def intake_of(session: Session, agency_id: str) -> Intake | None:
    _intake_table(session)
    row = session.get(AgencyIntakeRow, agency_id)
    return None if row is None else Intake(row.agency_id, row.url, row.ca_pem)


def signing_key_at(
    session: Session, key_id: str, at: datetime, agency_id: str | None = None
) -> bytes | None:
    """The raw Ed25519 public key registered under ``key_id`` and valid at ``at`` (of
    ``agency_id``, when given), or None."""
    query = select(AgencyKeyRow.public_raw).where(
        AgencyKeyRow.key_id == key_id,
        AgencyKeyRow.kind == SIGNING,
        AgencyKeyRow.not_before <= at,
        AgencyKeyRow.not_after > at,
    )
    if agency_id is not None:
        query = query.where(AgencyKeyRow.agency_id == agency_id)
    return session.scalar(query)


def signing_key_lookup(
    sessions: Callable[[], AbstractContextManager[Session]], agency_id: str | None = None
) -> Callable[[str, datetime], Ed25519PublicKey | None]:
    """(key id, time) -> the registered Ed25519 key (of ``agency_id``, when given) valid then:
    who may have signed an envelope, or a receipt."""

    def lookup(kid: str, at: datetime) -> Ed25519PublicKey | None:
        with sessions() as s:
            raw = signing_key_at(s, kid, at, agency_id)
        return None if raw is None else Ed25519PublicKey.from_public_bytes(raw)

    return lookup
