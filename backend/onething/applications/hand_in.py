"""Materials handed in with a submission: verified uploads named by id, and the e-licenses the
applicant linked to the draft in their place — each re-checked at submission, since a license
may have been revoked or its grant ended since it was linked. Every required material the
merged form asks for must be there; optional ones stay optional (容缺 is a department's
decision after intake, not the platform's)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from onething.applications.material_rules import (
    asked_materials,
    holder_indexes,
    license_not_theirs,
    license_unusable,
    missing,
)
from onething.core.errors import FieldError
from onething.licenses.models import LicenseEvent, LicenseUse

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from onething.applications.access import Who
    from onething.applications.submission_reads import LinkedLicense, UploadRow
    from onething.catalog.form import MergedForm
    from onething.catalog.model import Catalog
    from onething.core.batch import WriteBatch
    from onething.identity.crypto import BlindIndexer


@dataclass
class HandIn:
    """What a valid submission hands in: upload ids, and (material, license id) stand-ins."""

    uploads: dict[uuid.UUID, str] = field(default_factory=dict)  # upload id -> material
    licenses: list[tuple[str, uuid.UUID]] = field(default_factory=list)

    def summary(self) -> dict[str, list[str]]:
        """For the timeline: which materials came how (catalog ids only, nothing personal)."""
        return {
            "uploaded": sorted(set(self.uploads.values())),
            "licenses": sorted(m for m, _ in self.licenses),
        }


def _unusable_upload(index: int) -> FieldError:
    return FieldError(
        field=f"materials[{index}]",
        code="material.unusable",
        message_zh="该材料不存在、未通过校验、已被使用或本事项不需要",
        message_en="This material is unknown, not verified, already used, or not needed by "
        "this application",
    )


def check_hand_in(
    catalog: Catalog,
    form: MergedForm,
    answers: Mapping[str, object],
    *,
    upload_ids: list[uuid.UUID],
    uploads: Mapping[uuid.UUID, UploadRow],
    linked: list[LinkedLicense],
    indexer: BlindIndexer,
) -> tuple[HandIn, list[FieldError]]:
    """What would be handed in, and every problem with it (nothing is written here).
    `uploads` are the caller's rows of `upload_ids` and `linked` the e-licenses linked to the
    draft, read (and locked) by the submission (`submission_reads`)."""
    asked = asked_materials(form, answers)
    wanted = {m.material: m for m in asked}
    plan, errors = HandIn(), []
    for index, upload_id in enumerate(upload_ids):
        row = uploads.get(upload_id)
        if (
            row is None
            or row.status != "verified"
            or row.application_id is not None
            or row.bundle != form.bundle
            or row.material not in wanted
        ):
            errors.append(_unusable_upload(index))
        else:
            plan.uploads[row.id] = row.material
    refused: set[str] = set()
    for link in linked:
        material, license_id, holder = link.material, link.license_id, link.holder_index
        merged = wanted.get(material)
        if merged is None:
            continue  # an answer changed since: the form no longer asks for it
        people = holder_indexes(catalog, material, answers, indexer)
        if not link.usable or link.license_type not in merged.replaced_by:
            refused.add(material)
            errors.append(license_unusable(catalog, material))
        elif people is not None and holder not in people:
            refused.add(material)
            errors.append(license_not_theirs(catalog, material))
        else:
            plan.licenses.append((material, license_id))
    handed = set(plan.uploads.values()) | {m for m, _ in plan.licenses} | refused
    errors += [missing(catalog, m) for m in asked if m.required and m.material not in handed]
    return plan, errors


def hand_in(
    rows: WriteBatch,
    plan: HandIn,
    *,
    application_id: uuid.UUID,
    owner_id: uuid.UUID,
    who: Who,
    now: datetime,
) -> None:
    """Add to the submission's batch what `check_hand_in` accepted."""
    if plan.uploads:
        rows.also(
            "UPDATE application_materials SET application_id = {0} WHERE id = ANY({1}::uuid[])",
            application_id,
            list(plan.uploads),
        )
    if not plan.licenses:
        return
    detail_act = {"act": who.act_sub} if who.act_sub else {}
    for material, license_id in plan.licenses:
        rows.insert(
            LicenseUse,
            {
                "id": uuid.uuid4(),
                "license_id": license_id,
                "application_id": application_id,
                "material": material,
                "used_by": owner_id,
                "at": now,
            },
        )
        rows.insert(
            LicenseEvent,
            {
                "license_id": license_id,
                "at": now,
                "kind": "used",
                "actor_sub": who.sub,
                "client_id": who.client_id,
                "detail": {"application": str(application_id), "material": material, **detail_act},
            },
        )
