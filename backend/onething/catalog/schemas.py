"""What the catalog API accepts and returns (msgspec Structs, written per use)."""

from __future__ import annotations

from typing import Annotated

import msgspec

from onething.catalog.model import LocalText
from onething.catalog.stats import BundleStats

ShortId = Annotated[str, msgspec.Meta(max_length=64)]


class Localized(msgspec.Struct, frozen=True, kw_only=True):
    """Text keyed by BCP 47 language tag."""

    zh_cn: str = msgspec.field(name="zh-CN")
    en: str

    @classmethod
    def of(cls, text: LocalText) -> Localized:
        return cls(zh_cn=text.zh, en=text.en)


class BundleSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: Localized
    description: Localized | None
    time_limit_days: int
    service_count: int
    department_count: int
    catalog_version: str


class DepartmentRef(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    code: str
    name: Localized


class BundleServiceItem(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: Localized
    department: DepartmentRef
    time_limit_days: int
    mode: str
    optional: bool
    after: list[str]
    produces_license: str | None
    mailed: bool


class SituationOptionItem(msgspec.Struct, frozen=True, kw_only=True):
    value: str
    label: Localized
    excludes_services: list[str]


class SituationItem(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    question: Localized
    help: Localized | None
    default: str
    options: list[SituationOptionItem]


class BundleDetail(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: Localized
    description: Localized | None
    time_limit_days: int
    catalog_version: str
    services: list[BundleServiceItem]
    situations: list[SituationItem]


class FormRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Situation answers (question id → option value) and chosen optional services."""

    situation_answers: dict[ShortId, ShortId] = {}
    optional_services: Annotated[list[ShortId], msgspec.Meta(max_length=50)] = []


class FormResponse(msgspec.Struct, frozen=True, kw_only=True):
    bundle: str
    catalog_version: str
    services: list[str]
    # JSON Schema 2020-12 with `x-` annotations, sent as the merge cache's ready-made bytes
    # (re-encoding the 90 KB newborn schema per request halved the endpoint's throughput).
    schema: Annotated[
        msgspec.Raw,
        msgspec.Meta(
            description="JSON Schema 2020-12 of the merged form, with x- annotations",
            extra_json_schema={"type": "object"},
        ),
    ]
    effort: BundleStats


class ValidateRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    situation_answers: dict[ShortId, ShortId] = {}
    optional_services: Annotated[list[ShortId], msgspec.Meta(max_length=50)] = []
    answers: dict[str, object] = {}


class ValidateResponse(msgspec.Struct, frozen=True, kw_only=True):
    valid: bool
    catalog_version: str


class FormFieldItem(msgspec.Struct, frozen=True, kw_only=True):
    element: str
    label: Localized
    required: bool


class ServiceDetail(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: Localized
    description: Localized | None
    department: DepartmentRef
    legal_basis: list[Localized]
    time_limit_days: int
    mode: str
    co_applicant_confirms: bool
    form: list[FormFieldItem]
    materials: list[str]
    produces_elements: list[str]
    produces_license: str | None
    mailed: bool
    catalog_version: str


class RegionItem(msgspec.Struct, frozen=True, kw_only=True):
    """A GB/T 2260 administrative division."""

    code: str
    level: str
    name: str
    full_name: str


class RegionDetail(msgspec.Struct, frozen=True, kw_only=True):
    region: RegionItem
    current: bool
    children: list[RegionItem]
