"""Settings read from the environment, with defaults that need no set-up.

INFOSHARE_HOME          where the embedded store, keys and inboxes live (default ~/.infoshare)
INFOSHARE_DATABASE_URL  any SQLAlchemy URL for our store (default SQLite under INFOSHARE_HOME)
INFOSHARE_MASTER_KEY    base64 key that wraps per-request data keys (default: a 0600 key file)
INFOSHARE_KEY_PASSPHRASE  protects agency private keys (default: the master key protects them)
INFOSHARE_TIERS         JSON object overriding tier budgets in hours, e.g. {"RED": 2}
INFOSHARE_CHECKPOINT_EVERY  sign each agency's decision-record chain every N records (100)
INFOSHARE_RETENTION_PERSONAL  keep a closed request's personal data this long after its
                        decision, then dispose of it (default 2y; units y calendar years, d days)
INFOSHARE_RETENTION_RECORD    keep the decision record itself this long (default 6y)
INFOSHARE_RETENTION_RUNS      delete finished share-request runs from Prefect after this (2y)
INFOSHARE_RETENTION_AGENCIES  per disclosing agency overrides, JSON, e.g.
                        {"northshire-police": {"personal": "3y", "record": "10y"}}
INFOSHARE_STEP_DUE      JSON object: when each person's step is due, as a fraction of the tier's
                        budget (in the budget's own time), e.g. {"override": 0.5, "signoff": 0.75}
INFOSHARE_EMERGENCY_CONFIRM_MINUTES  how long an on-call approver has to confirm an EMERGENCY
                        share before the request falls back to the RED path (15)

Mail is read by notifications/config.py (this package never imports Prefect):
INFOSHARE_SMTP_URL      smtp://user:pass@host:587 or smtps://host:465 (unset: the outbox)
INFOSHARE_SMTP_BLOCK    or: the name of a Prefect EmailServerCredentials block holding the
                        server and login (not both: setting both is an error)
INFOSHARE_MAIL_FROM, INFOSHARE_SMTP_CA_FILE  the From address; CA certificates to trust
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from infoshare.files import home_dir
from infoshare.models import UrgencyTier
from infoshare.worktime import Budget

# MASH practice defaults: RED 4 working hours, AMBER 24 working hours, GREEN 72 hours,
# ROUTINE 10 working days. EMERGENCY shares at once; its budget is for completing the record and
# the sign-off afterwards. Units: h (clock hours), wh (working hours), wd (working days).
DEFAULT_TIER_BUDGETS: dict[UrgencyTier, str] = {
    UrgencyTier.EMERGENCY: "24h",
    UrgencyTier.RED: "4wh",
    UrgencyTier.AMBER: "24wh",
    UrgencyTier.GREEN: "72h",
    UrgencyTier.ROUTINE: "10wd",
}


# Each person's step is due at a fraction of the request's budget, counted in the budget's own
# time (working time for "wh"/"wd" tiers): the override justification at half, the sign-off at
# three quarters. At its due time with no answer the watchdog escalates it to the agency's deputy.
DEFAULT_STEP_DUE: dict[str, float] = {"override": 0.5, "signoff": 0.75}
DEFAULT_EMERGENCY_CONFIRM = timedelta(minutes=15)


class ConfigError(ValueError):
    """A setting is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class Period:
    """A retention period: calendar years plus days ("2y", "730d", "1y30d")."""

    years: int = 0
    days: int = 0

    def after(self, at: datetime) -> datetime:
        """``at`` moved forward by the period (29 February becomes 28 February)."""
        return _add_years(at, self.years) + timedelta(days=self.days)

    def before(self, at: datetime) -> datetime:
        """``at`` moved back by the period: the latest time whose period has ended by ``at``."""
        return _add_years(at - timedelta(days=self.days), -self.years)

    def at_least(self) -> timedelta:
        """A lower bound of the period's length (for database pre-filters)."""
        return timedelta(days=365 * self.years + self.days)

    def __str__(self) -> str:
        return (
            "".join([f"{self.years}y" if self.years else "", f"{self.days}d" if self.days else ""])
            or "0d"
        )

    @classmethod
    def parse(cls, raw: str, setting: str) -> Period:
        m = _PERIOD.match(raw)
        if not m or not (m.group(1) or m.group(2)):
            raise ConfigError(f"{setting} must be a period such as 2y, 730d or 1y30d, got {raw!r}")
        period = cls(int(m.group(1) or 0), int(m.group(2) or 0))
        if period.years == 0 and period.days == 0:
            raise ConfigError(f"{setting} must be at least one day, got {raw!r}")
        return period


def _add_years(at: datetime, years: int) -> datetime:
    try:
        return at.replace(year=at.year + years)
    except ValueError:  # 29 February in a year without one
        return at.replace(year=at.year + years, day=28)


_PERIOD = re.compile(r"^\s*(?:(\d{1,3})\s*y)?\s*(?:(\d{1,6})\s*d)?\s*$")


@dataclass(frozen=True)
class Retention:
    """How long infoshare keeps what, per disclosing agency (no legal default exists: these are
    the partnership's choices). A request counts as closed when its decision is recorded."""

    personal: Period = Period(years=2)  # the request's personal data, after the decision
    record: Period = Period(years=6)  # the decision record itself (see retention.py)
    runs: Period = Period(years=2)  # finished share-request runs in Prefect
    agencies: dict[str, dict[str, Period]] = field(default_factory=dict)

    def personal_for(self, agency: str) -> Period:
        return self.agencies.get(agency, {}).get("personal", self.personal)

    def record_for(self, agency: str) -> Period:
        return self.agencies.get(agency, {}).get("record", self.record)

    def rule(self, agency: str) -> str:
        """The rule applied to an agency's requests, in words (for the audit trail)."""
        where = f"{agency}'s rule" if "personal" in self.agencies.get(agency, {}) else "default"
        return f"personal data {self.personal_for(agency)} after the decision ({where})"


def _retention(env: dict[str, str]) -> Retention:
    def period(name: str, default: Period) -> Period:
        raw = env.get(name)
        return Period.parse(raw, name) if raw else default

    agencies: dict[str, dict[str, Period]] = {}
    raw = env.get("INFOSHARE_RETENTION_AGENCIES")
    if raw:
        example = '{"northshire-police": {"personal": "3y", "record": "10y"}}'
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise ConfigError(
                f"INFOSHARE_RETENTION_AGENCIES is not JSON ({exc}); e.g. {example}"
            ) from exc
        if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
            raise ConfigError(
                f"INFOSHARE_RETENTION_AGENCIES must map agency ids to periods, e.g. {example}"
            )
        for agency, periods in data.items():
            unknown = set(periods) - {"personal", "record"}
            if unknown:
                raise ConfigError(
                    f"INFOSHARE_RETENTION_AGENCIES[{agency!r}]: unknown key(s) "
                    f"{', '.join(sorted(unknown))}; use personal and record"
                )
            agencies[agency] = {
                k: Period.parse(str(v), f"INFOSHARE_RETENTION_AGENCIES[{agency!r}][{k!r}]")
                for k, v in periods.items()
            }
    defaults = Retention()
    return Retention(
        personal=period("INFOSHARE_RETENTION_PERSONAL", defaults.personal),
        record=period("INFOSHARE_RETENTION_RECORD", defaults.record),
        runs=period("INFOSHARE_RETENTION_RUNS", defaults.runs),
        agencies=agencies,
    )


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    tier_budgets: dict[UrgencyTier, Budget] = field(default_factory=dict)
    prefect_ui_url: str = "http://localhost:4200"  # the gate under `infoshare up`
    # where people open the workspace (INFOSHARE_WORKSPACE_URL; ``infoshare up`` sets it); None
    # where none is run: notices and forms then point to the CLI
    workspace_url: str | None = None
    master_key_b64: str | None = field(default=None, repr=False)
    checkpoint_every: int = 100  # sign each agency's chain head every N decision records
    retention: Retention = field(default_factory=Retention)
    step_due: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_STEP_DUE))
    emergency_confirm: timedelta = DEFAULT_EMERGENCY_CONFIRM
    key_passphrase: str | None = field(default=None, repr=False)

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def inbox_root(self) -> Path:
        return self.home / "inbox"

    def inbox_for(self, agency_id: str) -> Path:
        return self.inbox_root / agency_id

    @property
    def outbox_dir(self) -> Path:
        """Maildir where notifications go when no SMTP server is configured."""
        return self.home / "outbox"


def _tier_budgets(raw: str | None) -> dict[UrgencyTier, Budget]:
    budgets: dict[UrgencyTier, str | float] = dict(DEFAULT_TIER_BUDGETS)
    if raw:
        try:
            overrides = json.loads(raw)
            for name, value in overrides.items():
                budgets[UrgencyTier(name)] = value
            return {tier: Budget.parse(b) for tier, b in budgets.items()}
        except (ValueError, TypeError, AttributeError) as exc:
            raise ConfigError(
                "INFOSHARE_TIERS must be a JSON object of tier to budget, e.g. "
                f'{{"RED": "4wh", "GREEN": "72h", "ROUTINE": "10wd"}}: {exc}'
            ) from exc
    return {tier: Budget.parse(b) for tier, b in budgets.items()}


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    home = home_dir(env)
    database_url = env.get("INFOSHARE_DATABASE_URL") or f"sqlite:///{home / 'infoshare.db'}"
    ui = env.get("INFOSHARE_PREFECT_UI_URL") or _ui_from_api(env.get("PREFECT_API_URL"))
    return Settings(
        home=home,
        database_url=database_url,
        tier_budgets=_tier_budgets(env.get("INFOSHARE_TIERS")),
        prefect_ui_url=ui,
        workspace_url=env.get("INFOSHARE_WORKSPACE_URL", "").rstrip("/") or None,
        master_key_b64=env.get("INFOSHARE_MASTER_KEY") or None,
        checkpoint_every=_positive_int(env, "INFOSHARE_CHECKPOINT_EVERY", 100),
        retention=_retention(env),
        step_due=_step_due(env.get("INFOSHARE_STEP_DUE")),
        emergency_confirm=timedelta(
            minutes=_positive_int(
                env,
                "INFOSHARE_EMERGENCY_CONFIRM_MINUTES",
                int(DEFAULT_EMERGENCY_CONFIRM.total_seconds() // 60),
            )
        ),
        key_passphrase=env.get("INFOSHARE_KEY_PASSPHRASE") or None,
    )


def _step_due(raw: str | None) -> dict[str, float]:
    due = dict(DEFAULT_STEP_DUE)
    if not raw:
        return due
    bad = 'INFOSHARE_STEP_DUE must be a JSON object like {"override": 0.5, "signoff": 0.75}'
    try:
        overrides = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"{bad}: {exc}") from exc
    if not isinstance(overrides, dict):
        raise ConfigError(bad)
    for step, fraction in overrides.items():
        if step not in DEFAULT_STEP_DUE:
            raise ConfigError(f"{bad}: unknown step {step!r} (one of override, signoff)")
        if isinstance(fraction, bool) or not isinstance(fraction, int | float):
            raise ConfigError(f"{bad}: {step} must be a number")
        if not 0 < fraction <= 1:
            raise ConfigError(f"{bad}: {step} must be above 0 and at most 1, got {fraction}")
        due[step] = float(fraction)
    return due


def _positive_int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, got {raw!r}")
    return value


def _ui_from_api(api_url: str | None) -> str:
    if not api_url:
        return "http://localhost:4200"
    return api_url.rstrip("/").removesuffix("/api")
