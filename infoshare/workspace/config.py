"""The workspace's settings, from the environment.

INFOSHARE_WORKSPACE_URL      the address people open, as their browser sees it (default
                             http://localhost:4300). Passkeys are bound to its host name (an IP
                             address cannot hold passkeys: use a name); cookies are Secure unless
                             it is plain http on this machine (localhost, 127.0.0.1).
INFOSHARE_WORKSPACE_IDLE_MINUTES      a session ends after this long unused (30)
INFOSHARE_WORKSPACE_SESSION_HOURS     and this long after sign-in, used or not (10)
INFOSHARE_WORKSPACE_MAX_UPLOAD_MB     the largest item content that can be uploaded (20)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from infoshare.config import ConfigError

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class WorkspaceSettings:
    url: str = "http://localhost:4300"
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=10)
    code_lifetime: timedelta = timedelta(minutes=10)
    max_upload: int = 20 * 1024 * 1024
    # sign-in codes: at most this many asked for per person / per client address in the window
    codes_per_person: int = 5
    codes_per_address: int = 20
    rate_window: timedelta = timedelta(minutes=15)
    # wrong codes: a code is void after this many; a person is locked out after this many in
    # the lock-out window
    failures_per_code: int = 5
    failures_per_person: int = 10
    lockout: timedelta = timedelta(minutes=30)

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "localhost"

    @property
    def secure(self) -> bool:
        """Cookies marked Secure: everywhere but plain http on this machine."""
        return urlsplit(self.url).scheme == "https" or self.host not in LOOPBACK

    @property
    def cookie_name(self) -> str:
        # __Host-: only over HTTPS, for this host and path / (no Domain): the browser enforces it
        return "__Host-infoshare" if self.secure else "infoshare-session"


def _minutes(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(f"{name} must be a positive number, got {raw!r}")
    return value


def load_workspace_settings(env: dict[str, str] | None = None) -> WorkspaceSettings:
    env = dict(os.environ if env is None else env)
    url = (env.get("INFOSHARE_WORKSPACE_URL") or WorkspaceSettings.url).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"INFOSHARE_WORKSPACE_URL must be an http(s) address like https://workspace.example, "
            f"got {url!r}"
        )
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise ConfigError(
            "INFOSHARE_WORKSPACE_URL must be https:// unless it is on this machine (localhost): "
            "serve the workspace behind TLS (README: Production)"
        )
    return WorkspaceSettings(
        url=url,
        idle=timedelta(minutes=_minutes(env, "INFOSHARE_WORKSPACE_IDLE_MINUTES", 30)),
        absolute=timedelta(hours=_minutes(env, "INFOSHARE_WORKSPACE_SESSION_HOURS", 10)),
        max_upload=int(_minutes(env, "INFOSHARE_WORKSPACE_MAX_UPLOAD_MB", 20) * 1024 * 1024),
    )
