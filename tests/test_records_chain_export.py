"""``infoshare records export``: a period's records (no personal data) with a signed manifest
that ``records check-export`` validates; the export is logged."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

import infoshare.store as store_module
from infoshare.cli import main
from infoshare.db.tables import AuditEventRow
from infoshare.models import ShareRequest
from infoshare.records.compose import record_decision

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COUNCIL = "northshire-council"


@pytest.fixture
def home(cli_home: Path) -> Path:
    assert run("init").exit_code == 0
    return cli_home


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _records(n: int) -> list[str]:
    store = store_module.default_store()
    req = ShareRequest.model_validate_json((EXAMPLES / "scenario3-trawl.json").read_text())
    refs = []
    for _ in range(n):
        ref = store.requests.register(req, None)
        record_decision(store, ref, failure="test")
        refs.append(ref)
    return refs


def _export(tmp_path: Path, fmt: str, name: str) -> tuple[Path, Path]:
    today = datetime.now(UTC).date().isoformat()
    out = tmp_path / name
    result = run(
        "records", "export", "--agency", COUNCIL, "--since", "2020-01-01", "--until", today,
        "--format", fmt, "--out", str(out), "--as", "council-officer", "--why", "ICO-2026-7",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out, out.with_name(name + ".manifest.json")


@pytest.mark.parametrize("fmt", ["csv", "json", "html"])
def test_export_validates_against_its_signed_manifest(home: Path, tmp_path: Path, fmt: str) -> None:
    refs = _records(3)
    out, manifest = _export(tmp_path, fmt, f"export.{fmt}")
    if fmt == "csv":
        rows = list(csv.DictReader(out.open()))
        assert [r["reference"] for r in rows] == refs
        assert [r["chain_seq"] for r in rows] == ["1", "2", "3"]
    elif fmt == "html":
        page = out.read_text()
        assert page.startswith("<!doctype html>") and "3 record(s)" in page
        assert [page.index(r) for r in refs] == sorted(page.index(r) for r in refs)
        assert "<script" not in page and "http" not in page  # standalone, prints as is
    else:
        assert [r["reference"] for r in json.loads(out.read_text())] == refs
    assert "Tobias" not in out.read_text()  # no personal data in exports
    signed = json.loads(manifest.read_text())
    assert [r["reference"] for r in signed["manifest"]["records"]] == refs
    assert signed["manifest"]["chain_head"]["seq"] == 3

    ok = run("records", "check-export", str(manifest))
    assert ok.exit_code == 0, ok.output
    assert "matches its manifest" in ok.output

    out.write_bytes(out.read_bytes().replace(b"FAILED", b"REFUSE", 1))
    changed = run("records", "check-export", str(manifest))
    assert changed.exit_code == 1 and "was changed" in changed.stderr

    signed["manifest"]["records"] = signed["manifest"]["records"][:1]
    manifest.write_text(json.dumps(signed))
    forged = run("records", "check-export", str(manifest), "--json")
    assert forged.exit_code == 1
    assert "signature does not verify" in " ".join(json.loads(forged.stdout)["problems"])


def test_export_is_logged_and_covers_only_the_period(home: Path, tmp_path: Path) -> None:
    _records(2)
    out = tmp_path / "old.csv"
    result = run(
        "records", "export", "--agency", COUNCIL, "--since", "2020-01-01", "--until",
        "2020-12-31", "--out", str(out), "--as", "council-officer", "--why", "ICO-2026-7",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert list(csv.DictReader(out.open())) == []
    with store_module.default_store().session() as s:
        events = list(
            s.scalars(select(AuditEventRow).where(AuditEventRow.event == "records exported"))
        )
    assert [(e.actor_id, e.ref) for e in events] == [("council-officer", None)]
    assert "ICO-2026-7" in events[0].detail


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("--since", "2026-13-01"), "--since"),
        (("--until", "yesterday"), "--until"),
        (("--since", "2026-02-01", "--until", "2026-01-01"), "before"),
        (("--agency", "nope"), "nope"),
        (("--as", "pc-ahmed"), "pc-ahmed"),
        (("--why", "x"), "--why"),
    ],
)
def test_export_bad_input_is_one_clear_line(
    home: Path, tmp_path: Path, args: tuple[str, ...], fragment: str
) -> None:
    base = {
        "--agency": COUNCIL, "--since": "2026-01-01", "--until": "2026-12-31",
        "--out": str(tmp_path / "x.csv"), "--as": "council-officer", "--why": "ICO-2026-7",
    }  # fmt: skip
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = run("records", "export", *[x for kv in base.items() for x in kv])
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr and "Traceback" not in result.output


def test_check_export_bad_manifest(home: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]")
    result = run("records", "check-export", str(junk))
    assert result.exit_code == 2 and "not an export manifest" in result.stderr
    result = run("records", "check-export", str(tmp_path / "missing.json"))
    assert result.exit_code == 2 and "missing.json" in result.stderr
