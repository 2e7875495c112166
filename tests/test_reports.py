"""Timeliness figures, the HTML report and the CLI, over a real store (no Prefect needed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import infoshare.store as store_module
from infoshare import reports, timeliness
from infoshare.cli import main
from infoshare.models import ShareRequest
from infoshare.records.compose import record_decision
from infoshare.setup import initialise
from infoshare.steps import run_triage
from infoshare.store import Store
from infoshare.worktime import now_utc

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def example(name: str, **changes: Any) -> ShareRequest:
    data = json.loads((EXAMPLES / name).read_text())
    data.update(changes)
    return ShareRequest.model_validate(data)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("INFOSHARE_HOME", str(tmp_path))
    monkeypatch.delenv("INFOSHARE_DATABASE_URL", raising=False)
    monkeypatch.setattr(store_module, "_default", None)
    s = store_module.default_store()
    initialise(s)
    yield s
    s.close()


def populate(store: Store) -> dict[str, str]:
    """A refused trawl, a request sent back, one that expired late, and one still open."""
    refs = {}
    refs["refused"] = store.requests.register(example("scenario3-trawl.json"), None)
    refs["deferred"] = store.requests.register(
        example("scenario1-school-attendance.json", requester_id="nobody"), None
    )
    refs["expired"] = store.requests.register(example("scenario2-housing.json"), None)
    refs["open"] = store.requests.register(example("scenario2-hospital.json"), None)
    for ref in refs.values():
        run_triage(store, ref)
    for key in ("refused", "deferred"):
        record_decision(store, refs[key])
    # the housing request waited for an override past its (RED, 4 working hours) deadline
    store.requests.set_status(
        refs["expired"], "AWAITING_OVERRIDE", due_at=now_utc() - timedelta(hours=1)
    )
    (late,) = [r for r in timeliness.overdue(store, now_utc()) if r.ref == refs["expired"]]
    assert timeliness.expire(store, late, now_utc())
    record_decision(store, refs["expired"])
    return refs


def test_figures_per_tier_and_agency(store: Store) -> None:
    populate(store)
    r = reports.timeliness(store, now_utc() - timedelta(hours=1), now_utc() + timedelta(minutes=1))
    o = r.overall
    assert (o.received, o.decided, o.on_time) == (4, 3, 2)
    assert o.on_time_pct == 66.7
    assert o.outcomes["refused"] == o.outcomes["sent back"] == o.outcomes["expired"] == 1
    assert o.outcomes["shared"] == 0 and o.overrides == 0
    assert o.median_hours is not None and o.median_hours < 1
    assert r.by_tier["RED"].received == 2 and r.by_tier["RED"].decided == 1
    assert r.by_tier["RED"].on_time == 0  # the expired one was late
    assert r.by_agency["northshire-council"].outcomes["refused"] == 1
    assert r.by_agency["northshire-hospitals"].decided == 0  # still open
    # outside the period: nothing
    empty = reports.timeliness(store, now_utc() + timedelta(days=1), now_utc() + timedelta(days=2))
    assert empty.overall.received == 0 and empty.overall.on_time_pct is None


def test_open_requests_dashboard_is_soonest_first_with_rag(store: Store) -> None:
    refs = populate(store)
    now = now_utc()
    rows = reports.open_requests_table(timeliness.open_requests(store), now)
    assert [row["reference"] for row in rows] == [refs["open"]]
    (row,) = rows
    assert row["RAG status"] == reports.RAG_WORDS["GREEN"] and row["tier"] == "RED"
    later = reports.open_requests_table(timeliness.open_requests(store), now + timedelta(days=30))
    assert later[0]["RAG status"] == reports.RAG_WORDS["RED"] and later[0]["time left (h)"] < 0
    assert "Morwenna" not in json.dumps(rows)


def test_open_requests_markdown_links_each_run_in_narrow_columns(store: Store) -> None:
    refs = populate(store)
    now = now_utc()
    board = reports.open_requests_markdown(timeliness.open_requests(store), now)
    header, _, row = board.splitlines()[2:5]
    assert header == "| request | tier | status | left | waiting for | deadline |"
    assert row.startswith(f"| {refs['open']} | RED |") and row.count("|") == 7
    assert "| northshire\\-mash | northshire\\-hospitals |" in board  # who asked whom
    assert "Morwenna" not in board
    # a run's reference links to it, as plain text (the old UI shows escapes in link text)
    from infoshare.markdown import md_link

    assert md_link("ISR-20261206-AB12CD34", "/runs/flow-run/x") == (
        "[ISR-20261206-AB12CD34](/runs/flow-run/x)"
    )
    # time left in whole hours: it does not change every sweep
    assert [reports._hours_left(s) for s in (None, -1, 59 * 60, 2 * 3600 + 3599)] == [
        "-", "overdue", "under 1 h", "2 h",
    ]  # fmt: skip


def test_summary_markdown_has_each_period(store: Store) -> None:
    populate(store)
    md = reports.summary_markdown(store, now_utc())
    for heading in ("### Today", "### This week", "### This month"):
        assert heading in md
    assert "| **all** | 4 | 3 | 66.7% |" in md


def test_html_report_is_standalone_and_escaped(store: Store, tmp_path: Path) -> None:
    populate(store)
    page = tmp_path / "t.html"
    result = CliRunner().invoke(
        main, ["report", "timeliness", "--since", "2026-01-01", "--html", str(page), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["overall"]["received"] == 4
    html = page.read_text()
    assert "<svg" in html and "Decided on time, per tier" in html
    assert "src=" not in html and "href=" not in html and "@import" not in html  # no assets
    # every value is escaped: a hostile tier or agency name cannot inject markup
    hostile = reports.Report(
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC),
        reports.Figures(),
        {},
        {"<script>alert(1)</script>": reports.Figures(received=1)},
    )
    out = reports.render_html(hostile, now_utc())
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_html_report_counts_enquiries() -> None:
    report = reports.Report(
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 2, 1, tzinfo=UTC),
        reports.Figures(),
        {},
        {},
    )
    assert "Multi-agency enquiries" not in reports.render_html(report, now_utc())  # none received
    report.enquiries = reports.EnquiryFigures(3, 2, 1, [2.0, 5.0])
    page = reports.render_html(report, now_utc())
    row = page[page.index("Multi-agency enquiries") :].split("<tr>")[2]
    cells = [c.split("</td>")[0] for c in row.split("<td>")[1:]]
    assert cells == ["all", "3", "2", "50%", "3.5"]


def test_bad_dates_are_refused_clearly(store: Store) -> None:
    result = CliRunner().invoke(main, ["report", "timeliness", "--since", "last tuesday"])
    assert result.exit_code == 2 and "last tuesday" in result.output
    result = CliRunner().invoke(
        main, ["report", "timeliness", "--since", "2026-11-02", "--until", "2026-11-01"]
    )
    assert result.exit_code == 2 and "--until must be after --since" in result.output


@pytest.fixture
def env(every_backend: dict[str, str]) -> dict[str, str]:
    return every_backend


def test_overrides_and_periods_counted_on_every_backend(env: dict[str, str]) -> None:
    """The dashboard counts a consent override from the record (``public.override``), and
    today / this week / this month from one query, on SQLite and PostgreSQL."""
    from infoshare.config import load_settings
    from infoshare.models import Step

    s = Store(load_settings(env))
    initialise(s)
    try:
        overridden = s.requests.register(example("scenario2-housing.json"), None)
        plain = s.requests.register(example("scenario3-trawl.json"), None)
        for ref in (overridden, plain):
            run_triage(s, ref)
        s.requests.complete_step(
            overridden, Step.OVERRIDE, actor_id="housing-officer",
            public={"grounds": ["PROTECT_VULNERABLE"], "subject_informed": False},
            private={"proportionality": "x", "not_informed_reason": "y"},
        )  # fmt: skip
        for ref in (overridden, plain):
            record_decision(s, ref, failure="test")
        now = now_utc() + timedelta(minutes=1)
        by_period = reports.timeliness_periods(s, now)
        assert set(by_period) == {"today", "this week", "this month"}
        for r in by_period.values():
            assert (r.overall.received, r.overall.decided, r.overall.overrides) == (2, 2, 1)
        alone = reports.timeliness(s, now - timedelta(hours=1), now)
        assert alone.overall.overrides == 1
        assert "| **all** | 2 | 2 |" in reports.summary_markdown(s, now)
    finally:
        s.close()
