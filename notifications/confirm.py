"""Messages to a person about their own identity, not about any request (so not a
:class:`Notice`): a confirmation code for an action they (or someone claiming to be them) asked
for, and the news that a signing key was registered for them. Rendered from
``templates/confirmation_code.*`` and ``templates/key_registered.*`` like the notices (HTML
autoescaped); they name the action and the key, nothing else."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage

from notifications.render import _ENV, UK, _one_line, message

CONFIRMATION_KIND = "confirmation_code"
KEY_REGISTERED_KIND = "signing_key_registered"


def _message(kind: str, subject: str, template: str, name: str, email: str,
             ctx: dict[str, str]) -> EmailMessage:  # fmt: skip
    ctx = {**ctx, "recipient_name": _one_line(name)}
    text = _ENV.get_template(f"{template}.txt.j2").render(ctx)
    html = _ENV.get_template(f"{template}.html.j2").render(ctx)
    return message(kind, f"[infoshare] {subject}", name, email, text, html)


def confirmation_message(
    name: str, email: str, code: str, expires_at: datetime, action: str
) -> EmailMessage:
    return _message(CONFIRMATION_KIND, "Your confirmation code", "confirmation_code", name,
                    email, {"code": code, "action": _one_line(action),
                            "expires": f"{expires_at.astimezone(UK):%H:%M} (UK time)"})  # fmt: skip


def key_registered_message(
    name: str, email: str, key_id: str, replaced: str | None, at: datetime
) -> EmailMessage:
    return _message(KEY_REGISTERED_KIND, "A signing key was registered for you", "key_registered",
                    name, email, {"key_id": key_id, "replaced": replaced or "",
                                  "at": f"{at.astimezone(UK):%a %d %b %H:%M} UK time"})  # fmt: skip
