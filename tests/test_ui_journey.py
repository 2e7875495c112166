"""One request through the Prefect UI in a real browser, as the people who use it would.

Headless Chromium at 1366x768 (tests/browser.py) against the session's Prefect server and served
flows. One journey covers many checks, so that the suite pays for one run of the flow:

1. the run form (the new UI, which Prefect opens by default): registry selects, readable titles
   and choices, what triage needs marked required; the request is submitted from it;
2. the override's resume form, in both UIs, at 1366x768 and 1440x900: what an approver must
   read is on screen, a requester's item description is plain text; a wrong code first, whose
   refusal shows at the top of the form and in the run's state message; then the code from the
   mail, typed in lower case with spaces;
3. the sign-off's resume form: one item of two approved (partial sign-off);
4. the artifacts: the decision record and both dashboards, within 1366 pixels, each reference
   linked to its run.

A second journey submits an enquiry from the enquiry deployment's run form (two agencies, each
with its own items and gateway) and finds its agencies' runs and its case view.

Screenshots for the README's "Using it" section are made on the way (docs/screenshots/, written
when INFOSHARE_UPDATE_SCREENSHOTS=1; otherwise next to the failure screenshots).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser import (
    SCREENSHOTS,
    assert_on_screen,
    assert_text_on_screen,
    ui_url,
)
from conftest import ROOT, Mailbox, Stack, wait_until
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from infoshare.store import Store

HOSTILE = "[click me](javascript:alert(3)) <img src=x>"
DOCS = ROOT / "docs" / "screenshots"
WIDE = {"width": 1440, "height": 900}
NARROW = {"width": 1366, "height": 768}
# an error the Prefect UI shows: a toast in the new UI (sonner), in the old one (Prefect design)
ERROR_TOAST = "[data-sonner-toast][data-type='error'], .p-toast:has(.p-toast__icon--error)"


def docs_shot(page: Any, name: str) -> Path:
    """A screenshot for the README, of what the window shows."""
    update = os.environ.get("INFOSHARE_UPDATE_SCREENSHOTS") == "1"
    folder = DOCS if update else SCREENSHOTS / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# --- Prefect's forms: a field is found by its label, as a person finds it -----------------------


def _label(scope: Any, name: str, nth: int = 0) -> Any:
    return (
        scope.locator("label")
        .filter(has_text=re.compile(rf"^{re.escape(name)}( \(Optional\))?$"))
        .nth(nth)
    )


def control(scope: Any, name: str, nth: int = 0, timeout: float | None = None) -> Any:
    """The input a label names (the new UI links each label to its control)."""
    label = _label(scope, name, nth)
    label.wait_for(timeout=timeout)
    return scope.locator(f"[id='{label.get_attribute('for')}']")


def choose(page: Any, scope: Any, name: str, *options: str, nth: int = 0) -> None:
    """Pick ``options`` in the select labelled ``name`` (several for a list of choices), as a
    person does when the page is slow: under CI's load Prefect's UI re-renders its open list,
    which can keep moving ("not stable") or shut again before the option is clicked (7 December
    2026, twice in CI), so the list is opened again when it is shut, and the third try clicks
    the option wherever it is."""
    select = control(scope, name, nth)
    for option in options:
        item = page.get_by_role("option", name=option, exact=True)
        for attempt in range(3):
            if not item.is_visible():
                select.click()  # the list is shut (it never opened, or closed again): open it
            try:
                item.click(timeout=7_000, force=attempt == 2)
                break
            except PlaywrightTimeoutError:
                if attempt == 2:
                    raise
    if len(options) > 1 or page.get_by_role("listbox").count():
        page.keyboard.press("Escape")


def add_item(scope: Any, name: str, nth: int = 0) -> None:
    label = _label(scope, name, nth)
    field = label.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' group ')][1]")
    field.get_by_role("button", name="Add item").last.click()  # its own: after its entries


# --- the run -----------------------------------------------------------------------------------


def _runs_of(stack: Stack, flow: str) -> set[str]:
    resp = httpx.post(
        f"{stack.api_url}/flow_runs/filter",
        json={"flows": {"name": {"any_": [flow]}}, "limit": 200},
        timeout=10,
    )
    resp.raise_for_status()
    return {r["id"] for r in resp.json()}


def _latest_artifact(stack: Stack, key: str) -> bool:
    resp = httpx.post(
        f"{stack.api_url}/artifacts/latest/filter",
        json={"artifacts": {"key": {"any_": [key]}}},
        timeout=10,
    )
    resp.raise_for_status()
    return bool(resp.json())


def _run(stack: Stack, run_id: str) -> dict[str, Any]:
    resp = httpx.get(f"{stack.api_url}/flow_runs/{run_id}", timeout=10)
    resp.raise_for_status()
    body: dict[str, Any] = resp.json()
    return body


def _waiting(stack: Stack, store: Store, run_id: str, status: str, after: str = "") -> str:
    """Wait until the run is suspended for ``status`` in a pause other than ``after``, with
    its form saved (a person is not quicker than that); returns the pause's state id."""

    def ready() -> str | None:
        run = _run(stack, run_id)
        ref = store.requests.ref_for_run(run_id)
        if not ref or run["state"]["type"] != "PAUSED" or run["state"]["id"] == after:
            return None
        if store.requests.meta(ref).status != status:
            return None
        keyset = run["state"]["state_details"].get("run_input_keyset") or {}
        schema = httpx.get(
            f"{stack.api_url}/flow_runs/{run_id}/input/{keyset.get('schema')}", timeout=10
        )
        return str(run["state"]["id"]) if schema.status_code == 200 else None

    return str(wait_until(f"the run to wait for {status}", ready, 180))


def open_run_page(page: Any, base: str, run_id: str, ui: str) -> None:
    """The run's page. Under CI's load Prefect's UI can fail one of its own reads and show
    "Oops. Something went wrong." over a half-drawn page ("Flow not found", 7 December 2026):
    a person reloads it, and so does this (twice at most), after a 2 s look for that error."""
    page.goto(ui_url(base, f"/runs/flow-run/{run_id}", ui))
    failed = page.locator(ERROR_TOAST).or_(page.get_by_text("Something went wrong")).first
    for _ in range(2):
        try:
            failed.wait_for(timeout=2_000)
        except PlaywrightTimeoutError:
            return
        page.reload()


def open_resume_form(page: Any, base: str, run_id: str, ui: str) -> Any:
    """The run's page, then Resume, as a person would click; returns the dialog."""
    open_run_page(page, base, run_id, ui)
    if ui == "v2":
        page.get_by_role("button", name="Open menu").click()
        page.get_by_role("menuitem", name="Resume").click()
    else:
        page.get_by_role("button", name="Resume").first.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    return dialog


def open_artifact(page: Any, base: str, stack: Stack, key: str, ui: str) -> None:
    """The newest version of an artifact: in the old UI as README says (the key's page, then
    its newest version); in the new one by its address."""
    if ui == "v1":
        page.goto(ui_url(base, f"/artifacts/key/{key}", ui))
        page.get_by_role("link", name=re.compile(r"^[0-9a-f]{8}$")).first.click()
        return
    resp = httpx.post(
        f"{stack.api_url}/artifacts/latest/filter",
        json={"artifacts": {"key": {"any_": [key]}}},
        timeout=10,
    )
    resp.raise_for_status()
    page.goto(ui_url(base, f"/artifacts/artifact/{resp.json()[0]['latest_id']}", ui))


def _no_live_markup(dialog: Any) -> None:
    """Defect 3: what a requester typed is text, not a link or an image."""
    assert dialog.locator("a[href^='javascript']").count() == 0
    assert dialog.locator("img").count() == 0


def _answer_override(page: Any, dialog: Any, code: str) -> None:
    control(dialog, "Person ID").fill("housing-officer")
    control(dialog, "Code").fill(code)
    choose(page, dialog, "Grounds", "SAFEGUARD_CHILDREN", "PREVENT_OFFENCES")
    control(dialog, "Proportionality").fill(
        "Two young children at risk; the tenancy records alone corroborate the incidents."
    )
    control(dialog, "Not Informed Reason").fill("Telling her would raise the risk.")
    resume(page, dialog)


def press(page: Any, button: Any, done: Callable[[], Any], what: str, timeout: float = 120) -> Any:
    """Click ``button`` until ``done()`` gives something, as a person would: again when Prefect
    shows an error (its embedded SQLite answers "Service Unavailable" to a write that lost a
    race for the lock; the UI shows that in a toast and keeps the form), and again when a click
    seems to have done nothing for 15 s (it can land while a select's list is closing), but
    never while the UI is still busy with the last one (the button is disabled then). Returns
    what ``done()`` gave; fails with the errors shown, or with ``what`` if nothing happened."""
    errors: list[str] = []
    toast = page.locator(ERROR_TOAST)
    end = time.monotonic() + timeout
    clicked, seen = -1.0, 0
    while time.monotonic() < end:
        result = done()
        if result:
            return result
        if toast.count() > seen:
            errors.append(toast.last.inner_text())
            clicked = -1.0  # shown an error: click again once the button is back
        seen = toast.count()
        if time.monotonic() - clicked > 15 and button.count() == 1:
            try:
                if button.is_enabled(timeout=1000):
                    button.click(timeout=5000)
                    clicked = time.monotonic()
            except PlaywrightError:  # the form closed between the look and the click
                continue
        time.sleep(0.25)
    pytest.fail(f"{what}: nothing after {timeout:.0f}s; errors shown: {errors or 'none'}")


def resume(page: Any, dialog: Any) -> None:
    """Click Resume; the form closes, or the test says what the form complained of."""

    def closed() -> bool:
        return dialog.count() == 0 or not dialog.is_visible()

    try:
        press(page, dialog.get_by_role("button", name="Resume"), closed, "the resume form")
    except pytest.fail.Exception as exc:
        text = dialog.inner_text() if dialog.count() else ""
        wrong = [
            line
            for line in text.splitlines()
            if re.search(r"required|must|should|invalid|not valid|does not|match|rror", line)
        ]
        pytest.fail(f"{exc}; the form says: {wrong or text[-1500:]}")


def test_a_request_from_the_run_form_to_the_dashboards(
    page: Any, stack: Stack, stack_store: Store, mailbox: Mailbox, prefect_server: Any
) -> None:
    from flows.watchdog import watchdog_at
    from infoshare.worktime import now_utc

    base = prefect_server.base_url
    started = time.monotonic()
    before = _runs_of(stack, "share-request")

    # 1. The run form, in the UI Prefect opens by default -------------------------------------
    dep = httpx.get(f"{stack.api_url}/deployments/name/share-request/share-request", timeout=10)
    page.goto(ui_url(base, f"/deployments/deployment/{dep.json()['id']}/run", "v2"))
    # a select of the registry's agencies. Under CI's load the new UI twice left the page blank
    # (nothing drawn after 20 s, and after 60 s: 7 December 2026): a person reloads it
    for attempt in range(3):
        try:
            agencies = control(page, "Requesting Agency")
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.reload()
    agencies.click()
    offered = {o.inner_text() for o in page.get_by_role("option").all()}
    assert offered == set(stack_store.partnership().agencies)
    page.get_by_role("option", name="northshire-mash", exact=True).click()
    choose(page, page, "Requester ID", "mash-social-worker")
    choose(page, page, "Disclosing Agency", "northshire-homes")
    assert_text_on_screen(page, "northshire-homes = Northshire Homes")
    docs_shot(page, "run-form")
    add_item(page, "Subjects")
    control(page, "Name").fill("Morwenna Fictitious-Mother")
    control(page, "Date Of Birth").fill("2002-06-02")
    choose(page, page, "Purpose", "DOMESTIC_ABUSE_RISK")
    control(page, "Offence Or Risk").fill("Domestic incident last night; two young children.")
    for n, (what, why) in enumerate(
        [
            ("Tenancy disturbance records, last 12 months", "They corroborate the incidents."),
            (HOSTILE, "To see that what a requester types stays text."),
        ]
    ):
        add_item(page, "Items")
        control(page, "Description", n).fill(what)
        control(page, "Necessity", n).fill(why)
    # what triage needs is required, and the codes are explained
    assert _label(page, "Consequence If Not Shared").inner_text() == "Consequence If Not Shared"
    control(page, "Consequence If Not Shared").fill("Risk to the children underestimated.")
    choose(page, page, "Regime", "UK_GDPR")
    assert_text_on_screen(page, "PUBLIC_TASK = Art 6(1)(e) public task")
    choose(page, page, "Lawful basis (UK GDPR Article 6)", "PUBLIC_TASK")
    choose(page, page, "Legal gateway", "CDA1998_S115")
    assert_text_on_screen(page, "REFUSED = the subject refused")
    choose(page, page, "Consent", "REFUSED")
    control(page, "Consent Reason").fill("Refused out of fear of reprisal.")
    choose(page, page, "Urgency tier", "AMBER")
    run_id = press(
        page,
        page.get_by_role("button", name="Submit"),
        lambda: next(iter(_runs_of(stack, "share-request") - before), None),
        "the submitted run",
    )

    # 2. The override's resume form ------------------------------------------------------------
    pause = _waiting(stack, stack_store, run_id, "AWAITING_OVERRIDE")
    ref = stack_store.requests.ref_for_run(run_id)
    assert ref is not None
    for ui in ("v1", "v2"):
        for size in (NARROW, WIDE):
            page.set_viewport_size(size)
            dialog = open_resume_form(page, base, run_id, ui)
            assert_text_on_screen(page, f"Consent override of {ref}")
            assert_text_on_screen(page, "Who may answer:")
            assert_text_on_screen(page, re.compile(r"item-2: ❲click me❳"))  # look-alikes
            _no_live_markup(dialog)
            if ui == "v1" and size == NARROW:
                docs_shot(page, "resume-form")
    page.set_viewport_size(NARROW)
    dialog = open_resume_form(page, base, run_id, "v2")
    _answer_override(page, dialog, "ABCDE-FGHIJ")  # not the code that was mailed

    pause = _waiting(stack, stack_store, run_id, "AWAITING_OVERRIDE", after=pause)
    assert "The previous answer was refused" in (_run(stack, run_id)["state"]["message"] or "")
    for ui in ("v1", "v2"):
        open_run_page(page, base, run_id, ui)
        if ui == "v2":
            page.get_by_role("tab", name="Details").click()
        assert_text_on_screen(page, re.compile("The previous answer was refused"))
        dialog = open_resume_form(page, base, run_id, ui)
        assert_text_on_screen(page, "The previous answer was refused:")
        assert_text_on_screen(page, re.compile("Identity not proven"))
    code = mailbox.latest_code(ref, "tom.baker@homes.northshire.example")
    typed = " ".join(code.lower().replace("-", ""))  # "a b c d e f g h i j": still the code
    _answer_override(page, dialog, typed)

    # 3. Sign-off: one item of the two ---------------------------------------------------------
    pause = _waiting(stack, stack_store, run_id, "AWAITING_SIGNOFF", after=pause)
    stack_store.requests.provide_item(ref, "item-1", b"3 disturbances reported", "housing-officer")
    watchdog_at(now=now_utc())  # the dashboards, with this request open
    dialog = open_resume_form(page, base, run_id, "v2")
    assert_text_on_screen(page, f"Senior sign-off of {ref}")
    control(dialog, "Approver ID").fill("housing-manager")
    control(dialog, "Code").fill(mailbox.latest_code(ref, "nia.jones@homes.northshire.example"))
    choose(page, dialog, "Decision", "SHARE")
    choose(page, dialog, "Approved Items", "item-1")
    control(dialog, "Reasons").fill("Tenancy records only; the second item is not needed.")
    resume(page, dialog)
    wait_until("the run to finish", lambda: _run(stack, run_id)["state"]["type"] == "COMPLETED")
    found = stack_store.chain.record(ref)
    assert found is not None and found[0].public["decision"] == "SHARE_PARTIAL"

    # 4. The artifacts --------------------------------------------------------------------------
    open_artifact(page, base, stack, f"decision-{ref.lower()}", "v1")
    assert_text_on_screen(page, f"Decision SHARE_PARTIAL: {ref}")
    assert_text_on_screen(page, HOSTILE)
    assert page.locator("a[href^='javascript'], article img").count() == 0
    for ui in ("v1", "v2"):
        open_artifact(page, base, stack, "timeliness-open-requests", ui)
        link = page.get_by_role("link", name=ref)
        assert link.first.get_attribute("href") == f"/runs/flow-run/{run_id}"
        for header in ("request", "status", "deadline", "from", "to", "step due"):
            box = assert_on_screen(
                page.get_by_role("columnheader", name=header, exact=True), header
            )
            assert box["left"] + box["width"] <= NARROW["width"], f"{header} is off-screen"
        if ui == "v1":
            docs_shot(page, "dashboard-open-requests")
    watchdog_at(now=now_utc())
    open_artifact(page, base, stack, "timeliness-summary", "v1")
    for header in ("on time", "failed", "overrides"):
        box = assert_on_screen(page.get_by_role("columnheader", name=header, exact=True), header)
        assert box["left"] + box["width"] <= NARROW["width"], f"{header} is off-screen"
    docs_shot(page, "dashboard-summary")
    print(f"\nUI journey: {time.monotonic() - started:.0f} s")  # noqa: T201 - for the report


def test_an_enquiry_from_its_run_form_to_its_case_view(
    page: Any, stack: Stack, stack_store: Store, prefect_server: Any
) -> None:
    """The enquiry deployment's run form: the shared part once, then each agency asked with
    its own items and gateway (a list in the form); submitted, the enquiry is taken in, each
    agency gets its own share-request run tagged with the enquiry, and the case view (an
    artifact) shows both agencies."""
    from infoshare.store.enquiries import ASKED

    base = prefect_server.base_url
    dep = httpx.get(f"{stack.api_url}/deployments/name/enquiry/enquiry", timeout=10)
    before = _runs_of(stack, "enquiry")
    page.goto(ui_url(base, f"/deployments/deployment/{dep.json()['id']}/run", "v2"))
    choose(page, page, "Requesting Agency", "northshire-mash")
    choose(page, page, "Requester ID", "mash-social-worker")
    add_item(page, "Subjects")
    control(page, "Name").fill("Morwenna Fictitious-Mother")
    control(page, "Date Of Birth").fill("2002-06-02")
    choose(page, page, "Purpose", "SAFEGUARD_CHILD")
    control(page, "Offence Or Risk").fill("Domestic incident last night; two young children.")
    control(page, "Consequence If Not Shared").fill("Risk to the children underestimated.")
    choose(page, page, "Regime", "UK_GDPR")
    choose(page, page, "Lawful basis (UK GDPR Article 6)", "PUBLIC_TASK")
    choose(page, page, "Consent", "OBTAINED")
    control(page, "Consent Reason").fill("She agreed at the MASH contact.")
    choose(page, page, "Urgency tier", "AMBER")
    asked = {"northshire-hospitals": "A&E attendances, last 12 months",
             "northshire-homes": "Tenancy disturbance records, last 12 months"}  # fmt: skip
    for n, (agency, what) in enumerate(asked.items()):
        add_item(page, "Agencies")
        choose(page, page, "Disclosing Agency", agency, nth=n)
        add_item(page, "Items", nth=n)
        control(page, "Description", n).fill(what)
        control(page, "Necessity", n).fill("It informs the MASH risk assessment.")
        choose(page, page, "Legal gateway", "CDA1998_S115", nth=n)
    page.get_by_role("listbox").wait_for(state="detached")
    _label(page, "Agencies").scroll_into_view_if_needed()
    docs_shot(page, "enquiry-run-form")
    run_id = press(
        page,
        page.get_by_role("button", name="Submit"),
        lambda: next(iter(_runs_of(stack, "enquiry") - before), None),
        "the submitted enquiry",
    )

    ref = wait_until("the enquiry to be taken in",
                     lambda: stack_store.requests.ref_for_run(run_id), 180)  # fmt: skip
    parts = wait_until("each agency to be asked",
                       lambda: (a := stack_store.enquiries.asked(ref))
                       and all(x.child_run_id for x in a) and a, 180)  # fmt: skip
    assert {a.agency: a.status for a in parts} == dict.fromkeys(asked, ASKED)
    for a in parts:  # each agency's own run, tagged with the enquiry, holding no personal data
        child = _run(stack, a.child_run_id or "")
        assert f"enquiry:{ref}" in child["tags"]
        assert "Morwenna" not in str(child["parameters"])
    wait_until("the case view", lambda: _latest_artifact(stack, f"enquiry-{ref.lower()}"), 120)
    open_artifact(page, base, stack, f"enquiry-{ref.lower()}", "v1")
    assert_text_on_screen(page, f"Enquiry {ref}: OPEN")
    for agency in asked:
        assert_on_screen(page.get_by_role("cell", name=agency, exact=True), agency)
