"""Mail settings, read from the environment (the domain's Settings need not know about mail).

INFOSHARE_SMTP_URL      smtp://user:pass@host:port (STARTTLS with ?starttls=1, and by default on
                        port 587; ?starttls=0 turns it off) or smtps://user:pass@host:port
                        (implicit TLS). Unset: messages go to the outbox, $INFOSHARE_HOME/outbox.
INFOSHARE_SMTP_BLOCK    the name of a Prefect ``EmailServerCredentials`` block (prefect-email)
                        holding the server, port, SSL/STARTTLS/INSECURE, user name and password,
                        loaded from PREFECT_API_URL at each delivery (``notifications.block``).
                        Set this or INFOSHARE_SMTP_URL, not both: both set is an error.
INFOSHARE_MAIL_FROM     the From address (default infoshare@localhost)
INFOSHARE_SMTP_CA_FILE  a PEM file of CA certificates to trust instead of the system's (for the
                        URL and the block alike)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from infoshare.config import ConfigError

DEFAULT_FROM = "infoshare@localhost"


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to connect. ``password`` is never shown in a repr or an error."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def where(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp+starttls" if self.starttls else "smtp"
        return f"{scheme}://{self.host}:{self.port}"

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        bad = "INFOSHARE_SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465"
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError:
            raise ConfigError(f"{bad} (the port is not a number)") from None
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError(bad)
        implicit = parts.scheme == "smtps"
        port = port or (465 if implicit else 25)
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        flag = query.get("starttls")
        if flag not in (None, "1", "0", "true", "false", "yes", "no"):
            raise ConfigError("INFOSHARE_SMTP_URL: starttls must be 1 or 0")
        if implicit:
            starttls = False
        elif flag is None:
            starttls = port == 587
        else:
            starttls = flag in ("1", "true", "yes")
        return cls(
            host=parts.hostname,
            port=port,
            implicit_tls=implicit,
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
        )


@dataclass(frozen=True)
class MailConfig:
    """How notifications are sent: SMTP to ``smtp``, or to the server named by the Prefect block
    ``smtp_block`` (loaded when a message is delivered), else the maildir outbox.

    ``attempts``, ``backoff`` (seconds, doubled each retry), ``timeout`` (per connection) and
    ``max_total`` (seconds for all attempts together) bound the time a delivery may take.
    """

    smtp: SmtpTarget | None = None
    smtp_block: str | None = None
    mail_from: str = DEFAULT_FROM
    ca_file: Path | None = None
    attempts: int = 3
    backoff: float = 1.0
    timeout: float = 20.0
    max_total: float = 60.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> MailConfig:
        env = dict(os.environ if env is None else env)
        url = (env.get("INFOSHARE_SMTP_URL") or "").strip() or None
        block = (env.get("INFOSHARE_SMTP_BLOCK") or "").strip() or None
        if url and block:
            # Two sources for one server is a mistake waiting to happen (which one is live?), so
            # neither wins: the user removes one.
            raise ConfigError(
                "INFOSHARE_SMTP_URL and INFOSHARE_SMTP_BLOCK are both set: "
                "set one of them (the URL, or the name of an EmailServerCredentials block)"
            )
        ca = env.get("INFOSHARE_SMTP_CA_FILE") or None
        ca_file = Path(ca).expanduser() if ca else None
        if ca_file is not None and not ca_file.is_file():
            raise ConfigError(f"INFOSHARE_SMTP_CA_FILE {ca_file} is not a readable file")
        return cls(
            smtp=SmtpTarget.parse(url) if url else None,
            smtp_block=block,
            mail_from=mail_from_env(env),
            ca_file=ca_file,
        )


def mail_from_env(env: dict[str, str] | None = None) -> str:
    """INFOSHARE_MAIL_FROM, checked (what rendering needs, without the SMTP settings)."""
    env = dict(os.environ if env is None else env)
    mail_from = (env.get("INFOSHARE_MAIL_FROM") or DEFAULT_FROM).strip()
    if "\n" in mail_from or "\r" in mail_from or "@" not in mail_from:
        raise ConfigError("INFOSHARE_MAIL_FROM must be one address like infoshare@example.org")
    return mail_from
