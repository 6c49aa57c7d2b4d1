"""Specification of projection: each department sees its own fields and nothing else."""

from __future__ import annotations

import pytest
from catalog_strategies import forms, in_form_effects, valid_answers
from hypothesis import given, settings
from hypothesis import strategies as st

from newborn_samples import newborn_answers
from onething.catalog.loader import REPO_CATALOG, load_catalog
from onething.catalog.merge import MergeError, merge
from onething.catalog.model import Catalog
from onething.catalog.project import project

CATALOG = load_catalog(REPO_CATALOG)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_projecting_valid_answers_gives_each_service_all_and_only_its_fields(
    data: st.DataObject,
) -> None:
    form = data.draw(forms(CATALOG))
    answers = data.draw(valid_answers(form, every_field=True))
    chosen = {c.situation: answers["situation"][c.situation] for c in form.conditions}
    excluded = in_form_effects(form, chosen)[1]
    for service_id in form.services:
        view = project(form, answers, service_id)
        # Expected from the service's own form, not from the merge engine's bookkeeping.
        expected = {f.element for f in CATALOG.services[service_id].form} - set(form.produced)
        expected -= excluded
        expected &= set(form.fields)  # minus what a gating answer removed from the form
        got = {f"{s}.{n}" for s, body in view.items() if s != "situation" for n in body}
        assert got == expected
        for element_id in got:
            section, name = element_id.split(".")
            assert view[section][name] == answers[section][name]
        assert set(view.get("situation", {})) == {
            s for s, services in form.situation_services.items() if service_id in services
        }


def test_the_tax_office_sees_only_what_the_premium_needs(catalog: Catalog) -> None:
    form = merge(catalog, "newborn-birth", {}, ["childcare-subsidy"])
    view = project(form, newborn_answers(), "medical-insurance-premium")
    # child.id_number is produced by the hukou registration and handed on, not answered.
    assert view == {
        "child": {"name": "李沐阳"},
        "mother": {"name": "王芳", "phone": "13812345678"},
        "insurance": {"premium_year": 2025},
    }


def test_situation_answers_go_only_to_the_services_they_concern(catalog: Catalog) -> None:
    form = merge(catalog, "newborn-birth", {}, ["childcare-subsidy"])
    answers = newborn_answers()
    assert project(form, answers, "birth-registration")["situation"] == {
        "parents_married": "yes",
        "father_listed": "yes",
    }
    assert project(form, answers, "maternity-benefits")["situation"] == {
        "mother_employee_insured": "yes"
    }
    assert "situation" not in project(form, answers, "medical-insurance-premium")


def test_projecting_for_a_service_outside_the_form_is_an_error(catalog: Catalog) -> None:
    form = merge(catalog, "newborn-birth")
    with pytest.raises(MergeError) as raised:
        project(form, newborn_answers(), "childcare-subsidy")
    assert raised.value.code == "service.not_in_form"
