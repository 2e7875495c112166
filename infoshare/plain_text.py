"""What a field a person types may hold: text, never control characters or broken Unicode.

A lone surrogate (``"\\udfff"``, valid JSON, not valid text) cannot be stored, encrypted or
sent by anything downstream: Prefect answered 500 to its runner's poll for a run holding one,
and the runner stopped. Control characters (other than tab and line breaks in multi-line
fields) have no place in a request either, and can disguise what a reader sees. Both are
refused wherever a request comes in: by the run form's schema (``infoshare.request_form`` adds
these patterns), by the flow's reading of its parameters (``infoshare.reading``) and by
``infoshare submit``. JSON nested deeper than any request can be is refused the same way.

The errors name the field, never the value.
"""

from __future__ import annotations

from typing import Any

# JSON-schema patterns (ECMA-262 and Python ``re`` alike; Prefect's server checks them with
# ``jsonschema``): nothing but text; a multi-line field may also hold tab, LF and CR.
_SURROGATES = r"\ud800-\udfff"
SINGLE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f" + _SURROGATES + r"]*$"
MULTI_LINE_PATTERN = (
    r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f" + _SURROGATES + r"]*$"
)

MAX_DEPTH = 20
"""How deeply a request's JSON may nest (a request nests 3 levels: request, list, person)."""

_LINE_BREAKS = frozenset("\t\n\r")

CONTROL = "contains a control character"
SURROGATE = "contains a character that is not valid text (an unpaired surrogate)"
TOO_DEEP = f"is nested more than {MAX_DEPTH} levels deep"
BAD_NAME = "(a field whose name is not valid text)"


def fault(text: str, multi_line: bool = False) -> str | None:
    """What is wrong with ``text`` as typed text, or None."""
    for ch in text:
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            return SURROGATE
        if (code < 0x20 or 0x7F <= code <= 0x9F) and not (multi_line and ch in _LINE_BREAKS):
            return CONTROL
    return None


def faults(
    raw: Any, multi_line: frozenset[str] = frozenset()
) -> list[tuple[tuple[int | str, ...], str]]:
    """Every place in ``raw`` (parsed JSON, any depth) whose text, or field name, is not text,
    and what is wrong there. A string held under a key in ``multi_line`` may have line breaks.
    Iterative: JSON nested too deeply is reported once, at the first place too deep."""
    found: list[tuple[tuple[int | str, ...], str]] = []
    stack: list[tuple[tuple[int | str, ...], Any, bool]] = [((), raw, False)]
    while stack:
        loc, value, lines = stack.pop()
        if isinstance(value, str):
            if (what := fault(value, lines)) is not None:
                found.append((loc, what))
        elif isinstance(value, dict | list):
            if len(loc) >= MAX_DEPTH:
                found.append((loc, TOO_DEEP))
                continue
            if isinstance(value, list):
                stack.extend(((*loc, i), v, lines) for i, v in enumerate(value))
                continue
            for key, v in value.items():
                name = str(key)
                if fault(name) is not None:
                    found.append(((*loc, BAD_NAME), fault(name) or CONTROL))
                    continue
                stack.append(((*loc, name), v, name in multi_line))
    found.sort(key=lambda f: [(0, p, "") if isinstance(p, int) else (1, 0, p) for p in f[0]])
    return found


def safe_name(name: str) -> str:
    """A field name fit to be shown (a name that is not text is described, not quoted)."""
    return name if fault(name) is None else BAD_NAME
