"""Notifications: render a :class:`Notice` into an email and deliver it. No Prefect here, except
``notifications.block``, imported only when INFOSHARE_SMTP_BLOCK names a Prefect block.

The whole API::

    from notifications import Notice, Kind, render, deliver, Delivered, DeliveryError

    msg = render(Notice(
        kind=Kind.APPROVAL_NEEDED,          # or "approval_needed"; see Kind for all seven
        reference="ISR-20261126-AB12CD34",
        requesting_agency="Safeguarding Hub", disclosing_agency="City Hospital Trust",
        tier="RED", due=due_at,              # aware datetime, shown in UK time
        link="http://127.0.0.1:4200/runs/flow-run/<id>",
        recipient_name="Dr Rao", recipient_email="rao@hospital.example",
        step="signoff", code=one_time_code,  # code only in approval/override/escalation
        items=[("item-1", "A&E attendance dates")],
    ))
    delivered = deliver(msg, settings)       # -> Delivered(method="smtp"|"outbox", where=...)

``render(notice)`` returns an ``email.message.EmailMessage`` (multipart/alternative, text then
HTML), with Subject like ``[infoshare] Sign-off needed: ISR-... (RED, due 14:00)``, From from
INFOSHARE_MAIL_FROM, a Message-ID and ``X-Infoshare-Reference``/``X-Infoshare-Kind`` headers.
A bad value raises :class:`NoticeError` (a ValueError) naming the field.

``deliver(msg, settings)`` sends over SMTP when INFOSHARE_SMTP_URL is set, or
INFOSHARE_SMTP_BLOCK names a Prefect EmailServerCredentials block (see ``notifications.config``
and ``notifications.block``; setting both is an error), retrying transient failures a bounded
number of times, and otherwise writes to the maildir outbox ``$INFOSHARE_HOME/outbox`` (read it
with ``infoshare outbox``).
Any failure raises :class:`DeliveryError` with a one-line reason; callers decide whether to go
on (a notification must never stop a decision record being written).

What a notice can say is fixed by its fields: reference, agencies, tier, deadline, link, the
recipient, the step, a one-time code, the decision, reasons, item ids and descriptions and a
count of attempts. There is no field for a data subject or for disclosed content, and the
templates (``notifications/templates``, StrictUndefined, HTML autoescaped) use nothing else.
Nothing here logs a message body, a code or an address.
"""

from notifications.config import MailConfig, SmtpTarget
from notifications.delivery import Delivered, DeliveryError, deliver, write_outbox
from notifications.notice import Kind, Notice, NoticeError
from notifications.render import render

__all__ = [
    "Delivered",
    "DeliveryError",
    "Kind",
    "MailConfig",
    "Notice",
    "NoticeError",
    "SmtpTarget",
    "deliver",
    "render",
    "write_outbox",
]
