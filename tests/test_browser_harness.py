"""The browser helpers tell seen from merely present: each check here must be able to fail.

No server: static pages set with ``page.set_content``; about a second in all.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser import SCREENSHOTS, VIEWPORT, assert_on_screen, assert_text_on_screen, keep_screenshots

# The shape of the defect this harness exists for: a description in a box that a tall form
# squeezes to zero height (still "visible" to Playwright: it has a box and no hidden style).
SQUEEZED = """
<div style="display:flex; flex-direction:column; height:300px">
  <div id="desc" style="flex:1 1 0; min-height:0; overflow:hidden">
    <p>Senior sign-off: ISR-1</p>
  </div>
  <div style="flex:0 0 auto; height:900px">the form</div>
</div>
<p style="position:absolute; top:3000px">Far below</p>
<div style="position:relative">
  <p>Under a cover</p>
  <div style="position:absolute; inset:0; background:white"></div>
</div>
<p style="visibility:hidden">Hidden</p>
<p>Plain text</p>
"""


def _fails(check: Any) -> str:
    with pytest.raises(pytest.fail.Exception) as failed:
        check()
    return str(failed.value)


def test_text_squeezed_covered_or_hidden_is_not_seen(page: Any) -> None:
    page.set_content(SQUEEZED)
    assert page.viewport_size == VIEWPORT
    assert page.get_by_text("Senior sign-off").is_visible()  # what Playwright alone would say
    assert "clipped by div" in _fails(
        lambda: assert_text_on_screen(page, "Senior sign-off", timeout=0)
    )
    assert "covered" in _fails(lambda: assert_text_on_screen(page, "Under a cover", timeout=0))
    assert "takes no space" in _fails(lambda: assert_text_on_screen(page, "Hidden", timeout=0))
    assert "not on the page" in _fails(lambda: assert_text_on_screen(page, "Absent", timeout=0))
    assert_text_on_screen(page, "Plain text", whole=True, timeout=0)
    assert "takes no space" in _fails(
        lambda: assert_on_screen(page.get_by_text("Far below"), scroll=False, timeout=0)
    )
    assert_text_on_screen(page, "Far below", timeout=0)  # a person scrolls to it


def test_failure_screenshots_are_kept(page: Any) -> None:
    page.set_content("<p>shown</p>")
    kept = keep_screenshots([page], "tests/test_browser_harness.py::probe")
    try:
        assert kept == [SCREENSHOTS / "tests_test_browser_harness.py_probe-0.png"]
        assert kept[0].read_bytes().startswith(b"\x89PNG")
    finally:
        for path in kept:
            path.unlink()
