"""Task order: which tasks wait for which (looking through excluded services), what becomes
ready when upstream output exists, and the planned deadlines along the critical path."""

from __future__ import annotations

import datetime as dt

import pytest

from onething.applications.calendar import load_calendar
from onething.applications.dag import downstream_of, planned_deadlines, ready, upstream_of
from onething.catalog.loader import REPO_CATALOG, load_catalog
from onething.catalog.merge import merge
from onething.catalog.model import Bundle, BundleService, Catalog, LocalText
from onething.core.settings import REPO_ROOT


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(REPO_CATALOG)


def _bundle(**after: list[str]) -> Bundle:
    return Bundle(
        id="demo",
        name=LocalText(zh="示例", en="Demo"),
        time_limit_days=5,
        services=[BundleService(service=s, after=deps) for s, deps in after.items()],
    )


def test_newborn_tasks_wait_as_the_bundle_says(catalog: Catalog) -> None:
    form = merge(catalog, "newborn-birth", {}, ["childcare-subsidy"])
    upstream = upstream_of(catalog.bundles["newborn-birth"], form.services)
    assert upstream["birth-medical-certificate"] == ()
    assert upstream["hukou-birth-registration"] == ("birth-medical-certificate",)
    assert upstream["medical-insurance-enrolment"] == ("hukou-birth-registration",)
    assert upstream["medical-insurance-premium"] == ("medical-insurance-enrolment",)
    assert upstream["social-security-card"] == ("hukou-birth-registration",)
    assert upstream["childcare-subsidy"] == ("hukou-birth-registration",)
    assert set(upstream) == set(form.services)


def test_a_dependency_excluded_by_a_situation_is_not_awaited(catalog: Catalog) -> None:
    form = merge(catalog, "newborn-birth", {"born_in_province": "no"})
    upstream = upstream_of(catalog.bundles["newborn-birth"], form.services)
    assert "birth-medical-certificate" not in upstream
    assert upstream["hukou-birth-registration"] == ()


def test_an_excluded_middle_service_is_looked_through() -> None:
    bundle = _bundle(a=[], b=["a"], c=["b"], d=["c", "a"])
    assert upstream_of(bundle, ["a", "c", "d"]) == {"a": (), "c": ("a",), "d": ("a", "c")}
    assert upstream_of(bundle, ["c", "d"]) == {"c": (), "d": ("c",)}


def test_downstream_is_transitive() -> None:
    upstream = {"a": (), "b": ("a",), "c": ("b",), "d": ()}
    assert downstream_of(upstream, "a") == {"b", "c"}
    assert downstream_of(upstream, "d") == set()


def test_a_task_is_ready_when_all_its_upstreams_produced() -> None:
    upstream = {"a": (), "b": (), "c": ("a", "b")}
    assert ready(upstream, {"a"}, {"c"}) == set()
    assert ready(upstream, {"a", "b"}, {"c"}) == {"c"}


def test_planned_deadlines_follow_the_critical_path() -> None:
    calendar = load_calendar(REPO_ROOT / "catalog" / "holidays")
    upstream = {"a": (), "b": ("a",), "c": ("a",), "d": ("b", "c")}
    limits = {"a": 1, "b": 3, "c": 1, "d": 2}
    # Wednesday 18 June 2025: a ends Thu 19; b Tue 24; c Fri 20; d after b: Thu 26.
    plans = planned_deadlines(upstream, limits, dt.date(2025, 6, 18), calendar)
    assert {s: p.date.isoformat() for s, p in plans.items()} == {
        "a": "2025-06-19",
        "b": "2025-06-24",
        "c": "2025-06-20",
        "d": "2025-06-26",
    }
    assert not any(p.provisional for p in plans.values())
