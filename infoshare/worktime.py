"""Deadlines in working time: office hours per agency, England and Wales bank holidays.

A tier's budget is an amount and a unit: clock hours (``h``), working hours (``wh``, counted only
inside office hours on working days) or working days (``wd``, whole working days; the deadline is
the end of the office day). Bank holidays come from the ``holidays`` package (GB, England; the
same bank holidays apply in Wales), never from a hand-written list (``infoshare.bank_holidays``
keeps what it gives in the home: importing it costs a second). Times are kept in UTC
(``now_utc``) and shown in UK local time (``uk_minute``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from infoshare.bank_holidays import bank_holidays

LONDON = ZoneInfo("Europe/London")


def now_utc() -> datetime:
    return datetime.now(UTC)


def uk_minute(at: datetime | str | None) -> str:
    """A time for people to read: UK local time to the minute with its zone (``2026-11-26 12:09
    GMT``, ``2026-08-28 16:00 BST``: the hour the clocks go back happens twice), or "-".
    Accepts the ISO text that records and step data keep; a time without a zone is UTC."""
    if at is None or at == "":
        return "-"
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z")


_BUDGET = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|wh|wd)\s*$")


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> frozenset[date]:
    return bank_holidays(year)


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


@dataclass(frozen=True)
class OfficeHours:
    """When an agency counts as working: local opening and closing times on working weekdays."""

    opens: time = time(9, 0)
    closes: time = time(17, 0)
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))  # Mon..Fri
    tz: ZoneInfo = LONDON

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError("office hours must close after they open")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not is_bank_holiday(day)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, tzinfo=self.tz),
            datetime.combine(day, self.closes, tzinfo=self.tz),
        )

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """The moment ``amount`` of working time after ``start`` has passed."""
        remaining = amount
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(3660):  # ten years of days: far beyond any budget
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin = max(opens, local)
                if begin < closes:
                    available = closes - begin
                    if remaining <= available:
                        return (begin + remaining).astimezone(UTC)
                    remaining -= available
            day += timedelta(days=1)
            local = datetime.combine(day, time.min, tzinfo=self.tz)
        raise ValueError("office hours leave no working time")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much working time lies between ``start`` and ``end``."""
        total = timedelta()
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._window(day)
                begin, finish = max(opens, start), min(closes, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The close of business on the ``days``-th working day after the day of ``start``."""
        day = start.astimezone(self.tz).date()
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self._window(day)[1].astimezone(UTC)


@dataclass(frozen=True)
class Budget:
    amount: float
    unit: str  # "h", "wh" or "wd"

    @classmethod
    def parse(cls, text: str | float | int) -> Budget:
        """``"4wh"`` (working hours), ``"72h"`` (clock hours), ``"10wd"`` (working days); a bare
        number means clock hours."""
        if isinstance(text, int | float):
            return cls(float(text), "h")
        m = _BUDGET.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a budget like '4wh', '72h' or '10wd'")
        return cls(float(m.group(1)), m.group(2))

    def due(self, start: datetime, hours: OfficeHours) -> datetime:
        if self.unit == "h":
            return start + timedelta(hours=self.amount)
        if self.unit == "wh":
            return hours.add_working_time(start, timedelta(hours=self.amount))
        return hours.add_working_days(start, int(self.amount))

    @property
    def in_working_time(self) -> bool:
        return self.unit != "h"

    def part_due(self, start: datetime, fraction: float, hours: OfficeHours) -> datetime:
        """When ``fraction`` of this budget, counted from ``start``, has passed: in clock time
        for clock hours, in working time otherwise (a sign-off due at 75% of a RED request's
        4 working hours is due after 3 working hours)."""
        return part_of(start, self.due(start, hours), fraction, hours, self.in_working_time)

    def __str__(self) -> str:
        unit = {"h": "hours", "wh": "working hours", "wd": "working days"}[self.unit]
        return f"{self.amount:g} {unit}"


def part_of(
    start: datetime, end: datetime, fraction: float, hours: OfficeHours, working: bool
) -> datetime:
    """The moment ``fraction`` of the time from ``start`` to ``end`` has passed, counting
    working time only (``working``) or clock time."""
    if not working:
        return start + (end - start) * fraction
    at = hours.add_working_time(start, hours.working_time_between(start, end) * fraction)
    return min(at, end.astimezone(UTC))
