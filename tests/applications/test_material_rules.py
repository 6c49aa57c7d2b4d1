"""Which materials a newborn-birth application must hand in (pure): what the merged form asks
for, minus what is produced upstream and what an in-form answer drops; and the error naming a
missing one."""

from __future__ import annotations

from onething.applications.material_rules import asked_materials, missing
from onething.catalog.loader import REPO_CATALOG, load_catalog
from onething.catalog.merge import merge

CATALOG = load_catalog(REPO_CATALOG)
FORM = merge(CATALOG, "newborn-birth", {}, [])


def _asked(situation: dict[str, object]) -> dict[str, bool]:
    return {m.material: m.required for m in asked_materials(FORM, {"situation": situation})}


def test_the_default_form_asks_for_the_parents_papers_and_the_discharge_record() -> None:
    assert _asked({}) == {
        "discharge-record": True,
        "father-id-card": True,
        "household-register": True,
        "marriage-certificate": True,
        "maternity-medical-invoices": False,  # optional: "if any"
        "mother-id-card": True,
    }


def test_the_birth_certificate_is_attached_from_upstream_never_asked() -> None:
    assert "birth-medical-certificate" in {m.material for m in FORM.materials}
    assert "birth-medical-certificate" not in _asked({})


def test_in_form_answers_drop_materials() -> None:
    assert "marriage-certificate" not in _asked({"parents_married": "no"})
    assert "father-id-card" not in _asked({"father_listed": "no"})
    # An answer that is no option counts as the default, as the answers' validation does.
    assert "marriage-certificate" in _asked({"parents_married": "maybe"})


def test_a_missing_material_is_named_in_both_languages() -> None:
    merged = {m.material: m for m in FORM.materials}
    card = missing(CATALOG, merged["household-register"])
    assert (card.field, card.code) == ("materials.household-register", "material.missing")
    assert card.message_zh == "请上传“居民户口簿”，或用电子证照代替"
    assert card.message_en == (
        "Upload the Household register (hukou booklet), or use your e-license in its place"
    )
    record = missing(CATALOG, merged["discharge-record"])
    assert record.message_zh == "请上传“出院记录”"  # no e-license can replace it
