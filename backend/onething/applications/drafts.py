"""Drafts: start an application for a bundle, autosave with optimistic concurrency (the
version is the ETag; a stale write is refused with 412 and overwrites nothing), resume on
any device."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import select, update

from onething.applications.access import READ, WRITE, require_applicant, require_owner
from onething.applications.calendar import china_date
from onething.applications.launches import nest, prefill_errors, sources_kept, value_at
from onething.applications.models import Draft
from onething.applications.schemas import (
    ClientName,
    DraftCreate,
    DraftSummary,
    DraftUpdate,
    DraftView,
    LaunchedBy,
    PrefilledValue,
)
from onething.applications.sealing import seal, unseal
from onething.applications.services import merged_form
from onething.core.errors import (
    NOT_FOUND,
    PRECONDITION_FAILED,
    VALIDATION,
    ProblemError,
    ProblemType,
)
from onething.identity.models import OAuthClient

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


async def _view(session: AsyncSession, ctx: ApplicationsContext, draft: Draft) -> DraftView:
    answers = unseal(ctx.cipher, draft.answers_encrypted, table=DRAFTS_TABLE, row_id=draft.id)
    launcher = await session.get(OAuthClient, draft.launched_by) if draft.launched_by else None
    return DraftView(
        id=draft.id,
        bundle=draft.bundle,
        situation_answers=draft.situation_answers,
        optional_services=list(draft.optional_services),
        answers=answers,
        version=draft.version,
        updated_at=draft.updated_at,
        launched_by=(
            LaunchedBy(
                client_id=launcher.client_id,
                name=ClientName(zh=launcher.name, en=launcher.name_en or launcher.name),
            )
            if launcher is not None
            else None
        ),
        prefill={
            element: PrefilledValue(
                value=value_at(answers, element), source="client", client_id=client_id
            )
            for element, client_id in sorted(draft.prefill_sources.items())
        },
    )


async def create_draft(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    data: DraftCreate,
    *,
    now: datetime,
) -> DraftView:
    """An empty draft, or a mini-app's prefilled launch (`data.prefill`): every value must be
    one the form asks, within the client's registered authority, and valid — else 422 field
    by field and nothing is written. The first-party PWA is no authority for any fact."""
    client = caller.principal.client_id
    launcher = (
        await session.get(OAuthClient, client) if data.prefill or caller.third_party else None
    )
    launched_by = client if caller.third_party else None
    owner_id = require_applicant(caller, data.bundle, launched_by=launched_by)
    form = merged_form(ctx.catalog, data.bundle, data.situation_answers, data.optional_services)
    if data.prefill:
        asserts = list(launcher.asserts) if launcher is not None else []
        names = (launcher.name, launcher.name_en or launcher.name) if launcher else (client, client)
        errors = prefill_errors(form, asserts, names, data.prefill, today=china_date(now))
        if errors:
            raise ProblemError(VALIDATION, errors=errors)
    draft = Draft(
        id=uuid.uuid4(),
        owner_id=owner_id,
        bundle=data.bundle,
        situation_answers=form.situation_answers,
        optional_services=list(form.optional_services),
        version=1,
        created_at=now,
        updated_at=now,
        launched_by=launched_by,
        prefill_sources=dict.fromkeys(sorted(data.prefill), client),
    )
    draft.answers_encrypted = seal(
        ctx.cipher, nest(data.prefill), table=DRAFTS_TABLE, row_id=draft.id
    )
    session.add(draft)
    await session.commit()
    return await _view(session, ctx, draft)


async def _own_draft(
    session: AsyncSession, caller: Caller, draft_id: uuid.UUID, *, scope: str
) -> Draft:
    draft = await session.get(Draft, draft_id)
    if draft is None:
        raise ProblemError(NOT_FOUND)
    # The mini-app that launched a draft may read it; changing it is the resident's.
    launched_by = draft.launched_by if scope == READ else None
    require_owner(caller, draft.owner_id, draft.bundle, scope=scope, launched_by=launched_by)
    return draft


async def get_draft(
    session: AsyncSession, ctx: ApplicationsContext, caller: Caller, draft_id: uuid.UUID
) -> DraftView:
    return await _view(session, ctx, await _own_draft(session, caller, draft_id, scope=READ))


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
            require_owner(
                caller, draft.owner_id, draft.bundle, scope=READ, launched_by=draft.launched_by
            )
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
    sources = draft.prefill_sources
    if sources:
        before = unseal(ctx.cipher, draft.answers_encrypted, table=DRAFTS_TABLE, row_id=draft.id)
        sources = sources_kept(sources, before, data.answers)
    # Compare-and-set in one statement: two devices saving at once cannot both win.
    result = await session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.version == expected_version)
        .values(
            answers_encrypted=sealed,
            situation_answers=form.situation_answers,
            optional_services=list(form.optional_services),
            prefill_sources=sources,
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
    return await _view(session, ctx, draft)
