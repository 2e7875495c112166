"""Deliver a rendered message: over SMTP when configured, else into the maildir outbox.

SMTP is configured by INFOSHARE_SMTP_URL or by a Prefect EmailServerCredentials block named in
INFOSHARE_SMTP_BLOCK (``notifications.block``); both become one :class:`SmtpTarget` and go
through the same sender below. A block that cannot be loaded is a :class:`DeliveryError`, never
a quiet fall-back to the outbox.

Sending is retried with exponential backoff on transient failures (4xx replies, refused or
reset connections, timeouts), within ``MailConfig.attempts`` and ``MailConfig.max_total``
seconds; a permanent failure (5xx, a TLS certificate that does not verify, bad settings) raises
:class:`DeliveryError` at once. Logs name the Message-ID, the server and the SMTP code only:
never a body, a code, or an address.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from infoshare.config import ConfigError, Settings
from notifications.config import MailConfig, SmtpTarget

log = logging.getLogger("infoshare.notifications")


class DeliveryError(RuntimeError):
    """A message could not be delivered; the message says why in one line."""


@dataclass(frozen=True)
class Delivered:
    method: str  # "smtp" or "outbox"
    where: str  # smtp[s]://host:port, or the file the message was written to


def deliver(message: EmailMessage, settings: Settings, mail: MailConfig | None = None) -> Delivered:
    """Send ``message`` by SMTP if INFOSHARE_SMTP_URL or INFOSHARE_SMTP_BLOCK is set, else
    write it to the outbox."""
    try:
        mail = mail or MailConfig.from_env()
    except ConfigError as exc:
        raise DeliveryError(str(exc)) from None
    if not message.get("To"):
        raise DeliveryError("the message has no recipient (To)")
    if mail.smtp is None and mail.smtp_block is None:
        try:
            return Delivered("outbox", str(write_outbox(message, settings.outbox_dir)))
        except OSError as exc:
            raise DeliveryError(
                f"cannot write to the outbox {settings.outbox_dir}: {exc.strerror or exc}"
            ) from None
    target = mail.smtp
    if target is None:
        from notifications.block import load_smtp_target  # imports Prefect: only when asked for

        try:
            target = load_smtp_target(str(mail.smtp_block))
        except ConfigError as exc:
            raise DeliveryError(str(exc)) from None
    return _send_with_retry(message, target, mail)


# --- the outbox ---------------------------------------------------------------------------------


def write_outbox(message: EmailMessage, root: Path) -> Path:
    """Write into a maildir (tmp/ then an atomic rename into new/), files 0600, folders 0700."""
    for sub in ("", "tmp", "new", "cur"):
        (root / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{time.time():.6f}.{uuid.uuid4().hex}.{socket.gethostname().replace('/', '_')}"
    name = name.replace(":", "_")
    tmp, final = root / "tmp" / name, root / "new" / name
    data = message.as_bytes()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(root / "new", os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    log.info("notification %s written to the outbox", message.get("Message-ID", "?"))
    return final


# --- SMTP ---------------------------------------------------------------------------------------


class _Transient(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _tls_context(mail: MailConfig) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=str(mail.ca_file) if mail.ca_file else None)
    except (OSError, ssl.SSLError) as exc:
        raise DeliveryError(f"cannot load INFOSHARE_SMTP_CA_FILE {mail.ca_file}: {exc}") from None


def _send_with_retry(message: EmailMessage, target: SmtpTarget, mail: MailConfig) -> Delivered:
    context = _tls_context(mail) if (target.implicit_tls or target.starttls) else None
    started = time.monotonic()
    msg_id = message.get("Message-ID", "?")
    delay = mail.backoff
    for attempt in range(1, max(1, mail.attempts) + 1):
        remaining = mail.max_total - (time.monotonic() - started)
        try:
            _send_once(message, target, context, max(1.0, min(mail.timeout, remaining)))
        except _Transient as exc:
            out_of_time = time.monotonic() - started + delay > mail.max_total
            if attempt >= mail.attempts or out_of_time:
                raise DeliveryError(
                    f"could not deliver to {target.where} after {attempt} attempt(s): {exc.why}"
                ) from None
            log.warning(
                "notification %s: %s at %s, retrying in %.1fs (attempt %d of %d)",
                msg_id, exc.why, target.where, delay, attempt, mail.attempts,
            )  # fmt: skip
            time.sleep(delay)
            delay *= 2
            continue
        log.info("notification %s delivered to %s (attempt %d)", msg_id, target.where, attempt)
        return Delivered("smtp", target.where)
    raise AssertionError("unreachable")  # pragma: no cover


def _reply(code: int, text: bytes | str) -> str:
    first = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    first = first.splitlines()[0] if first else ""
    # The server's words may echo an address; keep only the enhanced status code if present.
    status = first.split(" ", 1)[0] if first[:1].isdigit() and "." in first.split(" ", 1)[0] else ""
    return f"{code} {status}".strip()


def _send_once(
    message: EmailMessage, target: SmtpTarget, context: ssl.SSLContext | None, timeout: float
) -> None:
    where = target.where
    smtp: smtplib.SMTP | None = None
    try:
        if target.implicit_tls:
            smtp = smtplib.SMTP_SSL(target.host, target.port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(target.host, target.port, timeout=timeout)
        smtp.ehlo()
        if target.starttls:
            if not smtp.has_extn("starttls"):
                raise DeliveryError(f"{where} does not offer STARTTLS; refusing to send in clear")
            smtp.starttls(context=context)
            smtp.ehlo()
        if target.username:
            smtp.login(target.username, target.password or "")
        refused = smtp.send_message(message)
        if refused:
            codes = sorted({code for code, _ in refused.values()})
            if all(400 <= c < 500 for c in codes):
                raise _Transient(f"recipient deferred ({codes[0]})")
            raise DeliveryError(f"{where} refused the recipient ({codes[0]})")
    except DeliveryError:
        raise
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        if codes and all(400 <= c < 500 for c in codes):
            raise _Transient(f"recipient deferred ({codes[0]})") from None
        raise DeliveryError(
            f"{where} refused the recipient ({codes[0] if codes else '?'})"
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        if 400 <= exc.smtp_code < 500:
            raise _Transient(f"authentication deferred ({exc.smtp_code})") from None
        raise DeliveryError(
            f"{where} rejected the SMTP user name or password ({exc.smtp_code})"
        ) from None
    except smtplib.SMTPResponseException as exc:
        reply = _reply(exc.smtp_code, exc.smtp_error)
        if 400 <= exc.smtp_code < 500:
            raise _Transient(f"server said {reply}") from None
        raise DeliveryError(f"{where} rejected the message permanently: {reply}") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{where}: {exc}") from None
    except smtplib.SMTPServerDisconnected:
        raise _Transient("server closed the connection") from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(
            f"{where}: TLS certificate not trusted ({exc.verify_message}); "
            "set INFOSHARE_SMTP_CA_FILE for a private CA"
        ) from None
    except ssl.SSLError as exc:
        raise DeliveryError(f"{where}: TLS failed ({exc.reason or exc})") from None
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"{where}: {exc}") from None
    except TimeoutError:
        raise _Transient("timed out") from None
    except ConnectionRefusedError:
        raise _Transient("connection refused") from None
    except ConnectionResetError:
        raise _Transient("connection reset") from None
    except socket.gaierror as exc:
        raise _Transient(f"cannot resolve {target.host} ({exc.strerror})") from None
    except OSError as exc:
        raise _Transient(f"network error ({exc.strerror or type(exc).__name__})") from None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
