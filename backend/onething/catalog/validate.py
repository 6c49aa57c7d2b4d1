"""Server-side validation of a resident's answers against a merged form (pure, no I/O).

Answers are nested like the form's JSON Schema: ``{"situation": {...}, "mother": {"name": ...}}``.
Each field gets at most one error; cross-field rules (``after``) run on fields that passed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Final

import msgspec

from onething.catalog import codes
from onething.catalog.constraints import Effective, date_bounds
from onething.catalog.form import MergedField, MergedForm
from onething.catalog.form_schema import FIXED_PATTERNS, UNIT_LABELS
from onething.catalog.messages import REGION_LEVELS, SEXES, render
from onething.catalog.model import SITUATION_SECTION, ElementType
from onething.core.errors import FieldError  # field = the data element id

_CHINA: Final = dt.timezone(dt.timedelta(hours=8))
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_DATETIME: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})",
    re.ASCII,
)
_EMAIL: Final = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]+")
_MONEY: Final = re.compile(FIXED_PATTERNS["money"], re.ASCII)
_UPLOAD: Final = re.compile(FIXED_PATTERNS["file"], re.ASCII)
_MISSING: Final = object()


class Problem(msgspec.Struct, frozen=True):
    code: str
    params: dict[str, object] = {}
    # Set when the message comes ready-made (from codes.CodeError).
    detail: tuple[str, str] | None = None


# A checker returns the parsed value (a date for anything dated) or the Problem found.
Checker = Callable[[MergedField, Effective, object, dt.date], object]


def validate_answers(
    form: MergedForm, answers: Mapping[str, object], *, today: dt.date | None = None
) -> list[FieldError]:
    """Every error in ``answers``, in form order; an empty list means they are valid."""
    today = today or codes.china_today()
    errors: list[FieldError] = []
    chosen = _check_situations(form, answers, errors)
    required, excluded, constraints = _effects(form, chosen)
    _check_unknown(form, answers, errors)
    parsed: dict[str, object] = {}
    for element_id, field in form.fields.items():
        value = lookup(answers, field)
        if element_id in excluded:
            if value is not _MISSING:
                errors.append(_error(field, "excluded"))
            continue
        if value is _MISSING:
            if element_id in required:
                errors.append(_error(field, "required"))
            continue
        result = CHECKERS[field.type](
            field, constraints.get(element_id, field.constraints), value, today
        )
        if isinstance(result, Problem) and result.detail is not None:
            zh, en = result.detail
            errors.append(
                FieldError(
                    field=element_id,
                    code=result.code,
                    message_zh=f"{field.label.zh}：{zh}",
                    message_en=f"{field.label.en}: {en}",
                )
            )
        elif isinstance(result, Problem):
            errors.append(_error(field, result.code, **result.params))
        else:
            parsed[element_id] = result
    _check_after(form, constraints, parsed, errors)
    return errors


def lookup(answers: Mapping[str, object], field: MergedField) -> object:
    """The answer for a field, or _MISSING when absent, null or an empty string."""
    section = answers.get(field.section)
    if not isinstance(section, Mapping):
        return _MISSING
    value = section.get(field.name, _MISSING)
    return _MISSING if value is None or value == "" else value


def is_missing(value: object) -> bool:
    return value is _MISSING


def _error(field: MergedField, code: str, **params: object) -> FieldError:
    zh, en = render(code, field.label.zh, field.label.en, **params)
    return FieldError(field=field.element, code=code, message_zh=zh, message_en=en)


def _check_situations(
    form: MergedForm, answers: Mapping[str, object], errors: list[FieldError]
) -> dict[str, str]:
    """The in-form answers to apply (defaults where invalid), reporting problems."""
    given = answers.get(SITUATION_SECTION)
    section = given if isinstance(given, Mapping) else {}
    values = {c.situation: c.values for c in form.conditions}
    chosen: dict[str, str] = {}
    for situation_id, question in form.situation_questions.items():
        key = f"{SITUATION_SECTION}.{situation_id}"
        answer = section.get(situation_id)
        fixed = form.situation_answers.get(situation_id)
        code = None
        if answer is None:
            code = None if fixed is not None else "required"
        elif fixed is not None and answer != fixed:
            code = "situation.changed"
        elif fixed is None and answer not in values[situation_id]:
            code = "situation.answer"
        if code is not None:
            zh, en = render(code, question.zh, question.en)
            errors.append(FieldError(field=key, code=code, message_zh=zh, message_en=en))
        if fixed is None:
            valid = isinstance(answer, str) and answer in values[situation_id]
            default = next(c.default for c in form.conditions if c.situation == situation_id)
            chosen[situation_id] = answer if valid and isinstance(answer, str) else default
    return chosen


def _effects(
    form: MergedForm, chosen: Mapping[str, str]
) -> tuple[set[str], set[str], dict[str, Effective]]:
    """Required and excluded fields, and tightened constraints, under the in-form answers."""
    required = {e for e, f in form.fields.items() if f.required}
    excluded: set[str] = set()
    constraints: dict[str, Effective] = {}
    for condition in form.conditions:
        effect = condition.effects[chosen[condition.situation]]
        required.update(effect.require)
        excluded.update(effect.exclude)
        constraints.update(effect.constraints)
    return required - excluded, excluded, constraints


def _check_unknown(
    form: MergedForm, answers: Mapping[str, object], errors: list[FieldError]
) -> None:
    """Data minimisation starts at intake: nothing outside the form is accepted."""
    sections = {f.section for f in form.fields.values()}
    if form.situation_questions:
        sections.add(SITUATION_SECTION)
    for key, section in answers.items():
        names: list[str] = []
        if key not in sections:
            names = [key]
        elif not isinstance(section, Mapping):
            errors.append(_unknown(key, "type"))
        elif key == SITUATION_SECTION:
            names = [f"{key}.{n}" for n in section if n not in form.situation_questions]
        else:
            names = [f"{key}.{n}" for n in section if f"{key}.{n}" not in form.fields]
        errors.extend(_unknown(name, "unknown_field") for name in names)


def _unknown(key: str, code: str) -> FieldError:
    zh, en = render(code, key, key, key=key)
    return FieldError(field=key, code=code, message_zh=zh, message_en=en)


def _check_after(
    form: MergedForm,
    overrides: Mapping[str, Effective],
    parsed: Mapping[str, object],
    errors: list[FieldError],
) -> None:
    for element_id, value in parsed.items():
        field = form.fields[element_id]
        for other_id in overrides.get(element_id, field.constraints).after:
            other = parsed.get(other_id)
            if isinstance(value, dt.date) and isinstance(other, dt.date) and value < other:
                label = form.fields[other_id].label
                errors.append(_error(field, "date.after", other_zh=label.zh, other_en=label.en))
                break


# -- checkers, one per element type -------------------------------------------------------------


def _text(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    if not isinstance(value, str):
        return Problem("type")
    return _text_format(field, value) or _text_limits(c, value) or value


def _text_format(field: MergedField, value: str) -> Problem | None:
    if any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in value):
        return Problem("text.control")
    if field.type == "cjk_name" and not codes.is_cjk_name(value):
        return Problem("cjk_name")
    if field.type == "email" and not _EMAIL.fullmatch(value):
        return Problem("email")
    return None


def _text_limits(c: Effective, value: str) -> Problem | None:
    if c.min_length is not None and len(value) < c.min_length:
        return Problem("text.min_length", {"n": c.min_length})
    if c.max_length is not None and len(value) > c.max_length:
        return Problem("text.max_length", {"n": c.max_length})
    if not all(_search(pattern, value) for pattern in c.patterns):
        return Problem("text.pattern")
    return None


def _search(pattern: str, value: str) -> bool:
    # JSON Schema patterns are unanchored ECMAScript searches, where `$` never matches
    # before a final newline as Python's does; require the match to reach the real end.
    found = re.search(pattern, value)
    return found is not None and (not pattern.endswith("$") or found.end() == len(value))


def _id_number(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    if not isinstance(value, str):
        return Problem("type")
    try:
        info = codes.parse_id_number(value, today=today)
    except codes.CodeError as exc:
        return Problem(exc.code, detail=(exc.message_zh, exc.message_en))
    if c.sex is not None and info.sex != c.sex:
        sex_zh, sex_en = SEXES[c.sex]
        return Problem("id_number.sex", {"sex_zh": sex_zh, "sex_en": sex_en})
    low, high = date_bounds(c, today)
    if high is not None and info.birth_date > high:
        return Problem("id_number.born_after", {"date": high.isoformat()})
    if low is not None and info.birth_date < low:
        return Problem("id_number.born_before", {"date": low.isoformat()})
    return info.birth_date


def _credit_code(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    if not isinstance(value, str):
        return Problem("type")
    try:
        return codes.parse_credit_code(value)
    except codes.CodeError as exc:
        return Problem(exc.code, detail=(exc.message_zh, exc.message_en))


def _phone(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    if not isinstance(value, str):
        return Problem("type")
    return value if codes.is_mainland_mobile(value) else Problem("phone")


def _region(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    if not isinstance(value, str):
        return Problem("type")
    if not codes.is_valid_region_code(value):
        return Problem("region_code")
    if c.region_level is not None and not codes.is_valid_region_code(value, c.region_level):
        level_zh, level_en = REGION_LEVELS[c.region_level]
        return Problem("region_code.level", {"level_zh": level_zh, "level_en": level_en})
    return value


def _date(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    day = _parse_day(field.type, value)
    if isinstance(day, Problem):
        return day
    low, high = date_bounds(c, today)
    if low is not None and day < low:
        return Problem("date.min", {"date": low.isoformat()})
    if high is not None and day > high:
        return Problem("date.max", {"date": high.isoformat()})
    return day


def _parse_day(kind: ElementType, value: object) -> dt.date | Problem:
    if not isinstance(value, str):
        return Problem("type")
    problem = Problem("date.format" if kind == "date" else "datetime.format")
    if not (_DATE if kind == "date" else _DATETIME).fullmatch(value):
        return problem
    try:
        if kind == "date":
            return dt.date.fromisoformat(value)
        # Deadlines and "not in the future" are judged on the Chinese calendar day.
        return dt.datetime.fromisoformat(value).astimezone(_CHINA).date()
    except ValueError:
        return problem


def _number(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    amount: Decimal
    if field.type == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return Problem("integer")
        amount = Decimal(value)
    else:
        if not isinstance(value, str) or not _MONEY.fullmatch(value):
            return Problem("money.format")
        amount = Decimal(value)
    unit = UNIT_LABELS[c.unit] if c.unit else None
    units = {"unit_zh": unit.zh if unit else "", "unit_en": f" {unit.en}" if unit else ""}
    if c.minimum is not None and amount < Decimal(str(c.minimum)):
        return Problem("number.min", {"n": c.minimum, **units})
    if c.maximum is not None and amount > Decimal(str(c.maximum)):
        return Problem("number.max", {"n": c.maximum, **units})
    return value


def _bank_card(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    if not isinstance(value, str):
        return Problem("type")
    return value if codes.is_valid_bank_card(value) else Problem("bank_card")


def _enum(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    return value if isinstance(value, str) and value in (c.enum or ()) else Problem("enum")


def _boolean(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    return value if isinstance(value, bool) else Problem("boolean")


def _upload(field: MergedField, c: Effective, value: object, today: dt.date) -> object:
    if not isinstance(value, str) or not _UPLOAD.fullmatch(value):
        return Problem("file.reference")
    return value


CHECKERS: Final[Mapping[ElementType, Checker]] = {
    "text": _text,
    "cjk_name": _text,
    "email": _text,
    "id_number": _id_number,
    "credit_code": _credit_code,
    "phone": _phone,
    "region_code": _region,
    "date": _date,
    "datetime": _date,
    "integer": _number,
    "money": _number,
    "bank_card": _bank_card,
    "enum": _enum,
    "boolean": _boolean,
    "photo": _upload,
    "file": _upload,
}
