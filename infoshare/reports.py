"""Timeliness figures for dashboards and reports. Counts and times only: no personal data.

For a period: requests received, decided, decided on time (%), median hours to decision,
outcomes (shared, partly shared, refused, sent back, expired, failed, withdrawn) and consent
overrides, overall, per urgency tier and per disclosing agency; and multi-agency enquiries
received, with every answer in, with every answer on time (%), median hours to the last answer.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import String, select, type_coerce

from infoshare.db.tables import (
    ENQUIRY_DECISION,
    ENQUIRY_PREFIX,
    DecisionRecordRow,
    RequestRow,
    share_requests,
)
from infoshare.markdown import md, md_link
from infoshare.models import Decision
from infoshare.store import Store
from infoshare.timeliness import OpenRequest
from infoshare.worktime import LONDON, uk_minute

OUTCOMES = {
    Decision.SHARE_FULL: "shared",
    Decision.SHARE_PARTIAL: "partly shared",
    Decision.REFUSE: "refused",
    Decision.DEFER: "sent back",
    Decision.EXPIRED: "expired",
    Decision.FAILED: "failed",
    Decision.WITHDRAWN: "withdrawn",
}


@dataclass
class Figures:
    received: int = 0
    decided: int = 0
    on_time: int = 0
    overrides: int = 0
    hours_to_decision: list[float] = field(default_factory=list, repr=False)
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES.values(), 0))

    @property
    def on_time_pct(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None

    @property
    def median_hours(self) -> float | None:
        return (
            round(statistics.median(self.hours_to_decision), 2) if self.hours_to_decision else None
        )

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        del d["hours_to_decision"]
        return {**d, "on_time_pct": self.on_time_pct, "median_hours_to_decision": self.median_hours}


@dataclass
class EnquiryFigures:
    """Multi-agency enquiries received in a period: how many, how many have every answer in,
    how many had every answer on time, and the hours from receipt to the last answer."""

    received: int = 0
    answered: int = 0
    all_on_time: int = 0
    hours_to_last_answer: list[float] = field(default_factory=list, repr=False)

    @property
    def all_on_time_pct(self) -> float | None:
        return round(100 * self.all_on_time / self.answered, 1) if self.answered else None

    @property
    def median_hours(self) -> float | None:
        hours = self.hours_to_last_answer
        return round(statistics.median(hours), 2) if hours else None

    def as_dict(self) -> dict[str, Any]:
        return {"received": self.received, "answered": self.answered,
                "all_answers_on_time_pct": self.all_on_time_pct,
                "median_hours_to_last_answer": self.median_hours}  # fmt: skip


@dataclass
class Report:
    since: datetime
    until: datetime
    overall: Figures
    by_tier: dict[str, Figures]
    by_agency: dict[str, Figures]
    enquiries: EnquiryFigures = field(default_factory=EnquiryFigures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "overall": self.overall.as_dict(),
            "by_tier": {k: v.as_dict() for k, v in sorted(self.by_tier.items())},
            "by_agency": {k: v.as_dict() for k, v in sorted(self.by_agency.items())},
            "enquiries": self.enquiries.as_dict(),
        }


def _received(store: Store, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
    """(tier, agency, received, due, decision, decided at, overridden) of requests received in
    [since, until), from covering indexes wherever possible (a month is thousands of rows)."""
    overridden = DecisionRecordRow.public["override"].as_string().is_not(None)
    times: list[Any] = [
        RequestRow.received_at, RequestRow.due_at, DecisionRecordRow.decided_at
    ]  # fmt: skip
    with store.session() as s:
        if s.get_bind().dialect.name == "sqlite":  # times as stored (UTC text): parsed below
            times = [type_coerce(c, String()) for c in times]
        received, due, decided = times
        return [
            (tier, agency, _utc(at), _utc(due_at), decision, _utc(decided_at), override)
            for tier, agency, at, due_at, decision, decided_at, override in s.execute(
                select(
                    RequestRow.urgency,
                    RequestRow.disclosing_agency,
                    received,
                    due,
                    DecisionRecordRow.decision,
                    decided,
                    overridden,
                )
                .outerjoin(DecisionRecordRow, DecisionRecordRow.ref == RequestRow.ref)
                .where(
                    RequestRow.received_at >= since,
                    RequestRow.received_at < until,
                    share_requests(),
                )
            )
        ]


def _utc(value: str | datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime; SQLite's text parsed by ``fromisoformat`` (many
    times faster than the generic type processor, which matters at a month of requests)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _report(rows: list[tuple[Any, ...]], since: datetime, until: datetime) -> Report:
    report = Report(since, until, Figures(), {}, {})
    for tier, agency, received, due, decision, decided_at, overridden in rows:
        if not since <= received < until:
            continue
        for fig in (
            report.overall,
            report.by_tier.setdefault(tier, Figures()),
            report.by_agency.setdefault(agency, Figures()),
        ):
            fig.received += 1
            if decision is None:
                continue
            fig.decided += 1
            fig.on_time += due is None or decided_at <= due
            fig.hours_to_decision.append((decided_at - received).total_seconds() / 3600)
            fig.outcomes[OUTCOMES[Decision(decision)]] += 1
            fig.overrides += bool(overridden)
    return report


def _enquiries(store: Store, since: datetime, until: datetime) -> list[tuple[Any, ...]]:
    """(received, decided at, last answer at, all on time) of enquiries received in
    [since, until); the last three None while an enquiry is open."""
    with store.session() as s:
        rows = s.execute(
            select(RequestRow.received_at, DecisionRecordRow.decision, DecisionRecordRow.public)
            .outerjoin(DecisionRecordRow, DecisionRecordRow.ref == RequestRow.ref)
            .where(
                RequestRow.received_at >= since,
                RequestRow.received_at < until,
                RequestRow.ref.like(f"{ENQUIRY_PREFIX}%"),
            )
        ).all()
    out = []
    for received, decision, public in rows:
        answered = decision == ENQUIRY_DECISION
        last = (public or {}).get("last_answer_at") if answered else None
        out.append((received, answered, _utc(last), bool(answered and public.get("on_time"))))
    return out


def _enquiry_figures(
    rows: list[tuple[Any, ...]], since: datetime, until: datetime
) -> EnquiryFigures:
    fig = EnquiryFigures()
    for received, answered, last, on_time in rows:
        if not since <= received < until:
            continue
        fig.received += 1
        if answered:
            fig.answered += 1
            fig.all_on_time += on_time
            if last is not None:
                fig.hours_to_last_answer.append((last - received).total_seconds() / 3600)
    return fig


def timeliness(store: Store, since: datetime, until: datetime) -> Report:
    """Figures for requests (and enquiries) received in [since, until)."""
    report = _report(_received(store, since, until), since, until)
    report.enquiries = _enquiry_figures(_enquiries(store, since, until), since, until)
    return report


def timeliness_periods(store: Store, now: datetime) -> dict[str, Report]:
    """Today, this week and this month (``periods``), from one query (and one for enquiries)."""
    spans = periods(now)
    start = min(a for a, _ in spans.values())
    rows = _received(store, start, now)
    enquiry_rows = _enquiries(store, start, now)
    reports = {name: _report(rows, since, until) for name, (since, until) in spans.items()}
    for name, (since, until) in spans.items():
        reports[name].enquiries = _enquiry_figures(enquiry_rows, since, until)
    return reports


def periods(now: datetime) -> dict[str, tuple[datetime, datetime]]:
    """Today, this week (from Monday) and this month, in UK local time."""
    local = now.astimezone(LONDON)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "today": (day, now),
        "this week": (day - timedelta(days=local.weekday()), now),
        "this month": (day.replace(day=1), now),
    }


def summary_markdown(store: Store, now: datetime) -> str:
    """The ``timeliness-summary`` dashboard: per period, what a manager reads first (received,
    decided, on time, median, failed, overrides), then the outcomes: two tables narrow enough
    for a 1366-pixel screen. No clock in it, so an unchanged summary is not written again."""
    out = [
        f"## Timeliness: today, this week, this month (UK, as of {now.astimezone(LONDON):%d %b})"
    ]
    for name, r in timeliness_periods(store, now).items():
        rows = [("**all**", r.overall)]
        rows += [(f"tier {k}", v) for k, v in sorted(r.by_tier.items())]
        rows += [(md(k), v) for k, v in sorted(r.by_agency.items())]
        out += [
            "",
            f"### {name.capitalize()}",
            "",
            "| | received | decided | on time | median h | failed | overrides |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for label, f in rows:
            pct = "-" if f.on_time_pct is None else f"{f.on_time_pct:g}%"
            med = "-" if f.median_hours is None else f"{f.median_hours:g}"
            out.append(
                f"| {label} | {f.received} | {f.decided} | {pct} | {med} | "
                f"{f.outcomes['failed']} | {f.overrides} |"
            )
        out += ["", "| outcomes | shared | partly | refused | sent back | expired |",
                "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
        for label, f in rows:
            o = f.outcomes
            out.append(
                f"| {label} | {o['shared']} | {o['partly shared']} | {o['refused']} | "
                f"{o['sent back']} | {o['expired']} |"
            )
        e = r.enquiries
        if e.received:
            pct = "-" if e.all_on_time_pct is None else f"{e.all_on_time_pct:g}%"
            med = "-" if e.median_hours is None else f"{e.median_hours:g}"
            out += ["", "| enquiries | received | all answers in | all on time | median h to "
                    "last answer |", "| --- | --- | --- | --- | --- |",
                    f"| **all** | {e.received} | {e.answered} | {pct} | {med} |"]  # fmt: skip
    return "\n".join(out)


# The RAG rating in words, so that it is not read as an urgency tier (RED, AMBER, GREEN too).
RAG_WORDS = {"RED": "late or nearly (red)", "AMBER": "at risk (amber)", "GREEN": "on track"}


def open_requests_table(open_: list[OpenRequest], now: datetime) -> list[dict[str, Any]]:
    """The ``timeliness-open-requests`` dashboard rows, soonest deadline first; the columns an
    inspector looks at first come first (Prefect's table cuts off the right-hand ones)."""
    rows = []
    for r in open_:
        left = r.time_left(now)
        rows.append(
            {
                "reference": r.ref,
                "tier": r.urgency,
                "RAG status": RAG_WORDS[r.rag(now)],
                "time left (h)": "-" if left is None else round(left / 3600, 1),
                "step": r.status,
                "step due (UK)": uk_minute(r.step_due_at),
                "deadline (UK)": uk_minute(r.due_at),
                "from": r.requesting_agency,
                "to": r.disclosing_agency,
            }
        )
    return rows


def _hours_left(seconds: float | None) -> str:
    """Time to the deadline in whole hours: changes hourly, not every sweep."""
    if seconds is None:
        return "-"
    if seconds < 0:
        return "overdue"
    return "under 1 h" if seconds < 3600 else f"{seconds // 3600:.0f} h"


def _short(at: datetime | None) -> str:
    return "-" if at is None else f"{at.astimezone(LONDON):%a %d %b %H:%M}"


_STEP_WORDS = {"override": "override", "signoff": "sign-off", "emergency": "on-call"}


def open_requests_markdown(open_: list[OpenRequest], now: datetime) -> str:
    """The ``timeliness-open-requests`` dashboard: each open request, soonest deadline first,
    linked to its run. What a manager reads first (tier, status, time left, what it waits for,
    the deadline) in one table that fits a 1366-pixel screen beside Prefect's side panels; who
    asked whom and when the waiting step is due in a second. Time left in whole hours, so that
    the tables change (and a new version is written) only when something moved."""
    due = ["| request | tier | status | left | waiting for | deadline |",
           "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    who = ["| request | from | to | step due |", "| --- | --- | --- | --- |"]
    for r in open_:
        link = md_link(r.ref, f"/runs/flow-run/{r.flow_run_id}") if r.flow_run_id else r.ref
        step = _STEP_WORDS.get(r.waiting_for.value, r.waiting_for.value) if r.waiting_for else "-"
        due.append(
            f"| {link} | {r.urgency} | {RAG_WORDS[r.rag(now)]} | {_hours_left(r.time_left(now))} "
            f"| {md(step)} | {_short(r.due_at)} |"
        )
        who.append(
            f"| {link} | {md(r.requesting_agency)} | {md(r.disclosing_agency)} "
            f"| {_short(r.step_due_at)} |"
        )
    if not open_:
        return "No open requests."
    heading = f"{len(open_)} open request(s), soonest deadline first; times are UK time."
    return "\n\n".join([heading, "\n".join(due), "**Who asked whom**", "\n".join(who)])


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)


def render_page(template: str, **context: Any) -> str:
    """A standalone HTML page (inline CSS and SVG, no external assets, autoescaped) a DPO can
    print: the timeliness report, a subject access search, a records export."""
    return _TEMPLATES.get_template(template).render(**context)


def render_html(report: Report, generated: datetime) -> str:
    return render_page(
        "timeliness.html.j2",
        report=report.as_dict(),
        generated=generated.astimezone(LONDON),
        outcomes=OUTCOMES.values(),
    )
