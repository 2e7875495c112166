"""One journey through the workspace in a real browser (Playwright driving Debian's Chromium,
headless, 1366x768), beside a real Prefect server and the served share-request deployment.

A youth justice officer's request to a school (examples/scenario1-school-attendance.json): the
school's data manager signs in with a code read from the SMTP server and uploads the
attendance summary; the headteacher signs in by code, registers a passkey (Chromium's virtual
authenticator, CDP WebAuthn domain), signs out and back in with it, and shares only that item
while reading its content; the requester reads the reasons and downloads the item, byte for
byte. Afterwards the Prefect database holds none of the personal data. The test also takes the
README's screenshots: into docs/screenshots/ with INFOSHARE_UPDATE_SCREENSHOTS=1.

The browser is the suite's (tests/browser.py): one fresh context per person.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import ROOT, Mailbox, Stack, example, wait_until
from workspace_support import signin_codes

from infoshare import prefect_api
from infoshare.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from prefect_server import free_loopback_port, scan_database_for  # noqa: E402

# the README's screenshots are remade only when asked: INFOSHARE_UPDATE_SCREENSHOTS=1
SCREENSHOTS = ROOT / "docs" / "screenshots"
UPDATE_SCREENSHOTS = os.environ.get("INFOSHARE_UPDATE_SCREENSHOTS") == "1"
ATTENDANCE = b"Attendance 2025-26: 81% (target 95%); 14 unauthorised half-days.\n"
REASONS = "Attendance alone meets the plan's need; exclusions are held back."
PERSONAL = ["Jamie Fictitious-Pupil", "2011-03-14", "14 unauthorised half-days", REASONS,
            "Young person and parent consented"]  # fmt: skip


@pytest.fixture(scope="module")
def workspace(stack: Stack) -> Iterator[str]:
    """``infoshare workspace serve`` in its own process, on the stack's store and Prefect."""
    port = free_loopback_port()
    url = f"http://localhost:{port}"
    log = stack.home / "workspace.log"
    env = {**stack.env, "INFOSHARE_WORKSPACE_URL": url}
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "infoshare", "workspace", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until("the workspace", lambda: _up(f"http://127.0.0.1:{port}/health"), 60)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    text = log.read_text(errors="replace")
    leaked = [p for p in PERSONAL if p in text]
    assert not leaked, f"the workspace log holds personal data: {leaked}"


def _up(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def sign_in_by_code(page: Any, url: str, person: str, email: str, mailbox: Mailbox) -> None:
    before = len(signin_codes(mailbox, email))
    page.goto(f"{url}/signin")
    page.get_by_label("Your infoshare person id or work email address").fill(person)
    page.get_by_role("button", name="Email me a sign-in code").click()
    code = wait_until("the sign-in code", lambda: signin_codes(mailbox, email)[before:], 30)[-1]
    page.get_by_label("Sign-in code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="My work").wait_for()


def say_why(page: Any, why: str) -> None:
    page.get_by_label("Your reason").fill(why)
    page.get_by_role("button", name="Show the request").click()


def shot(page: Any, name: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def test_a_request_answered_and_read_in_the_workspace(
    stack: Stack, stack_store: Store, mailbox: Mailbox, workspace: str, new_page: Callable[..., Any],
    tmp_path: Path,
) -> None:  # fmt: skip
    url = workspace
    shots = SCREENSHOTS if UPDATE_SCREENSHOTS else tmp_path
    run = prefect_api.submit({"request": example("scenario1-school-attendance.json")})
    ref = wait_until("the request's reference", lambda: stack_store.requests.ref_for_run(run.id))
    wait_until("sign-off to wait", lambda: stack_store.requests.meta(ref).status
               == "AWAITING_SIGNOFF", 120)  # fmt: skip

    # the school's data manager prepares the attendance summary, by upload
    office = new_page(accept_downloads=True)
    sign_in_by_code(office, url, "school-office", "ruth.clarke@academy.northshire.example", mailbox)
    office.get_by_role("link", name=ref).click()
    say_why(office, "Preparing the items asked for")
    office.get_by_role("heading", name=f"Request {ref}").wait_for()
    office.get_by_label("A file (at most 20 MB)").first.set_input_files(
        files=[{"name": "attendance.txt", "mimeType": "text/plain", "buffer": ATTENDANCE}]
    )
    office.get_by_role("button", name="Store item-1 (encrypted)").click()
    office.get_by_text(f"item-1: {len(ATTENDANCE)} bytes prepared").wait_for()
    office.mouse.wheel(0, -10_000)  # back to the top of the page
    office.wait_for_function("window.scrollY === 0")
    shot(office, "request", shots)
    assert "Jamie Fictitious-Pupil" not in office.title()

    # the headteacher: a code first, then a passkey, then in with the passkey
    head = new_page(accept_downloads=True)
    cdp = head.context.new_cdp_session(head)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True}})  # fmt: skip
    sign_in_by_code(head, url, "school-head", "helen.price@academy.northshire.example", mailbox)
    head.get_by_role("link", name="Passkeys").click()
    head.get_by_role("button", name="Register a passkey on this device").click()
    head.get_by_text("Passkey registered").wait_for()
    head.get_by_role("button", name="Sign out").click()
    head.get_by_text("You have signed out.").wait_for()
    head.get_by_role("button", name="Sign in with a passkey").click()
    head.get_by_role("heading", name="My work").wait_for()
    row = head.get_by_role("row").filter(has_text=ref)
    assert "signoff" in row.inner_text() and "Green: on track" in row.inner_text()
    assert row.get_by_role("link", name="run").get_attribute("href").endswith(run.id)
    shot(head, "work", shots)
    row.get_by_role("link", name=ref).click()
    say_why(head, "Deciding the sign-off")
    head.get_by_role("link", name="Answer the signoff step").click()
    content = head.get_by_label("Prepared content of item-1")
    assert content.inner_text().strip() == ATTENDANCE.decode().strip()
    head.get_by_label("share").check()
    head.get_by_label("item-1: School attendance summary, last 12 months").check()
    head.get_by_label("Your reasons").fill(REASONS)
    shot(head, "answer", shots)
    head.get_by_role("button", name="Send my answer").click()
    head.get_by_text("Your answer was accepted.").wait_for(timeout=90_000)

    found = wait_until("the decision record", lambda: stack_store.chain.record(ref), 120)
    record = found[0].public
    assert record["decision"] == "SHARE_PARTIAL"
    assert [a["identity"] for a in record["approvers"]] == ["workspace sign-in: passkey"]

    # the requester reads the reasons and downloads what came
    yjs = new_page(accept_downloads=True)
    sign_in_by_code(yjs, url, "yjs-worker", "ben.carter@yjs.northshire.example", mailbox)
    yjs.get_by_role("link", name=ref).click()
    say_why(yjs, "Building the intervention plan")
    yjs.get_by_role("heading", name="Outcome: share partial").wait_for()
    yjs.get_by_text(REASONS).wait_for()
    yjs.locator("#outcome").scroll_into_view_if_needed()
    shot(yjs, "outcome", shots)
    with yjs.expect_download() as got:
        yjs.get_by_role("link", name="Download item-1").click()
    assert Path(got.value.path()).read_bytes() == ATTENDANCE

    # Prefect holds none of it: not the names, the content or the reasons typed
    hits = scan_database_for(stack.prefect_db, PERSONAL)
    assert hits == [], "\n".join(str(h) for h in hits[:20])
    assert scan_database_for(stack.prefect_db, [ref])  # the scan can find what is there
    for p in (office, head, yjs):
        p.context.close()
