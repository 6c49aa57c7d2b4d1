"""Which materials an application must hand in (pure: no I/O): the merged form's materials
that are asked of the resident, minus those an in-form answer drops (no marriage certificate
when the parents are not married); whose document each one is (the people the form names:
an e-license stands in only when held by them); and the field errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from onething.core.errors import FieldError

if TYPE_CHECKING:
    from onething.catalog.form import MergedForm, MergedMaterial
    from onething.catalog.model import Catalog
    from onething.identity.crypto import BlindIndexer

SITUATION_SECTION: Final = "situation"


def in_form_answers(form: MergedForm, answers: Mapping[str, object]) -> dict[str, str]:
    """Each in-form situation's answer, its default where unanswered or invalid (as the
    answers' validation applies them)."""
    given = answers.get(SITUATION_SECTION)
    section = given if isinstance(given, Mapping) else {}
    chosen = {}
    for condition in form.conditions:
        answer = section.get(condition.situation)
        valid = isinstance(answer, str) and answer in condition.values
        chosen[condition.situation] = str(answer) if valid else condition.default
    return chosen


def asked_materials(form: MergedForm, answers: Mapping[str, object]) -> list[MergedMaterial]:
    """The materials the resident is asked for under these answers, in the form's order."""
    chosen = in_form_answers(form, answers)
    dropped = {
        material
        for condition in form.conditions
        for material in condition.effects[chosen[condition.situation]].exclude_materials
    }
    return [m for m in form.materials if m.asked and m.material not in dropped]


def holder_indexes(
    catalog: Catalog, material: str, answers: Mapping[str, object], indexer: BlindIndexer
) -> set[str] | None:
    """Blind indexes of the ID numbers the form gives for the people whose document the
    material is (the catalog's `holders`); None when the catalog names nobody or the answers
    hold none of those numbers yet (nothing to compare with)."""
    from onething.identity.crypto import normalise_id_number
    from onething.identity.services import ID_NUMBER_PURPOSE

    found = set()
    for element in catalog.materials[material].holders:
        section, _, name = element.partition(".")
        values = answers.get(section)
        value = values.get(name) if isinstance(values, Mapping) else None
        if isinstance(value, str) and value.strip():
            found.add(indexer.index(ID_NUMBER_PURPOSE, normalise_id_number(value)))
    return found or None


def field_of(material: str) -> str:
    return f"materials.{material}"


def missing(catalog: Catalog, merged: MergedMaterial) -> FieldError:
    """A required material neither uploaded nor stood in for by a usable e-license."""
    name = catalog.materials[merged.material].name
    if merged.replaced_by:
        zh = f"请上传“{name.zh}”，或用电子证照代替"
        en = f"Upload the {name.en}, or use your e-license in its place"
    else:
        zh = f"请上传“{name.zh}”"
        en = f"Upload the {name.en}"
    return FieldError(
        field=field_of(merged.material), code="material.missing", message_zh=zh, message_en=en
    )


def license_unusable(catalog: Catalog, material: str) -> FieldError:
    """The e-license chosen for a material may no longer be used (revoked, or its grant
    ended): the resident chooses another or uploads the paper."""
    name = catalog.materials[material].name
    return FieldError(
        field=field_of(material),
        code="material.license_unusable",
        message_zh=f"代替“{name.zh}”的电子证照已不能使用（已失效或授权已结束），请重新选择或上传",
        message_en=f"The e-license chosen for the {name.en} can no longer be used (no longer "
        "valid, or its sharing ended): choose another or upload the document",
    )


def license_not_theirs(catalog: Catalog, material: str, field: str | None = None) -> FieldError:
    """The e-license is held by someone other than the person the form names for it (the
    father's ID card offered as the mother's)."""
    name = catalog.materials[material].name
    return FieldError(
        field=field or field_of(material),
        code="material.license_holder",
        message_zh=f"代替“{name.zh}”的电子证照不属于表中填写的本人",
        message_en=f"The e-license chosen for the {name.en} is not held by the person named "
        "in the form",
    )
