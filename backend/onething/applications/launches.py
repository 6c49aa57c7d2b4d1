"""Prefilled launch: a mini-app starts a draft for a resident, prefilled with the facts its
registration says it is authoritative for (`oauth_clients.asserts`: data element ids, or
`<section>.*`, checked against the catalog). Each such value keeps the client as its source
until the resident changes it; the submitted application records the client that launched it
and the facts that came from it unchanged."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, Final

from onething.catalog.validate import validate_answers
from onething.core.errors import FieldError
from onething.identity.client_authority import covers

if TYPE_CHECKING:
    import datetime as dt

    from onething.catalog.form import MergedForm

FIELD_PREFIX: Final = "prefill."


def nest(flat: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """`{"child.sex": "1"}` → `{"child": {"sex": "1"}}` (the answers' shape)."""
    nested: dict[str, dict[str, Any]] = {}
    for element, value in flat.items():
        section, _, name = element.partition(".")
        nested.setdefault(section, {})[name] = value
    return nested


def value_at(answers: Mapping[str, Any], element: str) -> Any:
    section, _, name = element.partition(".")
    group = answers.get(section)
    return group.get(name) if isinstance(group, Mapping) else None


def _refusal(element: str, code: str, zh: str, en: str) -> FieldError:
    return FieldError(field=FIELD_PREFIX + element, code=code, message_zh=zh, message_en=en)


def prefill_errors(
    form: MergedForm,
    asserts: Collection[str],
    client_name: tuple[str, str],
    prefill: Mapping[str, Any],
    *,
    today: dt.date,
) -> list[FieldError]:
    """Every value refused, field by field: not asked by this bundle's form, outside the
    client's registered authority, or invalid by the form's own rules. Missing fields are no
    error here: the resident fills in the rest."""
    zh_name, en_name = client_name
    errors: list[FieldError] = []
    valid: dict[str, Any] = {}
    for element, value in prefill.items():
        if element not in form.fields:
            errors.append(
                _refusal(
                    element,
                    "prefill.not_in_form",
                    "这件事的表单不需要这项信息",
                    "This bundle's form does not ask for this fact",
                )
            )
        elif not covers(asserts, element):
            errors.append(
                _refusal(
                    element,
                    "prefill.not_authoritative",
                    f"{zh_name}无权提供这项信息，请由居民本人填写",
                    f"{en_name} is not an authoritative source of this fact; "
                    "the resident fills it in",
                )
            )
        else:
            valid[element] = value
    errors.extend(
        FieldError(
            field=FIELD_PREFIX + error.field,
            code=error.code,
            message_zh=error.message_zh,
            message_en=error.message_en,
        )
        for error in validate_answers(form, nest(valid), today=today)
        if error.field in valid and error.code != "required"
    )
    return sorted(errors, key=lambda e: e.field)


def sources_kept(
    sources: Mapping[str, str], before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, str]:
    """The sources still true after a save or at submission: a value the resident changed or
    removed is theirs now, not the client's."""
    return {
        element: client
        for element, client in sources.items()
        if value_at(after, element) is not None
        and value_at(after, element) == value_at(before, element)
    }
