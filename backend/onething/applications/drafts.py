"""Drafts: start an application for a bundle, autosave with optimistic concurrency (the
version is the ETag; a stale write is refused with 412 and overwrites nothing), resume on
any device."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import select, update

from onething.applications.access import READ, WRITE, require_applicant, require_owner
from onething.applications.models import Draft
from onething.applications.schemas import DraftCreate, DraftSummary, DraftUpdate, DraftView
from onething.applications.sealing import seal, unseal
from onething.applications.services import merged_form
from onething.core.errors import NOT_FOUND, PRECONDITION_FAILED, ProblemError, ProblemType

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.identity.access import Caller

DRAFTS_TABLE: Final = "application_drafts.answers"
PRECONDITION_REQUIRED: Final = ProblemType(
    "precondition-required",
    428,
    "请附带 If-Match 请求头（草稿版本）",
    "Send If-Match with the draft's ETag",
)


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> int:
    """The version an If-Match names (a strong ETag we issued); 428 without one."""
    if not header:
        raise ProblemError(PRECONDITION_REQUIRED)
    text = header.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise ProblemError(PRECONDITION_FAILED)
    return int(text)


def _view(ctx: ApplicationsContext, draft: Draft) -> DraftView:
    return DraftView(
        id=draft.id,
        bundle=draft.bundle,
        situation_answers=draft.situation_answers,
        optional_services=list(draft.optional_services),
        answers=unseal(ctx.cipher, draft.answers_encrypted, table=DRAFTS_TABLE, row_id=draft.id),
        version=draft.version,
        updated_at=draft.updated_at,
    )


async def create_draft(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    data: DraftCreate,
    *,
    now: datetime,
) -> DraftView:
    owner_id = require_applicant(caller, data.bundle)
    form = merged_form(ctx.catalog, data.bundle, data.situation_answers, data.optional_services)
    draft = Draft(
        id=uuid.uuid4(),
        owner_id=owner_id,
        bundle=data.bundle,
        situation_answers=form.situation_answers,
        optional_services=list(form.optional_services),
        version=1,
        created_at=now,
        updated_at=now,
    )
    draft.answers_encrypted = seal(ctx.cipher, {}, table=DRAFTS_TABLE, row_id=draft.id)
    session.add(draft)
    await session.commit()
    return _view(ctx, draft)


async def _own_draft(
    session: AsyncSession, caller: Caller, draft_id: uuid.UUID, *, scope: str
) -> Draft:
    draft = await session.get(Draft, draft_id)
    if draft is None:
        raise ProblemError(NOT_FOUND)
    require_owner(caller, draft.owner_id, draft.bundle, scope=scope)
    return draft


async def get_draft(
    session: AsyncSession, ctx: ApplicationsContext, caller: Caller, draft_id: uuid.UUID
) -> DraftView:
    return _view(ctx, await _own_draft(session, caller, draft_id, scope=READ))


async def list_drafts(session: AsyncSession, caller: Caller) -> list[DraftSummary]:
    if caller.user_id is None:
        return []
    rows = (
        await session.execute(
            select(Draft).where(Draft.owner_id == caller.user_id).order_by(Draft.updated_at.desc())
        )
    ).scalars()
    visible = []
    for draft in rows:
        try:
            require_owner(caller, draft.owner_id, draft.bundle, scope=READ)
        except ProblemError:
            continue
        visible.append(
            DraftSummary(
                id=draft.id, bundle=draft.bundle, version=draft.version, updated_at=draft.updated_at
            )
        )
    return visible


async def save_draft(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    draft_id: uuid.UUID,
    data: DraftUpdate,
    *,
    expected_version: int,
    now: datetime,
) -> DraftView:
    """Replace the draft's content if nobody saved since `expected_version` (else 412)."""
    draft = await _own_draft(session, caller, draft_id, scope=WRITE)
    form = merged_form(ctx.catalog, draft.bundle, data.situation_answers, data.optional_services)
    sealed = seal(ctx.cipher, data.answers, table=DRAFTS_TABLE, row_id=draft.id)
    # Compare-and-set in one statement: two devices saving at once cannot both win.
    result = await session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.version == expected_version)
        .values(
            answers_encrypted=sealed,
            situation_answers=form.situation_answers,
            optional_services=list(form.optional_services),
            version=Draft.version + 1,
            updated_at=now,
        )
        .returning(Draft.version)
    )
    new_version = result.scalar_one_or_none()
    if new_version is None:
        current = draft.version  # read before the rollback expires it
        await session.rollback()
        raise ProblemError(
            PRECONDITION_FAILED,
            detail_zh="草稿已在别处更新，请先刷新。",
            detail_en="The draft was saved elsewhere since you loaded it; reload it first.",
            headers={"ETag": etag(current)},
        )
    await session.commit()
    await session.refresh(draft)
    return _view(ctx, draft)
