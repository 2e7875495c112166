"""Render a :class:`Notice` into an email: text and HTML parts from Jinja2 templates."""

from __future__ import annotations

import re
import textwrap
from dataclasses import fields
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from notifications.config import mail_from_env
from notifications.notice import Kind, Notice

UK = ZoneInfo("Europe/London")
TEMPLATE_DIR = Path(__file__).parent / "templates"

STEP_TEXT = {
    "override": "override justification",
    "justify": "override justification",
    "signoff": "senior sign-off",
    "sign-off": "senior sign-off",
    "approve": "senior sign-off",
    "emergency": "on-call confirmation of an emergency share",
}

EMERGENCY_TITLE = "Emergency confirmation needed now"
# The `infoshare` command that answers each step from the command line.
ANSWER_COMMAND = {"override": "justify", "signoff": "approve", "emergency": "confirm"}

TEXT_WIDTH = 76  # plain-text lines, as mail readers expect


def reflow(text: str, width: int = TEXT_WIDTH) -> str:
    """Rewrap the prose of a plain-text part after its values are in: each paragraph (blank
    lines between them) is refilled to ``width``. Words longer than that, such as links, are
    kept whole. Templates apply it to prose only, never to lists, tables or commands."""
    paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
    return (
        "\n\n".join(
            textwrap.fill(
                " ".join(p.split()), width, break_long_words=False, break_on_hyphens=False
            )
            for p in paragraphs
        )
        + "\n"
    )


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["reflow"] = reflow


def compile_templates() -> None:
    """Compile every template now (each is otherwise compiled at its first use in a process):
    for a parent that forks a process per run (flows/forkserver.py)."""
    for name in _ENV.list_templates():
        _ENV.get_template(name)


# Values the templates may use besides the Notice fields; all derived from the Notice.
DERIVED = ("due_text", "step_text", "outcome_text", "kind_title", "answer_command")

KIND_TITLE = {
    Kind.APPROVAL_NEEDED: "Senior sign-off needed",
    Kind.OVERRIDE_NEEDED: "Override justification needed",
    Kind.REMINDER: "Reminder: a decision is waiting",
    Kind.ESCALATION: "Escalation: a decision is at risk",
    Kind.OUTCOME: "Outcome of your request",
    Kind.DELIVERY_NOTICE: "Information delivered to your agency",
    Kind.LOCKOUT_ALERT: "Failed attempts to answer a step",
    Kind.SECURITY_ALERT: "Security alert: a run was refused",
}


def _due_long(due: datetime | None) -> str | None:
    if due is None:
        return None
    uk = due.astimezone(UK)
    return f"{uk:%a %d %b %Y, %H:%M} (UK time)"


def _due_short(due: datetime | None, now: datetime) -> str:
    if due is None:
        return ""
    uk = due.astimezone(UK)
    if uk.date() == now.astimezone(UK).date():
        return f", due {uk:%H:%M}"
    return f", due {uk:%d %b %H:%M}"


def subject(notice: Notice, now: datetime | None = None) -> str:
    """The Subject line: reference, tier and deadline (never agency names or free text)."""
    now = now or datetime.now(UTC)
    ref, tier, due = notice.reference, notice.tier, _due_short(notice.due, now)
    step = STEP_TEXT.get(notice.step or "", notice.step or "a decision")
    text = {
        Kind.APPROVAL_NEEDED: (
            f"{EMERGENCY_TITLE}: {ref} ({tier}{due})"
            if notice.step == "emergency"
            else f"Sign-off needed: {ref} ({tier}{due})"
        ),
        Kind.OVERRIDE_NEEDED: f"Override justification needed: {ref} ({tier}{due})",
        Kind.REMINDER: f"Reminder, {step} waiting: {ref} ({tier}{due})",
        Kind.ESCALATION: f"Escalation: {ref} needs a decision ({tier}{due})",
        Kind.OUTCOME: f"Outcome: {ref} {notice.outcome_text} ({tier})",
        Kind.DELIVERY_NOTICE: f"Information delivered: {ref} ({tier})",
        Kind.LOCKOUT_ALERT: f"{notice.attempts} failed attempts to answer {ref} ({tier})",
        Kind.SECURITY_ALERT: f"Security alert, run refused: {ref} ({tier})",
    }[notice.kind]
    return f"[infoshare] {text}"


def context(notice: Notice) -> dict[str, Any]:
    """What the templates see: the Notice's fields and a few values derived from them."""
    ctx: dict[str, Any] = {f.name: getattr(notice, f.name) for f in fields(notice)}
    ctx["kind"] = notice.kind.value
    ctx["due_text"] = _due_long(notice.due)
    ctx["step_text"] = STEP_TEXT.get(notice.step or "", notice.step) if notice.step else None
    ctx["outcome_text"] = notice.outcome_text
    ctx["kind_title"] = (
        EMERGENCY_TITLE
        if notice.kind is Kind.APPROVAL_NEEDED and notice.step == "emergency"
        else KIND_TITLE[notice.kind]
    )
    ctx["answer_command"] = ANSWER_COMMAND.get(notice.step or "", "approve")
    return ctx


def render_parts(notice: Notice) -> tuple[str, str]:
    """The (text, html) bodies of a notice."""
    ctx = context(notice)
    text = _ENV.get_template(f"{notice.kind.value}.txt.j2").render(ctx)
    html = _ENV.get_template(f"{notice.kind.value}.html.j2").render(ctx)
    return text, html


def _one_line(value: str) -> str:
    return " ".join(value.split())


def render(
    notice: Notice, *, mail_from: str | None = None, now: datetime | None = None
) -> EmailMessage:
    """A multipart/alternative email (text, then HTML) ready for :func:`deliver`.

    ``mail_from`` defaults to INFOSHARE_MAIL_FROM (or infoshare@localhost).
    """
    now = now or datetime.now(UTC)
    text, html = render_parts(notice)
    return message(
        notice.kind.value, subject(notice, now), notice.recipient_name,
        notice.recipient_email, text, html, sender=mail_from, now=now, reference=notice.reference,
    )  # fmt: skip


def message(
    kind: str,
    subject_line: str,
    name: str,
    email: str,
    text: str,
    html: str,
    *,
    sender: str | None = None,
    now: datetime | None = None,
    reference: str | None = None,
) -> EmailMessage:
    """Any message infoshare sends: its headers (``X-Infoshare-Kind``, and the request's
    reference where it is about one) around a text part and an HTML alternative."""
    sender = sender or mail_from_env()
    now = now or datetime.now(UTC)
    msg = EmailMessage()
    msg["Subject"] = subject_line
    msg["From"] = sender
    local, _, domain = email.rpartition("@")
    msg["To"] = Address(display_name=_one_line(name)[:200], username=local, domain=domain)
    msg["Date"] = format_datetime(now.astimezone(UTC))
    msg["Message-ID"] = make_msgid(idstring="infoshare", domain=_domain_of(sender))
    msg["Auto-Submitted"] = "auto-generated"
    if reference is not None:
        msg["X-Infoshare-Reference"] = reference
    msg["X-Infoshare-Kind"] = kind
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def _domain_of(sender: str) -> str:
    addr = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    domain = addr.rpartition("@")[2]
    return domain or "localhost"
