"""The partnership as infoshare works with it: agencies (office hours, sign-off rules, cover,
data-protection lead), their people, the ISAs between them and their intake endpoints, loaded
into the store from a registry file and read back as plain objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from infoshare.db.tables import AgencyIntakeRow, AgencyRow, IsaRow, PersonRow
from infoshare.registry.public_keys import register_person_key
from infoshare.registry.spec import OfficeHoursSpec, RegistryError, RegistrySpec, signing_public_key
from infoshare.worktime import OfficeHours, now_utc


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


def _day_start(d: date) -> datetime:
    return datetime.combine(d, time.min, tzinfo=UTC)


@dataclass(frozen=True)
class RegistryChanges:
    """What a load changed besides updating entries in place (ids only)."""

    deactivated_people: list[str] = field(default_factory=list)
    deactivated_agencies: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)


def load_registry(session: Session, spec: RegistrySpec) -> RegistryChanges:
    """Insert or update every entry of ``spec`` (keys are left alone). The file is the truth:
    a person or agency registered before and absent from it now is deactivated, never silently
    kept: no longer a member of the partnership (cannot sign in, justify, approve or be asked),
    their outstanding one-time codes withdrawn, an audit line each; records keep their names.
    One listed again is active again."""
    from infoshare.identity import codes  # both use the store, which uses this module
    from infoshare.store.audit import AuditTrail

    changes = RegistryChanges()
    now = now_utc()
    was_inactive = {
        r.id
        for r in session.scalars(select(AgencyRow).where(AgencyRow.deactivated_at.is_not(None)))
    } | {
        r.id
        for r in session.scalars(select(PersonRow).where(PersonRow.deactivated_at.is_not(None)))
    }
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
                deactivated_at=None,
            )
        )
    session.flush()
    for p in spec.people:
        session.merge(
            PersonRow(id=p.id, agency_id=p.agency, name=p.name, role=p.role, email=p.email,
                      deactivated_at=None)
        )  # fmt: skip
    agencies = {a.id for a in spec.agencies}
    people = {p.id for p in spec.people}
    for pid in sorted(was_inactive & (agencies | people)):
        AuditTrail.add(session, None, "registry", None, "reactivated",
                       f"{pid}: listed again in the loaded registry")  # fmt: skip
        changes.reactivated.append(pid)
    for agency_row in session.scalars(select(AgencyRow).where(AgencyRow.deactivated_at.is_(None))):
        if agency_row.id not in agencies:
            agency_row.deactivated_at = now
            AuditTrail.add(session, None, "registry", None, "agency deactivated",
                           f"{agency_row.id}: not in the loaded registry")  # fmt: skip
            changes.deactivated_agencies.append(agency_row.id)
    for person in session.scalars(select(PersonRow).where(PersonRow.deactivated_at.is_(None))):
        if person.id not in people:
            person.deactivated_at = now
            withdrawn = codes.withdraw_person(session, person.id)
            AuditTrail.add(session, None, "registry", None, "person deactivated",
                           f"{person.id}: not in the loaded registry; {withdrawn} outstanding "
                           "one-time codes withdrawn")  # fmt: skip
            changes.deactivated_people.append(person.id)
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
    return changes


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
    # people deactivated by a registry load: named on records, members of nothing
    former: dict[str, Member] = field(default_factory=dict)

    def agency(self, agency_id: str) -> Agency | None:
        return self.agencies.get(agency_id)

    def member(self, person_id: str) -> Member | None:
        """An active member (None for someone unknown or deactivated)."""
        return self.members.get(person_id)

    def named(self, person_id: str) -> Member | None:
        """Anyone ever registered, deactivated or not: for naming them on a record."""
        return self.members.get(person_id) or self.former.get(person_id)

    def members_of(self, agency_id: str) -> list[Member]:
        return [m for m in self.members.values() if m.agency_id == agency_id]

    def approvers_of(self, agency_id: str) -> list[Member]:
        a = self.agencies.get(agency_id)
        if a is None:
            return []
        return [m for m in self.members_of(agency_id) if m.role in a.approver_roles]

    def led_by(self, person_id: str) -> list[str]:
        """The agencies whose data-protection lead this person is: those whose registered
        ``dpo_email`` is the person's own (one lead may serve several agencies)."""
        m = self.members.get(person_id)
        if m is None:
            return []
        mine = m.email.casefold()
        return [a.id for a in self.agencies.values() if (a.dpo_email or "").casefold() == mine]

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
    inactive_agencies = set(
        session.scalars(select(AgencyRow.id).where(AgencyRow.deactivated_at.is_not(None)))
    )
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
            for r in session.scalars(select(AgencyRow).where(AgencyRow.deactivated_at.is_(None)))
        },
        members={
            r.id: Member(r.id, r.agency_id, r.name, r.role, r.email)
            for r in session.scalars(select(PersonRow).where(PersonRow.deactivated_at.is_(None)))
            if r.agency_id not in inactive_agencies
        },
        former={
            r.id: Member(r.id, r.agency_id, r.name, r.role, r.email)
            for r in session.scalars(select(PersonRow))
            if r.deactivated_at is not None or r.agency_id in inactive_agencies
        },
        isas=tuple(
            Isa(r.reference, frozenset(r.parties), r.valid_from, r.valid_to)
            for r in session.scalars(select(IsaRow).order_by(IsaRow.reference))
        ),
    )


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
