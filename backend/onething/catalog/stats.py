"""How much a bundle saves the resident: fields asked once instead of once per department."""

from __future__ import annotations

import msgspec

from onething.catalog.form import MergedForm
from onething.catalog.merge import merge
from onething.catalog.model import Catalog


class BundleStats(msgspec.Struct, frozen=True, kw_only=True):
    """What one merged form saves: fields asked service by service versus once."""

    services: int
    departments: int
    individual_fields: int
    merged_fields: int
    produced_fields: int
    prefillable_fields: int
    situations: int
    ratio: float


def form_stats(catalog: Catalog, form: MergedForm) -> BundleStats:
    """``individual_fields`` sums the forms of the services that this merged form covers."""
    services = [catalog.services[s] for s in form.services]
    individual = sum(len(s.form) for s in services)
    merged = len(form.fields)
    return BundleStats(
        services=len(services),
        departments=len({s.department for s in services}),
        individual_fields=individual,
        merged_fields=merged,
        produced_fields=len(form.produced),
        prefillable_fields=sum(1 for e in form.fields if catalog.elements[e].prefill),
        situations=len(catalog.bundles[form.bundle].situations),
        ratio=round(merged / individual, 3) if individual else 0.0,
    )


def bundle_stats(catalog: Catalog, bundle_id: str) -> BundleStats:
    """Figures for the bundle's default situation answers with every optional service chosen."""
    bundle = catalog.bundles[bundle_id]
    optional = [m.service for m in bundle.services if m.optional]
    return form_stats(catalog, merge(catalog, bundle_id, {}, optional))


def catalog_stats(catalog: Catalog) -> dict[str, BundleStats]:
    return {bundle_id: bundle_stats(catalog, bundle_id) for bundle_id in sorted(catalog.bundles)}
