"""Assembling a Catalog from decoded content, with its content-derived version."""

from __future__ import annotations

import hashlib

import msgspec

from onething.catalog.model import (
    Bundle,
    Catalog,
    DataElement,
    Department,
    DictionaryFile,
    LicenseType,
    MaterialType,
    Section,
    Service,
)


def assemble_catalog(
    *,
    dictionary: list[DictionaryFile],
    departments: list[Department],
    license_types: list[LicenseType],
    materials: list[MaterialType],
    services: list[Service],
    bundles: list[Bundle],
) -> Catalog:
    """Index the decoded content; element order follows section order, then file order."""
    files = sorted(dictionary, key=lambda f: (f.section.order, f.section.id))
    elements = {e.id: e for f in files for e in f.elements}
    return rebuild_catalog(
        sections={f.section.id: f.section for f in files},
        elements=elements,
        departments={d.id: d for d in departments},
        license_types={t.id: t for t in license_types},
        materials={m.id: m for m in materials},
        services={s.id: s for s in services},
        bundles={b.id: b for b in bundles},
    )


def rebuild_catalog(
    *,
    sections: dict[str, Section],
    elements: dict[str, DataElement],
    departments: dict[str, Department],
    license_types: dict[str, LicenseType],
    materials: dict[str, MaterialType],
    services: dict[str, Service],
    bundles: dict[str, Bundle],
) -> Catalog:
    """A Catalog whose version is the SHA-256 of its canonical content.

    Hashing decoded content rather than file bytes means comments and formatting do not change
    the version, and a catalog varied in a test gets a version (and merge cache entries) of its
    own. Elements keep their order, which is part of the content (it orders the form).
    """
    content = (
        list(sections.values()),
        list(elements.values()),
        *(
            sorted(table.values(), key=lambda item: item.id)
            for table in (departments, license_types, materials, services, bundles)
        ),
    )
    return Catalog(
        version=hashlib.sha256(msgspec.json.encode(content, order="sorted")).hexdigest(),
        sections=sections,
        elements=elements,
        departments=departments,
        license_types=license_types,
        materials=materials,
        services=services,
        bundles=bundles,
        element_order={element_id: i for i, element_id in enumerate(elements)},
    )


def with_changes(
    catalog: Catalog,
    *,
    services: dict[str, Service] | None = None,
    bundles: dict[str, Bundle] | None = None,
) -> Catalog:
    """The catalog with some services or bundles replaced, under a new version."""
    return rebuild_catalog(
        sections=catalog.sections,
        elements=catalog.elements,
        departments=catalog.departments,
        license_types=catalog.license_types,
        materials=catalog.materials,
        services=services if services is not None else catalog.services,
        bundles=bundles if bundles is not None else catalog.bundles,
    )
