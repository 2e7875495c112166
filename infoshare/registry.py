"""The partnership registry: agencies, their people, sign-off policy, ISAs and public keys.

Loaded from a JSON file (``infoshare registry load FILE``); the demo partnership ships in
``infoshare/demo/registry.json``. Lookups are plain functions over a SQLAlchemy session.
"""

from __future__ import annotations

import base64
import binascii
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

from infoshare.db import AgencyIntakeRow, AgencyKeyRow, AgencyRow, IsaRow, PersonKeyRow, PersonRow
from infoshare.keys import SIGNING, PublicKeyInfo, key_id
from infoshare.models import UrgencyTier
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


class SignOffRuleSpec(_Strict):
    """Who may sign off some of an agency's disclosures. The first rule that matches a request
    applies; a request no rule matches needs one of the agency's ``approver_roles``."""

    tiers: list[UrgencyTier] = Field(
        default_factory=list, description="Urgency tiers the rule applies to (empty: every tier)."
    )
    special_category: bool = Field(
        default=False, description="The rule applies only to requests for special-category data."
    )
    min_rank: str | None = Field(
        default=None, description="This rank or any above it in the agency's ``ranks``."
    )
    roles: list[str] = Field(default_factory=list, description="Any one of these roles.")


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
    ranks: list[str] = Field(
        default_factory=list,
        description="The agency's ranks, lowest first (e.g. Constable ... Chief Superintendent). "
        "When given, every role named for the agency must be one of them.",
    )
    signoff_rules: list[SignOffRuleSpec] = Field(
        default_factory=list, description="Who may sign off which requests (first match wins)."
    )
    four_eyes: bool = Field(
        default=True,
        description="Overrides of consent on RED or EMERGENCY requests, or for special-category "
        "data, need two distinct approvers.",
    )

    def policy_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", include={"ranks", "signoff_rules", "four_eyes"})


class PersonSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    agency: str
    name: str
    role: str
    email: str
    signing_key: str | None = Field(
        default=None,
        description="The person's Ed25519 public key (raw, base64) for `infoshare approve "
        "--sign`; `infoshare person-key generate` prints it.",
    )


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
class SignOffRule:
    tiers: frozenset[str]  # empty: every tier
    special_category: bool
    roles: tuple[str, ...]  # min_rank already expanded to that rank and those above it
    text: str  # the requirement as a person reads it ("Inspector or above")

    def applies(self, urgency: str, special_category: bool) -> bool:
        return (not self.tiers or urgency in self.tiers) and (
            special_category or not self.special_category
        )


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

    signoff_rules: tuple[SignOffRule, ...] = ()
    four_eyes: bool = True

    def signoff_rule(self, urgency: str, special_category: bool) -> SignOffRule:
        """Who may sign off a request of this tier and data type (first matching rule)."""
        for rule in self.signoff_rules:
            if rule.applies(urgency, special_category):
                return rule
        return SignOffRule(frozenset(), False, self.approver_roles, "")


def _rules(policy: dict[str, Any]) -> tuple[SignOffRule, ...]:
    ranks: list[str] = policy.get("ranks") or []
    out = []
    for r in policy.get("signoff_rules") or []:
        if r.get("min_rank"):
            roles = tuple(ranks[ranks.index(r["min_rank"]) :])
            text = f"{r['min_rank']} or above"
        else:
            roles, text = tuple(r["roles"]), ""
        out.append(SignOffRule(frozenset(r.get("tiers") or []), bool(r.get("special_category")),
                               roles, text))  # fmt: skip
    return tuple(out)


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
    for a in spec.agencies:
        _check_signoff_policy(a)
    ranked = {a.id: a.ranks for a in spec.agencies if a.ranks}
    for p in spec.people:
        if p.agency not in agency_ids:
            raise RegistryError(f"person {p.id!r} belongs to unknown agency {p.agency!r}")
        if p.agency in ranked and p.role not in ranked[p.agency]:
            raise RegistryError(
                f"person {p.id!r} has unknown rank {p.role!r} for {p.agency!r}; its ranks are: "
                f"{', '.join(ranked[p.agency])}"
            )
        if p.signing_key is not None:
            signing_public_key(p.signing_key, f"person {p.id!r}")
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


def _check_signoff_policy(a: AgencySpec) -> None:
    where = f"agency {a.id!r}"
    if len(set(a.ranks)) != len(a.ranks):
        raise RegistryError(f"{where}: a rank is listed twice in ranks")
    for n, rule in enumerate(a.signoff_rules):
        at = f"{where} signoff_rules.{n}"
        if (rule.min_rank is None) == (not rule.roles):
            raise RegistryError(f"{at}: give exactly one of min_rank or roles")
        if rule.min_rank is not None and rule.min_rank not in a.ranks:
            known = ", ".join(a.ranks) or "none: add the agency's ranks, lowest first"
            raise RegistryError(f"{at}: unknown rank {rule.min_rank!r}; ranks: {known}")
    if a.ranks:
        for role in [*a.approver_roles, *(r for rule in a.signoff_rules for r in rule.roles)]:
            if role not in a.ranks:
                raise RegistryError(
                    f"{where}: unknown rank {role!r}; its ranks are: {', '.join(a.ranks)}"
                )


def signing_public_key(b64: str, whose: str) -> bytes:
    """The raw 32-byte Ed25519 public key in ``b64``, or a RegistryError naming ``whose``."""
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise RegistryError(f"{whose}: signing_key must be a base64 raw Ed25519 public key")
    return raw


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
                signoff_policy=a.policy_json(),
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
    session.flush()
    for p in spec.people:
        if p.signing_key is not None:
            register_person_key(session, p.id, signing_public_key(p.signing_key, p.id), "registry")
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
                    signoff_rules=_rules(a.policy_json()),
                    four_eyes=a.four_eyes,
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
                signoff_rules=_rules(r.signoff_policy or {}),
                four_eyes=(r.signoff_policy or {}).get("four_eyes", True),
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
    for a in spec.agencies:
        row = session.get(AgencyIntakeRow, a.id)
        if a.intake is None:
            if row is not None:
                session.delete(row)
            continue
        ca = _read_ca(a.id, a.intake.ca_file) if a.intake.ca_file else None
        session.merge(AgencyIntakeRow(agency_id=a.id, url=a.intake.url, ca_pem=ca))


def intake_of(session: Session, agency_id: str) -> Intake | None:
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


def register_person_key(session: Session, person_id: str, public_raw: bytes, source: str) -> bool:
    """Make ``public_raw`` the person's signing key, retiring any other; False (and nothing
    changes) if this key was registered before, so loading the same registry again never brings
    back a key that was replaced since. Retired keys are kept: old signatures still verify."""
    kid = key_id(public_raw)
    if session.get(PersonKeyRow, kid) is not None:
        return False
    now = datetime.now(UTC)
    current = person_key(session, person_id)
    if current is not None:
        current.retired_at = now
    session.add(
        PersonKeyRow(key_id=kid, person_id=person_id, public_raw=public_raw, registered_at=now,
                     retired_at=None, source=source)
    )  # fmt: skip
    return True


def person_key(session: Session, person_id: str) -> PersonKeyRow | None:
    """The person's current signing key, if they have registered one."""
    return session.scalars(
        select(PersonKeyRow).where(
            PersonKeyRow.person_id == person_id, PersonKeyRow.retired_at.is_(None)
        )
    ).first()


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
