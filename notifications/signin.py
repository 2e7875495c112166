"""The workspace's sign-in code message: not about any request, so not a :class:`Notice`.

It says who it is for, the code, how long it works and where to type it; nothing else. Rendered
from ``templates/signin_code.{txt,html}.j2`` like the notices (HTML autoescaped)."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from notifications.render import _ENV, UK, _one_line, message

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
    text = _ENV.get_template("signin_code.txt.j2").render(ctx)
    html = _ENV.get_template("signin_code.html.j2").render(ctx)
    return message(SIGNIN_KIND, "[infoshare] Your workspace sign-in code", name, email, text, html)
