"""Reuse (材料免提交): a resident uses an e-license in place of a material of their application
— only one they may use for that bundle — and a department sees, for a task, the licenses
standing in for its materials and those issued upstream in the same application, with their
face fields, signature check and current status. No file is handed out."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select

from onething.applications.access import WRITE, require_department, require_owner
from onething.applications.catalogs import catalog_for
from onething.applications.material_rules import holder_indexes, license_not_theirs
from onething.applications.models import Application, Task
from onething.applications.sealing import unseal
from onething.applications.services import ANSWERS_TABLE
from onething.core.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.licenses import face as faces
from onething.licenses.grants import usable_by
from onething.licenses.issuance import METADATA_TABLE, unseal_face_with
from onething.licenses.keyring import published_jwks
from onething.licenses.models import License, LicenseEvent, LicenseStatus, LicenseUse
from onething.licenses.schemas import FaceField, LicenseUseView, TaskLicense
from onething.licenses.signing import verify_detached
from onething.licenses.verification import issuer_of, status_label
from onething.licenses.wallet import wallet_owner

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.access import DepartmentCaller
    from onething.catalog.model import Catalog
    from onething.identity.access import Caller
    from onething.identity.crypto import FieldCipher
    from onething.licenses.context import LicensesContext
    from onething.licenses.schemas import LicenseUseCreate


def _invalid(field: str, code: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION, errors=[FieldError(field=field, code=code, message_zh=zh, message_en=en)]
    )


async def use_license(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    license_id: uuid.UUID,
    data: LicenseUseCreate,
    *,
    now: dt.datetime,
) -> LicenseUseView:
    """Attach the license to the caller's application as the named material."""
    user_id = wallet_owner(caller, acting=True)
    application = await session.get(Application, data.application_id)
    if application is None or application.owner_id != user_id:
        raise ProblemError(NOT_FOUND)
    # The wallet is read (`licenses:read`) to change an application (`applications:write`).
    require_owner(caller, application.owner_id, application.bundle, scope=WRITE)
    row = await session.get(License, license_id)
    if row is None or not await usable_by(
        session, row, user_id=user_id, purpose=application.bundle, now=now
    ):
        # Not theirs, not shared for this bundle, or not valid: as if it did not exist.
        raise ProblemError(NOT_FOUND)
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    needed = {
        m.material
        for entry in catalog.bundles[application.bundle].services
        for m in catalog.services[entry.service].materials
    }
    material = catalog.materials.get(data.material)
    if material is None or data.material not in needed:
        raise _invalid(
            "material", "not_needed", "这件事不需要该材料", "This bundle needs no such material"
        )
    if row.license_type not in material.replaced_by:
        raise _invalid(
            "material",
            "not_replaceable",
            "该电子证照不能代替这份材料",
            "This e-license cannot stand in for this material",
        )
    answers = unseal(
        ctx.cipher, application.answers_encrypted, table=ANSWERS_TABLE, row_id=application.id
    )
    people = holder_indexes(catalog, data.material, answers, ctx.indexer)
    if people is not None and row.holder_index not in people:
        raise ProblemError(
            VALIDATION, errors=[license_not_theirs(catalog, data.material, field="material")]
        )
    use = LicenseUse(
        id=uuid.uuid4(),
        license_id=row.id,
        application_id=application.id,
        material=data.material,
        used_by=user_id,
        at=now,
    )
    session.add(use)
    session.add(
        LicenseEvent(
            license_id=row.id,
            at=now,
            kind="used",
            actor_sub=caller.principal.sub,
            client_id=caller.principal.client_id,
            detail={"application": str(application.id), "material": data.material},
        )
    )
    await session.commit()
    return LicenseUseView(
        id=use.id,
        license_id=row.id,
        identifier=row.identifier,
        application_id=application.id,
        material=data.material,
        at=now,
    )


async def licenses_for_task(
    session: AsyncSession, ctx: LicensesContext, who: DepartmentCaller, task_id: uuid.UUID
) -> list[TaskLicense]:
    """What a department gets instead of paper: licenses used as this service's materials,
    and the licenses issued upstream of this task in the same application."""
    task = await session.get(Task, task_id)
    if task is None or task.dispatched_at is None:
        raise ProblemError(NOT_FOUND)
    application = await session.get(Application, task.application_id)
    if application is None:
        raise ProblemError(NOT_FOUND)
    require_department(who, application.owner_id, task.department)
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    return await task_licenses(session, ctx.cipher, catalog, application, task)


async def task_licenses(
    session: AsyncSession,
    cipher: FieldCipher,
    catalog: Catalog,
    application: Application,
    task: Task,
) -> list[TaskLicense]:
    """The licenses standing in for this task's materials, then those issued upstream, each
    with its face, current status and whether the issuer's signature verifies (the task view
    shows them next to the uploads)."""
    own_materials = {m.material for m in catalog.services[task.service].materials}
    found: list[tuple[License, str | None]] = []
    used = (
        await session.execute(
            select(License, LicenseUse.material)
            .join(LicenseUse, LicenseUse.license_id == License.id)
            .where(
                LicenseUse.application_id == application.id,
                LicenseUse.material.in_(own_materials),
            )
            .order_by(LicenseUse.at, LicenseUse.material)
        )
    ).all()
    found += [(row, material) for row, material in used]
    if task.waits_for:
        upstream = (
            await session.execute(
                select(License).where(
                    License.application_id == application.id,
                    License.service.in_(list(task.waits_for)),
                )
            )
        ).scalars()
        found += [(row, None) for row in upstream]
    if not found:
        return []
    jwks = await published_jwks(session)
    result = []
    for row, material in found:
        face = unseal_face_with(cipher, row)
        metadata = unseal(cipher, row.metadata_encrypted, table=METADATA_TABLE, row_id=row.id)
        status = LicenseStatus(row.status)
        license_type = catalog.license_types[row.license_type]
        result.append(
            TaskLicense(
                id=row.id,
                identifier=row.identifier,
                license_type=row.license_type,
                name=license_type.name.zh,
                material=material,
                from_service=row.service if material is None else None,
                issuer=issuer_of(catalog, row.issuer_department),
                status=status,
                status_label=status_label(status),
                signature_valid=verify_detached(row.signature, metadata, row.sha256, jwks),
                face=[
                    FaceField(field=field, label=label, value=value)
                    for field, (label, value) in zip(
                        face, faces.face_rows(catalog, face), strict=True
                    )
                ],
            )
        )
    return result
