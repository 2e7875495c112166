"""The one place where text that someone typed (or a registry file holds) is made safe for Prefect.

Prefect renders resume-form descriptions and markdown artifacts as markdown, raw HTML included,
in both of its UIs: an item description ``[click me](javascript:alert(3))`` would be a live link
in an approver's form, ``<img src=x>`` an image. Everything that builds such text
(``infoshare.forms``, the decision record's and the dashboards' artifacts) passes each value it
did not write itself through :func:`md`. A form field's help is markdown in the old UI and plain
text in the new one, so a backslash escape would show there: values in field help go through
:func:`plain` instead. Run names, which Prefect shows as plain text, go through :func:`label`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

# Every character with a meaning in CommonMark/GFM syntax (emphasis, code, links, images, HTML,
# entities, tables, strikethrough, lists and headings, autolinks by ``:``, ``www.`` or ``@``); a
# backslash before ASCII punctuation is a literal in CommonMark and in both Prefect UIs.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:@])")
_SPACE = re.compile(r"\s+")
_NOT_LABEL = re.compile(r"[^A-Za-z0-9 ._-]+")
_SAFE_LINK_TEXT = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*")  # nothing a renderer acts on


def md(value: Any) -> str:
    """``value`` as literal text inside markdown: on one line (no block can start), every
    markdown and HTML character escaped. Renders as exactly the text given."""
    return _SPECIAL.sub(r"\\\1", _SPACE.sub(" ", str(value)).strip())


# Look-alikes for the characters that make markdown or HTML: read the same by a person, inert
# in a markdown renderer, and no backslashes to show where the text is not rendered.
_LOOK_ALIKES = str.maketrans(
    {
        "[": "❲",
        "]": "❳",
        "<": "‹",
        ">": "›",
        "*": "∗",
        "_": "ˍ",
        "`": "ˋ",
        "~": "∼",
        "\\": "∖",
        "#": "♯",
    }
)
# glyphs chosen from those a default Debian Chromium draws (not the full-width forms)
_ZWSP = "\u200b"  # breaks what a renderer would turn into a link, and is not seen


def plain(value: Any) -> str:
    """``value`` for text that one Prefect UI renders as markdown and the other shows as it is
    (a form field's help): on one line, with look-alikes for the characters that would make a
    link, an image, HTML or emphasis, and no address a renderer would turn into a link."""
    text = _SPACE.sub(" ", str(value)).strip().translate(_LOOK_ALIKES)
    for link in ("://", "www.", "@"):
        text = text.replace(link, link[0] + _ZWSP + link[1:])
    return text


def md_link(text: Any, path: str) -> str:
    """A markdown link with literal ``text`` to ``path`` (an address infoshare builds, made
    safe here too: only a relative or http(s) address, percent-encoded)."""
    if not (path.startswith("/") or path.startswith(("http://", "https://"))):
        raise ValueError(f"not a link infoshare makes: {path!r}")
    # a link's text is not unescaped by the old UI: text that needs no escape is left as it is
    shown = str(text) if _SAFE_LINK_TEXT.fullmatch(str(text)) else md(text)
    return f"[{shown}]({quote(path, safe='/:?=&#%-._~')})"


def label(value: Any, max_length: int = 120) -> str:
    """``value`` for a plain-text name (a Prefect run name): letters, digits, spaces, dots,
    dashes and underscores only, others replaced by a dash."""
    return _NOT_LABEL.sub("-", _SPACE.sub(" ", str(value)).strip())[:max_length]
