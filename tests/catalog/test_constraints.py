"""Specification of the constraint algebra: applicability, intersection, date expressions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onething.catalog.constraints import (
    ConstraintConflict,
    Effective,
    add_months,
    date_bounds,
    evaluate_date,
    inapplicable,
    intersect,
    reduce_dates,
)
from onething.catalog.model import Constraints

VALUES = ["a", "b", "c", "d"]


def test_constraints_must_suit_the_element_type() -> None:
    assert inapplicable("integer", Constraints(max_length=3, minimum=1)) == ["max_length"]
    assert inapplicable("id_number", Constraints(sex="female", max_date="today-18y")) == []
    assert inapplicable("text", Constraints(enum=["a"], unit="g")) == ["unit", "enum"]


def test_ranges_intersect_to_the_tighter_bounds() -> None:
    merged = intersect(
        intersect(Effective(), Constraints(minimum=1, maximum=10)), Constraints(minimum=3)
    )
    assert (merged.minimum, merged.maximum) == (3, 10)
    with pytest.raises(ConstraintConflict, match="minimum 11 exceeds maximum 10"):
        intersect(merged, Constraints(minimum=11))


def test_enums_intersect_keeping_the_first_order() -> None:
    merged = intersect(Effective(enum=("c", "b", "a")), Constraints(enum=["a", "c"]))
    assert merged.enum == ("c", "a")
    with pytest.raises(ConstraintConflict, match="nothing in common"):
        intersect(merged, Constraints(enum=["b"]))


def test_patterns_accumulate_as_a_conjunction() -> None:
    merged = intersect(Effective(patterns=("^[0-9]+$",)), Constraints(pattern="^.{6}$"))
    assert merged.patterns == ("^[0-9]+$", "^.{6}$")


def test_units_sex_and_region_levels_must_agree() -> None:
    for first, second in [
        (Constraints(unit="g"), Constraints(unit="cm")),
        (Constraints(sex="male"), Constraints(sex="female")),
        (Constraints(region_level="county"), Constraints(region_level="city")),
    ]:
        with pytest.raises(ConstraintConflict):
            intersect(intersect(Effective(), first), second)


def test_date_bounds_keep_the_tightest_of_each_kind() -> None:
    assert reduce_dates(["today-1y", "today-3y", "2020-01-01"], keep="latest") == (
        "2020-01-01",
        "today-1y",
    )
    assert reduce_dates(["today", "today+30d", "today-12m"], keep="earliest") == (
        "today-1y",
        "today",
    )


def test_an_empty_date_range_is_a_conflict() -> None:
    with pytest.raises(ConstraintConflict, match="earliest date allowed"):
        intersect(Effective(max_dates=("today-10y",)), Constraints(min_date="today-5y"))


def test_date_expressions_are_evaluated_against_today() -> None:
    today = dt.date(2024, 2, 29)
    assert evaluate_date("today-1y", today) == dt.date(2023, 2, 28)
    assert evaluate_date("today+30d", today) == dt.date(2024, 3, 30)
    assert evaluate_date("1960-01-01", today) == dt.date(1960, 1, 1)
    assert date_bounds(Effective(min_dates=("today-6y",), max_dates=("today",)), today) == (
        dt.date(2018, 2, 28),
        today,
    )


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.integers(-1200, 1200))
def test_adding_months_moves_the_month_and_never_overflows_the_day(
    day: dt.date, months: int
) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day


@settings(max_examples=100)
@given(
    st.lists(st.sampled_from(VALUES), min_size=1, unique=True),
    st.lists(st.sampled_from(VALUES), min_size=1, unique=True),
    st.tuples(st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.integers(0, 50), st.integers(0, 50)),
)
def test_intersection_does_not_depend_on_order(
    enum_a: list[str], enum_b: list[str], range_a: tuple[int, int], range_b: tuple[int, int]
) -> None:
    start = Effective(enum=tuple(VALUES))
    a = Constraints(enum=enum_a, minimum=min(range_a), maximum=max(range_a))
    b = Constraints(enum=enum_b, minimum=min(range_b), maximum=max(range_b))
    try:
        ab = intersect(intersect(start, a), b)
    except ConstraintConflict:
        with pytest.raises(ConstraintConflict):
            intersect(intersect(start, b), a)
        return
    ba = intersect(intersect(start, b), a)
    assert (ab.minimum, ab.maximum, ab.enum) == (ba.minimum, ba.maximum, ba.enum)
    assert set(ab.enum or ()) == set(enum_a) & set(enum_b)
