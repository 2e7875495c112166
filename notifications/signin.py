"""The workspace's sign-in code message: not about any request, so not a :class:`Notice`.

It says who it is for, the code, how long it works and where to type it; nothing else. Rendered
from ``templates/signin_code.{txt,html}.j2`` like the notices (HTML autoescaped)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from notifications.config import mail_from_env
from notifications.render import _ENV, UK, _domain_of, _one_line

SIGNIN_KIND = "workspace_signin_code"


def signin_message(
    name: str, email: str, code: str, expires_at: datetime, signin_url: str
) -> EmailMessage:
    ctx = {
        "recipient_name": _one_line(name),
        "code": code,
        "expires": f"{expires_at.astimezone(UK):%H:%M} (UK time)",
        "signin_url": signin_url,
    }
    sender = mail_from_env()
    msg = EmailMessage()
    msg["Subject"] = "[infoshare] Your workspace sign-in code"
    msg["From"] = sender
    local, _, domain = email.rpartition("@")
    msg["To"] = Address(display_name=ctx["recipient_name"][:200], username=local, domain=domain)
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(idstring="infoshare", domain=_domain_of(sender))
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Infoshare-Kind"] = SIGNIN_KIND
    msg.set_content(_ENV.get_template("signin_code.txt.j2").render(ctx))
    msg.add_alternative(_ENV.get_template("signin_code.html.j2").render(ctx), subtype="html")
    return msg
