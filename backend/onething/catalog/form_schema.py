"""Rendering a merged form as JSON Schema 2020-12 with the ``x-`` annotations the PWA reads.

Sections are nested objects (one page each), fields carry their labels, services, legal basis,
prefill sources and widget; in-form situations become if/then clauses in ``allOf``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Final

import msgspec

from onething.catalog.constraints import Effective
from onething.catalog.form import MergedField, MergedForm
from onething.catalog.form_annotations import JSON, bundle_annotations, text
from onething.catalog.model import (
    SITUATION_SECTION,
    Bundle,
    Catalog,
    DataElement,
    ElementType,
    LocalText,
    Situation,
    Unit,
    Widget,
    rememberable,
)

SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
SITUATION_LABEL: Final = LocalText(zh="办理情形", en="Your situation")

FIXED_PATTERNS: Final[Mapping[ElementType, str]] = {
    "id_number": "^[0-9]{17}[0-9Xx]$",
    "credit_code": "^[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}$",
    "phone": "^1[3-9][0-9]{9}$",
    "region_code": "^[0-9]{6}$",
    "bank_card": "^[0-9]{12,19}$",
    "money": r"^(0|[1-9][0-9]{0,11})(\.[0-9]{1,2})?$",
    "photo": "^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$",
    "file": "^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$",
}
_FORMATS: Final[Mapping[ElementType, tuple[str, str]]] = {
    # (JSON Schema keyword, value): standard formats where they exist, x-format otherwise.
    "date": ("format", "date"),
    "datetime": ("format", "date-time"),
    "email": ("format", "email"),
    "id_number": ("x-format", "gb11643"),
    "credit_code": ("x-format", "gb32100"),
    "phone": ("x-format", "cn-mobile"),
    "region_code": ("x-format", "gb2260"),
    "bank_card": ("x-format", "bank-card"),
    "cjk_name": ("x-format", "cjk-name"),
    "money": ("x-format", "decimal-yuan"),
    "photo": ("x-format", "upload-ref"),
    "file": ("x-format", "upload-ref"),
}
_WIDGETS: Final[Mapping[ElementType, Widget]] = {
    "text": "text",
    "cjk_name": "name",
    "id_number": "idcard",
    "credit_code": "text",
    "phone": "phone",
    "region_code": "region",
    "date": "date",
    "datetime": "datetime",
    "integer": "number",
    "money": "money",
    "bank_card": "bankcard",
    "email": "email",
    "boolean": "radio",
    "photo": "photo",
    "file": "file",
}
UNIT_LABELS: Final[Mapping[Unit, LocalText]] = {
    "g": LocalText(zh="克", en="g"),
    "cm": LocalText(zh="厘米", en="cm"),
    "week": LocalText(zh="周", en="weeks"),
    "day": LocalText(zh="天", en="days"),
    "month": LocalText(zh="个月", en="months"),
    "year": LocalText(zh="年", en="years"),
    "person": LocalText(zh="人", en="people"),
    "yuan": LocalText(zh="元", en="yuan"),
    "sqm": LocalText(zh="平方米", en="m²"),
}


def build_schema(catalog: Catalog, bundle: Bundle, form: MergedForm) -> JSON:
    sections: dict[str, JSON] = {}
    required_sections: list[str] = []
    if bundle.situations:
        sections[SITUATION_SECTION] = _situation_section(bundle, form)
        if any(not s.gating for s in bundle.situations):
            required_sections.append(SITUATION_SECTION)
    excludable = {e for c in form.conditions for eff in c.effects.values() for e in eff.exclude}
    for position, field in enumerate(form.fields.values()):
        section = sections.get(field.section)
        if section is None:
            section = sections[field.section] = _section(catalog, field.section)
        properties = section["properties"]
        assert isinstance(properties, dict)
        element = catalog.elements[field.element]
        properties[field.name] = field_schema(catalog, element, field, position)
        # Fields a situation may exclude are required only through if/then (see _clauses).
        if field.required and field.element not in excludable:
            required = section["required"]
            assert isinstance(required, list)
            required.append(field.name)
            if field.section not in required_sections:
                required_sections.append(field.section)
    schema: JSON = {
        "$schema": SCHEMA_DIALECT,
        "$id": _schema_id(form),
        "title": bundle.name.zh,
        "x-label": text(bundle.name),
        "type": "object",
        "additionalProperties": False,
        "properties": {key: _drop_empty_required(value) for key, value in sections.items()},
        "required": required_sections,
    }
    if bundle.description:
        schema["description"] = bundle.description.zh
        schema["x-description"] = text(bundle.description)
    clauses = _clauses(form, excludable)
    if clauses:
        schema["allOf"] = clauses
    schema.update(bundle_annotations(catalog, bundle, form, list(sections)))
    return schema


def _schema_id(form: MergedForm) -> str:
    key = msgspec.json.encode(
        [sorted(form.situation_answers.items()), list(form.optional_services)]
    )
    digest = hashlib.sha256(key).hexdigest()[:16]
    return f"urn:onething:form:{form.bundle}:{form.catalog_version[:16]}:{digest}"


def _section(catalog: Catalog, section_id: str) -> JSON:
    section = catalog.sections[section_id]
    return {
        "type": "object",
        "title": section.label.zh,
        "x-label": text(section.label),
        "x-order": section.order,
        "additionalProperties": False,
        "properties": {},
        "required": [],
    }


def _drop_empty_required(section: JSON) -> JSON:
    return {k: v for k, v in section.items() if not (k == "required" and not v)}


def _situation_section(bundle: Bundle, form: MergedForm) -> JSON:
    properties: JSON = {}
    for order, situation in enumerate(bundle.situations):
        schema = _situation_schema(situation, order)
        if situation.gating:
            # Answered before merging; may be echoed in the answers, but only unchanged.
            schema["const"] = form.situation_answers[situation.id]
        properties[situation.id] = schema
    return {
        "type": "object",
        "title": SITUATION_LABEL.zh,
        "x-label": text(SITUATION_LABEL),
        "x-order": -1,
        "additionalProperties": False,
        "properties": properties,
        "required": [s.id for s in bundle.situations if not s.gating],
    }


def _situation_schema(situation: Situation, order: int) -> JSON:
    schema: JSON = {
        "type": "string",
        "title": situation.question.zh,
        "x-label": text(situation.question),
        "oneOf": [
            {"const": o.value, "title": o.label.zh, "x-label": text(o.label)}
            for o in situation.options
        ],
        "default": situation.default,
        "x-widget": "radio",
        "x-order": order,
        "x-situation": True,
        "x-gating": situation.gating,
    }
    if situation.help:
        schema["description"] = situation.help.zh
        schema["x-help"] = text(situation.help)
    return schema


def field_schema(catalog: Catalog, element: DataElement, field: MergedField, position: int) -> JSON:
    """One field: type keywords, constraints, labels and the annotations the PWA renders."""
    json_type = element.type if element.type in ("integer", "boolean") else "string"
    schema: JSON = {"type": json_type, "title": element.label.zh}
    if element.help:
        schema["description"] = element.help.zh
    if element.type in _FORMATS:
        keyword, value = _FORMATS[element.type]
        schema[keyword] = value
    if element.type == "enum":
        labels = {o.value: o.label for o in element.options}
        values = field.constraints.enum or ()
        schema["oneOf"] = [
            {"const": v, "title": labels[v].zh, "x-label": text(labels[v])} for v in values
        ]
    schema.update(constraint_keywords(element.type, field.constraints))
    schema.update(
        {
            "x-element": field.element,
            "x-section": field.section,
            "x-order": position,
            "x-label": text(element.label),
            "x-widget": element.widget or _widget(element),
            "x-personal-data": element.personal_data,
            # The resident may ask to have it remembered for next time (identity.profiles).
            "x-rememberable": rememberable(element),
            "x-services": list(field.services),
            "x-required-by": list(field.required_by),
            "x-legal-basis": _legal_basis(catalog, field),
        }
    )
    if element.help:
        schema["x-help"] = text(element.help)
    if element.prefill:
        schema["x-prefill"] = [
            {
                "license": p.license,
                "field": p.field,
                "x-label": text(catalog.license_types[p.license].name),
            }
            for p in element.prefill
        ]
    return schema


def _widget(element: DataElement) -> Widget:
    if element.type == "enum":
        return "radio" if len(element.options) <= 4 else "select"
    return _WIDGETS[element.type]


def constraint_keywords(kind: ElementType, constraints: Effective) -> JSON:
    """JSON Schema keywords for constraints; what JSON Schema cannot say goes in ``x-`` keys."""
    out: JSON = {}
    if constraints.min_length is not None:
        out["minLength"] = constraints.min_length
    if constraints.max_length is not None:
        out["maxLength"] = constraints.max_length
    if kind == "cjk_name":
        out.setdefault("minLength", 2)
        out.setdefault("maxLength", 30)
    patterns = [*_opt(FIXED_PATTERNS.get(kind)), *constraints.patterns]
    if patterns:
        out["pattern"] = patterns[0]
    if len(patterns) > 1:
        out["allOf"] = [{"pattern": p} for p in patterns[1:]]
    prefix = "" if kind == "integer" else "x-"  # money travels as a decimal string
    if constraints.minimum is not None:
        out[f"{prefix}minimum"] = constraints.minimum
    if constraints.maximum is not None:
        out[f"{prefix}maximum"] = constraints.maximum
    if constraints.unit is not None:
        out["x-unit"] = constraints.unit
        out["x-unit-label"] = text(UNIT_LABELS[constraints.unit])
    optional_keys: list[tuple[str, object]] = [
        ("x-min-date", list(constraints.min_dates)),
        ("x-max-date", list(constraints.max_dates)),
        ("x-after", list(constraints.after)),
        ("x-sex", constraints.sex),
        ("x-region-level", constraints.region_level),
        ("x-max-size-kb", constraints.max_size_kb),
        ("x-mime-types", list(constraints.mime_types or [])),
    ]
    out.update({key: value for key, value in optional_keys if value not in (None, [])})
    return out


def _opt(value: str | None) -> list[str]:
    return [value] if value is not None else []


def _legal_basis(catalog: Catalog, field: MergedField) -> list[JSON]:
    result: list[JSON] = []
    for service_id in field.services:
        service = catalog.services[service_id]
        own = next(f.legal_basis for f in service.form if f.element == field.element)
        basis = own or service.legal_basis[0]
        result.append({"service": service_id, **text(basis)})
    return result


# -- in-form situations as if/then --------------------------------------------------------------


def _is(situation: str, values: Iterable[str], *, negate: bool = False) -> JSON:
    listed = list(values)
    test: JSON = {"const": listed[0]} if len(listed) == 1 else {"enum": listed}
    if negate:
        test = {"not": test}
    return {
        "properties": {SITUATION_SECTION: {"properties": {situation: test}}},
        "required": [SITUATION_SECTION],
    }


def _at(fields: Mapping[str, MergedField], element_ids: Iterable[str], make: str) -> JSON:
    """{"properties": {section: {...}}} requiring or forbidding the given elements."""
    per_section: dict[str, JSON] = {}
    for element_id in element_ids:
        field = fields[element_id]
        section = per_section.setdefault(field.section, {})
        if make == "require":
            section.setdefault("required", [])
            required = section["required"]
            assert isinstance(required, list)
            required.append(field.name)
        else:
            properties = section.setdefault("properties", {})
            assert isinstance(properties, dict)
            properties[field.name] = False
    out: JSON = {"properties": per_section}
    if make == "require":
        out["required"] = list(per_section)
    return out


def _clauses(form: MergedForm, excludable: set[str]) -> list[JSON]:
    clauses: list[JSON] = []
    for condition in form.conditions:
        for value, effect in condition.effects.items():
            then: list[JSON] = []
            if effect.require:
                then.append(_at(form.fields, effect.require, "require"))
            if effect.exclude:
                then.append(_at(form.fields, effect.exclude, "forbid"))
            for element_id, constraints in effect.constraints.items():
                field = form.fields[element_id]
                keywords = constraint_keywords(field.type, constraints)
                then.append({"properties": {field.section: {"properties": {field.name: keywords}}}})
            if then:
                clauses.append({"if": _is(condition.situation, [value]), "then": _merge_then(then)})
    clauses += _required_unless_excluded(form, excludable)
    return clauses


def _required_unless_excluded(form: MergedForm, excludable: set[str]) -> list[JSON]:
    """A required field that some answer excludes is required under every other answer."""
    groups: dict[tuple[tuple[str, tuple[str, ...]], ...], list[str]] = {}
    for element_id in form.fields:
        if element_id not in excludable or not form.fields[element_id].required:
            continue
        guard = tuple(
            (c.situation, tuple(v for v, eff in c.effects.items() if element_id in eff.exclude))
            for c in form.conditions
            if any(element_id in eff.exclude for eff in c.effects.values())
        )
        groups.setdefault(guard, []).append(element_id)
    clauses: list[JSON] = []
    for guard, element_ids in groups.items():
        tests = [_is(situation, values, negate=True) for situation, values in guard]
        condition = tests[0] if len(tests) == 1 else {"allOf": tests}
        clauses.append({"if": condition, "then": _at(form.fields, element_ids, "require")})
    return clauses


def _merge_then(parts: list[JSON]) -> JSON:
    return parts[0] if len(parts) == 1 else {"allOf": parts}
