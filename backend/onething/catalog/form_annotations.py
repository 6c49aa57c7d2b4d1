"""Bundle-level ``x-`` annotations of a merged form: services, materials, situations, options."""

from __future__ import annotations

from onething.catalog.form import MergedForm, MergedMaterial
from onething.catalog.model import Bundle, Catalog, LocalText, effective_time_limit

JSON = dict[str, object]


def text(value: LocalText) -> JSON:
    return {"zh-CN": value.zh, "en": value.en}


def bundle_annotations(
    catalog: Catalog, bundle: Bundle, form: MergedForm, section_ids: list[str]
) -> JSON:
    members = {m.service: m for m in bundle.services}
    active = set(form.services)
    services: list[JSON] = []
    for service_id in form.services:
        service = catalog.services[service_id]
        department = catalog.departments[service.department]
        produces: JSON = {
            "elements": list(service.produces.elements),
            "license": service.produces.license,
            "mail_paper": service.produces.mail_paper,
        }
        services.append(
            {
                "id": service_id,
                "x-label": text(service.name),
                "department": {
                    "id": department.id,
                    "code": department.code,
                    "x-label": text(department.name),
                },
                "time_limit_days": effective_time_limit(members[service_id], service),
                "mode": service.mode,
                "co_applicant_confirms": service.co_applicant_confirms,
                "optional": members[service_id].optional,
                "after": [s for s in members[service_id].after if s in active],
                "produces": produces,
            }
        )
    return {
        "x-bundle": bundle.id,
        "x-catalog-version": form.catalog_version,
        "x-time-limit-days": bundle.time_limit_days,
        "x-sections": section_ids,
        "x-situation-answers": dict(form.situation_answers),
        "x-optional-services": [
            {
                "id": m.service,
                "x-label": text(catalog.services[m.service].name),
                "chosen": m.service in form.optional_services,
            }
            for m in sorted(bundle.services, key=lambda m: m.service)
            if m.optional
        ],
        "x-services": services,
        "x-produced": list(form.produced),
        "x-materials": [_material(catalog, form, m) for m in form.materials],
    }


def _material(catalog: Catalog, form: MergedForm, merged: MergedMaterial) -> JSON:
    material = catalog.materials[merged.material]
    excluded_when = [
        {"situation": c.situation, "value": value}
        for c in form.conditions
        for value, effect in c.effects.items()
        if merged.material in effect.exclude_materials
    ]
    out: JSON = {
        "id": merged.material,
        "x-label": text(material.name),
        "services": list(merged.services),
        "required": merged.required,
        "replaced_by": [
            {"license": lic, "x-label": text(catalog.license_types[lic].name)}
            for lic in merged.replaced_by
        ],
        "mime_types": list(material.mime_types),
        "max_size_kb": material.max_size_kb,
        "asked": merged.asked,
        "attached_from": dict(merged.attached_from),
    }
    if excluded_when:
        out["excluded_when"] = excluded_when
    return out
