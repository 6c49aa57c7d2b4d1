"""Specification of the bundle statistics: what merging saves the resident."""

from __future__ import annotations

import pytest

from onething.catalog.model import Catalog
from onething.catalog.stats import bundle_stats, catalog_stats

PERSONAL_BUNDLES = [
    "after-a-death",
    "disability-services",
    "newborn-birth",
    "retirement",
    "school-enrolment",
]


def test_newborn_birth_asks_at_most_forty_percent_of_the_separate_forms(catalog: Catalog) -> None:
    stats = bundle_stats(catalog, "newborn-birth")
    assert stats.services == 9
    assert stats.departments >= 6
    assert stats.ratio <= 0.40
    assert stats.ratio == round(stats.merged_fields / stats.individual_fields, 3)
    assert stats.produced_fields == 1  # the child's ID number
    assert 0 < stats.prefillable_fields < stats.merged_fields


@pytest.mark.parametrize("bundle_id", PERSONAL_BUNDLES)
def test_every_personal_bundle_spans_three_services_and_three_departments(
    catalog: Catalog, bundle_id: str
) -> None:
    stats = bundle_stats(catalog, bundle_id)
    assert stats.services >= 3
    assert stats.departments >= 3
    assert stats.merged_fields < stats.individual_fields


def test_individual_fields_sum_the_forms_of_the_covered_services(catalog: Catalog) -> None:
    stats = bundle_stats(catalog, "newborn-birth")
    bundle = catalog.bundles["newborn-birth"]
    assert stats.individual_fields == sum(
        len(catalog.services[m.service].form) for m in bundle.services
    )


def test_catalog_stats_cover_every_bundle_in_order(catalog: Catalog) -> None:
    assert list(catalog_stats(catalog)) == sorted(catalog.bundles)
