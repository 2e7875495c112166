"""The map in docs/architecture.md stays true: every file it names exists, and each layer
imports only what the map allows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "docs" / "architecture.md"

# layer -> top-level packages it must never import
FORBIDDEN = {
    "infoshare": {"prefect", "tasks", "flows", "notifications"},
    # the workspace tells people their sign-in codes through notifications/ (telling.py)
    "infoshare/workspace": {"prefect", "tasks", "flows"},
    # the CLI mails confirmation codes and key notices through notifications/ (telling.py)
    "infoshare/cli": {"prefect", "tasks", "flows"},
    "notifications": {"prefect", "tasks", "flows"},
    "tasks": {"flows"},
}
# the one module of a layer allowed to import Prefect, and only inside a function
LAZY_PREFECT = {ROOT / "notifications" / "block.py"}


def _rule_table() -> list[tuple[str, str]]:
    text = MAP.read_text(encoding="utf-8")
    table = text.split("## The rule, and the file that holds it", 1)[1]
    return re.findall(r"^\| (.+?) \| `([^`]+)` \|$", table, re.M)


def test_every_file_the_map_names_exists() -> None:
    rows = _rule_table()
    assert len(rows) >= 30, "the rule table was not found or lost its rows"
    missing = [f"{rule}: {path}" for rule, path in rows if not (ROOT / path).is_file()]
    assert not missing, "docs/architecture.md names files that do not exist:\n" + "\n".join(missing)


def _imports(path: Path, module_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_what_the_map_allows(layer: str) -> None:
    wrong = []
    inner = [ROOT / other for other in FORBIDDEN if other.startswith(f"{layer}/")]
    for path in sorted((ROOT / layer).rglob("*.py")):
        if any(path.is_relative_to(i) for i in inner):  # a layer of its own, checked as such
            continue
        lazy = path in LAZY_PREFECT
        bad = _imports(path, module_level_only=lazy) & FORBIDDEN[layer]
        if lazy:
            bad |= _imports(path, module_level_only=False) & (FORBIDDEN[layer] - {"prefect"})
        wrong += [f"{path.relative_to(ROOT)} imports {b}" for b in sorted(bad)]
    assert not wrong, "\n".join(wrong)
