"""A real browser for tests: Playwright for Python driving Debian's Chromium, as a pytest plugin.

Fixtures (``pytest_plugins = ["prefect_server", "browser"]`` in ``tests/conftest.py``):

* ``chromium``: one headless ``/usr/bin/chromium`` per test module (Playwright cannot
  download its own browser on these machines; ``.ci/run`` installs Debian's when it is missing).
  Playwright launches it with a fresh temporary profile (user-data dir), deleted at the end.
* ``new_page``: makes a page in a new browser context (no cookies, no storage: like a private
  window) at 1366x768, the screen the UI must work on, one per person of a journey; ``page`` is
  one such page. When the test fails, a full-page screenshot of every page the test opened is
  kept in :data:`SCREENSHOTS` (``.ci/run`` prints the folder), and the failure's report says
  each page's address and the text it showed (CI keeps only its log).

Helpers that check what a person *sees*, not only what is in the DOM:

* :func:`visible_box` and :func:`assert_on_screen`: the element is scrolled into view (as a
  person would scroll) and must then show a non-empty area inside the window and inside every
  ancestor that clips it (``overflow`` other than visible), and its centre must not be covered by
  another element. A description squeezed to zero height by its container fails this, although
  Playwright's own ``is_visible()`` says yes.
* :func:`assert_text_on_screen`: the same for the smallest element holding a text.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("INFOSHARE_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(
    os.environ.get("INFOSHARE_TEST_SCREENSHOTS", str(ROOT / ".test-artifacts" / "screenshots"))
)
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no calls home: only loopback is reachable
    "--disable-component-update",
    "--disable-sync",
]

__all__ = [
    "CHROMIUM",
    "SCREENSHOTS",
    "VIEWPORT",
    "assert_on_screen",
    "assert_text_on_screen",
    "chromium",
    "new_page",
    "page",
    "ui_url",
    "visible_box",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright, for one test module; skipped where it is
    absent outside CI (``.ci/run`` installs it, so there it always runs). Not for the whole
    session: Playwright's sync API keeps an event loop running in the main thread while it is
    open, and later tests that run their own (the workspace's ASGI tests) could not."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip(f"no browser at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed:
        item.stash.setdefault(_FAILED, True)
        if report.when == "call":
            # CI keeps only its log: say there what each page showed when the test failed
            pages = [p for c in item.stash.get(_CONTEXTS, []) for p in c.pages]
            for n, shown in enumerate(what_pages_show(pages)):
                report.sections.append((f"what browser page {n} showed", shown))
    return report


_FAILED = pytest.StashKey[bool]()
_CONTEXTS = pytest.StashKey[list[Any]]()  # the browser contexts a test opened


def what_pages_show(pages: list[Any], limit: int = 3000) -> list[str]:
    """Each page's address and the text it shows (the end of it, past ``limit`` characters)."""
    shown = []
    for p in pages:
        try:
            text = p.locator("body").inner_text(timeout=5_000)
        except Exception as exc:  # noqa: BLE001 - a closed or crashed page: say so
            text = f"(no text: {type(exc).__name__})"
        cut = f"...{text[-limit:]}" if len(text) > limit else text
        shown.append(f"{p.url}\n{cut}")
    return shown


@pytest.fixture
def new_page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Make a page in a fresh context (no cookies or storage: one person's private window) at
    1366x768, as often as the test needs (several people in one journey); ``options`` go to
    Playwright's ``new_context`` (e.g. ``accept_downloads=True``). When the test fails, every
    page it opened is kept as a screenshot."""
    contexts: list[Any] = request.node.stash.setdefault(_CONTEXTS, [])

    def make(**options: Any) -> Any:
        context = chromium.new_context(
            viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/London", **options
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        if request.node.stash.get(_FAILED, False):
            keep_screenshots([p for c in contexts for p in c.pages], request.node.nodeid)
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """One page in a fresh context (see ``new_page``)."""
    return new_page()


def keep_screenshots(pages: list[Any], name: str) -> list[Path]:
    """A full-page PNG of each page, named after the test, in SCREENSHOTS."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[-150:]
    kept = []
    for n, p in enumerate(pages):
        path = SCREENSHOTS / f"{stem}-{n}.png"
        try:
            p.screenshot(path=str(path), full_page=True)
        except Exception:  # noqa: BLE001, S112 - a closed or crashed page: nothing to keep
            continue
        kept.append(path)
    return kept


# What a person sees: the part of the element's box inside the window and inside every ancestor
# that clips its content, and whether the element is what is painted at the centre of that part.
_VISIBLE_BOX_JS = """
(el) => {
  const style = getComputedStyle(el);
  if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0)
    return {width: 0, height: 0, why: 'hidden by its style'};
  let r = el.getBoundingClientRect();
  let box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  let why = '';
  const cut = (c, by) => {
    const next = {left: Math.max(box.left, c.left), top: Math.max(box.top, c.top),
                  right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom)};
    if ((next.bottom - next.top) < (box.bottom - box.top) - 0.5 && !why) why = 'clipped by ' + by;
    box = next;
  };
  for (let a = el.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.display === 'none' || s.visibility === 'hidden')
      return {width: 0, height: 0, why: 'an ancestor is hidden'};
    if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
      const c = a.getBoundingClientRect();
      cut(c, a.tagName.toLowerCase() + (a.className && typeof a.className === 'string'
            ? '.' + a.className.trim().split(/\\s+/).slice(0, 3).join('.') : ''));
    }
  }
  cut({left: 0, top: 0, right: innerWidth, bottom: innerHeight}, 'the window');
  const width = Math.max(0, box.right - box.left), height = Math.max(0, box.bottom - box.top);
  // covered: is the element what is hit where its first seen line of text (else its box) is?
  let covered = false;
  if (width > 0 && height > 0) {
    let probe = box;
    const range = document.createRange();
    range.selectNodeContents(el);
    for (const t of range.getClientRects()) {
      const l = Math.max(t.left, box.left), tp = Math.max(t.top, box.top);
      const rt = Math.min(t.right, box.right), b = Math.min(t.bottom, box.bottom);
      if (rt - l >= 1 && b - tp >= 1) { probe = {left: l, top: tp, right: rt, bottom: b}; break; }
    }
    const hit = document.elementFromPoint((probe.left + probe.right) / 2,
                                          (probe.top + probe.bottom) / 2);
    covered = !!hit && hit !== el && !el.contains(hit) && !hit.contains(el);
  }
  return {width, height, full_height: r.height, full_width: r.width, why, covered,
          top: box.top, left: box.left};
}
"""


def visible_box(locator: Any, *, scroll: bool = True) -> dict[str, Any]:
    """What is seen of ``locator``'s element (see the module docstring): its visible width and
    height in CSS pixels, its full height, why it is cut, and whether something covers it."""
    if scroll:  # what cannot be scrolled to is measured as it is, unseen
        with contextlib.suppress(Exception):
            locator.scroll_into_view_if_needed(timeout=5_000)
    box: dict[str, Any] = locator.evaluate(_VISIBLE_BOX_JS)
    return box


def assert_on_screen(
    locator: Any,
    what: str = "",
    *,
    scroll: bool = True,
    whole: bool = False,
    timeout: float = 15.0,
) -> dict[str, Any]:
    """Fail unless a person can see ``locator``'s element: some of it (``whole``: all of it) in
    the window, not clipped away by a container, not covered. Waits up to ``timeout`` seconds
    for the page to settle. Returns the last measurement."""
    deadline = time.monotonic() + timeout
    label = what or str(locator)
    box: dict[str, Any] = {}
    while True:
        problem = ""
        try:
            locator.first.wait_for(state="attached", timeout=2_000)
            box = visible_box(locator.first, scroll=scroll)
        except Exception as exc:  # noqa: BLE001 - not there (yet)
            problem = f"not on the page ({type(exc).__name__})"
        if not problem:
            if box["height"] < 1 or box["width"] < 1:
                problem = f"takes no space on screen ({box.get('why') or 'zero size'})"
            elif box["covered"]:
                problem = "covered by another element"
            elif whole and box["height"] < box["full_height"] - 1:
                problem = (
                    f"only {box['height']:.0f} of {box['full_height']:.0f} px high "
                    f"is seen ({box['why']})"
                )
        if not problem:
            return box
        if time.monotonic() > deadline:
            pytest.fail(f"{label!r} is not visible to a person: {problem}")
        time.sleep(0.25)


def assert_text_on_screen(
    page: Any, text: str | re.Pattern[str], *, whole: bool = False, timeout: float = 15.0
) -> dict[str, Any]:
    """Fail unless ``text`` is shown where a person can read it (see :func:`assert_on_screen`).
    Any element holding the text will do; the first one that is seen wins."""
    deadline = time.monotonic() + timeout
    matches = page.get_by_text(text)
    while True:
        count = matches.count()
        for i in range(count):
            try:
                box = visible_box(matches.nth(i))
            except Exception:  # noqa: BLE001, S112 - detached meanwhile
                continue
            seen = box["height"] >= 1 and box["width"] >= 1 and not box["covered"]
            if seen and (not whole or box["height"] >= box["full_height"] - 1):
                return box
        if time.monotonic() > deadline:
            if count == 0:
                pytest.fail(f"{text!r} is not on the page at all")
            # the first match's problem, in words
            assert_on_screen(matches.first, str(text), whole=whole, timeout=0)
            pytest.fail(f"{text!r} is on the page but not where a person can read it")
        time.sleep(0.25)


def ui_url(base_url: str, path: str = "/", ui: str = "v2") -> str:
    """An address in one of the two UIs Prefect 3.9.1 ships: ``v2`` (the new one, opened by
    default at ``/``, under ``/v2``) or ``v1`` (the old one, at the root, where the new UI's
    deployment pages send people)."""
    if ui not in ("v1", "v2"):
        raise ValueError(f"no Prefect UI {ui!r}")
    return f"{base_url}{'/v2' if ui == 'v2' else ''}{path}"
