"""Hypothesis strategies for merged forms, valid answer sets and single-field corruptions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from onething.catalog import codes
from onething.catalog.constraints import Effective, date_bounds
from onething.catalog.form import MergedField, MergedForm
from onething.catalog.merge import merge
from onething.catalog.model import SITUATION_SECTION, Catalog

TODAY = dt.date(2025, 6, 18)
CHINA = dt.timezone(dt.timedelta(hours=8))
AREAS = ("110101", "310104", "330106", "440106", "500105", "500112", "510107")
HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
TEXT = st.one_of(HAN, st.sampled_from("ABCabc0123456789-（）路号"))

Answers = dict[str, dict[str, Any]]
Draw = Callable[[st.SearchStrategy[Any]], Any]


@st.composite
def forms(draw: Draw, catalog: Catalog, bundle_id: str | None = None) -> MergedForm:
    """A merged form for any bundle, gating answers and choice of optional services."""
    bundle = catalog.bundles[bundle_id or draw(st.sampled_from(sorted(catalog.bundles)))]
    answers = {
        s.id: draw(st.sampled_from([o.value for o in s.options]))
        for s in bundle.situations
        if s.gating
    }
    optional = [m.service for m in bundle.services if m.optional]
    chosen = draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []
    return merge(catalog, bundle.id, answers, chosen)


def in_form_effects(
    form: MergedForm, chosen: Mapping[str, str]
) -> tuple[set[str], set[str], dict[str, Effective]]:
    """Required and excluded fields and tightened constraints, recomputed for the test."""
    required = {e for e, f in form.fields.items() if f.required}
    excluded: set[str] = set()
    overrides: dict[str, Effective] = {}
    for condition in form.conditions:
        effect = condition.effects[chosen[condition.situation]]
        required |= set(effect.require)
        excluded |= set(effect.exclude)
        overrides.update(effect.constraints)
    return required - excluded, excluded, overrides


def _dependency_order(form: MergedForm, overrides: Mapping[str, Effective]) -> list[str]:
    """Fields after the fields their `after` rule compares them with."""
    placed: list[str] = []
    waiting = list(form.fields)
    while waiting:
        for element_id in list(waiting):
            refs = overrides.get(element_id, form.fields[element_id].constraints).after
            if all(r in placed or r not in form.fields for r in refs):
                placed.append(element_id)
                waiting.remove(element_id)
    return placed


@st.composite
def valid_answers(draw: Draw, form: MergedForm, *, every_field: bool = False) -> Answers:
    """Answers that satisfy the form; optional fields present at random (or all of them)."""
    situation: dict[str, Any] = {}
    for situation_id in form.situation_questions:
        fixed = form.situation_answers.get(situation_id)
        if fixed is None:
            values = next(c.values for c in form.conditions if c.situation == situation_id)
            fixed = draw(st.sampled_from(values))
        situation[situation_id] = fixed
    chosen = {c.situation: situation[c.situation] for c in form.conditions}
    required, excluded, overrides = in_form_effects(form, chosen)
    answers: Answers = {SITUATION_SECTION: situation} if situation else {}
    days: dict[str, dt.date] = {}
    for element_id in _dependency_order(form, overrides):
        field = form.fields[element_id]
        if element_id in excluded:
            continue
        if element_id not in required and not every_field and not draw(st.booleans()):
            continue
        limits = overrides.get(element_id, field.constraints)
        earliest = max((days[r] for r in limits.after if r in days), default=None)
        value, day = draw(value_for(field, limits, earliest))
        if day is not None:
            days[element_id] = day
        answers.setdefault(field.section, {})[field.name] = value
    return answers


def _span(
    limits: Effective, earliest: dt.date | None, default: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    low, high = date_bounds(limits, TODAY)
    low = max(low or default[0], earliest or dt.date.min)
    high = high or default[1]
    return low, max(low, high)


def value_for(
    field: MergedField, limits: Effective, earliest: dt.date | None
) -> st.SearchStrategy[tuple[Any, dt.date | None]]:
    """A valid value and, for dated types, the calendar day it stands for."""
    kind = field.type
    if kind == "id_number":
        low, high = _span(limits, earliest, (dt.date(1945, 1, 1), TODAY - dt.timedelta(days=7300)))
        parity = {"female": 0, "male": 1}.get(limits.sex or "")
        seqs = (
            st.integers(0, 499).map(lambda n: n * 2 + parity)
            if parity is not None
            else st.integers(0, 999)
        )
        return st.builds(
            lambda area, day, seq: (codes.make_id_number(area, day, seq), day),
            st.sampled_from(AREAS),
            st.dates(low, high),
            seqs,
        )
    if kind in ("date", "datetime"):
        low, high = _span(limits, earliest, (dt.date(1960, 1, 1), TODAY))
        days = st.dates(low, high)
        if kind == "date":
            return days.map(lambda d: (d.isoformat(), d))
        times = st.times().map(lambda t: t.replace(microsecond=0))
        return st.builds(
            lambda d, t: (dt.datetime.combine(d, t, CHINA).isoformat(), d), days, times
        )
    return _plain_value(field, limits).map(lambda v: (v, None))


def _plain_value(field: MergedField, limits: Effective) -> st.SearchStrategy[Any]:
    kind = field.type
    if kind in ("text", "email"):
        return _text(limits)
    if kind == "cjk_name":
        high = min(limits.max_length or 4, 30)
        return st.text(HAN, min_size=max(2, limits.min_length or 2), max_size=high)
    if kind == "phone":
        return st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
    if kind == "credit_code":
        body = st.text(st.sampled_from(codes.CREDIT_CODE_ALPHABET), min_size=9, max_size=9)
        return st.builds(
            lambda area, org: _credit_code("91" + area + org), st.sampled_from(AREAS), body
        )
    if kind == "region_code":
        level = limits.region_level or "county"
        return st.sampled_from(sorted(codes.region_codes(level)))
    if kind == "integer":
        low, high = limits.minimum, limits.maximum
        return st.integers(
            int(low) if low is not None else 0, int(high) if high is not None else 9999
        )
    if kind == "money":
        low = Decimal(str(limits.minimum if limits.minimum is not None else 0))
        high = Decimal(str(limits.maximum if limits.maximum is not None else 100000))
        return st.decimals(low, high, places=2).map(lambda d: f"{d:.2f}")
    if kind == "bank_card":
        return st.from_regex(r"62[0-9]{13,16}", fullmatch=True).map(with_luhn_digit)
    if kind == "enum":
        return st.sampled_from(limits.enum or ())
    if kind == "boolean":
        return st.booleans()
    return st.from_regex(r"uploads/[0-9a-f]{16}\.jpg", fullmatch=True)


def _text(limits: Effective) -> st.SearchStrategy[str]:
    low, high = limits.min_length or 1, limits.max_length or 40
    if not limits.patterns:
        return st.text(TEXT, min_size=low, max_size=high)
    return st.from_regex(limits.patterns[0], fullmatch=True).filter(
        lambda v: (
            low <= len(v) <= high
            and "\n" not in v
            and all(re.search(p, v) for p in limits.patterns[1:])
        )
    )


def _credit_code(first17: str) -> str:
    return first17 + codes.credit_code_check_char(first17)


def with_luhn_digit(digits: str) -> str:
    return next(digits + d for d in "0123456789" if codes.is_valid_bank_card(digits + d))


def corruptions(field: MergedField, limits: Effective, value: Any) -> list[Any]:
    """Values each of which the validator must reject for this field."""
    wrong_type: Any = "12" if field.type in ("integer", "boolean") else 12345
    bad: list[Any] = [wrong_type]
    kind = field.type
    if kind in ("text", "email"):
        bad += ["\x07" + value]
        if limits.max_length:
            bad.append("字" * (limits.max_length + 1))
    elif kind == "cjk_name":
        bad += ["Li Lei", value + "1"]
    elif kind == "id_number":
        other = next(c for c in "0123456789X" if c != value[-1])
        bad += [value[:-1] + other, value[:10] + "13" + value[12:]]
    elif kind == "credit_code":
        other = next(c for c in codes.CREDIT_CODE_ALPHABET if c != value[-1])
        bad += [value[:-1] + other, value[:2] + "ABCDEF" + value[8:]]
    elif kind == "phone":
        bad += ["12" + value[2:], value[:-1]]
    elif kind == "region_code":
        bad += ["999999", value[:5]]
    elif kind == "date":
        bad += ["2024-02-30", value.replace("-", "/")]
    elif kind == "datetime":
        bad += [value[:-6], value[:10]]
    elif kind == "integer":
        bad += [1.5] + ([int(limits.maximum) + 1] if limits.maximum is not None else [])
    elif kind == "money":
        bad += ["12.345", "-1", "01"]
    elif kind == "bank_card":
        bad += [value[:-1] + str((int(value[-1]) + 1) % 10)]
    elif kind == "enum":
        bad += ["not-an-option"]
    elif kind in ("photo", "file"):
        bad += ["../etc passwd"]
    return bad
