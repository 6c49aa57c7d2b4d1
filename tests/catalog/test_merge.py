"""Specification of the merge engine: one form for a whole bundle."""

from __future__ import annotations

from typing import Any

import jsonschema
import msgspec
import pytest
from catalog_strategies import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from onething.catalog.assemble import with_changes
from onething.catalog.constraints import base_constraints, intersect
from onething.catalog.loader import REPO_CATALOG, load_catalog
from onething.catalog.merge import MergeError, clear_cache, merge, service_order
from onething.catalog.model import Bundle, BundleService, Catalog, LocalText

CATALOG = load_catalog(REPO_CATALOG)
NEWBORN = "newborn-birth"


def _without_identity(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema minus what names the catalog version, which differs between variants."""
    return {k: v for k, v in schema.items() if k not in ("$id", "x-catalog-version")}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_merge_does_not_depend_on_the_order_of_services(data: st.DataObject) -> None:
    bundle = CATALOG.bundles[data.draw(st.sampled_from(sorted(CATALOG.bundles)))]
    shuffled = data.draw(st.permutations(bundle.services))
    variant = with_changes(
        CATALOG,
        bundles={**CATALOG.bundles, bundle.id: msgspec.structs.replace(bundle, services=shuffled)},
    )
    optional = [m.service for m in bundle.services if m.optional]
    answers = {
        s.id: data.draw(st.sampled_from([o.value for o in s.options])) for s in bundle.situations
    }
    original = merge(CATALOG, bundle.id, answers, optional)
    reordered = merge(variant, bundle.id, answers, optional)
    assert _without_identity(reordered.schema) == _without_identity(original.schema)
    assert list(reordered.fields) == list(original.fields)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(CATALOG.services)))
def test_merging_one_service_gives_exactly_that_services_form(service_id: str) -> None:
    service = CATALOG.services[service_id]
    solo = Bundle(
        id="solo",
        name=LocalText(zh="单项", en="Solo"),
        time_limit_days=service.time_limit_days,
        services=[BundleService(service=service_id)],
    )
    form = merge(with_changes(CATALOG, bundles={"solo": solo}), "solo")
    assert set(form.fields) == {f.element for f in service.form}
    for form_field in service.form:
        merged = form.fields[form_field.element]
        element = CATALOG.elements[form_field.element]
        assert merged.required == form_field.required
        assert merged.constraints == intersect(base_constraints(element), form_field.constraints)
        assert merged.services == (service_id,)
    assert form.services == (service_id,)


def test_elements_produced_upstream_are_never_asked(catalog: Catalog) -> None:
    form = merge(catalog, NEWBORN)
    assert "child.id_number" not in form.fields
    assert form.produced == ("child.id_number",)
    assert form.schema["x-produced"] == ["child.id_number"]
    assert "id_number" not in form.schema["properties"]["child"]["properties"]


def test_a_license_produced_upstream_is_attached_instead_of_asked(catalog: Catalog) -> None:
    materials = {m.material: m for m in merge(catalog, NEWBORN).materials}
    certificate = materials["birth-medical-certificate"]
    assert certificate.attached_from == {"hukou-birth-registration": "birth-medical-certificate"}
    assert not certificate.asked
    # The existing hukou booklet is the family's to show; the updated one is attached onward.
    booklet = materials["household-register"]
    assert booklet.asked
    assert booklet.attached_from == {"medical-insurance-enrolment": "hukou-birth-registration"}


def test_without_the_producer_the_material_is_asked_again(catalog: Catalog) -> None:
    form = merge(catalog, NEWBORN, {"born_in_province": "no"})
    assert "birth-medical-certificate" not in form.services
    certificate = next(m for m in form.materials if m.material == "birth-medical-certificate")
    assert certificate.asked
    assert certificate.required
    # Facts only the certificate service asked for are gone with it.
    assert "child.health_status" not in form.fields


def test_required_is_the_or_of_the_services(catalog: Catalog) -> None:
    form = merge(catalog, NEWBORN)
    father_name = form.fields["father.name"]
    assert father_name.required
    assert "vaccination-record" in father_name.services
    assert "vaccination-record" not in father_name.required_by


def test_constraints_are_intersected_across_services(catalog: Catalog) -> None:
    birth_time = merge(catalog, NEWBORN, {}, ["childcare-subsidy"]).fields["child.birth_time"]
    # The birth certificate allows one year back, the subsidy three: one year wins.
    assert birth_time.constraints.min_dates == ("today-1y",)
    assert birth_time.constraints.max_dates == ("today",)
    assert birth_time.constraints.after == ("mother.id_number", "father.id_number")


def test_a_service_level_enum_narrows_the_element(catalog: Catalog) -> None:
    relationship = merge(catalog, "after-a-death").fields["applicant.relationship"]
    assert relationship.constraints.enum is not None
    assert "self" not in relationship.constraints.enum


def test_gating_answers_and_optional_services_choose_the_services(catalog: Catalog) -> None:
    everything = merge(catalog, NEWBORN, {}, ["childcare-subsidy"])
    assert len(everything.services) == 9
    fewer = merge(catalog, NEWBORN, {"mother_employee_insured": "no"})
    assert "maternity-benefits" not in fewer.services
    assert "childcare-subsidy" not in fewer.services
    assert "benefit.card_number" not in fewer.fields


def test_services_come_in_dependency_order_with_ties_by_id(catalog: Catalog) -> None:
    order = service_order(catalog.bundles[NEWBORN])
    assert order.index("birth-medical-certificate") < order.index("hukou-birth-registration")
    assert order.index("hukou-birth-registration") < order.index("social-security-card")
    assert order.index("medical-insurance-enrolment") < order.index("medical-insurance-premium")
    # Among services ready at the same time, the smaller id goes first.
    assert order == [
        "birth-medical-certificate",
        "birth-registration",
        "hukou-birth-registration",
        "childcare-subsidy",
        "maternity-benefits",
        "medical-insurance-enrolment",
        "medical-insurance-premium",
        "social-security-card",
        "vaccination-record",
    ]


def test_fields_are_grouped_into_ordered_sections(catalog: Catalog) -> None:
    schema = merge(catalog, NEWBORN).schema
    sections = list(schema["properties"])
    assert sections[0] == "situation"
    assert sections[1:4] == ["child", "mother", "father"]
    assert schema["x-sections"] == sections
    child = schema["properties"]["child"]
    assert child["title"] == "子女信息"
    assert child["x-label"] == {"zh-CN": "子女信息", "en": "The child"}
    orders = [
        p["x-order"] for s in sections[1:] for p in schema["properties"][s]["properties"].values()
    ]
    assert orders == sorted(orders)


def test_each_field_carries_its_annotations(catalog: Catalog) -> None:
    field = merge(catalog, NEWBORN).schema["properties"]["mother"]["properties"]["id_number"]
    assert field["x-element"] == "mother.id_number"
    assert field["x-widget"] == "idcard"
    assert field["x-label"] == {"zh-CN": "母亲公民身份号码", "en": "Mother's citizen ID number"}
    assert field["x-prefill"][0]["license"] == "resident-id-card"
    assert field["x-sex"] == "female"
    assert field["x-personal-data"] == "sensitive"
    assert "hukou-birth-registration" in field["x-services"]
    basis = {b["service"]: b for b in field["x-legal-basis"]}
    assert "户口登记条例" in basis["hukou-birth-registration"]["zh-CN"]


def test_in_form_situations_become_if_then(catalog: Catalog) -> None:
    schema = merge(catalog, NEWBORN).schema
    marriage_clause = next(
        c
        for c in schema["allOf"]
        if c["if"]["properties"]["situation"]["properties"].get("parents_married")
        == {"const": "no"}
    )
    assert marriage_clause["then"]["properties"]["marriage"]["properties"] == {
        "registration_date": False,
        "certificate_number": False,
    }
    assert "registration_date" not in schema["properties"]["marriage"].get("required", [])
    situation = schema["properties"]["situation"]["properties"]
    assert situation["parents_married"]["x-gating"] is False
    assert situation["born_in_province"]["const"] == "yes"


@pytest.mark.parametrize("bundle_id", sorted(CATALOG.bundles))
def test_every_merged_form_is_a_valid_json_schema_2020_12(bundle_id: str) -> None:
    schema = merge(CATALOG, bundle_id).schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_a_situation_can_set_an_age_limit_through_if_then(catalog: Catalog) -> None:
    schema = merge(catalog, "school-enrolment").schema
    junior = next(
        c
        for c in schema["allOf"]
        if c["if"]["properties"]["situation"]["properties"].get("stage") == {"const": "junior"}
    )
    parts = junior["then"]["allOf"]
    assert {"properties": {"school": {"required": ["previous"]}}, "required": ["school"]} in parts
    limits = next(p for p in parts if "child" in p["properties"])
    assert limits["properties"]["child"]["properties"]["id_number"]["x-max-date"] == ["today-10y"]


def test_unknown_inputs_are_merge_errors(catalog: Catalog) -> None:
    cases = [
        (("no-such-bundle", {}, ()), "bundle.unknown"),
        ((NEWBORN, {"no_such_question": "yes"}, ()), "situation.unknown"),
        ((NEWBORN, {"born_in_province": "maybe"}, ()), "situation.answer"),
        ((NEWBORN, {}, ("vaccination-record",)), "optional_service.unknown"),
    ]
    for (bundle_id, answers, optional), code in cases:
        with pytest.raises(MergeError) as raised:
            merge(catalog, bundle_id, answers, optional)
        assert raised.value.code == code
        assert raised.value.message_zh
        assert raised.value.message_en


def test_merge_is_cached_per_version_and_gating_answers(catalog: Catalog) -> None:
    first = merge(catalog, NEWBORN, {"born_in_province": "yes"})
    assert merge(catalog, NEWBORN) is first
    # In-form answers live inside the form as if/then, so they share the cached form.
    assert merge(catalog, NEWBORN, {"parents_married": "no"}) is first
    assert merge(catalog, NEWBORN, {"born_in_province": "no"}) is not first


def test_merge_output_is_deterministic(catalog: Catalog) -> None:
    before = merge(catalog, NEWBORN, {}, ["childcare-subsidy"]).schema_json
    clear_cache()
    assert merge(catalog, NEWBORN, {}, ["childcare-subsidy"]).schema_json == before
    assert msgspec.json.decode(before) == merge(catalog, NEWBORN, {}, ["childcare-subsidy"]).schema


@settings(max_examples=40, deadline=None)
@given(forms(CATALOG))
def test_the_schema_lists_exactly_the_merged_fields(form: Any) -> None:
    properties = form.schema["properties"]
    listed = {
        f"{section}.{name}"
        for section, body in properties.items()
        if section != "situation"
        for name in body["properties"]
    }
    assert listed == set(form.fields)
    assert not listed & set(form.produced)
