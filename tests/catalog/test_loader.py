"""Specification of loading and cross-checking the catalog files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from onething.catalog.loader import REPO_CATALOG, CatalogInvalid, check_catalog, load_catalog
from onething.catalog.merge import merge
from onething.catalog.model import Catalog, effective_time_limit

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_repository_catalog_loads_without_errors(catalog: Catalog) -> None:
    assert {"newborn-birth", "retirement", "after-a-death", "school-enrolment"} <= set(
        catalog.bundles
    )
    assert "disability-services" in catalog.bundles


def test_the_minimal_fixture_is_valid() -> None:
    loaded, errors = check_catalog(FIXTURES / "minimal")
    assert errors == []
    assert loaded is not None


# One broken catalog per error class: (fixture, code, file, line, part of the message).
ERROR_CLASSES = [
    (
        "unknown-element",
        "unknown_element",
        "services/beta.yaml",
        10,
        "unknown element `person.nickname`",
    ),
    ("unknown-service", "unknown_service", "bundles/demo.yaml", 6, "unknown service `gamma`"),
    (
        "dependency-cycle",
        "dependency_cycle",
        "bundles/demo.yaml",
        8,
        "dependency cycle: alpha → beta → alpha",
    ),
    (
        "constraint-conflict",
        "constraint_conflict",
        "services/beta.yaml",
        15,
        "enum values ['a'] and ['b', 'c'] have nothing in common",
    ),
    (
        "incompatible-constraint-type",
        "constraint_type",
        "services/beta.yaml",
        13,
        "constraint `max_length` does not apply to `person.age` of type integer",
    ),
    (
        "incompatible-units",
        "constraint_conflict",
        "services/beta.yaml",
        13,
        "`unit` is 'year' in one place and 'month' in another",
    ),
    (
        "invalid-department-code",
        "invalid_department_code",
        "departments.yaml",
        6,
        "check character is wrong",
    ),
    (
        "produced-not-upstream",
        "produced_not_upstream",
        "bundles/demo.yaml",
        6,
        "`beta` asks for `person.card`, which `alpha` produces in bundle `demo`",
    ),
    (
        "duplicate-id",
        "duplicate_id",
        "dictionary/person.yaml",
        31,
        "duplicate data element id `person.name`",
    ),
    (
        "schema-error",
        "schema",
        "services/alpha.yaml",
        6,
        "Expected `int`, got `str` (at time_limit_days)",
    ),
    ("yaml-syntax", "yaml", "bundles/demo.yaml", 3, "YAML syntax error"),
]


@pytest.mark.parametrize(("fixture", "code", "file", "line", "fragment"), ERROR_CLASSES)
def test_each_error_class_is_reported_once_with_file_and_line(
    fixture: str, code: str, file: str, line: int, fragment: str
) -> None:
    loaded, errors = check_catalog(FIXTURES / fixture)
    assert loaded is None
    assert len(errors) == 1, errors
    (error,) = errors
    assert (error.code, error.file, error.line) == (code, f"{fixture}/{file}", line)
    assert fragment in error.message
    assert str(error).startswith(f"{fixture}/{file}:{line}: ")


def test_the_conflict_message_names_both_services_and_where_the_other_is() -> None:
    _, errors = check_catalog(FIXTURES / "constraint-conflict")
    assert "`beta` and `alpha` (constraint-conflict/services/alpha.yaml:8)" in errors[0].message


def test_load_catalog_raises_with_every_error(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    _edit(root / "services/beta.yaml", "  - element: person.id_number\n", "  - element: person.x\n")
    _edit(root / "departments.yaml", "11500105MB17015110", "11500105MB17015111")
    with pytest.raises(CatalogInvalid) as raised:
        load_catalog(root)
    assert [e.code for e in raised.value.errors] == ["invalid_department_code", "unknown_element"]


def test_a_new_bundle_file_of_existing_services_loads_without_code_changes(tmp_path: Path) -> None:
    root = _copy(REPO_CATALOG, tmp_path)
    (root / "bundles" / "new-parents.yaml").write_text(
        "id: new-parents\n"
        "name: {zh: 新手父母一件事, en: New parents}\n"
        "time_limit_days: 13\n"
        "services:\n"
        "  - service: hukou-birth-registration\n"
        "  - service: social-security-card\n"
        "    after: [hukou-birth-registration]\n",
        encoding="utf-8",
    )
    loaded = load_catalog(root)
    form = merge(loaded, "new-parents")
    assert form.services == ("hukou-birth-registration", "social-security-card")
    assert "child.id_number" not in form.fields


def test_the_version_ignores_comments_but_follows_content(tmp_path: Path, catalog: Catalog) -> None:
    root = _copy(REPO_CATALOG, tmp_path)
    service = root / "services" / "cremation.yaml"
    service.write_text("# a comment changes nothing\n" + service.read_text("utf-8"), "utf-8")
    assert load_catalog(root).version == catalog.version
    _edit(service, "time_limit_days: 1", "time_limit_days: 2")
    assert load_catalog(root).version != catalog.version


def test_yes_and_no_stay_strings_in_yaml(catalog: Catalog) -> None:
    situation = catalog.bundles["newborn-birth"].situations[0]
    assert [o.value for o in situation.options] == ["yes", "no"]


def test_a_repeated_yaml_key_is_an_error(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    _edit(root / "services/alpha.yaml", "mode: manual\n", "mode: manual\nmode: auto\n")
    _, errors = check_catalog(root)
    assert [(e.code, e.line) for e in errors] == [("duplicate_id", 8)]
    assert "duplicate key `mode`" in errors[0].message


def test_a_file_must_be_named_after_its_id(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    (root / "services/alpha.yaml").rename(root / "services/first.yaml")
    _, errors = check_catalog(root)
    assert [(e.code, e.file, e.line) for e in errors] == [
        ("file_name", "minimal/services/first.yaml", 1)
    ]


def test_a_misplaced_file_is_reported_rather_than_ignored(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    (root / "service").mkdir()
    shutil.copy(root / "services/alpha.yaml", root / "service/alpha.yaml")
    _, errors = check_catalog(root)
    assert [(e.code, e.file) for e in errors] == [("unexpected_file", "minimal/service/alpha.yaml")]


def test_an_undecodable_dictionary_does_not_cascade_into_unknown_elements(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    _edit(root / "dictionary/person.yaml", "  order: 1", "  order: first")
    _, errors = check_catalog(root)
    assert [e.code for e in errors] == ["schema"]


def test_the_situation_section_id_is_reserved(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    person = root / "dictionary/person.yaml"
    text = person.read_text("utf-8").replace("id: person", "id: situation")
    person.write_text(text, "utf-8")
    person.rename(root / "dictionary/situation.yaml")
    _edit(root / "services/alpha.yaml", "person.", "situation.")
    _edit(root / "services/beta.yaml", "person.", "situation.")
    _, errors = check_catalog(root)
    assert [e.code for e in errors] == ["reserved_id"]


def test_an_enum_may_take_its_options_from_a_code_list(catalog: Catalog) -> None:
    options = catalog.elements["mother.ethnicity"].options
    assert len(options) == 56
    assert (options[0].value, options[0].label.zh) == ("01", "汉族")


def test_an_unknown_code_list_is_an_error(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    _edit(
        root / "dictionary/person.yaml",
        "    options:\n",
        "    codelist: nationality\n    options:\n",
    )
    _, errors = check_catalog(root)
    assert [e.code for e in errors] == ["unknown_codelist"]


def test_a_situation_may_only_touch_elements_its_bundle_asks_for(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    (root / "bundles/demo.yaml").write_text(
        (root / "bundles/demo.yaml").read_text("utf-8") + "situations:\n"
        "  - id: minor\n"
        "    question: {zh: 是否未成年, en: 'A minor?'}\n"
        "    default: 'no'\n"
        "    options:\n"
        "      - {value: 'yes', label: {zh: 是, en: 'Yes'}, require_elements: [person.nickname]}\n"
        "      - {value: 'no', label: {zh: 否, en: 'No'}}\n",
        "utf-8",
    )
    _, errors = check_catalog(root)
    assert [(e.code, e.line) for e in errors] == [("unknown_element", 13)]


def test_answers_to_two_situations_must_not_exclude_every_value(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    (root / "bundles/demo.yaml").write_text(
        (root / "bundles/demo.yaml").read_text("utf-8") + "situations:\n"
        "  - id: child\n"
        "    question: {zh: 是否儿童, en: 'A child?'}\n"
        "    default: 'no'\n"
        "    options:\n"
        "      - value: 'yes'\n"
        "        label: {zh: 是, en: 'Yes'}\n"
        "        constrain: [{element: person.age, constraints: {maximum: 17}}]\n"
        "      - {value: 'no', label: {zh: 否, en: 'No'}}\n"
        "  - id: retired\n"
        "    question: {zh: 是否退休, en: 'Retired?'}\n"
        "    default: 'no'\n"
        "    options:\n"
        "      - value: 'yes'\n"
        "        label: {zh: 是, en: 'Yes'}\n"
        "        constrain: [{element: person.age, constraints: {minimum: 50}}]\n"
        "      - {value: 'no', label: {zh: 否, en: 'No'}}\n",
        "utf-8",
    )
    _, errors = check_catalog(root)
    assert [(e.code, e.line) for e in errors] == [("constraint_conflict", 23)]
    assert "the answers child=yes, retired=yes leave no valid value" in errors[0].message


def _copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def test_a_bundle_that_cannot_keep_its_promise_is_refused_naming_the_chain(
    tmp_path: Path,
) -> None:
    # alpha (5 working days) → beta (3): 8 days of work behind a promise of 5.
    root = _copy(FIXTURES / "minimal", tmp_path)
    _edit(root / "bundles/demo.yaml", "time_limit_days: 8\n", "time_limit_days: 5\n")
    _, errors = check_catalog(root)
    assert [(e.code, e.file, e.line) for e in errors] == [
        ("time_limit", "minimal/bundles/demo.yaml", 3)
    ]
    assert "alpha (5) → beta (3) takes 8" in errors[0].message
    # Shortening alpha inside the bundle (联办时限) keeps the promise: 2 + 3 = 5.
    _edit(
        root / "bundles/demo.yaml",
        "  - service: alpha\n",
        "  - service: alpha\n    time_limit_days: 2\n",
    )
    loaded, errors = check_catalog(root)
    assert errors == []
    assert loaded is not None
    demo = loaded.bundles["demo"]
    alpha = next(m for m in demo.services if m.service == "alpha")
    assert effective_time_limit(alpha, loaded.services["alpha"]) == 2


def test_a_bundle_may_shorten_a_service_s_limit_but_never_lengthen_it(tmp_path: Path) -> None:
    root = _copy(FIXTURES / "minimal", tmp_path)
    _edit(root / "bundles/demo.yaml", "time_limit_days: 8\n", "time_limit_days: 10\n")
    _edit(
        root / "bundles/demo.yaml",
        "  - service: beta\n",
        "  - service: beta\n    time_limit_days: 4\n",
    )
    _, errors = check_catalog(root)
    assert [e.code for e in errors] == ["time_limit"]
    assert "more than its own limit of 3" in errors[0].message


def _longest_chain(catalog: Catalog, bundle_id: str) -> int:
    members = {m.service: m for m in catalog.bundles[bundle_id].services}

    def chain(service: str) -> int:
        own = effective_time_limit(members[service], catalog.services[service])
        return own + max((chain(d) for d in members[service].after), default=0)

    return max(chain(s) for s in members)


def test_every_bundle_of_the_catalog_keeps_its_promise(catalog: Catalog) -> None:
    """Each chain of services along `after`, at its in-bundle limits, fits the bundle's days."""
    for bundle in catalog.bundles.values():
        assert _longest_chain(catalog, bundle.id) <= bundle.time_limit_days, bundle.id
    newborn = {m.service: m.time_limit_days for m in catalog.bundles["newborn-birth"].services}
    assert newborn["social-security-card"] == 3  # its own limit is 10
