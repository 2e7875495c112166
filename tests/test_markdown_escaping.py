"""Text a requester typed is shown as text, never as markdown or HTML, wherever infoshare puts it
into Prefect: the resume form's description and item list, the decision record's artifact, the
dashboards, run names. Rendered with a real CommonMark renderer (markdown-it, HTML enabled as in
Prefect's UIs); the browser journey checks the same in the UI itself.
"""

from __future__ import annotations

import re

import pytest
from conftest import example
from markdown_it import MarkdownIt

from infoshare.forms import waiting_form
from infoshare.markdown import label, md, md_link, plain
from infoshare.models import ShareRequest, Step
from infoshare.records.compose import record_decision
from infoshare.records.summary import summary_markdown
from infoshare.steps import run_triage
from infoshare.store import Store

RENDER = MarkdownIt("commonmark", {"html": True}).enable("table")
HOSTILE = [
    "[click me](javascript:alert(3))",
    "<img src=x onerror=alert(1)>",
    "<b>bold</b> **strong** _em_ `code`",
    "| a | b |",
    "# heading\n- list\n\n1. item",
    "![pic](http://example.invalid/x.png) <https://example.invalid>",
    "&lt;script&gt; &amp; A&E",
    "back\\slash \\[x\\]",
]
LIVE = re.compile(r"<(a|img|b|strong|em|code|h\d|li|script)\b", re.IGNORECASE)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_md_renders_exactly_the_text_and_nothing_live(text: str) -> None:
    html = RENDER.render(md(text))
    assert not LIVE.search(html), html
    assert unescape(text_of(html)) == re.sub(r"\s+", " ", text).strip()
    cell = RENDER.render(f"| x |\n| --- |\n| {md(text)} |")  # in a table cell too
    assert cell.count("<td>") == 1 and not LIVE.search(cell.replace("<td>", "")), cell


def test_links_and_labels() -> None:
    assert md_link("ISR-1 [x]", "/runs/flow-run/ab cd") == r"[ISR\-1 \[x\]](/runs/flow-run/ab%20cd)"
    with pytest.raises(ValueError):
        md_link("x", "javascript:alert(1)")
    assert label("ISR-1 RED <img src=x> to [me](javascript:1)") == (
        "ISR-1 RED -img src-x- to -me-javascript-1-"
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_reads_alike_and_renders_nothing_live(text: str) -> None:
    """For field help, shown as markdown by the old UI and as it is by the new one."""
    shown = plain(text)
    assert "\\" not in shown and "\n" not in shown
    html = RENDER.render(shown)
    assert not LIVE.search(html), html
    assert "<a " not in RENDER.render(plain("see https://example.invalid or www.example.invalid"))


def _hostile_request() -> ShareRequest:
    raw = example("scenario2-hospital.json")
    raw["items"][0]["description"] = HOSTILE[0]
    raw["items"][1]["description"] = HOSTILE[1]
    return ShareRequest.model_validate(raw)


def test_resume_form_and_record_show_typed_text_as_text(store: Store) -> None:
    ref = store.requests.register(_hostile_request(), None)
    assert run_triage(store, ref).accepted
    form = waiting_form(store, ref, Step.OVERRIDE)
    assert form is not None
    signoff = waiting_form(store, ref, Step.SIGNOFF)
    assert signoff is not None
    html = RENDER.render(signoff.description)  # markdown in both UIs: exactly the text
    assert "<img" not in html and "href" not in html
    assert HOSTILE[0] in unescape(text_of(html)) and HOSTILE[1] in unescape(text_of(html))
    # field help: markdown in the old UI, plain text in the new one (look-alikes, no escapes)
    assert "\\" not in form.essentials and "click me" in form.essentials
    assert not LIVE.search(RENDER.render(form.essentials))
    record_decision(store, ref, "the test ends it")
    found = store.chain.record(ref)
    assert found is not None
    html = RENDER.render(summary_markdown(found[0].public))
    assert "<img" not in html and "href" not in html
    assert HOSTILE[0] in unescape(text_of(html))


def test_sign_off_items_field_shows_descriptions_as_text(store: Store) -> None:
    from flows.waiting import input_form
    from infoshare.policy.answers import SignOffInput

    ref = store.requests.register(_hostile_request(), None)
    run_triage(store, ref)
    form = waiting_form(store, ref, Step.SIGNOFF)
    assert form is not None
    schema = input_form(form, SignOffInput).model_json_schema()
    help_text = schema["properties"]["approved_items"]["description"]
    html = RENDER.render(help_text)
    assert not LIVE.search(html) and "click me" in text_of(html) and "\\" not in help_text
