"""Working days: weekends, the State Council's holidays and the make-up working weekends (调休),
from the shipped files for 2025 and 2026; time limits count from the next working day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onething.applications.calendar import (
    HolidayFileError,
    WorkingCalendar,
    china_date,
    load_calendar,
    parse_holiday_file,
)
from onething.core.settings import REPO_ROOT

D = dt.date


@pytest.fixture(scope="module")
def calendar() -> WorkingCalendar:
    return load_calendar(REPO_ROOT / "catalog" / "holidays")


def test_the_shipped_files_cover_2025_and_2026(calendar: WorkingCalendar) -> None:
    assert calendar.years >= {2025, 2026}


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 1, 1),  # 元旦
        D(2025, 1, 28),  # 除夕
        D(2025, 2, 4),  # last day of the Spring Festival break, a Tuesday
        D(2025, 5, 5),  # Labour Day break, a Monday
        D(2025, 6, 2),  # 端午, a Monday
        D(2025, 10, 8),  # National Day break, a Wednesday
        D(2026, 1, 2),  # 元旦 break, a Friday
        D(2026, 2, 23),  # last day of the Spring Festival break, a Monday
        D(2026, 6, 19),  # 端午, a Friday
        D(2026, 9, 25),  # 中秋, a Friday
        D(2026, 10, 7),  # National Day break, a Wednesday
    ],
)
def test_weekday_holidays_are_days_off(calendar: WorkingCalendar, day: dt.date) -> None:
    assert day.weekday() < 5
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 1, 26),  # Sunday before the Spring Festival
        D(2025, 2, 8),
        D(2025, 4, 27),
        D(2025, 9, 28),
        D(2025, 10, 11),
        D(2026, 1, 4),  # Sunday after New Year
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ],
)
def test_make_up_weekends_are_working_days(calendar: WorkingCalendar, day: dt.date) -> None:
    assert day.weekday() >= 5
    assert calendar.is_working_day(day)


def test_ordinary_weekends_are_off_and_weekdays_work(calendar: WorkingCalendar) -> None:
    assert not calendar.is_working_day(D(2025, 6, 14))  # a Saturday
    assert not calendar.is_working_day(D(2026, 11, 22))  # a Sunday
    assert calendar.is_working_day(D(2025, 6, 18))  # a Wednesday


def test_a_time_limit_counts_from_the_next_working_day(calendar: WorkingCalendar) -> None:
    # Submitted on Wednesday 18 June 2025: 5 working days end on Wednesday 25 June.
    assert calendar.add_working_days(D(2025, 6, 18), 5).date == D(2025, 6, 25)
    # Submitted on a Saturday: Monday is the first day.
    assert calendar.add_working_days(D(2025, 6, 14), 1).date == D(2025, 6, 16)
    assert calendar.add_working_days(D(2025, 6, 18), 0).date == D(2025, 6, 18)


def test_a_time_limit_skips_the_spring_festival_and_uses_its_make_up_days(
    calendar: WorkingCalendar,
) -> None:
    # Friday 24 Jan 2025 + 1: Sunday 26 Jan is a make-up working day.
    assert calendar.add_working_days(D(2025, 1, 24), 1).date == D(2025, 1, 26)
    # + 2: Monday 27 Jan; + 3: the break runs 28 Jan – 4 Feb, so Wednesday 5 Feb.
    assert calendar.add_working_days(D(2025, 1, 24), 3).date == D(2025, 2, 5)
    # From 5 Feb, 3 more: 6, 7 and Saturday 8 Feb (a make-up day).
    assert calendar.add_working_days(D(2025, 2, 5), 3).date == D(2025, 2, 8)


def test_a_time_limit_across_national_day_2026(calendar: WorkingCalendar) -> None:
    # Wednesday 30 Sep 2026 + 5: the break runs 1–7 Oct; 8, 9, Saturday 10 (make-up), 12, 13.
    assert calendar.add_working_days(D(2026, 9, 30), 5).date == D(2026, 10, 13)
    assert not calendar.add_working_days(D(2026, 9, 30), 5).provisional


def test_a_date_in_a_year_without_a_file_is_provisional(calendar: WorkingCalendar) -> None:
    deadline = calendar.add_working_days(D(2026, 12, 28), 10)
    assert deadline.provisional
    assert deadline.date.year == 2027
    assert not calendar.add_working_days(D(2026, 12, 1), 5).provisional


def test_working_days_between_counts_what_a_limit_used(calendar: WorkingCalendar) -> None:
    assert calendar.working_days_between(D(2025, 1, 24), D(2025, 2, 5)) == 3
    assert calendar.working_days_between(D(2025, 2, 5), D(2025, 1, 24)) == -3
    assert calendar.working_days_between(D(2025, 6, 18), D(2025, 6, 18)) == 0


@given(
    start=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 12, 31)),
    days=st.integers(min_value=0, max_value=40),
)
def test_adding_and_counting_working_days_agree(start: dt.date, days: int) -> None:
    calendar = load_calendar(REPO_ROOT / "catalog" / "holidays")
    deadline = calendar.add_working_days(start, days).date
    assert calendar.working_days_between(start, deadline) == days
    if days:
        assert calendar.is_working_day(deadline)


def test_china_date_of_an_instant() -> None:
    late_utc = dt.datetime(2025, 6, 18, 17, 0, tzinfo=dt.UTC)
    assert china_date(late_utc) == D(2025, 6, 19)
    with pytest.raises(ValueError, match="naive"):
        china_date(dt.datetime(2025, 6, 18, 17, 0))  # noqa: DTZ001


def test_every_day_of_the_shipped_years_is_classified_like_the_notices(
    calendar: WorkingCalendar,
) -> None:
    # Working days per year as the PyPI package chinese-calendar 1.11.0 classifies them
    # (an independent transcription of the same notices).
    for year, expected in ((2025, 248), (2026, 248)):
        days = [D(year, 1, 1) + dt.timedelta(days=i) for i in range(365)]
        assert sum(calendar.is_working_day(d) for d in days) == expected


BAD_FILES = {
    "wrong year": "year: 2024\nsource: x\nholidays: []\n",
    "reversed range": (
        "year: 2025\nsource: x\nholidays:\n  - {name: a, en: a, from: 2025-05-05, to: 2025-05-01}\n"
    ),
    "make-up day on a weekday": (
        "year: 2025\nsource: x\nholidays: []\nworking_days:\n  - {date: 2025-06-18, for: a}\n"
    ),
    "make-up day that is also off": (
        "year: 2025\nsource: x\nholidays:\n  - {name: a, en: a, from: 2025-06-14, to: 2025-06-15}\n"
        "working_days:\n  - {date: 2025-06-14, for: a}\n"
    ),
    "overlapping holidays": (
        "year: 2025\nsource: x\nholidays:\n"
        "  - {name: a, en: a, from: 2025-05-01, to: 2025-05-03}\n"
        "  - {name: b, en: b, from: 2025-05-03, to: 2025-05-04}\n"
    ),
}


@pytest.mark.parametrize("text", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_self_contradicting_holiday_file_is_refused(text: str) -> None:
    with pytest.raises(HolidayFileError):
        parse_holiday_file(text, expected_year=2025)
