"""Notification templates: every kind renders, hostile values are escaped, nothing personal."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import jinja2
import pytest
from jinja2 import meta

from notifications import Kind, Notice, NoticeError, render
from notifications.render import _ENV, DERIVED, TEMPLATE_DIR, context, subject

NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # British Summer Time: UK = UTC+1
DUE = datetime(2026, 7, 1, 13, 0, tzinfo=UTC)  # 14:00 in the UK

LONG = "W" * 10_000
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>&amp;"\'' + LONG
# A data subject's particulars: nothing in a Notice can carry them, so no message may show them.
SUBJECT_NAME, SUBJECT_DOB, DISCLOSED = "Kayleigh Marsh", "2001-04-03", "fractured left wrist"


def notice(kind: Kind | str, **over: Any) -> Notice:
    base: dict[str, Any] = {
        "kind": kind,
        "reference": "ISR-20260701-AB12CD34",
        "requesting_agency": "Northshire MASH",
        "disclosing_agency": "City Hospital NHS Trust",
        "tier": "RED",
        "due": DUE,
        "link": "http://127.0.0.1:4200/runs/flow-run/0b5c6d3e",
        "recipient_name": "Dr Priya Rao",
        "recipient_email": "p.rao@hospital.example",
        "step": "signoff",
        "code": "482-193-775"
        if kind in (Kind.APPROVAL_NEEDED, Kind.OVERRIDE_NEEDED, Kind.ESCALATION)
        else None,
        "decision": "SHARE_PARTIAL" if kind is Kind.OUTCOME else None,
        "reasons": ["Attendance dates are necessary to assess risk to the children"],
        "items": [("item-1", "A&E attendance dates"), ("item-2", "injury descriptions")],
        "attempts": 5 if kind is Kind.LOCKOUT_ALERT else None,
    }
    base.update(over)
    return Notice(**base)


def parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_renders_text_and_html_with_the_essentials(kind: Kind) -> None:
    msg = render(notice(kind), now=NOW)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Subject"].startswith("[infoshare] ")
    assert "ISR-20260701-AB12CD34" in msg["Subject"]
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@localhost>")
    assert msg["From"] == "infoshare@localhost"
    assert msg["To"].addresses[0].addr_spec == "p.rao@hospital.example"
    assert msg["X-Infoshare-Kind"] == kind.value
    for body in parts(msg):
        for wanted in (
            "ISR-20260701-AB12CD34", "Northshire MASH", "City Hospital NHS Trust", "RED",
            "http://127.0.0.1:4200/runs/flow-run/0b5c6d3e",
        ):  # fmt: skip
            assert wanted in body, (kind, wanted)
        if kind in (Kind.APPROVAL_NEEDED, Kind.OVERRIDE_NEEDED, Kind.REMINDER, Kind.ESCALATION):
            assert "Wed 01 Jul 2026, 14:00 (UK time)" in body


def test_subjects_carry_reference_tier_and_uk_deadline() -> None:
    assert (
        render(notice(Kind.APPROVAL_NEEDED), now=NOW)["Subject"]
        == "[infoshare] Sign-off needed: ISR-20260701-AB12CD34 (RED, due 14:00)"
    )
    assert subject(notice(Kind.OVERRIDE_NEEDED), NOW - timedelta(days=1)) == (
        "[infoshare] Override justification needed: ISR-20260701-AB12CD34 (RED, due 01 Jul 14:00)"
    )
    assert subject(notice(Kind.OUTCOME), NOW) == (
        "[infoshare] Outcome: ISR-20260701-AB12CD34 partly shared (RED)"
    )
    assert "5 failed attempts" in subject(notice(Kind.LOCKOUT_ALERT), NOW)


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        ("SHARE_FULL", "shared"),
        ("SHARE_PARTIAL", "partly shared"),
        ("REFUSE", "refused"),
        ("DEFER", "sent back"),
        ("EXPIRED", "expired"),
        ("FAILED", "failed"),
    ],
)
def test_outcome_says_what_happened_with_reasons(decision: str, words: str) -> None:
    n = notice(
        Kind.OUTCOME,
        decision=decision,
        reasons=["No specific offence was named", "No Inspector countersignature"],
    )
    text, html = parts(render(n, now=NOW))
    assert f"has been decided: {words}." in text
    assert f"<strong>{words}</strong>" in html
    for body in (text, html):
        assert "No specific offence was named" in body and "No Inspector countersignature" in body
        # the approver's own words (personal data) are read securely, not mailed: say how
        assert f"infoshare records show {n.reference} --personal" in body


def test_code_notice_says_which_person_id_to_type() -> None:
    """The resume form asks for the person's infoshare id: the message with the code says it."""
    text, html = parts(render(notice(Kind.APPROVAL_NEEDED, recipient_id="caldicott-rao"), now=NOW))
    assert "enter your infoshare id (caldicott-rao) and this code" in " ".join(text.split())
    assert "<code>caldicott-rao</code>" in html
    assert "sign in" not in text  # there is no sign-in: the request is opened in infoshare


def test_the_on_call_confirmation_is_asked_for_as_an_emergency_not_a_sign_off() -> None:
    n = notice(Kind.APPROVAL_NEEDED, step="emergency", tier="EMERGENCY", code=None,
               recipient_id="school-dsl")  # fmt: skip
    msg = render(n, now=NOW)
    text, html = parts(msg)
    assert str(msg["Subject"]).startswith("[infoshare] Emergency confirmation needed now: ISR-")
    flat = " ".join(text.split())
    assert "a life is at risk" in flat and "CONFIRM the items to share at once" in flat
    assert "senior sign-off by" not in flat
    assert "infoshare confirm ... --as school-dsl" in flat  # the command for this step
    assert "Emergency confirmation needed now" in html
    signoff = " ".join(parts(render(notice(Kind.APPROVAL_NEEDED, code=None), now=NOW))[0].split())
    assert "needs your senior sign-off" in signoff and "infoshare approve ..." in signoff


def test_one_time_code_appears_only_where_it_belongs() -> None:
    text, html = parts(render(notice(Kind.APPROVAL_NEEDED), now=NOW))
    assert "Your one-time code: 482-193-775" in text and "482-193-775" in html
    assert "482-193-775" not in repr(notice(Kind.APPROVAL_NEEDED))
    msg = render(notice(Kind.APPROVAL_NEEDED), now=NOW)
    assert all("482-193-775" not in str(v) for v in msg.values())  # never in a header
    for kind in (Kind.OUTCOME, Kind.DELIVERY_NOTICE, Kind.LOCKOUT_ALERT, Kind.REMINDER):
        with pytest.raises(NoticeError, match="must not carry a one-time code"):
            notice(kind, code="482-193-775")


@pytest.mark.parametrize("kind", list(Kind))
def test_plain_text_prose_is_wrapped_for_mail_readers(kind: Kind) -> None:
    """With real agency names (and the EMERGENCY wording) the plain-text prose stays within
    76 columns; only list items and commands, indented, may run longer (a command is kept
    whole so it can be copied)."""
    for step in ("signoff", "emergency"):
        n = notice(
            kind,
            requesting_agency="Northshire Youth Justice Service",
            disclosing_agency="Northshire Hospitals NHS Foundation Trust",
            step=step,
        )
        text, _html = parts(render(n, now=NOW))
        body = text.split("\nRequest:")[0]
        assert [line for line in body.splitlines() if len(line) > 76 and line[:2] != "  "] == []


@pytest.mark.parametrize("kind", list(Kind))
def test_hostile_values_are_escaped_in_html_and_kept_out_of_headers(kind: Kind) -> None:
    n = notice(
        kind,
        requesting_agency=HOSTILE,
        disclosing_agency="Trust</td></tr></table><script>steal()</script>",
        recipient_name="Evil\r\nBcc: attacker@evil.example\r\n" + LONG,
        reasons=[HOSTILE, "<b>x</b> & y", LONG],
        items=[("item-<1>", HOSTILE)],
    )
    msg = render(n, now=NOW)
    text, html = parts(msg)
    assert "<script" not in html.lower() and "<img" not in html.lower() and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;steal()" in html
    assert LONG in html and LONG in text
    assert "<script>steal()</script>" in text  # plain text is plain: shown, never interpreted
    assert set(msg.keys()) == {
        "Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted",
        "X-Infoshare-Reference", "X-Infoshare-Kind", "MIME-Version", "Content-Type",
    }  # fmt: skip
    assert "Bcc" not in msg and "attacker@evil.example" not in str(msg["To"]).split("<")[-1]
    assert msg["To"].addresses[0].addr_spec == "p.rao@hospital.example"
    assert len(msg["Subject"]) < 120  # agency names and free text never go in the Subject
    # the whole message serialises (long lines folded or encoded) and parses back
    head = msg.as_bytes().split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in head and b"\rBcc:" not in head
    assert "Dear Evil Bcc: attacker@evil.example WWW" in text  # names are kept on one line


@pytest.mark.parametrize("kind", list(Kind))
def test_no_personal_data_can_appear(kind: Kind) -> None:
    raw = render(
        notice(kind, reasons=["Necessary to assess the risk to two young children"]), now=NOW
    ).as_string()
    text, html = parts(render(notice(kind), now=NOW))
    for secret in (SUBJECT_NAME, SUBJECT_DOB, DISCLOSED):
        assert secret not in raw and secret not in text and secret not in html
    with pytest.raises(TypeError):
        notice(kind, subject_name=SUBJECT_NAME)  # there is nowhere to put a subject's name


def test_templates_use_only_notice_fields() -> None:
    allowed = {f.name for f in fields(Notice)} | set(DERIVED) | {"loop"}
    # the workspace's sign-in code (notifications/signin.py) is about no request: its own few
    # and so are a person's own messages (notifications/confirm.py): a confirmation code, a key
    own = {
        "signin_code.": {"recipient_name", "code", "expires", "signin_url"},
        "confirmation_code.": {"recipient_name", "code", "expires", "action"},
        "key_registered.": {"recipient_name", "key_id", "replaced", "at"},
    }
    sources = sorted(TEMPLATE_DIR.glob("*.j2"))
    notices = [p for p in sources if not p.name.startswith(("_", *own))]
    assert len(notices) == 2 * len(Kind)
    for path in sources:
        ast = _ENV.parse(path.read_text(encoding="utf-8"))
        used = meta.find_undeclared_variables(ast)
        ok = next((v for k, v in own.items() if path.name.startswith(k)), allowed)
        assert used <= ok, f"{path.name} uses {sorted(used - ok)}"
        # locally bound loop names are fine; anything else must be a Notice field
        assert not re.search(
            r"\{\{[^}]*\b(subject|dob|date_of_birth|content|address)\b", path.read_text()
        )
    assert set(context(notice(Kind.OUTCOME))) == {f.name for f in fields(Notice)} | set(DERIVED)


def test_missing_values_are_errors_not_blanks() -> None:
    assert _ENV.undefined is jinja2.StrictUndefined
    ctx = context(notice(Kind.APPROVAL_NEEDED))
    del ctx["reference"]
    with pytest.raises(jinja2.UndefinedError):
        _ENV.get_template("approval_needed.txt.j2").render(ctx)


def test_html_templates_autoescape_and_text_do_not() -> None:
    ctx = context(notice(Kind.OUTCOME, requesting_agency="A & B"))
    assert "A &amp; B" in _ENV.get_template("outcome.html.j2").render(ctx)
    assert "A & B" in _ENV.get_template("outcome.txt.j2").render(ctx)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"kind": "gossip"}, "unknown notice kind"),
        ({"reference": "ISR-1\r\nBcc: x@y"}, "reference"),
        ({"tier": "PURPLE"}, "unknown tier"),
        ({"link": "javascript:alert(1)"}, "link must be an http"),
        ({"recipient_email": "a@b.example, c@d.example"}, "recipient_email"),
        ({"due": datetime(2026, 7, 1, 14, 0)}, "timezone-aware"),
        ({"due": None}, "needs its step's deadline"),
        ({"requesting_agency": "  "}, "requesting_agency must not be empty"),
        ({"decision": "MAYBE"}, "unknown decision"),
        ({"reasons": "one string"}, "list of strings"),
        ({"step": "sign\noff"}, "step"),
    ],
)
def test_bad_values_are_clear_errors(over: dict[str, Any], message: str) -> None:
    kind = over.pop("kind", Kind.APPROVAL_NEEDED)
    with pytest.raises(NoticeError, match=message):
        notice(kind, **over)


def test_kind_specific_requirements() -> None:
    with pytest.raises(NoticeError, match="needs the decision"):
        notice(Kind.OUTCOME, decision=None)
    with pytest.raises(NoticeError, match="failed attempts"):
        notice(Kind.LOCKOUT_ALERT, attempts=None)
    assert notice(Kind.OUTCOME, due=None).due is None  # triage refusals have no deadline


def test_mail_from_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFOSHARE_MAIL_FROM", "Infoshare <noreply@partnership.example>")
    msg = render(notice(Kind.REMINDER), now=NOW)
    assert msg["From"].addresses[0].addr_spec == "noreply@partnership.example"
    assert msg["Message-ID"].endswith("@partnership.example>")


def test_the_delivery_notice_gives_the_whole_command_to_open_the_envelope() -> None:
    n = notice(
        Kind.DELIVERY_NOTICE,
        agency_id="northshire-mash",
        envelope_file="/home/x/.infoshare/inbox/northshire-mash/0b5c6d3e.isenv",
    )
    text, html = parts(render(n, now=NOW))
    command = (
        "infoshare open /home/x/.infoshare/inbox/northshire-mash/0b5c6d3e.isenv "
        "--agency northshire-mash --out ISR-20260701-AB12CD34"
    )
    assert f"\n  {command}\n" in text  # on its own line, whole, to copy
    assert command in " ".join(html.split())
    with pytest.raises(NoticeError, match="envelope_file"):
        notice(Kind.DELIVERY_NOTICE, envelope_file="x; rm -rf ~")
