"""The workspace's authorisation matrix: every page and form action, for every kind of person,
as fast HTTP requests against the ASGI app (no browser, no Prefect). Someone with no relation
to a request gets 404, exactly as for a reference that does not exist; signed out, a page sends
you to sign in and a form changes nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import Mailbox
from workspace_support import (
    SUBJECT,
    Visitor,
    app_for,
    delivered,
    mail_to,
    make_store,
    new_request,
    override_by,
)

# Request A waits for sign-off: the override was justified by the Caldicott deputy, so only the
# Caldicott Guardian may sign it off. Request B was shared (item-1) and recorded.
PEOPLE = {
    "requester": "mash-social-worker",
    "same-agency colleague": "mash-admin",
    "requesting approver": "mash-manager",
    "disclosing practitioner": "nurse-lee",
    "eligible approver": "caldicott-rao",
    "ineligible approver": "caldicott-deputy",
    "other agency": "pc-ahmed",
    "DPO": "council-dpo",  # the MASH's data-protection lead (dpo@council...)
    "signed out": "",
}
PARTY = {"requester", "requesting approver", "disclosing practitioner", "eligible approver",
         "ineligible approver", "DPO"}  # fmt: skip
DISCLOSING = {"disclosing practitioner", "eligible approver", "ineligible approver"}
RECEIVES = {"requester", "requesting approver"}
DISCLOSING_IDS = {PEOPLE[k] for k in DISCLOSING}

# (method, path template, who may) - {a}: request A, {b}: request B
ACTIONS = [
    ("GET", "/work", set(PEOPLE) - {"signed out"}),
    ("GET", "/passkeys", set(PEOPLE) - {"signed out"}),
    ("GET", "/requests/{a}", PARTY),
    ("POST", "/requests/{a}/why", PARTY),
    ("GET", "/requests/{a}/answer", {"eligible approver"}),
    ("POST", "/requests/{a}/answer", {"eligible approver"}),
    ("POST", "/requests/{a}/items/item-1", DISCLOSING),
    ("GET", "/requests/{a}/items/item-1/prepared", DISCLOSING),
    ("GET", "/requests/{b}", PARTY),
    ("GET", "/requests/{b}/delivered/item-1", RECEIVES),
    ("GET", "/requests/{b}/envelope", RECEIVES),
    ("GET", "/requests/ISR-20260101-NOSUCHRQ", set()),
    ("GET", "/dpo", {"DPO"}),
    ("POST", "/dpo/search", {"DPO"}),
    ("POST", "/dpo/export", {"DPO"}),
]
FORMS = {
    "/why": {"why": "Matrix test: checking access"},
    "/answer": {"step": "signoff", "decision": "REFUSE", "reasons": "Not necessary here at all."},
    "/items/item-1": {"text": "prepared by the matrix test"},
    "/dpo/search": {"name": SUBJECT, "why": "SAR-2026-001"},
    "/dpo/export": {"agency": "northshire-mash", "since": "2026-01-01", "until": "2030-01-01",
                    "format": "csv", "why": "Audit 2026"},
}  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox):  # type: ignore[no-untyped-def]
    store = make_store(tmp_path_factory.mktemp("workspace-access"))
    a = new_request(store)
    override_by(store, a, "caldicott-deputy")
    store.requests.provide_item(a, "item-1", b"2026-03-02", "nurse-lee")
    b = delivered(store)
    app = app_for(store)
    visitors = {}
    with mail_to(mailbox):
        for kind, person in PEOPLE.items():
            v = Visitor(app)
            if person:
                v.sign_in(person, store, mailbox)
            else:
                v.get("/signin")  # a visitor's session, with its CSRF token
            visitors[kind] = v
        yield store, a, b, visitors, app, mailbox
    for v in visitors.values():
        v.close()
    store.close()


def _call(v: Visitor, method: str, path: str) -> tuple[int, str]:
    if method == "GET":
        r = v.get(path)
    else:
        form = next((f for suffix, f in FORMS.items() if path.endswith(suffix)), {})
        r = v.post(path, form)
    return r.status_code, r.headers.get("location", "") + r.text


@pytest.mark.parametrize("kind", list(PEOPLE))
def test_each_person_reaches_exactly_their_part(world, kind: str) -> None:  # type: ignore[no-untyped-def]
    store, a, b, visitors, _, _ = world
    v = visitors[kind]
    wrong = []
    for method, template, allowed in ACTIONS:
        path = template.format(a=a, b=b)
        # a consultation's reason first, where the page needs one
        if (
            kind in PARTY
            and method == "GET"
            and path.startswith("/requests/ISR")
            and "NOSUCH" not in path
        ):
            ref = path.split("/")[2]
            v.post(f"/requests/{ref}/why", {"why": "Matrix test: checking access"})
        status, text = _call(v, method, path)
        if kind == "signed out":
            expected, ok = "303 to /signin", status == 303 and text.startswith("/signin")
        elif kind in allowed:
            expected = "allowed"
            ok = status not in (403, 404) and not text.startswith("/signin")
        else:
            expected, ok = "404", status == 404
        if not ok:
            wrong.append(f"{method} {template}: {status}, expected {expected}")
    assert not wrong, f"{kind}:\n" + "\n".join(wrong)
    if kind not in DISCLOSING:  # nothing they tried stored content or answered
        assert store.requests.prepared(a)["item-1"][0] in {"nurse-lee", *DISCLOSING_IDS}
        assert store.requests.step(a, "signoff") is None


def test_a_404_for_an_unrelated_request_is_the_page_for_one_that_does_not_exist(world) -> None:  # type: ignore[no-untyped-def]
    _, a, _, visitors, _, _ = world
    v = visitors["other agency"]
    unrelated, missing = v.get(f"/requests/{a}"), v.get("/requests/ISR-20260101-NOSUCHRQ")
    assert unrelated.status_code == missing.status_code == 404
    assert unrelated.text.replace(a, "X") == missing.text.replace("ISR-20260101-NOSUCHRQ", "X")
    assert SUBJECT not in unrelated.text


def test_the_first_view_asks_why_and_every_view_is_logged(world) -> None:  # type: ignore[no-untyped-def]
    store, a, _, _, app, mailbox = world
    v = Visitor(app)  # a browser that has not said why yet
    v.sign_in("mash-social-worker", store, mailbox)
    first = v.get(f"/requests/{a}")
    assert "Why do you need to see" in first.text and SUBJECT not in first.text
    refused = v.post(f"/requests/{a}/why", {"why": "x"})
    assert refused.status_code == 400 and SUBJECT not in refused.text
    v.post(f"/requests/{a}/why", {"why": "Strategy meeting at 14:00"})
    shown = v.get(f"/requests/{a}")
    assert SUBJECT in shown.text and SUBJECT not in shown.text.split("</title>")[0]
    v.get(f"/requests/{a}")
    viewed = [e for e in store.audit.trail(a) if e.event == "personal data viewed"
              and e.actor_id == "mash-social-worker"]  # fmt: skip
    v.close()
    assert [e.detail for e in viewed][-2:] == [
        "workspace: Strategy meeting at 14:00",
        "workspace: the request page; a later view in the same session",
    ]


def test_notices_link_to_the_request_in_the_workspace_where_one_runs(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from notifications.render import render
    from notifications.telling import Teller

    store, a, _, _, _, _ = world
    rao = store.partnership().member("caldicott-rao")
    build = Teller(store)._notice  # noqa: SLF001 - the notice as sent, not sent
    assert build(a, "approval_needed", rao, due=store.requests.meta(a).due_at).workspace_link == ""
    # a store configured with INFOSHARE_WORKSPACE_URL (infoshare up sets it)
    settings = replace(store.settings, workspace_url="https://workspace.example")
    monkeypatch.setattr(store, "settings", settings)
    notice = build(a, "approval_needed", rao, due=store.requests.meta(a).due_at)
    text = render(notice).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert f"Or in the workspace: https://workspace.example/requests/{a}" in text
