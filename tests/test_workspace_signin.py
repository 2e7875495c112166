"""Signing in to the workspace, and the attacks on it, as fast HTTP tests: codes that are
wrong, expired, replayed or from another browser session are refused and audited; a known and
an unknown id get the same answer; too many codes or wrong codes stop working; sessions are
signed, HttpOnly, SameSite=Strict (Secure off loopback), rotated at sign-in, and end."""

from __future__ import annotations

from datetime import timedelta

import workspace_support
from sqlalchemy import select, update
from workspace_support import (
    Visitor,
    app_for,
    messages_to,
    signin_codes,
)

from infoshare.db.tables import AuditEventRow, WorkspaceSessionRow, WorkspaceSignInCodeRow
from infoshare.store import Store
from infoshare.worktime import now_utc

ws_store, smtp = workspace_support.ws_store, workspace_support.smtp  # the fixtures

NURSE = "nurse-lee"
NURSE_EMAIL = "kim.lee@hospitals.northshire.example"


def refusals(store: Store, person: str | None) -> list[str]:
    with store.session() as s:
        rows = s.scalars(
            select(AuditEventRow).where(
                AuditEventRow.event == "sign-in refused", AuditEventRow.actor_id == person
            )  # fmt: skip
        )
        return [r.detail for r in rows]


def test_a_mailed_code_signs_in_once_and_only_in_the_browser_that_asked(ws_store, smtp) -> None:  # type: ignore[no-untyped-def]
    app = app_for(ws_store)
    asked, thief = Visitor(app), Visitor(app, address="10.0.0.9")
    asked.ask_code(NURSE)
    code = signin_codes(smtp, NURSE_EMAIL)[-1]
    body = messages_to(smtp, NURSE_EMAIL)[-1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "http://localhost:4300/signin/code" in body
    thief.get("/signin")
    stolen = thief.post("/signin/code", {"code": code})
    assert stolen.status_code == 400 and "another browser" in stolen.text
    assert thief.get("/work").headers["location"] == "/signin"
    # a code tried from another session is void for everyone: it may have been stolen
    assert asked.post("/signin/code", {"code": code}).status_code == 400
    assert refusals(ws_store, NURSE)[-2:] == [
        "the code was asked for in another browser session",
        "the code was already used",
    ]
    asked.ask_code(NURSE)
    fresh = signin_codes(smtp, NURSE_EMAIL)[-1]
    before = asked.client.cookies.get("infoshare-session")
    signed = asked.post("/signin/code", {"code": fresh})
    assert signed.status_code == 303 and signed.headers["location"] == "/work"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    after = asked.client.cookies.get("infoshare-session")
    assert after and after != before  # a new session id at sign-in
    assert asked.get("/work").status_code == 200
    # replayed, from the same browser (now signed in) and from another
    assert "already been used" in asked.post("/signin/code", {"code": fresh}).text
    thief.get("/signin")
    assert "already been used" in thief.post("/signin/code", {"code": fresh}).text
    # the session id set before sign-in is worth nothing now
    stale = Visitor(app)
    stale.client.cookies.set("infoshare-session", before or "")
    assert stale.get("/work").headers["location"] == "/signin"
    for v in (asked, thief, stale):
        v.close()


def test_wrong_and_expired_codes_are_refused_and_audited(ws_store, smtp) -> None:  # type: ignore[no-untyped-def]
    v = Visitor(app_for(ws_store))
    v.ask_code(NURSE)
    code = signin_codes(smtp, NURSE_EMAIL)[-1]
    wrong = "AAAA-AAAA" if code != "AAAA-AAAA" else "BBBB-BBBB"
    r = v.post("/signin/code", {"code": wrong})
    assert r.status_code == 400 and "not right" in r.text
    assert v.post("/signin/code", {"code": "not a code"}).status_code == 400
    with ws_store.session() as s:
        s.execute(
            update(WorkspaceSignInCodeRow).values(expires_at=now_utc() - timedelta(seconds=1))
        )
    assert "expired" in v.post("/signin/code", {"code": code}).text
    assert refusals(ws_store, NURSE)[-2:] == ["wrong code", "the code has expired"]
    assert v.get("/work").headers["location"] == "/signin"
    v.close()


def test_known_and_unknown_ids_get_the_same_answer(ws_store, smtp) -> None:  # type: ignore[no-untyped-def]
    app = app_for(ws_store)
    pages = []
    before = len(signin_codes(smtp, NURSE_EMAIL))
    for who in (NURSE, "no-such-person", NURSE_EMAIL, "nobody@example.org"):
        v = Visitor(app)
        r = v.ask_code(who)
        page = v.get(r.headers["location"])
        pages.append((r.status_code, r.headers["location"], page.status_code,
                      page.text.replace(v.csrf, "CSRF")))  # fmt: skip
        # and a guess at the unknown person's code is refused like any wrong code
        guess = v.post("/signin/code", {"code": "AAAA-AAAA"})
        pages.append((guess.status_code, guess.text.replace(v.csrf, "CSRF")))
        v.close()
    assert pages[0] == pages[2] == pages[4] == pages[6]
    assert pages[1] == pages[3] == pages[5] == pages[7]
    assert len(signin_codes(smtp, NURSE_EMAIL)) == before + 2
    assert not messages_to(smtp, "nobody@example.org")
    with ws_store.session() as s:
        unknown = s.scalars(
            select(AuditEventRow).where(AuditEventRow.event == "sign-in code not sent")
        )
        assert [e.detail for e in unknown] == ["the id or email given is not registered"] * 2


def test_too_many_codes_or_wrong_codes_stop_working(ws_store, smtp) -> None:  # type: ignore[no-untyped-def]
    app = app_for(ws_store, codes_per_person=3, failures_per_code=2, failures_per_person=4)
    v = Visitor(app)
    rao = "priya.rao@hospitals.northshire.example"
    before = len(signin_codes(smtp, rao))
    for _ in range(4):
        v.ask_code("caldicott-rao")
    assert len(signin_codes(smtp, rao)) == before + 3  # not 4
    # two wrong codes void the pending one
    v.ask_code(NURSE)
    code = signin_codes(smtp, NURSE_EMAIL)[-1]
    v.post("/signin/code", {"code": "AAAA-AAAA"})
    assert "Too many wrong codes" in v.post("/signin/code", {"code": "BBBB-BBBB"}).text
    assert v.post("/signin/code", {"code": code}).status_code == 400
    # four wrong codes in the window lock the person: codes asked for are not sent
    v.ask_code(NURSE)
    v.post("/signin/code", {"code": "AAAA-AAAA"})
    sent = len(signin_codes(smtp, NURSE_EMAIL))
    v.ask_code(NURSE)
    assert len(signin_codes(smtp, NURSE_EMAIL)) == sent
    with ws_store.session() as s:
        events = [(e.event, e.detail) for e in s.scalars(
            select(AuditEventRow).where(AuditEventRow.actor_id.in_([NURSE, "caldicott-rao"])))]  # fmt: skip
    assert ("sign-in code not sent", "too many codes asked for this person") in events
    assert ("sign-in locked", "4 wrong codes within 0:30:00") in events
    assert ("sign-in code not sent", "locked out after too many wrong codes") in events
    v.close()


def test_codes_per_address_are_limited(ws_store, smtp) -> None:  # type: ignore[no-untyped-def]
    app = app_for(ws_store, codes_per_address=2)
    v = Visitor(app, address="192.0.2.7")
    owen = "owen.hale@hospitals.northshire.example"
    before = len(signin_codes(smtp, owen)), len(signin_codes(smtp, NURSE_EMAIL))
    for person in ("nurse-lee", "caldicott-rao", "caldicott-deputy"):
        v.ask_code(person)
    assert len(signin_codes(smtp, owen)) == before[0]  # the third from this address
    assert len(signin_codes(smtp, NURSE_EMAIL)) == before[1] + 1
    v.close()


def test_sessions_time_out_and_end_at_sign_out(ws_store, smtp) -> None:  # type: ignore[no-untyped-def]
    app = app_for(ws_store)
    v = Visitor(app)
    v.sign_in(NURSE, ws_store, smtp)
    with ws_store.session() as s:
        s.execute(update(WorkspaceSessionRow).values(last_seen=now_utc() - timedelta(minutes=31)))
    assert v.get("/work").headers["location"] == "/signin"  # idle
    v.sign_in(NURSE, ws_store, smtp)
    with ws_store.session() as s:
        s.execute(update(WorkspaceSessionRow).where(WorkspaceSessionRow.person_id == NURSE)
                  .values(signed_in_at=now_utc() - timedelta(hours=11)))  # fmt: skip
    assert v.get("/work").headers["location"] == "/signin"  # absolute
    v.sign_in(NURSE, ws_store, smtp)
    cookie = v.client.cookies.get("infoshare-session")
    out = v.post("/signout")
    assert out.status_code == 303 and out.headers["location"] == "/signin"
    again = Visitor(app)
    again.client.cookies.set("infoshare-session", cookie or "")
    assert again.get("/work").headers["location"] == "/signin"
    forged = Visitor(app)
    forged.client.cookies.set("infoshare-session", (cookie or "x.y")[:-3] + "AAA")
    assert forged.get("/work").headers["location"] == "/signin"
    for x in (v, again, forged):
        x.close()


def test_cookies_are_secure_off_loopback(ws_store, smtp) -> None:  # type: ignore[no-untyped-def]
    app = app_for(ws_store, url="https://workspace.example")
    v = Visitor(app)
    v.client.base_url = "https://workspace.example"  # type: ignore[assignment]
    r = v.get("/signin")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-infoshare=") and "Secure" in cookie and "HttpOnly" in cookie
    assert "strict-transport-security" in r.headers
    v.close()
