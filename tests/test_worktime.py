"""Working-time deadlines: office hours, weekends, England and Wales bank holidays."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from infoshare.bank_holidays import bank_holidays, package_version
from infoshare.config import ConfigError, load_settings
from infoshare.models import UrgencyTier
from infoshare.registry.partnership import Partnership
from infoshare.registry.spec import DEMO_REGISTRY, parse_registry, read_registry_file
from infoshare.worktime import LONDON, Budget, OfficeHours, is_bank_holiday, uk_minute

HOURS = OfficeHours()


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_red_at_four_on_the_friday_before_a_bank_holiday_monday() -> None:
    # 2026-08-31 is the late summer bank holiday: 1 h on Friday, none on Saturday to Monday,
    # 3 h on Tuesday morning.
    assert is_bank_holiday(london(2026, 8, 31).date())
    due = Budget.parse("4wh").due(london(2026, 8, 28, 16, 0), HOURS)
    assert due == london(2026, 9, 1, 12, 0)


def test_a_request_received_after_hours_starts_counting_next_working_morning() -> None:
    # Saturday evening in British Summer Time: Monday 09:00 + 4 h
    due = Budget.parse("4wh").due(london(2026, 6, 13, 20, 30), HOURS)
    assert due == london(2026, 6, 15, 13, 0)
    assert due.utcoffset() is not None and due.astimezone(UTC).hour == 12  # BST is UTC+1


def test_amber_across_christmas() -> None:
    # Wed 23 Dec 14:00: 3 h Wed, Thu 24th 8 h, then Fri 25 (Christmas), Sat, Sun, Mon 28
    # (Boxing Day observed) are not working days: Tue 29th 8 h, Wed 30th 5 h -> 14:00
    due = Budget.parse("24wh").due(london(2026, 12, 23, 14, 0), HOURS)
    assert due == london(2026, 12, 30, 14, 0)


def test_routine_is_close_of_business_on_the_tenth_working_day() -> None:
    # from Thursday 2 April 2026: Good Friday 3rd and Easter Monday 6th do not count, so the
    # tenth working day is Monday 20th (7, 8, 9, 10, 13, 14, 15, 16, 17, 20)
    due = Budget.parse("10wd").due(london(2026, 4, 2, 11, 0), HOURS)
    assert due == london(2026, 4, 20, 17, 0)


def test_clock_hours_ignore_weekends_and_holidays() -> None:
    start = london(2026, 12, 24, 18, 0)
    assert Budget.parse("72h").due(start, HOURS) == london(2026, 12, 27, 18, 0)


def test_an_agency_with_its_own_office_hours() -> None:
    spec = read_registry_file(DEMO_REGISTRY).model_dump(mode="json")
    for a in spec["agencies"]:
        if a["id"] == "northshire-hospitals":  # a safeguarding team working 8-20, 7 days
            a["office_hours"] = {"opens": "08:00", "closes": "20:00", "weekdays": list(range(7))}
    p = Partnership.from_spec(parse_registry(spec))
    hospital = p.agency("northshire-hospitals")
    assert hospital is not None and hospital.office_hours.opens == time(8, 0)
    due = Budget.parse("4wh").due(london(2026, 8, 29, 18, 0), hospital.office_hours)  # Saturday
    assert due == london(2026, 8, 30, 10, 0)  # 2 h Saturday, 2 h Sunday


@pytest.mark.parametrize("text", ["4", "4 hours", "wh", "-2wh", "3.5wx"])
def test_bad_budget_strings_are_refused_clearly(text: str) -> None:
    with pytest.raises(ConfigError, match="INFOSHARE_TIERS"):
        load_settings({"INFOSHARE_HOME": "/x", "INFOSHARE_TIERS": f'{{"RED": "{text}"}}'})


def test_tier_defaults_follow_mash_practice() -> None:
    budgets = load_settings({"INFOSHARE_HOME": "/x"}).tier_budgets
    assert {t: str(b) for t, b in budgets.items()} == {
        UrgencyTier.EMERGENCY: "24 hours",
        UrgencyTier.RED: "4 working hours",
        UrgencyTier.AMBER: "24 working hours",
        UrgencyTier.GREEN: "72 hours",
        UrgencyTier.ROUTINE: "10 working days",
    }


def test_office_hours_must_make_sense() -> None:
    with pytest.raises(ValueError, match="close after"):
        OfficeHours(opens=time(17), closes=time(9))


def test_times_for_people_are_uk_local_to_the_minute() -> None:
    # summer (BST, UTC+1) and winter (GMT); the ISO text records keep; a time without a zone is
    # UTC; the hour the clocks go back happens twice, told apart by the zone; nothing given
    assert uk_minute("2026-08-28T15:00:59.123456+00:00") == "2026-08-28 16:00 BST"
    assert uk_minute(datetime(2026, 11, 26, 12, 9, 12, tzinfo=UTC)) == "2026-11-26 12:09 GMT"
    assert uk_minute(datetime(2026, 11, 26, 12, 9, 12)) == "2026-11-26 12:09 GMT"
    assert uk_minute("2026-10-25T00:30:00+00:00") == "2026-10-25 01:30 BST"
    assert uk_minute("2026-10-25T01:30:00+00:00") == "2026-10-25 01:30 GMT"
    assert uk_minute(None) == uk_minute("") == "-"


def test_bank_holidays_are_the_packages_and_kept_in_the_home(tmp_path: Path) -> None:
    """A process finds England's bank holidays in the home, without importing ``holidays``
    (a second of CPU per run's process); the kept dates are the package's, this user's alone,
    and a different package version has them computed again."""
    import holidays

    expected = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=2027))
    assert bank_holidays(2027, home=tmp_path) == expected
    kept = tmp_path / "cache" / "bank-holidays.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    probe = (
        "import sys, datetime; from infoshare.worktime import is_bank_holiday; "
        "print(is_bank_holiday(datetime.date(2027, 12, 27)), 'holidays' in sys.modules)"
    )
    env = {**os.environ, "INFOSHARE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["True", "False"], out.stderr
    body = json.loads(kept.read_text())
    body["holidays"], body["years"]["2027"] = "0.0", []  # another version of the package
    kept.write_text(json.dumps(body))
    assert bank_holidays(2027, home=tmp_path) == expected
    assert json.loads(kept.read_text())["holidays"] == package_version() != "0.0"
