"""The catalog's data model: the file formats under ``catalog/`` and the loaded ``Catalog``.

The same msgspec Structs decode the YAML files and generate their JSON Schemas
(``catalog/schema/*.schema.json``), so the documented format and the accepted format cannot
drift apart. Cross-file rules (references, dependency cycles, constraint conflicts) are not
expressible in a JSON Schema; ``checks.py`` enforces them after decoding.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

import msgspec

_ID = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
_ELEMENT_ID = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
_SECTION_ID = r"^[a-z][a-z0-9_]*$"
_VALUE = r"^[a-z0-9][a-z0-9_-]*$"
# today, today-6y, today+30d, or an absolute ISO date.
DATE_EXPRESSION = r"^(today([+-][0-9]{1,3}[ymd])?|[0-9]{4}-[0-9]{2}-[0-9]{2})$"

Id = Annotated[str, msgspec.Meta(pattern=_ID, description="kebab-case identifier")]
ElementId = Annotated[
    str, msgspec.Meta(pattern=_ELEMENT_ID, description="<section>.<name>, e.g. mother.id_number")
]
OptionValue = Annotated[str, msgspec.Meta(pattern=_VALUE)]
DateExpression = Annotated[
    str,
    msgspec.Meta(
        pattern=DATE_EXPRESSION,
        description="`today`, `today-6y`, `today+30d`, `today-3m` or an ISO date",
    ),
]
WorkingDays = Annotated[int, msgspec.Meta(ge=1, le=365, description="working days")]

ElementType = Literal[
    "text",
    "cjk_name",
    "id_number",
    "credit_code",
    "phone",
    "region_code",
    "date",
    "datetime",
    "integer",
    "money",
    "bank_card",
    "email",
    "enum",
    "boolean",
    "photo",
    "file",
]
PersonalDataClass = Literal["public", "personal", "sensitive"]
Widget = Literal[
    "text",
    "textarea",
    "name",
    "idcard",
    "phone",
    "region",
    "date",
    "datetime",
    "number",
    "money",
    "bankcard",
    "email",
    "select",
    "radio",
    "switch",
    "photo",
    "file",
]
Unit = Literal["g", "cm", "week", "day", "month", "year", "person", "yuan", "sqm"]
Sex = Literal["male", "female"]

# Key of the situation answers in a merged form; no dictionary section may use it.
SITUATION_SECTION = "situation"
RegionLevel = Literal["province", "city", "county"]


class _Struct(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class LocalText(_Struct, frozen=True, kw_only=True):
    """Text in Simplified Chinese (zh-CN, shown by default) and English."""

    zh: Annotated[str, msgspec.Meta(min_length=1)]
    en: Annotated[str, msgspec.Meta(min_length=1)]


# -- data dictionary ----------------------------------------------------------------------------


class Constraints(_Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Limits on a value; which keys apply depends on the element's type (see README)."""

    min_length: Annotated[int, msgspec.Meta(ge=0)] | None = None
    max_length: Annotated[int, msgspec.Meta(ge=1)] | None = None
    # A regular expression in the common subset of Python and ECMAScript, matched in full.
    pattern: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    unit: Unit | None = None
    enum: list[OptionValue] | None = None
    min_date: DateExpression | None = None
    max_date: DateExpression | None = None
    after: list[ElementId] = []
    sex: Sex | None = None
    region_level: RegionLevel | None = None
    max_size_kb: Annotated[int, msgspec.Meta(ge=1)] | None = None
    mime_types: list[str] | None = None


NO_CONSTRAINTS = Constraints()


class EnumOption(_Struct, frozen=True, kw_only=True):
    """One allowed value of an enum element."""

    value: OptionValue
    label: LocalText


class PrefillSource(_Struct, frozen=True, kw_only=True):
    """A field on an e-license (held by the element's subject) that can fill this element."""

    license: Id
    field: Annotated[str, msgspec.Meta(pattern=_SECTION_ID)]
    # `parent`: a child's fact that by rule follows a parent's (籍贯, 民族: the father's or the
    # mother's), taken from the parents' licenses where they agree.
    of: Literal["parent"] | None = None


class DataElement(_Struct, frozen=True, kw_only=True):
    """A canonical fact, asked once however many services need it."""

    id: ElementId
    type: ElementType
    label: LocalText
    help: LocalText | None = None
    personal_data: PersonalDataClass
    constraints: Constraints = NO_CONSTRAINTS
    # An enum lists its `options`, or takes them from a shared `codelist` (resolved at load).
    options: list[EnumOption] = []
    codelist: Id | None = None
    prefill: list[PrefillSource] = []
    widget: Widget | None = None


class Section(_Struct, frozen=True, kw_only=True):
    """A topic of the merged form, rendered as one page (child, mother, household, ...)."""

    id: Annotated[str, msgspec.Meta(pattern=_SECTION_ID)]
    label: LocalText
    order: int


class DictionaryFile(_Struct, frozen=True, kw_only=True):
    """catalog/dictionary/<section>.yaml: one section and its data elements."""

    section: Section
    elements: Annotated[list[DataElement], msgspec.Meta(min_length=1)]


class CodeList(_Struct, frozen=True, kw_only=True):
    """A shared list of enum options, usually a national code table (民族 GB/T 3304, ...)."""

    id: Id
    name: LocalText
    standard: str | None = None
    options: Annotated[list[EnumOption], msgspec.Meta(min_length=1)]


class CodeListsFile(_Struct, frozen=True, kw_only=True):
    """catalog/codelists.yaml."""

    codelists: list[CodeList]


# -- departments, license types, materials ------------------------------------------------------


class Department(_Struct, frozen=True, kw_only=True):
    """A government body or public institution that handles services."""

    id: Id
    code: Annotated[
        str,
        msgspec.Meta(
            pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
            description="统一社会信用代码 (GB 32100-2015)",
        ),
    ]
    name: LocalText


class DepartmentsFile(_Struct, frozen=True, kw_only=True):
    """catalog/departments.yaml."""

    departments: list[Department]


class LicenseType(_Struct, frozen=True, kw_only=True):
    """A kind of e-license (电子证照); `fields` are the data items printed on it."""

    id: Id
    type_code: Annotated[
        str,
        msgspec.Meta(
            pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}[0-9]{3}$",
            description="GB/T 36904 type code: the defining body's credit code + 3 digits",
        ),
    ]
    defined_by: LocalText
    # The dictionary section whose `name` and `id_number` identify the holder.
    holder: Annotated[str, msgspec.Meta(pattern=_SECTION_ID)]
    name: LocalText
    fields: Annotated[
        list[Annotated[str, msgspec.Meta(pattern=_SECTION_ID)]], msgspec.Meta(min_length=1)
    ]


class LicenseTypesFile(_Struct, frozen=True, kw_only=True):
    """catalog/licenses.yaml."""

    license_types: list[LicenseType]


class MaterialType(_Struct, frozen=True, kw_only=True):
    """A document a service may require; an e-license of a `replaced_by` type stands in for it."""

    id: Id
    name: LocalText
    replaced_by: list[Id] = []
    # Whose document it is: form elements holding that person's ID number (any of them, e.g.
    # either spouse for the marriage certificate). An e-license standing in must be held by
    # the person the form names there.
    holders: list[ElementId] = []
    mime_types: list[str] = msgspec.field(
        default_factory=lambda: ["application/pdf", "image/jpeg", "image/png"]
    )
    max_size_kb: Annotated[int, msgspec.Meta(ge=1)] = 10240


class MaterialsFile(_Struct, frozen=True, kw_only=True):
    """catalog/materials.yaml."""

    materials: list[MaterialType]


# -- services -----------------------------------------------------------------------------------


class FormField(_Struct, frozen=True, kw_only=True):
    """One data element on a service's form, as that department asks it."""

    element: ElementId
    required: bool = True
    constraints: Constraints = NO_CONSTRAINTS
    legal_basis: LocalText | None = None


class MaterialRef(_Struct, frozen=True, kw_only=True):
    material: Id
    required: bool = True


class Produces(_Struct, frozen=True, kw_only=True, omit_defaults=True):
    """What a completed service yields: data elements and/or an e-license."""

    elements: list[ElementId] = []
    license: Id | None = None
    mail_paper: bool = False


class Service(_Struct, frozen=True, kw_only=True):
    """catalog/services/<id>.yaml: one department's procedure (单项事项)."""

    id: Id
    department: Id
    name: LocalText
    description: LocalText | None = None
    legal_basis: Annotated[list[LocalText], msgspec.Meta(min_length=1)]
    time_limit_days: WorkingDays
    mode: Literal["manual", "auto"]
    co_applicant_confirms: bool = False
    form: Annotated[list[FormField], msgspec.Meta(min_length=1)]
    materials: list[MaterialRef] = []
    produces: Produces = Produces()


# -- bundles ------------------------------------------------------------------------------------


class ElementConstraint(_Struct, frozen=True, kw_only=True):
    element: ElementId
    constraints: Constraints


class SituationOption(_Struct, frozen=True, kw_only=True):
    """An answer to a situation question and what it changes."""

    value: OptionValue
    label: LocalText
    exclude_services: list[Id] = []
    exclude_elements: list[ElementId] = []
    require_elements: list[ElementId] = []
    exclude_materials: list[Id] = []
    # True when this answer leaves nobody to co-sign (e.g. no father named): the services'
    # `co_applicant_confirms` then asks for no confirmation.
    exclude_co_applicant: bool = False
    constrain: list[ElementConstraint] = []


class Situation(_Struct, frozen=True, kw_only=True):
    """A question (情形) whose answer includes or excludes services, fields or materials."""

    id: Annotated[str, msgspec.Meta(pattern=_SECTION_ID)]
    question: LocalText
    help: LocalText | None = None
    options: Annotated[list[SituationOption], msgspec.Meta(min_length=2)]
    default: OptionValue

    @property
    def gating(self) -> bool:
        """Gating situations change the service set, so merge resolves them up front."""
        return any(option.exclude_services for option in self.options)


class BundleService(_Struct, frozen=True, kw_only=True):
    service: Id
    after: list[Id] = []
    optional: bool = False
    # The service's promise inside this bundle (联办时限), at most its own `time_limit_days`:
    # a bundle's promise holds only if every chain of services along `after` fits in it.
    time_limit_days: WorkingDays | None = None


def effective_time_limit(member: BundleService, service: Service) -> int:
    """Working days a service has inside a bundle: the bundle's own limit for it, if any."""
    return member.time_limit_days or service.time_limit_days


class Bundle(_Struct, frozen=True, kw_only=True):
    """catalog/bundles/<id>.yaml: a life event (一件事) packaging several services."""

    id: Id
    name: LocalText
    description: LocalText | None = None
    time_limit_days: WorkingDays
    services: Annotated[list[BundleService], msgspec.Meta(min_length=1)]
    situations: list[Situation] = []


# -- the loaded catalog -------------------------------------------------------------------------


class Catalog(msgspec.Struct, frozen=True, kw_only=True):
    """Everything under catalog/, cross-checked; `version` changes whenever content does."""

    version: str
    sections: dict[str, Section]
    elements: dict[str, DataElement]
    departments: dict[str, Department]
    license_types: dict[str, LicenseType]
    materials: dict[str, MaterialType]
    services: dict[str, Service]
    bundles: dict[str, Bundle]
    # Position of each element in the merged form: section order, then dictionary order.
    element_order: dict[str, int]


def section_of(element_id: str) -> str:
    return element_id.partition(".")[0]


# Facts of the life event itself change every time: never carried to the next application.
EVENT_SECTIONS: Final = frozenset({"child", "maternity", "deceased", "funeral", "school"})


def rememberable(element: DataElement) -> bool:
    """May a resident have this fact remembered for their next application? Only `personal`
    facts (contact details, addresses, employer): not `sensitive` ones (ID and bank card
    numbers), which come from e-licenses or are typed each time, not `public` ones (a premium
    year), which belong to the occasion, and none of the event's own sections."""
    return element.personal_data == "personal" and section_of(element.id) not in EVENT_SECTIONS
