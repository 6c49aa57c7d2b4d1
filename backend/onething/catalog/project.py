"""Projection: the department-facing view of an application, limited to one service's fields."""

from __future__ import annotations

from collections.abc import Mapping

from onething.catalog.form import MergedForm
from onething.catalog.merge import MergeError
from onething.catalog.model import SITUATION_SECTION
from onething.catalog.validate import is_missing, lookup


def project(
    form: MergedForm, answers: Mapping[str, object], service_id: str
) -> dict[str, dict[str, object]]:
    """Exactly the answers ``service_id`` asks for, and the situation answers that concern it.

    Facts produced upstream (a child's new ID number) are not answers, so they are not here;
    the upstream task hands them on. Nothing else of the resident's leaves for the department.
    """
    if service_id not in form.services:
        raise MergeError(
            "service.not_in_form",
            f"本次申请不包含事项“{service_id}”",
            f"This application does not include the service {service_id!r}",
        )
    view: dict[str, dict[str, object]] = {}
    for field in form.fields.values():
        if service_id in field.services:
            value = lookup(answers, field)
            if not is_missing(value):
                view.setdefault(field.section, {})[field.name] = value
    given = answers.get(SITUATION_SECTION)
    if isinstance(given, Mapping):
        for situation_id, services in form.situation_services.items():
            if service_id in services and situation_id in given:
                view.setdefault(SITUATION_SECTION, {})[situation_id] = given[situation_id]
    return view
