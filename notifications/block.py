"""SMTP settings from a Prefect ``EmailServerCredentials`` block (INFOSHARE_SMTP_BLOCK).

The block (from the prefect-email integration) keeps the server's password in Prefect's block
store, where operators already manage secrets, instead of in an environment variable. Its
fields map onto the same :class:`SmtpTarget` that INFOSHARE_SMTP_URL gives, so both are sent by
the one SMTP sender in ``notifications.delivery`` (retries, TLS checks, log hygiene):

    smtp_server  the host name (or one of prefect-email's names, e.g. "gmail")
    smtp_type    SSL = implicit TLS, STARTTLS, or INSECURE (no TLS)
    smtp_port    the port; unset, the type's usual one (465, 587, 25)
    username, password   the login, if any
    verify       must stay on for SSL and STARTTLS: infoshare never sends to a server whose
                 certificate it cannot check (INFOSHARE_SMTP_CA_FILE trusts a private CA)

The block is loaded from the Prefect API (PREFECT_API_URL) each time a message is delivered, so
a changed password is picked up at once. This is the only module of ``notifications`` that
imports Prefect, and only when INFOSHARE_SMTP_BLOCK is set. Errors name the settings and the
block, never the password.
"""

from __future__ import annotations

from infoshare.config import ConfigError
from notifications.config import SmtpTarget

HOW_TO_CREATE = (
    "register the block type with `prefect block register -m prefect_email` and create the "
    "block in the Prefect UI (Blocks) or with EmailServerCredentials(...).save(NAME)"
)


def load_smtp_target(name: str) -> SmtpTarget:
    """The SMTP server described by the EmailServerCredentials block ``name``.

    Raises :class:`ConfigError` (one line, naming INFOSHARE_SMTP_BLOCK) when the block cannot
    be loaded or describes something we will not send to.
    """
    try:
        from prefect.settings import get_current_settings
        from prefect_email import EmailServerCredentials, SMTPServer, SMTPType
    except ImportError:
        raise ConfigError(
            "INFOSHARE_SMTP_BLOCK needs the prefect-email package (pip install prefect-email)"
        ) from None

    api = get_current_settings().api.url
    if not api:
        raise ConfigError(
            f"INFOSHARE_SMTP_BLOCK={name} needs PREFECT_API_URL, the Prefect server that holds "
            "the block"
        )
    try:
        block = EmailServerCredentials.load(name, _sync=True)
    except ValueError as exc:
        # Prefect says "Unable to find block document named ..." for a missing block (or block
        # type); anything else is a block whose stored fields do not validate. Its own message
        # may quote the stored values, the password among them, so it is not repeated.
        if "unable to find block document" in str(exc).lower():
            raise ConfigError(
                f"INFOSHARE_SMTP_BLOCK: no EmailServerCredentials block named {name!r} on the "
                f"Prefect server at PREFECT_API_URL={api}; {HOW_TO_CREATE}"
            ) from None
        raise ConfigError(
            f"INFOSHARE_SMTP_BLOCK: the block {name!r} is not a valid EmailServerCredentials "
            "block; edit it in the Prefect UI"
        ) from None
    except Exception as exc:  # the Prefect API is down, refuses us, or answers nonsense
        status = getattr(getattr(exc, "response", None), "status_code", None)
        why = f"HTTP {status}" if status else type(exc).__name__
        raise ConfigError(
            f"INFOSHARE_SMTP_BLOCK: cannot load the block {name!r} from Prefect at "
            f"PREFECT_API_URL={api} ({why}); is the Prefect server running?"
        ) from None

    server = block.smtp_server
    host = (server.value if isinstance(server, SMTPServer) else str(server)).strip()
    kind = block.smtp_type if isinstance(block.smtp_type, SMTPType) else SMTPType[block.smtp_type]
    if not host:
        raise ConfigError(f"INFOSHARE_SMTP_BLOCK: the block {name!r} has no SMTP server")
    if kind is not SMTPType.INSECURE and block.verify is False:
        raise ConfigError(
            f"INFOSHARE_SMTP_BLOCK: the block {name!r} turns certificate verification off; "
            "infoshare always verifies the SMTP server: turn verify on, and set "
            "INFOSHARE_SMTP_CA_FILE for a private CA"
        )
    password = block.password.get_secret_value() if block.password is not None else ""
    return SmtpTarget(
        host=host,
        port=block.smtp_port or kind.value,
        implicit_tls=kind is SMTPType.SSL,
        starttls=kind is SMTPType.STARTTLS,
        username=block.username or None,
        password=password or None,
    )
