""" "Use my e-license instead" on a draft: the materials its form asks for, the licenses the
applicant may use for each (holder, guardian, or an active grant for the bundle — the one rule
of `grants.usable_by` — and, where the form already names the person whose document it is,
held by that person: the father's ID card is offered for his card, not the mother's), and
linking or unlinking one in place of an upload. The submission re-checks every link
(`applications.hand_in`).

An agent acting for the resident (a delegated token naming the bundle) may do this too: like a
resident handing their ID card across the service-hall desk, the license goes no further than
the application. The agent sees only what choosing needs — license name, identifier, the
holder's name masked — never the wallet itself (face, file, copies, grants), and every link
records the agent as `act`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from onething.applications.access import READ, WRITE, Who, require_owner
from onething.applications.drafts import DRAFTS_TABLE
from onething.applications.material_rules import (
    asked_materials,
    holder_indexes,
    license_not_theirs,
)
from onething.applications.models import Draft
from onething.applications.sealing import unseal
from onething.applications.services import merged_form
from onething.core.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.licenses.face import mask_name
from onething.licenses.grants import usable_condition
from onething.licenses.issuance import holder_name
from onething.licenses.models import DraftLicense, License, LicenseEvent, LicenseStatus
from onething.licenses.schemas import DraftMaterial, LocalText, StandIn
from onething.licenses.verification import status_label

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.catalog.form import MergedMaterial
    from onething.identity.access import Caller
    from onething.licenses.context import LicensesContext
    from onething.licenses.schemas import DraftLicenseLink


async def _draft(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    draft_id: uuid.UUID,
    *,
    scope: str,
) -> tuple[Draft, list[MergedMaterial], dict[str, Any]]:
    """The caller's draft (404 otherwise: not theirs, or `scope` missing from the token), the
    materials asked under its saved answers, and those answers."""
    draft = await session.get(Draft, draft_id)
    if draft is None:
        raise ProblemError(NOT_FOUND)
    require_owner(caller, draft.owner_id, draft.bundle, scope=scope)
    form = merged_form(
        ctx.catalog, draft.bundle, draft.situation_answers, list(draft.optional_services)
    )
    answers = unseal(ctx.cipher, draft.answers_encrypted, table=DRAFTS_TABLE, row_id=draft.id)
    return draft, asked_materials(form, answers), answers


def _stand_in(ctx: LicensesContext, row: License, owner: uuid.UUID, *, masked: bool) -> StandIn:
    license_type = ctx.catalog.license_types[row.license_type]
    status = LicenseStatus(row.status)
    name = holder_name(ctx, row)
    return StandIn(
        id=row.id,
        identifier=row.identifier,
        license_type=row.license_type,
        name=LocalText(zh=license_type.name.zh, en=license_type.name.en),
        holder_name=mask_name(name) if masked else name,
        relation="holder"
        if row.holder_user_id == owner
        else "guardian"
        if owner in row.guardian_ids
        else "grantee",
        status=status,
        status_label=status_label(status),
    )


async def _views(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    draft: Draft,
    asked: list[MergedMaterial],
    *,
    answers: dict[str, Any],
    now: dt.datetime,
) -> list[DraftMaterial]:
    owner = draft.owner_id
    types = {t for m in asked for t in m.replaced_by}
    usable = (
        (
            await session.execute(
                select(License)
                .where(
                    License.license_type.in_(types),
                    usable_condition(owner, purpose=draft.bundle, now=now),
                )
                .order_by(License.issued_at.desc(), License.id)
            )
        )
        .scalars()
        .all()
        if types
        else []
    )
    linked = {
        link.material: row
        for link, row in (
            await session.execute(
                select(DraftLicense, License)
                .join(License, License.id == DraftLicense.license_id)
                .where(DraftLicense.draft_id == draft.id)
            )
        ).all()
    }
    usable_ids = {row.id for row in usable}
    masked = caller.principal.act is not None
    views = []
    for merged in asked:
        material = ctx.catalog.materials[merged.material]
        current = linked.get(merged.material)
        people = holder_indexes(ctx.catalog, merged.material, answers, ctx.indexer)

        def fits(row: License, merged: MergedMaterial = merged, people: Any = people) -> bool:
            return row.license_type in merged.replaced_by and (
                people is None or row.holder_index in people
            )

        views.append(
            DraftMaterial(
                material=merged.material,
                name=LocalText(zh=material.name.zh, en=material.name.en),
                required=merged.required,
                replaced_by=list(merged.replaced_by),
                license=_stand_in(ctx, current, owner, masked=masked) if current else None,
                license_usable=current is not None and current.id in usable_ids and fits(current),
                choices=[_stand_in(ctx, row, owner, masked=masked) for row in usable if fits(row)],
            )
        )
    return views


async def draft_materials(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    draft_id: uuid.UUID,
    *,
    now: dt.datetime,
) -> list[DraftMaterial]:
    draft, asked, answers = await _draft(session, ctx, caller, draft_id, scope=READ)
    return await _views(session, ctx, caller, draft, asked, answers=answers, now=now)


def _invalid(field: str, code: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION, errors=[FieldError(field=field, code=code, message_zh=zh, message_en=en)]
    )


async def link_license(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    draft_id: uuid.UUID,
    data: DraftLicenseLink,
    *,
    material: str,
    now: dt.datetime,
) -> DraftMaterial:
    """The license stands in for `material` on the draft (replacing an earlier choice)."""
    draft, asked, answers = await _draft(session, ctx, caller, draft_id, scope=WRITE)
    merged = next((m for m in asked if m.material == material), None)
    if merged is None:
        raise _invalid(
            "material",
            "material.not_asked",
            "这份申请不需要该材料",
            "This application does not ask for this material",
        )
    row = (
        await session.execute(
            select(License).where(
                License.id == data.license_id,
                usable_condition(draft.owner_id, purpose=draft.bundle, now=now),
            )
        )
    ).scalar_one_or_none()
    if row is None:
        # Not theirs, not shared for this bundle, or not valid: as if it did not exist.
        raise ProblemError(NOT_FOUND)
    if row.license_type not in merged.replaced_by:
        raise _invalid(
            "license_id",
            "material.not_replaceable",
            "该电子证照不能代替这份材料",
            "This e-license cannot stand in for this material",
        )
    people = holder_indexes(ctx.catalog, material, answers, ctx.indexer)
    if people is not None and row.holder_index not in people:
        raise ProblemError(
            VALIDATION, errors=[license_not_theirs(ctx.catalog, material, field="license_id")]
        )
    who = Who.of(caller)
    values = {
        "license_id": row.id,
        "actor_sub": who.sub,
        "act_sub": who.act_sub,
        "client_id": who.client_id,
        "linked_at": now,
    }
    await session.execute(
        insert(DraftLicense)
        .values(draft_id=draft.id, material=material, **values)
        .on_conflict_do_update(index_elements=["draft_id", "material"], set_=values)
    )
    session.add(
        LicenseEvent(
            license_id=row.id,
            at=now,
            kind="linked",
            actor_sub=who.sub,
            client_id=who.client_id,
            detail={
                "draft": str(draft.id),
                "material": material,
                **({"act": who.act_sub} if who.act_sub else {}),
            },
        )
    )
    await session.flush()
    (view,) = await _views(session, ctx, caller, draft, [merged], answers=answers, now=now)
    await session.commit()
    return view


async def unlink_license(
    session: AsyncSession,
    ctx: LicensesContext,
    caller: Caller,
    draft_id: uuid.UUID,
    material: str,
) -> None:
    """The material goes back to needing an upload (idempotent)."""
    draft, _, _ = await _draft(session, ctx, caller, draft_id, scope=WRITE)
    await session.execute(
        delete(DraftLicense).where(
            DraftLicense.draft_id == draft.id, DraftLicense.material == material
        )
    )
    await session.commit()
