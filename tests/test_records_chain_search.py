"""Subject access: ``infoshare records search`` finds every record about a person that the
searcher's agency is party to, and only those; the search itself is logged without the name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, update

import infoshare.store as store_module
from infoshare.cli import main
from infoshare.db.tables import AuditEventRow, RequestRow
from infoshare.models import ShareRequest
from infoshare.records.compose import record_decision

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TENANT = "Tobias Fictitious-Tenant"  # scenario 3: police ask the council
PUPIL = "Jamie Fictitious-Pupil"  # scenario 1: youth justice ask the school


@pytest.fixture
def home(cli_home: Path) -> Path:
    assert run("init").exit_code == 0
    return cli_home


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _record(scenario: str, **changes: object) -> str:
    store = store_module.default_store()
    raw = json.loads((EXAMPLES / scenario).read_text())
    raw.update(changes)
    ref = store.requests.register(ShareRequest.model_validate(raw), None)
    record_decision(store, ref, failure="test")
    return ref


def _search(*args: str) -> dict[str, object]:
    result = run("records", "search", *args, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _refs(data: dict[str, object]) -> list[str]:
    matches = data["matches"]
    assert isinstance(matches, list)
    return [m["reference"] for m in matches]


def test_search_finds_all_and_only_that_persons_records(home: Path) -> None:
    tenant = [_record("scenario3-trawl.json") for _ in range(2)]
    _record("scenario1-school-attendance.json")
    other = {"name": "Someone Fictitious-Else", "date_of_birth": "1990-09-09"}
    _record("scenario3-trawl.json", subjects=[other])
    as_third_party = _record(
        "scenario3-trawl.json",
        subjects=[other],
        third_parties=[{"name": TENANT.upper(), "date_of_birth": "1990-09-09"}],
    )
    why = ("--as", "council-officer", "--why", "SAR-2026-118")
    found = _search("--subject-name", "  tobias   fictitious-tenant ", *why)
    assert sorted(_refs(found)) == sorted([*tenant, as_third_party])
    matches = found["matches"]
    assert isinstance(matches, list)
    named = {m["reference"]: m["named_as"] for m in matches}
    assert named[as_third_party] == ["third party"]
    first = matches[0]
    assert first["decision"] == "FAILED" and first["items"] and first["record_sha256"]
    assert found["records_searched"] == 4

    assert sorted(_refs(_search("--subject-name", TENANT, "--dob", "1990-09-09", *why))) == sorted(
        [*tenant, as_third_party]
    )
    assert _refs(_search("--subject-name", TENANT, "--dob", "1990-09-10", *why)) == []
    # The school's records are not the council's to search.
    assert _refs(_search("--subject-name", PUPIL, *why)) == []
    school = _search("--subject-name", PUPIL, "--as", "school-dsl", "--why", "SAR-2026-119")
    assert len(_refs(school)) == 1


def test_search_html_is_a_printable_page_without_the_persons_details(
    home: Path, tmp_path: Path
) -> None:
    ref = _record(
        "scenario3-trawl.json",
        offence_or_risk="<script>alert(1)</script>",
        items=[{"description": "<b>tenancy</b> & arrears", "necessity": "Needed for the risk <b>"}],
    )
    page_file = tmp_path / "sar.html"
    result = run(
        "records", "search", "--subject-name", TENANT, "--as", "council-officer",
        "--why", "SAR-2026-118", "--html", str(page_file),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = page_file.read_text()
    assert ref in page and "SAR-2026-118" in page and "council-officer" in page
    assert "&lt;b&gt;tenancy&lt;/b&gt; &amp; arrears" in page  # escaped, not markup
    assert "Tobias" not in page and "1990" not in page and "risk <b>" not in page
    missing = run(
        "records", "search", "--subject-name", TENANT, "--as", "council-officer",
        "--why", "SAR-2026-118", "--html", str(tmp_path / "no" / "such" / "dir.html"),
    )  # fmt: skip
    assert missing.exit_code == 2 and "cannot write" in missing.stderr


def test_search_is_logged_without_the_name(home: Path) -> None:
    ref = _record("scenario3-trawl.json")
    _search("--subject-name", TENANT, "--as", "council-officer", "--why", "SAR-2026-118")
    store = store_module.default_store()
    with store.session() as s:
        events = list(s.scalars(select(AuditEventRow).order_by(AuditEventRow.id)))
    search = [e for e in events if e.event == "subject search"]
    assert [(e.actor_id, e.ref) for e in search] == [("council-officer", None)]
    assert "SAR-2026-118" in search[0].detail and "1 found" in search[0].detail
    found = [e for e in events if e.event == "found by subject search"]
    assert [(e.ref, e.actor_id) for e in found] == [(ref, "council-officer")]
    assert not any("Tobias" in f"{e.detail} {e.event}" for e in events)


def test_search_after_disposal_counts_what_it_could_not_read(home: Path) -> None:
    ref = _record("scenario3-trawl.json")
    store = store_module.default_store()
    with store.session() as s:
        s.execute(update(RequestRow).where(RequestRow.ref == ref).values(wrapped_key=None))
    found = _search("--subject-name", TENANT, "--as", "council-officer", "--why", "SAR-1")
    assert _refs(found) == [] and found["records_with_personal_data_disposed"] == 1
    assert run("records", "verify").exit_code == 0


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("--subject-name", TENANT, "--as", "nobody", "--why", "SAR-1"), "nobody"),
        (("--subject-name", TENANT, "--as", "council-officer", "--why", "x"), "--why"),
        (("--subject-name", TENANT, "--dob", "09/09/1990", "--as", "council-officer",
          "--why", "SAR-1"), "YYYY-MM-DD"),
        (("--subject-name", TENANT, "--dob", "1990-13-01", "--as", "council-officer",
          "--why", "SAR-1"), "YYYY-MM-DD"),
        (("--subject-name", " ", "--as", "council-officer", "--why", "SAR-1"), "--subject-name"),
        (("--subject-name", TENANT, "--why", "SAR-1"), "--as"),
    ],
)  # fmt: skip
def test_search_bad_input_is_one_clear_line(
    home: Path, args: tuple[str, ...], fragment: str
) -> None:
    result = run("records", "search", *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr and "Traceback" not in result.output
    assert TENANT not in result.stderr
