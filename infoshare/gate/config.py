"""The gate's settings, from the environment.

INFOSHARE_GATE_URL        the address people open for the Prefect UI, as their browser sees it
                          (default http://localhost:4200). It must be on the workspace's host
                          name (INFOSHARE_WORKSPACE_URL, any port): the workspace's session cookie
                          is bound to that host, and the gate reads it.
INFOSHARE_GATE_UPSTREAM   the Prefect server behind the gate, on loopback
                          (default http://127.0.0.1:4201)
PREFECT_API_AUTH_STRING   the Prefect server's PREFECT_SERVER_API_AUTH_STRING: the gate's
                          credential (people never see it)
INFOSHARE_GATE_ADMINS     person ids (comma-separated) who may do everything through the gate
INFOSHARE_GATE_DEPLOYMENTS  the deployments people may run (default
                          share-request/share-request,enquiry/enquiry; absent ones are ignored)
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from infoshare.config import ConfigError

DEFAULT_DEPLOYMENTS = ("share-request/share-request", "enquiry/enquiry")


@dataclass(frozen=True)
class GateSettings:
    url: str = "http://localhost:4200"
    upstream: str = "http://127.0.0.1:4201"
    auth_string: str | None = None
    admins: frozenset[str] = frozenset()
    deployments: tuple[str, ...] = DEFAULT_DEPLOYMENTS

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


def _url(env: dict[str, str], name: str, default: str) -> str:
    url = (env.get(name) or default).rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{name} must be an http(s) address, got {url!r}")
    return url


def load_gate_settings(env: dict[str, str] | None = None) -> GateSettings:
    env = dict(os.environ if env is None else env)
    names = env.get("INFOSHARE_GATE_DEPLOYMENTS")
    return GateSettings(
        url=_url(env, "INFOSHARE_GATE_URL", GateSettings.url),
        upstream=_url(env, "INFOSHARE_GATE_UPSTREAM", GateSettings.upstream),
        auth_string=env.get("PREFECT_API_AUTH_STRING") or None,
        admins=frozenset(
            p.strip() for p in env.get("INFOSHARE_GATE_ADMINS", "").split(",") if p.strip()
        ),  # fmt: skip
        deployments=tuple(n.strip() for n in names.split(",") if n.strip())
        if names
        else DEFAULT_DEPLOYMENTS,
    )


AUTH_FILE = "api-auth-string"  # in the embedded Prefect home, mode 0600


def embedded_auth_string(home: Path, create: bool = False) -> str | None:
    """The embedded Prefect server's auth string (``infoshare up``), kept in
    ``$INFOSHARE_HOME/prefect/api-auth-string`` so infoshare's own tools on this machine (the
    CLI, the workspace, the gate, the runner) can use the server; people never see it."""
    path = home / "prefect" / AUTH_FILE
    if path.exists():
        return path.read_text().strip() or None
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"infoshare:{secrets.token_urlsafe(32)}")
    return path.read_text().strip()
