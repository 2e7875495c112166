"""The registry file: the partnership's agencies, people, sign-off policy, ISAs, intake
endpoints and public keys as a JSON document, parsed and checked before anything is loaded
(``infoshare registry load FILE``). The demo partnership ships in
``infoshare/demo/registry.json``.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from infoshare.models import UrgencyTier
from infoshare.worktime import OfficeHours

DEMO_REGISTRY = Path(__file__).parents[1] / "demo" / "registry.json"


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
