"""Working-day calendar (工作日): weekends, public holidays and make-up working days (调休).

One file per year under `catalog/holidays/<year>.yaml`, transcribed from the State Council's
annual notice. Years without a file fall back to plain weekends, and every date computed
through such a year is reported as provisional, so a due date is never silently wrong.
Time limits (办理时限) count from the working day after the start (次日起算).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import msgspec
import yaml

CHINA_TZ: Final = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
_SATURDAY: Final = 5


class HolidayRange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    name: str
    en: str
    from_: dt.date = msgspec.field(name="from")
    to: dt.date


class MakeUpDay(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    date: dt.date
    for_: str = msgspec.field(name="for")


class HolidayFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    year: int
    source: str
    holidays: list[HolidayRange]
    working_days: list[MakeUpDay] = []


class HolidayFileError(ValueError):
    """A holiday file that contradicts itself or its name (a data error caught at load)."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """A computed date, and whether it crossed a year whose holidays are not yet known."""

    date: dt.date
    provisional: bool


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    holidays: frozenset[dt.date]
    working_weekends: frozenset[dt.date]
    years: frozenset[int]  # the years whose official arrangement is known

    def covers(self, day: dt.date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_weekends:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < _SATURDAY

    def add_working_days(self, start: dt.date, days: int) -> Deadline:
        """The `days`-th working day after `start` (`start` itself never counts, 次日起算);
        0 gives `start` itself."""
        if days < 0:
            msg = "a time limit cannot be negative"
            raise ValueError(msg)
        provisional = not self.covers(start)
        day, counted = start, 0
        while counted < days:
            day += dt.timedelta(days=1)
            provisional = provisional or not self.covers(day)
            if self.is_working_day(day):
                counted += 1
        return Deadline(day, provisional)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many of a time limit `end` has used up.
        Negative when `end` is before `start`."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def china_date(instant: dt.datetime) -> dt.date:
    """The calendar day in China of an aware instant (deadlines are judged there)."""
    if instant.tzinfo is None:
        msg = "a naive datetime has no day in China"
        raise ValueError(msg)
    return instant.astimezone(CHINA_TZ).date()


def parse_holiday_file(text: str, *, expected_year: int | None = None) -> HolidayFile:
    data = msgspec.convert(yaml.safe_load(text), type=HolidayFile)
    _check(data, expected_year)
    return data


def _check(data: HolidayFile, expected_year: int | None) -> None:
    if expected_year is not None and data.year != expected_year:
        msg = f"the file for {expected_year} says year {data.year}"
        raise HolidayFileError(msg)
    days_off: set[dt.date] = set()
    for holiday in data.holidays:
        if holiday.to < holiday.from_:
            msg = f"{holiday.name}: ends before it starts"
            raise HolidayFileError(msg)
        for day in _days(holiday.from_, holiday.to):
            if day.year != data.year or day in days_off:
                msg = f"{holiday.name}: {day} is outside {data.year} or listed twice"
                raise HolidayFileError(msg)
            days_off.add(day)
    for make_up in data.working_days:
        day = make_up.date
        if day.year != data.year or day.weekday() < _SATURDAY or day in days_off:
            msg = f"{day}: a make-up working day must be a weekend day of {data.year}, not off"
            raise HolidayFileError(msg)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def build_calendar(files: list[HolidayFile]) -> WorkingCalendar:
    holidays = {d for f in files for h in f.holidays for d in _days(h.from_, h.to)}
    working = {m.date for f in files for m in f.working_days}
    return WorkingCalendar(
        holidays=frozenset(holidays),
        working_weekends=frozenset(working),
        years=frozenset(f.year for f in files),
    )


@functools.cache
def load_calendar(directory: Path) -> WorkingCalendar:
    """Every `<year>.yaml` in `directory` (cached per directory: the files change by release)."""
    files = [
        parse_holiday_file(path.read_text(encoding="utf-8"), expected_year=int(path.stem))
        for path in sorted(directory.glob("[0-9][0-9][0-9][0-9].yaml"))
    ]
    return build_calendar(files)
