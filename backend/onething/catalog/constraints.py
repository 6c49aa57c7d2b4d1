"""Constraint algebra: which limits apply to which element type, and how two sets intersect.

An element declares default constraints; each service's form may tighten them; a situation
answer may tighten them further (an age limit). The merged form asks each element once, so its
constraints are the intersection of all of these. Intersections are computed (and conflicts
found) when the catalog loads, so ``merge`` never meets an empty one at runtime.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Final, Literal, TypeVar

import msgspec

from onething.catalog.model import (
    DATE_EXPRESSION,
    Constraints,
    DataElement,
    ElementType,
    RegionLevel,
    Sex,
    Unit,
)

TEXTUAL: Final[frozenset[ElementType]] = frozenset({"text", "cjk_name", "email"})
NUMERIC: Final[frozenset[ElementType]] = frozenset({"integer", "money"})
# An ID number encodes a birth date, so age limits and "born after" apply to it too.
DATED: Final[frozenset[ElementType]] = frozenset({"date", "datetime", "id_number"})
FILES: Final[frozenset[ElementType]] = frozenset({"photo", "file"})

APPLIES_TO: Final[dict[str, frozenset[ElementType]]] = {
    "min_length": TEXTUAL,
    "max_length": TEXTUAL,
    "pattern": TEXTUAL,
    "minimum": NUMERIC,
    "maximum": NUMERIC,
    "unit": NUMERIC,
    "enum": frozenset({"enum"}),
    "min_date": DATED,
    "max_date": DATED,
    "after": DATED,
    "sex": frozenset({"id_number"}),
    "region_level": frozenset({"region_code"}),
    "max_size_kb": FILES,
    "mime_types": FILES,
}

# Bounds of different kinds (an absolute date, months or days from today) cannot be compared
# exactly; conflicts between them are judged on this date, which sits mid-month, mid-year.
REFERENCE_DAY: Final = dt.date(2025, 6, 15)
_DATE_EXPRESSION: Final = re.compile(DATE_EXPRESSION)


_N = TypeVar("_N", bound=float)
_S = TypeVar("_S", bound=str)


class ConstraintConflict(ValueError):  # noqa: N818  # a finding about data, not a crash
    """No value can satisfy both sets of constraints."""


class Effective(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The intersection of several Constraints: what the merged form enforces for a field."""

    min_length: int | None = None
    max_length: int | None = None
    patterns: tuple[str, ...] = ()
    minimum: int | float | None = None
    maximum: int | float | None = None
    unit: Unit | None = None
    enum: tuple[str, ...] | None = None
    min_dates: tuple[str, ...] = ()
    max_dates: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    sex: Sex | None = None
    region_level: RegionLevel | None = None
    max_size_kb: int | None = None
    mime_types: tuple[str, ...] | None = None


def set_keys(constraints: Constraints) -> list[str]:
    """Names of the constraints actually given (not left at their defaults)."""
    return [
        name
        for name in constraints.__struct_fields__
        if getattr(constraints, name) not in (None, [])
    ]


def inapplicable(kind: ElementType, constraints: Constraints) -> list[str]:
    """Constraint names that make no sense for an element of this type."""
    return [name for name in set_keys(constraints) if kind not in APPLIES_TO[name]]


def base_constraints(element: DataElement) -> Effective:
    """The element's own constraints; an enum starts from its declared options."""
    start = Effective(
        enum=tuple(option.value for option in element.options) if element.type == "enum" else None
    )
    return intersect(start, element.constraints)


def intersect(current: Effective, more: Constraints) -> Effective:
    """Tighten ``current`` by ``more``; raise ConstraintConflict if nothing is left."""
    result = Effective(
        min_length=_pick(max, current.min_length, more.min_length),
        max_length=_pick(min, current.max_length, more.max_length),
        patterns=_union(current.patterns, [more.pattern] if more.pattern else []),
        minimum=_pick(max, current.minimum, more.minimum),
        maximum=_pick(min, current.maximum, more.maximum),
        unit=_same("unit", current.unit, more.unit),
        enum=_enum(current.enum, more.enum),
        min_dates=reduce_dates((*current.min_dates, *_opt(more.min_date)), keep="latest"),
        max_dates=reduce_dates((*current.max_dates, *_opt(more.max_date)), keep="earliest"),
        after=_union(current.after, more.after),
        sex=_same("sex", current.sex, more.sex),
        region_level=_same("region_level", current.region_level, more.region_level),
        max_size_kb=_pick(min, current.max_size_kb, more.max_size_kb),
        mime_types=_mime(current.mime_types, more.mime_types),
    )
    _check_not_empty(result)
    return result


def _pick(choose: Callable[[_N, _N], _N], a: _N | None, b: _N | None) -> _N | None:
    if a is None:
        return b
    if b is None:
        return a
    return choose(a, b)


def _union(current: tuple[str, ...], more: Iterable[str]) -> tuple[str, ...]:
    return current + tuple(x for x in dict.fromkeys(more) if x not in current)


def _opt(value: str | None) -> tuple[str, ...]:
    return (value,) if value is not None else ()


def _same(name: str, a: _S | None, b: _S | None) -> _S | None:
    if a is not None and b is not None and a != b:
        msg = f"`{name}` is {a!r} in one place and {b!r} in another"
        raise ConstraintConflict(msg)
    return a if a is not None else b


def _enum(current: tuple[str, ...] | None, more: list[str] | None) -> tuple[str, ...] | None:
    if more is None:
        return current
    if current is None:
        return tuple(dict.fromkeys(more))
    kept = tuple(value for value in current if value in more)
    if not kept:
        msg = f"enum values {list(current)} and {more} have nothing in common"
        raise ConstraintConflict(msg)
    return kept


def _mime(current: tuple[str, ...] | None, more: list[str] | None) -> tuple[str, ...] | None:
    if more is None:
        return current
    if current is None:
        return tuple(dict.fromkeys(more))
    kept = tuple(value for value in current if value in more)
    if not kept:
        msg = f"file types {list(current)} and {more} have nothing in common"
        raise ConstraintConflict(msg)
    return kept


def _check_not_empty(result: Effective) -> None:
    if (
        result.min_length is not None
        and result.max_length is not None
        and result.min_length > result.max_length
    ):
        msg = f"min_length {result.min_length} exceeds max_length {result.max_length}"
        raise ConstraintConflict(msg)
    if (
        result.minimum is not None
        and result.maximum is not None
        and result.minimum > result.maximum
    ):
        msg = f"minimum {result.minimum} exceeds maximum {result.maximum}"
        raise ConstraintConflict(msg)
    low, high = date_bounds(result, REFERENCE_DAY)
    if low is not None and high is not None and low > high:
        msg = (
            f"the earliest date allowed ({', '.join(result.min_dates)}) is after "
            f"the latest ({', '.join(result.max_dates)})"
        )
        raise ConstraintConflict(msg)


# -- date expressions ---------------------------------------------------------------------------

DateKind = Literal["date", "months", "days"]


def parse_date_expression(text: str) -> tuple[DateKind, dt.date | int]:
    """``2020-01-01`` -> a date; ``today-6y`` -> -72 months; ``today+30d`` / ``today`` -> days."""
    if not _DATE_EXPRESSION.fullmatch(text):
        msg = f"not a date expression: {text!r}"
        raise ValueError(msg)
    if not text.startswith("today"):
        return "date", dt.date.fromisoformat(text)
    offset = text[len("today") :]
    if not offset:
        return "days", 0
    amount, unit = int(offset[:-1]), offset[-1]
    if unit == "d":
        return "days", amount
    return "months", amount * 12 if unit == "y" else amount


def format_date_expression(kind: DateKind, value: dt.date | int) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "days":
        return "today" if value == 0 else f"today{value:+d}d"
    return f"today{value // 12:+d}y" if value % 12 == 0 else f"today{value:+d}m"


def evaluate_date(text: str, today: dt.date) -> dt.date:
    kind, value = parse_date_expression(text)
    if isinstance(value, dt.date):
        return value
    if kind == "days":
        return today + dt.timedelta(days=value)
    return add_months(today, value)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the 31st clamps to the month's last day (29 Feb -1y is 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def reduce_dates(
    expressions: Iterable[str], *, keep: Literal["latest", "earliest"]
) -> tuple[str, ...]:
    """Keep the tightest bound of each kind; bounds of different kinds are all kept."""
    best: dict[DateKind, dt.date | int] = {}
    for text in expressions:
        kind, value = parse_date_expression(text)
        if kind not in best:
            best[kind] = value
            continue
        current = best[kind]
        later = value > current  # type: ignore[operator]  # same kind, same type
        if later == (keep == "latest"):
            best[kind] = value
    return tuple(format_date_expression(kind, best[kind]) for kind in _KINDS if kind in best)


_KINDS: Final[tuple[DateKind, ...]] = ("date", "months", "days")


def date_bounds(constraints: Effective, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest dates allowed on ``today`` (None where unbounded)."""
    lows = [evaluate_date(text, today) for text in constraints.min_dates]
    highs = [evaluate_date(text, today) for text in constraints.max_dates]
    return (max(lows) if lows else None, min(highs) if highs else None)
