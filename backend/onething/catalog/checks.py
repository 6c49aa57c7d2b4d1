"""Cross-file rules for the data dictionary, departments, license types, materials and services.

Each check returns CatalogErrors pointing at the line that needs changing; bundle rules
(dependencies, situations, conflicts between services) live in ``bundle_checks.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import msgspec

from onething.catalog import codes
from onething.catalog.constraints import (
    DATED,
    ConstraintConflict,
    Effective,
    base_constraints,
    inapplicable,
    intersect,
    parse_date_expression,
)
from onething.catalog.model import (
    SITUATION_SECTION,
    Bundle,
    CodeList,
    Constraints,
    DataElement,
    Department,
    DictionaryFile,
    LicenseType,
    MaterialType,
    Service,
    section_of,
)
from onething.catalog.sources import CatalogError, KeyPath, SourceFile

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """A decoded object, the file it came from and its key path inside that file."""

    value: T
    source: SourceFile
    path: KeyPath = ()

    def error(self, code: str, message: str, *more: str | int) -> CatalogError:
        return self.source.error(code, message, *self.path, *more)

    def where(self, *more: str | int) -> str:
        line = self.source.line(*self.path, *more)
        return f"{self.source.display}:{line}"


@dataclass
class Parsed:
    """Everything decoded from the catalog directory, before cross-checking."""

    dictionary: list[Entry[DictionaryFile]] = field(default_factory=list)
    codelists: list[Entry[CodeList]] = field(default_factory=list)
    departments: list[Entry[Department]] = field(default_factory=list)
    license_types: list[Entry[LicenseType]] = field(default_factory=list)
    materials: list[Entry[MaterialType]] = field(default_factory=list)
    services: list[Entry[Service]] = field(default_factory=list)
    bundles: list[Entry[Bundle]] = field(default_factory=list)

    def elements(self) -> Iterator[Entry[DataElement]]:
        for file in self.dictionary:
            for i, element in enumerate(file.value.elements):
                yield Entry(element, file.source, ("elements", i))

    def resolve_codelists(self) -> None:
        """Give each enum element that names a known code list that list's options."""
        lists = {c.value.id: c.value for c in self.codelists}

        def resolve(element: DataElement) -> DataElement:
            if element.codelist in lists and not element.options:
                options = list(lists[element.codelist].options)
                return msgspec.structs.replace(element, options=options)
            return element

        self.dictionary = [
            Entry(
                msgspec.structs.replace(f.value, elements=[resolve(e) for e in f.value.elements]),
                f.source,
                f.path,
            )
            for f in self.dictionary
        ]

    def index(self) -> Index:
        return Index(
            elements={e.value.id: e for e in self.elements()},
            codelists={c.value.id: c for c in self.codelists},
            departments={d.value.id: d for d in self.departments},
            license_types={t.value.id: t for t in self.license_types},
            materials={m.value.id: m for m in self.materials},
            services={s.value.id: s for s in self.services},
        )


@dataclass(frozen=True)
class Index:
    elements: dict[str, Entry[DataElement]]
    codelists: dict[str, Entry[CodeList]]
    departments: dict[str, Entry[Department]]
    license_types: dict[str, Entry[LicenseType]]
    materials: dict[str, Entry[MaterialType]]
    services: dict[str, Entry[Service]]


def check_duplicates(parsed: Parsed) -> list[CatalogError]:
    """Ids must be unique per kind across all files."""
    groups: list[tuple[str, Iterable[tuple[str, Entry[object]]]]] = [
        ("section", ((f.value.section.id, _as_object(f)) for f in parsed.dictionary)),
        ("code list", ((c.value.id, _as_object(c)) for c in parsed.codelists)),
        ("data element", ((e.value.id, _as_object(e)) for e in parsed.elements())),
        ("department", ((d.value.id, _as_object(d)) for d in parsed.departments)),
        ("department code", ((d.value.code, _as_object(d)) for d in parsed.departments)),
        ("license type", ((t.value.id, _as_object(t)) for t in parsed.license_types)),
        ("material", ((m.value.id, _as_object(m)) for m in parsed.materials)),
        ("service", ((s.value.id, _as_object(s)) for s in parsed.services)),
        ("bundle", ((b.value.id, _as_object(b)) for b in parsed.bundles)),
    ]
    errors: list[CatalogError] = []
    for kind, items in groups:
        first: dict[str, Entry[object]] = {}
        for key, entry in items:
            if key in first:
                message = f"duplicate {kind} id `{key}` (first defined at {first[key].where()})"
                errors.append(entry.error("duplicate_id", message))
            else:
                first[key] = entry
    return errors


def _as_object(entry: Entry[T]) -> Entry[object]:
    return Entry(entry.value, entry.source, entry.path)


def duplicates_in(
    entry: Entry[T], values: Iterable[str], list_path: KeyPath, kind: str
) -> list[CatalogError]:
    """Report repeated values inside one list of one object."""
    seen: set[str] = set()
    errors = []
    for i, value in enumerate(values):
        if value in seen:
            errors.append(entry.error("duplicate_id", f"duplicate {kind} `{value}`", *list_path, i))
        seen.add(value)
    return errors


def check_dictionary(parsed: Parsed, index: Index) -> list[CatalogError]:
    errors: list[CatalogError] = []
    for file in parsed.dictionary:
        section = file.value.section.id
        if section == SITUATION_SECTION:
            message = f"section id `{section}` is reserved for the situation answers"
            errors.append(file.error("reserved_id", message, "section", "id"))
        for i, element in enumerate(file.value.elements):
            entry = Entry(element, file.source, ("elements", i))
            if section_of(element.id) != section:
                message = f"element `{element.id}` must start with its file's section `{section}.`"
                errors.append(entry.error("element_section", message, "id"))
            errors += _check_element(entry, index)
    return errors


def _check_element(entry: Entry[DataElement], index: Index) -> list[CatalogError]:
    element = entry.value
    errors: list[CatalogError] = []
    if element.codelist is not None and element.codelist not in index.codelists:
        message = f"unknown code list `{element.codelist}`"
        errors.append(entry.error("unknown_codelist", message, "codelist"))
    elif (element.type == "enum") != bool(element.options):
        # A code list's options were copied in by resolve_codelists, so this covers both.
        message = "an enum element needs `options` or a `codelist`; other types have neither"
        errors.append(entry.error("schema", message, "options"))
    errors += duplicates_in(entry, (o.value for o in element.options), ("options",), "option")
    errors += check_constraints(entry, element, element.constraints, ("constraints",), index)
    for i, source in enumerate(element.prefill):
        license_entry = index.license_types.get(source.license)
        if license_entry is None:
            message = f"unknown license type `{source.license}`"
            errors.append(entry.error("unknown_license_type", message, "prefill", i))
        elif source.field not in license_entry.value.fields:
            message = (
                f"license type `{source.license}` has no field `{source.field}` "
                f"(it has {', '.join(license_entry.value.fields)})"
            )
            errors.append(entry.error("unknown_license_field", message, "prefill", i))
    return errors


def check_constraints(
    entry: Entry[T],
    element: DataElement,
    constraints: Constraints,
    path: KeyPath,
    index: Index,
) -> list[CatalogError]:
    """Constraints must suit the element's type, parse, and leave some value possible."""
    errors: list[CatalogError] = []
    for name in inapplicable(element.type, constraints):
        message = f"constraint `{name}` does not apply to `{element.id}` of type {element.type}"
        errors.append(entry.error("constraint_type", message, *path, name))
    errors += _check_syntax(entry, element, constraints, path)
    errors += _check_references(entry, element, constraints, path, index)
    if not errors:
        try:
            intersect(base_constraints(element), constraints)
        except ConstraintConflict as exc:
            message = f"constraint conflict on `{element.id}`: {exc}"
            errors.append(entry.error("constraint_conflict", message, *path))
        except ValueError:
            pass  # the element's own constraints are malformed; reported at the element
    return errors


def _check_syntax(
    entry: Entry[T], element: DataElement, constraints: Constraints, path: KeyPath
) -> list[CatalogError]:
    errors: list[CatalogError] = []
    if constraints.pattern is not None:
        try:
            re.compile(constraints.pattern)
        except re.error as exc:
            message = f"invalid pattern for `{element.id}`: {exc}"
            errors.append(entry.error("invalid_pattern", message, *path, "pattern"))
    for name in ("min_date", "max_date"):
        text = getattr(constraints, name)
        if text is not None:
            try:
                parse_date_expression(text)
            except ValueError:
                message = f"`{text}` is not a valid date expression"
                errors.append(entry.error("schema", message, *path, name))
    return errors


def _check_references(
    entry: Entry[T], element: DataElement, constraints: Constraints, path: KeyPath, index: Index
) -> list[CatalogError]:
    errors: list[CatalogError] = []
    for i, other in enumerate(constraints.after):
        target = index.elements.get(other)
        if target is None:
            message = f"unknown element `{other}`"
            errors.append(entry.error("unknown_element", message, *path, "after", i))
        elif target.value.type not in DATED:
            message = (
                f"`after` needs a date, datetime or ID number; `{other}` is {target.value.type}"
            )
            errors.append(entry.error("constraint_type", message, *path, "after", i))
    if element.type == "enum" and constraints.enum is not None:
        known = {o.value for o in element.options}
        for i, value in enumerate(constraints.enum):
            if value not in known:
                message = f"`{value}` is not an option of `{element.id}`"
                errors.append(entry.error("constraint_conflict", message, *path, "enum", i))
    return errors


def element_base(element: DataElement) -> Effective | None:
    """The element's own constraints, or None when they conflict (reported elsewhere)."""
    try:
        return base_constraints(element)
    except (ConstraintConflict, ValueError):
        return None


def check_departments(parsed: Parsed) -> list[CatalogError]:
    errors: list[CatalogError] = []
    for entry in parsed.departments:
        code = entry.value.code
        try:
            codes.parse_credit_code(code)
        except codes.CodeError as exc:
            message = f"invalid department code `{code}`: {exc.message_en}"
            errors.append(entry.error("invalid_department_code", message, "code"))
            continue
        if code[0] != "1":
            message = (
                f"invalid department code `{code}`: government bodies are registered by "
                "机构编制 authorities, so their codes start with 1"
            )
            errors.append(entry.error("invalid_department_code", message, "code"))
        elif not codes.is_valid_region_code(code[2:8]):
            message = (
                f"invalid department code `{code}`: `{code[2:8]}` is not a current region code"
            )
            errors.append(entry.error("invalid_department_code", message, "code"))
    return errors


def check_licenses_and_materials(parsed: Parsed, index: Index) -> list[CatalogError]:
    errors: list[CatalogError] = []
    for license_entry in parsed.license_types:
        errors += duplicates_in(license_entry, license_entry.value.fields, ("fields",), "field")
        type_code = license_entry.value.type_code
        if not codes.is_valid_credit_code(type_code[:18]):
            message = f"invalid license type code `{type_code}`: not a valid credit code + 3 digits"
            errors.append(license_entry.error("invalid_type_code", message, "type_code"))
    for entry in parsed.materials:
        for i, license_id in enumerate(entry.value.replaced_by):
            if license_id not in index.license_types:
                message = f"unknown license type `{license_id}`"
                errors.append(entry.error("unknown_license_type", message, "replaced_by", i))
        for i, element_id in enumerate(entry.value.holders):
            if element_id not in index.elements:
                message = f"unknown element `{element_id}`"
                errors.append(entry.error("unknown_element", message, "holders", i))
    return errors


def check_services(parsed: Parsed, index: Index) -> list[CatalogError]:
    errors: list[CatalogError] = []
    for entry in parsed.services:
        service = entry.value
        if service.department not in index.departments:
            message = f"unknown department `{service.department}`"
            errors.append(entry.error("unknown_department", message, "department"))
        form_ids = [f.element for f in service.form]
        errors += duplicates_in(entry, form_ids, ("form",), "form element")
        for i, form_field in enumerate(service.form):
            element = index.elements.get(form_field.element)
            if element is None:
                message = f"unknown element `{form_field.element}`"
                errors.append(entry.error("unknown_element", message, "form", i, "element"))
                continue
            errors += check_constraints(
                entry, element.value, form_field.constraints, ("form", i, "constraints"), index
            )
        errors += duplicates_in(
            entry, (m.material for m in service.materials), ("materials",), "material"
        )
        for i, ref in enumerate(service.materials):
            if ref.material not in index.materials:
                message = f"unknown material `{ref.material}`"
                errors.append(entry.error("unknown_material", message, "materials", i))
        produced = service.produces
        for i, element_id in enumerate(produced.elements):
            if element_id not in index.elements:
                message = f"unknown element `{element_id}`"
                errors.append(entry.error("unknown_element", message, "produces", "elements", i))
            elif element_id in form_ids:
                message = f"`{element_id}` is both asked by this service's form and produced by it"
                errors.append(
                    entry.error("produced_element_asked", message, "produces", "elements", i)
                )
        if produced.license is not None and produced.license not in index.license_types:
            message = f"unknown license type `{produced.license}`"
            errors.append(entry.error("unknown_license_type", message, "produces", "license"))
    return errors
