"""Settings read from the environment, with defaults that need no set-up.

INFOSHARE_HOME          where the embedded store, keys and inboxes live (default ~/.infoshare)
INFOSHARE_DATABASE_URL  any SQLAlchemy URL for our store (default SQLite under INFOSHARE_HOME)
INFOSHARE_MASTER_KEY    base64 key that wraps per-request data keys (default: a 0600 key file)
INFOSHARE_KEY_PASSPHRASE  protects agency private keys (default: the master key protects them)
INFOSHARE_TIERS         JSON object overriding tier budgets in hours, e.g. {"RED": 2}
INFOSHARE_CHECKPOINT_EVERY  sign each agency's decision-record chain every N records (100)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

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


class ConfigError(ValueError):
    """A setting is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    tier_budgets: dict[UrgencyTier, Budget] = field(default_factory=dict)
    prefect_ui_url: str = "http://127.0.0.1:4200"
    master_key_b64: str | None = field(default=None, repr=False)
    checkpoint_every: int = 100  # sign each agency's chain head every N decision records
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
    home = Path(env.get("INFOSHARE_HOME") or Path.home() / ".infoshare").expanduser()
    database_url = env.get("INFOSHARE_DATABASE_URL") or f"sqlite:///{home / 'infoshare.db'}"
    ui = env.get("INFOSHARE_PREFECT_UI_URL") or _ui_from_api(env.get("PREFECT_API_URL"))
    return Settings(
        home=home,
        database_url=database_url,
        tier_budgets=_tier_budgets(env.get("INFOSHARE_TIERS")),
        prefect_ui_url=ui,
        master_key_b64=env.get("INFOSHARE_MASTER_KEY") or None,
        checkpoint_every=_positive_int(env, "INFOSHARE_CHECKPOINT_EVERY", 100),
        key_passphrase=env.get("INFOSHARE_KEY_PASSPHRASE") or None,
    )


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
        return "http://127.0.0.1:4200"
    return api_url.rstrip("/").removesuffix("/api")
