"""Settings read from the environment, with defaults that need no set-up.

INFOSHARE_HOME          where the embedded store, keys and inboxes live (default ~/.infoshare)
INFOSHARE_DATABASE_URL  any SQLAlchemy URL for our store (default SQLite under INFOSHARE_HOME)
INFOSHARE_MASTER_KEY    base64 key that wraps per-request data keys (default: a 0600 key file)
INFOSHARE_TIERS         JSON object overriding tier budgets in hours, e.g. {"RED": 2}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from infoshare.models import UrgencyTier

# MASH practice defaults (see docs/domain notes). EMERGENCY is "share now"; the budget below is
# for the retrospective record and sign-off. Working-time arithmetic comes with the timeliness
# work; until then these are clock hours.
DEFAULT_TIER_HOURS: dict[UrgencyTier, float] = {
    UrgencyTier.EMERGENCY: 1,
    UrgencyTier.RED: 4,
    UrgencyTier.AMBER: 24,
    UrgencyTier.GREEN: 72,
    UrgencyTier.ROUTINE: 240,
}


class ConfigError(ValueError):
    """A setting is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    tier_budgets: dict[UrgencyTier, timedelta] = field(default_factory=dict)
    prefect_ui_url: str = "http://127.0.0.1:4200"
    master_key_b64: str | None = field(default=None, repr=False)

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def inbox_root(self) -> Path:
        return self.home / "inbox"

    def inbox_for(self, agency_id: str) -> Path:
        return self.inbox_root / agency_id

    def budget(self, tier: UrgencyTier) -> timedelta:
        return self.tier_budgets[tier]


def _tier_budgets(raw: str | None) -> dict[UrgencyTier, timedelta]:
    hours = dict(DEFAULT_TIER_HOURS)
    if raw:
        try:
            overrides = json.loads(raw)
            for name, value in overrides.items():
                hours[UrgencyTier(name)] = float(value)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f'INFOSHARE_TIERS must be a JSON object of tier to hours, e.g. {{"RED": 4}}: {exc}'
            ) from exc
    return {tier: timedelta(hours=h) for tier, h in hours.items()}


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
    )


def _ui_from_api(api_url: str | None) -> str:
    if not api_url:
        return "http://127.0.0.1:4200"
    return api_url.rstrip("/").removesuffix("/api")
