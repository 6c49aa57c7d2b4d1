"""What is printed on a license: its face fields taken from an application's facts, and how
each is shown. Pure (the catalog's element mapping, no I/O).

A face field is filled from the data element that names it as a prefill source — the one
mapping serves both ways: a license fills a form, and a form's facts fill a license. The
holder's own section wins (a household register's `name` is the child's), then sections that
are not persons (`household.region` before `mother.hukou_region`), then the naming
convention `<section>_<name>` (a birth certificate's `mother_name` is `mother.name`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

from onething.catalog import codes
from onething.catalog.model import section_of

if TYPE_CHECKING:
    from onething.catalog.model import Catalog, LicenseType

PERSON_SECTIONS: Final = frozenset(
    {"child", "mother", "father", "guardian", "applicant", "deceased"}
)

# Generic field names read better than the element labels they come from (新生儿姓名 → 姓名).
FIELD_LABELS: Final[dict[str, str]] = {
    "name": "姓名",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "住址",
    "id_number": "公民身份号码",
    "certificate_number": "证书编号",
    "region_code": "户籍地",
    "native_place": "籍贯",
    "birth_place": "出生地",
    "relation_to_head": "与户主关系",
    "household_head": "户主姓名",
    "head_id_number": "户主公民身份号码",
}


def flatten(answers: dict[str, Any], *outputs: dict[str, Any]) -> dict[str, Any]:
    """`{"child": {"name": …}}` and produced `{"child.id_number": …}` as one fact table."""
    facts = {
        f"{section}.{name}": value
        for section, values in answers.items()
        if isinstance(values, dict)
        for name, value in values.items()
    }
    for output in outputs:
        facts.update(output)
    return facts


def sources(catalog: Catalog, license_type: LicenseType, field: str) -> list[str]:
    """Candidate elements for one face field, best first."""
    named = [
        e.id
        for e in catalog.elements.values()
        for s in e.prefill
        if s.license == license_type.id and s.field == field
    ]
    holder = [e for e in named if section_of(e) == license_type.holder]
    neutral = [e for e in named if section_of(e) not in PERSON_SECTIONS]
    prefix, _, rest = field.partition("_")
    convention = [f"{prefix}.{rest}"] if rest and prefix in catalog.sections else []
    ordered = [*holder, *neutral, *convention, f"{license_type.holder}.{field}", *named]
    return list(dict.fromkeys(ordered))


def face_values(
    catalog: Catalog, license_type: LicenseType, facts: dict[str, Any]
) -> dict[str, tuple[str, Any]]:
    """`{field: (element, value)}` for each face field the facts can fill."""
    face: dict[str, tuple[str, Any]] = {}
    for field in license_type.fields:
        for element in sources(catalog, license_type, field):
            if facts.get(element) not in (None, ""):
                face[field] = (element, facts[element])
                break
    return face


def display(catalog: Catalog, element_id: str, value: Any) -> str:
    """A fact as a person reads it: option labels, region names, Chinese dates."""
    element = catalog.elements.get(element_id)
    text = str(value)
    shown: str | None = None
    if element is None:
        return text
    if element.type == "enum":
        shown = next((o.label.zh for o in element.options if str(o.value) == text), None)
    elif element.type == "region_code":
        region = codes.region_name(text)
        shown = region.full_name if region else None
    elif element.type in {"date", "datetime"}:
        shown = _chinese_moment(text, with_time=element.type == "datetime")
    return shown or text


def _chinese_moment(text: str, *, with_time: bool) -> str | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    day = f"{moment.year}年{moment.month:02d}月{moment.day:02d}日"
    return f"{day} {moment:%H时%M分}" if with_time else day


def face_rows(
    catalog: Catalog, face: dict[str, tuple[str, Any]], number: tuple[str, str] | None = None
) -> list[tuple[str, str]]:
    """(label, shown value) in face order; the certificate number first when it is a field."""
    rows = [number] if number else []
    for field, (element_id, value) in face.items():
        element = catalog.elements.get(element_id)
        label = FIELD_LABELS.get(field) or (element.label.zh if element else field)
        rows.append((label, display(catalog, element_id, value)))
    return rows


def mask_name(name: str) -> str:
    """李沐阳 → 李**: enough for a verifier to match a person in front of them."""
    return name[:1] + "*" * max(len(name) - 1, 1)
