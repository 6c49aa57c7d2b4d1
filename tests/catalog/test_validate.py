"""Specification of server-side validation of a resident's answers."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import jsonschema
import pytest
from catalog_strategies import corruptions, forms, in_form_effects, valid_answers
from hypothesis import given, settings
from hypothesis import strategies as st

from newborn_samples import FATHER_ID, MOTHER_ID, TODAY, newborn_answers
from onething.catalog.codes import credit_code_check_char, id_number_check_char, make_id_number
from onething.catalog.form import MergedForm
from onething.catalog.loader import REPO_CATALOG, load_catalog
from onething.catalog.merge import merge
from onething.catalog.model import Catalog
from onething.catalog.validate import FieldError, validate_answers

CATALOG = load_catalog(REPO_CATALOG)


@pytest.fixture
def newborn(catalog: Catalog) -> MergedForm:
    return merge(catalog, "newborn-birth", {}, ["childcare-subsidy"])


def _errors(form: MergedForm, answers: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in validate_answers(form, answers, today=TODAY)]


def _with(answers: dict[str, Any], section: str, name: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(answers)
    changed.setdefault(section, {})[name] = value
    return changed


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_every_generated_valid_answer_set_validates(data: st.DataObject) -> None:
    form = data.draw(forms(CATALOG))
    answers = data.draw(valid_answers(form))
    assert validate_answers(form, answers, today=TODAY) == []
    # A generic JSON Schema validator agrees: the schema is the contract, not just our code.
    assert list(jsonschema.Draft202012Validator(form.schema).iter_errors(answers)) == []


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_each_single_field_corruption_is_caught(data: st.DataObject) -> None:
    form = data.draw(forms(CATALOG))
    answers = data.draw(valid_answers(form))
    present = [(s, n) for s, body in answers.items() if s != "situation" for n in body]
    section, name = data.draw(st.sampled_from(present))
    field = form.fields[f"{section}.{name}"]
    chosen = {c.situation: answers["situation"][c.situation] for c in form.conditions}
    limits = in_form_effects(form, chosen)[2].get(field.element, field.constraints)
    bad = data.draw(st.sampled_from(corruptions(field, limits, answers[section][name])))
    errors = validate_answers(form, _with(answers, section, name, bad), today=TODAY)
    assert field.element in {e.field for e in errors}


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_each_missing_required_field_is_caught(data: st.DataObject) -> None:
    form = data.draw(forms(CATALOG))
    answers = data.draw(valid_answers(form))
    chosen = {c.situation: answers["situation"][c.situation] for c in form.conditions}
    required = sorted(in_form_effects(form, chosen)[0])
    element_id = data.draw(st.sampled_from(required))
    section, name = element_id.split(".")
    del answers[section][name]
    assert (element_id, "required") in [
        (e.field, e.code) for e in validate_answers(form, answers, today=TODAY)
    ]


def test_the_sample_birth_is_valid(newborn: MergedForm) -> None:
    assert _errors(newborn, newborn_answers()) == []


def test_an_id_number_with_a_wrong_check_character_is_rejected(newborn: MergedForm) -> None:
    wrong = MOTHER_ID[:-1] + ("0" if MOTHER_ID[-1] != "0" else "1")
    (error,) = validate_answers(
        newborn, _with(newborn_answers(), "mother", "id_number", wrong), today=TODAY
    )
    assert error == FieldError(
        field="mother.id_number",
        code="id_number.check_char",
        message_zh="母亲公民身份号码：身份证号码校验位不正确，请核对号码",
        message_en="Mother's citizen ID number: The ID number's check character is wrong; "
        "please check the number",
    )


def test_an_id_number_with_an_impossible_birth_date_or_area_is_rejected(
    newborn: MergedForm,
) -> None:
    feb30 = "50010519930230124"
    feb30 += id_number_check_char(feb30)
    no_area = make_id_number("990101", dt.date(1993, 2, 28), 124)
    assert _errors(newborn, _with(newborn_answers(), "mother", "id_number", feb30)) == [
        ("mother.id_number", "id_number.birth_date")
    ]
    assert _errors(newborn, _with(newborn_answers(), "mother", "id_number", no_area)) == [
        ("mother.id_number", "id_number.area_code")
    ]


def test_the_mothers_id_number_must_encode_a_woman(newborn: MergedForm) -> None:
    errors = validate_answers(
        newborn, _with(newborn_answers(), "mother", "id_number", FATHER_ID), today=TODAY
    )
    assert [(e.field, e.code) for e in errors] == [("mother.id_number", "id_number.sex")]
    assert errors[0].message_zh == "母亲公民身份号码不是女性的号码"


def test_the_child_cannot_be_born_before_a_parent(newborn: MergedForm) -> None:
    young_mother = make_id_number("500105", dt.date(2025, 5, 1), 124)
    answers = _with(newborn_answers(), "mother", "id_number", young_mother)
    answers["child"]["birth_time"] = "2025-04-20T10:00:00+08:00"
    errors = validate_answers(newborn, answers, today=TODAY)
    assert [(e.field, e.code) for e in errors] == [("child.birth_time", "date.after")]
    assert errors[0].message_zh == "出生时间不能早于母亲公民身份号码"


def test_no_birth_in_the_future(newborn: MergedForm) -> None:
    answers = _with(newborn_answers(), "child", "birth_time", "2025-06-19T00:30:00+08:00")
    assert _errors(newborn, answers) == [("child.birth_time", "date.max")]
    # Judged on the Chinese calendar: 23:30 UTC on the 17th is already the 18th in Chongqing.
    late = _with(newborn_answers(), "child", "birth_time", "2025-06-17T23:30:00Z")
    assert _errors(newborn, late) == []


@pytest.mark.parametrize(
    ("section", "name", "value", "code"),
    [
        ("child", "birth_place", "999999", "region_code"),
        ("child", "birth_place", "500000", "region_code.level"),
        ("mother", "phone", "12812345678", "phone"),
        ("mother", "phone", "+8613812345678", "phone"),
        ("benefit", "card_number", "6222021234567890127", "bank_card"),
        ("mother", "name", "Wang Fang", "cjk_name"),
        ("child", "sex", "boy", "enum"),
        ("child", "birth_weight", 7001, "number.max"),
        ("child", "birth_weight", True, "integer"),
        ("child", "birth_time", "2025-06-02T08:30:00", "datetime.format"),
        ("marriage", "registration_date", "2021-10-1", "date.format"),
        ("marriage", "certificate_number", "J500105-2021-00432", "text.pattern"),
        ("maternity", "medical_expenses", "1200.456", "money.format"),
        ("residence", "address", "建新北路\x001号", "text.control"),
        ("child", "photo", "../../etc/passwd x", "file.reference"),
        ("vaccination", "clinic", 42, "type"),
    ],
)
def test_field_formats_are_checked(
    newborn: MergedForm, section: str, name: str, value: Any, code: str
) -> None:
    errors = validate_answers(newborn, _with(newborn_answers(), section, name, value), today=TODAY)
    assert [(e.field, e.code) for e in errors] == [(f"{section}.{name}", code)]
    assert errors[0].message_zh
    assert errors[0].message_en


def test_a_minority_name_with_a_middle_dot_is_accepted(newborn: MergedForm) -> None:
    assert _errors(newborn, _with(newborn_answers(), "mother", "name", "阿依古丽·买买提")) == []


def test_limits_and_units_appear_in_the_message(newborn: MergedForm) -> None:
    (error,) = validate_answers(
        newborn, _with(newborn_answers(), "child", "birth_weight", 200), today=TODAY
    )
    assert error.message_zh == "出生体重不能小于300克"
    assert error.message_en == "Birth weight must be at least 300 g"


def test_missing_required_fields_are_reported(newborn: MergedForm) -> None:
    answers = newborn_answers()
    del answers["mother"]["phone"]
    answers["child"]["name"] = ""
    assert _errors(newborn, answers) == [("child.name", "required"), ("mother.phone", "required")]


def test_nothing_outside_the_form_is_accepted(newborn: MergedForm) -> None:
    answers = newborn_answers()
    answers["pets"] = {"name": "旺财"}
    answers["mother"]["blood_type"] = "A"
    answers["situation"]["weather"] = "sunny"
    assert sorted(_errors(newborn, answers)) == [
        ("mother.blood_type", "unknown_field"),
        ("pets", "unknown_field"),
        ("situation.weather", "unknown_field"),
    ]


def test_an_in_form_situation_excludes_and_requires_fields(newborn: MergedForm) -> None:
    unmarried = _with(newborn_answers(), "situation", "parents_married", "no")
    assert _errors(newborn, unmarried) == [
        ("marriage.registration_date", "excluded"),
        ("marriage.certificate_number", "excluded"),
    ]
    del unmarried["marriage"]
    assert _errors(newborn, unmarried) == []
    married_without_certificate = newborn_answers()
    del married_without_certificate["marriage"]
    assert _errors(newborn, married_without_certificate) == [
        ("marriage.registration_date", "required"),
        ("marriage.certificate_number", "required"),
    ]


def test_situation_answers_must_match_the_form(newborn: MergedForm) -> None:
    changed = _with(newborn_answers(), "situation", "born_in_province", "no")
    invalid = _with(newborn_answers(), "situation", "parents_married", "perhaps")
    missing = newborn_answers()
    del missing["situation"]["father_listed"]
    assert _errors(newborn, changed) == [("situation.born_in_province", "situation.changed")]
    assert _errors(newborn, invalid) == [("situation.parents_married", "situation.answer")]
    assert _errors(newborn, missing) == [("situation.father_listed", "required")]


def test_gating_answers_need_not_be_repeated_in_the_answers(newborn: MergedForm) -> None:
    answers = newborn_answers()
    del answers["situation"]["born_in_province"]
    del answers["situation"]["mother_employee_insured"]
    assert _errors(newborn, answers) == []


def test_situations_can_set_age_limits(catalog: Catalog) -> None:
    form = merge(catalog, "retirement", {"has_housing_fund": "no"}, ["elderly-preferential-card"])
    applicant = {
        "name": "陈建国",
        "id_number": make_id_number("500105", dt.date(1968, 3, 1), 135),
        "phone": "13512345678",
    }
    answers: dict[str, Any] = {
        "situation": {"retirement_type": "normal", "has_housing_fund": "no"},
        "applicant": applicant,
    }
    codes = dict(_errors(form, answers))
    # 57 years old: old enough to retire, too young for the senior citizen's card (60).
    assert codes["applicant.id_number"] == "id_number.born_after"
    young = merge(catalog, "retirement", {"has_housing_fund": "no"})
    applicant["id_number"] = make_id_number("500105", dt.date(1980, 3, 1), 135)
    assert dict(_errors(young, answers))["applicant.id_number"] == "id_number.born_after"
    answers["situation"]["retirement_type"] = "special-job"
    applicant["id_number"] = make_id_number("500105", dt.date(1978, 3, 1), 135)
    errors = dict(_errors(young, answers))
    assert "applicant.id_number" not in errors
    assert errors["employment.special_job"] == "required"


def test_every_error_message_exists_in_both_languages(newborn: MergedForm) -> None:
    answers = newborn_answers()
    for section, body in answers.items():
        if section != "situation":
            for name in body:
                body[name] = [] if name != "birth_weight" else "heavy"
    errors = validate_answers(newborn, answers, today=TODAY)
    # Every field in the sample is wrong; the three optional ones it leaves out are not.
    assert len(errors) == len(newborn.fields) - 3
    for error in errors:
        assert error.message_zh
        assert error.message_en
        assert newborn.fields[error.field].label.zh in error.message_zh


def test_an_employers_credit_code_must_have_a_valid_check_character(catalog: Catalog) -> None:
    form = merge(catalog, "retirement", {"has_housing_fund": "no"})
    good = "91500105MA5U" + "12345"
    good += credit_code_check_char(good)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    for value, expected in (
        (good, []),
        (bad, [("employment.employer_code", "credit_code.check_char")]),
    ):
        answers = {"employment": {"employer_code": value}}
        found = [e for e in _errors(form, answers) if e[0] == "employment.employer_code"]
        assert found == expected
