"""The workspace's defences, as fast HTTP tests: CSRF on every state change, no framing, no
inline script, uploads never served as pages, the size limit, frozen content, and no personal
data in addresses, page titles or logs."""

from __future__ import annotations

import logging
import re

import pytest
import workspace_support
from starlette.routing import Route
from workspace_support import (
    SUBJECT,
    URL,
    Visitor,
    app_for,
    new_request,
    override_by,
    share,
)

from infoshare.store import Store

ws_store, smtp = workspace_support.ws_store, workspace_support.smtp  # the fixtures

NAMES = [SUBJECT, "Dorian Fictitious-Partner", "2002-06-02", "1998-01-20", "12 Example Terrace"]


def _post_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(
        {r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())}
    )


@pytest.fixture
def signed_in(ws_store: Store, smtp):  # type: ignore[no-untyped-def]
    ref = new_request(ws_store)
    override_by(ws_store, ref, "caldicott-deputy")
    app = app_for(ws_store)
    v = Visitor(app)
    v.sign_in("nurse-lee", ws_store, smtp)
    v.post(f"/requests/{ref}/why", {"why": "Preparing the items"})
    yield ws_store, app, v, ref
    v.close()


def test_every_state_change_needs_the_session_csrf_token_and_origin(signed_in) -> None:  # type: ignore[no-untyped-def]
    store, app, v, ref = signed_in
    other = Visitor(app)
    other.get("/signin")
    paths = _post_routes(app)
    assert len(paths) == 13, paths  # a new one is covered by this test too
    trail = len(store.audit.trail(ref))
    for template in paths:
        path = template.replace("{ref}", ref).replace("{item}", "item-1")
        form = {"text": "changed", "why": "a reason here", "who": "nurse-lee", "code": "AAAA-AAAA"}
        for csrf, origin in (("", URL), (other.csrf, URL), (v.csrf, "https://evil.example")):
            r = v.post(path, form, csrf=csrf, origin=origin)
            assert r.status_code == 403, (path, csrf == v.csrf, origin, r.status_code)
            assert "nothing was changed" in r.text
        j = v.loop.run_until_complete(v.client.post(path, json={}, headers={"x-csrf-token": "no"}))
        assert j.status_code == 403, path
    assert len(store.audit.trail(ref)) == trail
    assert not store.requests.prepared(ref)
    assert v.get("/work").status_code == 200  # still signed in: sign-out was refused too
    other.close()


def test_pages_refuse_framing_and_inline_script(signed_in) -> None:  # type: ignore[no-untyped-def]
    _, _, v, ref = signed_in
    for path in ("/signin", "/work", f"/requests/{ref}", "/passkeys", "/nope"):
        r = v.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"
        for tag in re.findall(r"<script[^>]*>", r.text):
            assert 'src="/static/' in tag, (path, tag)
        assert not re.search(r"\son[a-z]+\s*=", r.text), path
        assert not re.search(r"\sstyle\s*=", r.text), path


def test_an_upload_is_stored_as_given_and_only_ever_downloaded(signed_in) -> None:  # type: ignore[no-untyped-def]
    store, _, v, ref = signed_in
    evil = b"<html><script>alert(document.cookie)</script></html>"
    r = v.post(f"/requests/{ref}/items/item-1", files={"file": ("x.html", evil, "text/html")})
    assert r.status_code == 303
    assert store.requests.item_contents(ref, ["item-1"]) == {"item-1": evil}  # as `provide`
    d = v.get(f"/requests/{ref}/items/item-1/prepared")
    assert d.content == evil
    assert d.headers["content-type"] == "application/octet-stream"
    assert d.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in d.headers["content-security-policy"]
    assert d.headers["x-content-type-options"] == "nosniff"
    typed = v.post(f"/requests/{ref}/items/item-2", {"text": "<b>bold</b> & more"})
    assert typed.status_code == 303
    page = v.get(f"/requests/{ref}").text
    assert "<b>bold</b>" not in page and "<script>alert" not in page


def test_uploads_over_the_limit_are_refused_with_a_clear_error(ws_store: Store, smtp) -> None:  # type: ignore[no-untyped-def]
    ref = new_request(ws_store)
    app = app_for(ws_store, max_upload=1024 * 1024)
    v = Visitor(app)
    v.sign_in("nurse-lee", ws_store, smtp)
    big = b"x" * (1024 * 1024 + 1)
    r = v.post(f"/requests/{ref}/items/item-1", files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 413
    assert "larger than 1 MB" in r.text and "Nothing was stored" in r.text
    assert not ws_store.requests.prepared(ref)
    ok = v.post(f"/requests/{ref}/items/item-1", files={"file": ("ok.txt", big[:-2], "text/plain")})
    assert ok.status_code == 303 and ws_store.requests.prepared(ref)["item-1"][2] == len(big) - 2
    v.close()


def test_content_is_frozen_from_the_first_approval(signed_in) -> None:  # type: ignore[no-untyped-def]
    store, _, v, ref = signed_in
    v.post(f"/requests/{ref}/items/item-1", {"text": "first version"})
    share(store, ref, ["caldicott-rao"], ["item-1"])  # the first of two (four eyes)
    v.post(f"/requests/{ref}/items/item-1", {"text": "second version"})
    assert store.requests.item_contents(ref, ["item-1"]) == {"item-1": b"first version"}
    page = v.get(f"/requests/{ref}").text
    assert "signed off: its items" in page and "frozen" in page
    assert 'action="/requests/' + ref + '/items/item-1"' not in page


def test_no_personal_data_in_addresses_titles_or_logs(signed_in, caplog) -> None:  # type: ignore[no-untyped-def]
    store, _, v, ref = signed_in
    caplog.set_level(logging.DEBUG)
    pages = [v.get(p) for p in ("/work", f"/requests/{ref}", "/passkeys")]
    assert SUBJECT in pages[1].text  # it is shown, in the page
    for r in pages:
        title = re.search(r"<title>(.*?)</title>", r.text, re.S)
        links = re.findall(r'(?:href|action|src)="([^"]*)"', r.text)
        for name in NAMES:
            assert title and name not in title.group(1)
            assert not [link for link in links if name.lower() in link.lower()]
    for name in NAMES:
        assert name not in caplog.text
