"""Co-applicant confirmation (共同申请人确认): where a service says `co_applicant_confirms`, the
other parent confirms the facts of the services they co-sign from their own account before the
application can be submitted.

The applicant asks from a saved draft, naming the other parent by the mobile number of their
account. The request carries a sealed snapshot of exactly the facts of the co-signed services
(`project` of the answers) and a keyed digest of them; a confirmation counts for a submission
only while the submitted facts have that digest, so a change to anything the other parent
confirmed needs a new confirmation, while changes elsewhere (a bank card) do not. Every step
keeps who acted (and the agent, `act`), and goes onto the application's timeline when it is
submitted (`confirmations`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Literal

import msgspec
from sqlalchemy import select, update

from onething.applications.access import READ, WRITE, Who, require_owner
from onething.applications.models import CoApplicantRequest, Draft
from onething.applications.schemas import (
    CoApplicantAsk,
    CoApplicantDecline,
    CoApplicantInvite,
    CoApplicantRequestView,
    CoApplicantStatus,
)
from onething.applications.sealing import seal, unseal
from onething.catalog.project import project
from onething.core.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.identity.crypto import normalise_id_number, normalise_phone
from onething.identity.models import User
from onething.identity.services import (
    ID_NUMBER_PURPOSE,
    PHONE_PURPOSE,
    is_mobile_number,
    real_name,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.catalog.form import MergedForm
    from onething.catalog.model import Catalog
    from onething.identity.access import Caller
    from onething.identity.context import IdentityContext

FACTS_TABLE: Final = "co_applicant_requests.facts"
DIGEST_PURPOSE: Final = "co_applicant.facts"
SITUATION: Final = "situation"
LIST_LIMIT: Final = 50


def _invalid(field: str, code: str, zh: str, en: str) -> ProblemError:
    return ProblemError(
        VALIDATION, errors=[FieldError(field=field, code=code, message_zh=zh, message_en=en)]
    )


def mask_phone(phone: str | None) -> str:
    digits = normalise_phone(phone or "")
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


# --- what needs confirming (pure) ------------------------------------------------------------


def co_signed_services(catalog: Catalog, form: MergedForm, answers: Mapping[str, Any]) -> list[str]:
    """The form's services the other parent co-signs; none when a situation answer leaves
    nobody to co-sign (`exclude_co_applicant`, e.g. no father named)."""
    services = [s for s in form.services if catalog.services[s].co_applicant_confirms]
    if not services:
        return []
    given = answers.get(SITUATION)
    in_form = given if isinstance(given, Mapping) else {}
    for situation in catalog.bundles[form.bundle].situations:
        value = form.situation_answers.get(situation.id, in_form.get(situation.id))
        chosen = next(
            (o for o in situation.options if o.value == (value or situation.default)), None
        )
        if chosen is not None and chosen.exclude_co_applicant:
            return []
    return services


def facts_of(form: MergedForm, answers: Mapping[str, Any], services: list[str]) -> dict[str, Any]:
    """The facts that concern the other parent: each co-signed service's projection."""
    facts: dict[str, dict[str, Any]] = {}
    for service in services:
        for section, values in project(form, answers, service).items():
            facts.setdefault(section, {}).update(values)
    return facts


def digest(ctx: ApplicationsContext, facts: Mapping[str, Any]) -> str:
    """A keyed digest (HMAC): equal facts give equal digests; without the key it tells
    nothing about the ID numbers inside."""
    canonical = msgspec.json.encode(facts, order="sorted").decode("utf-8")
    return ctx.indexer.index(DIGEST_PURPOSE, canonical)


# --- the applicant's side --------------------------------------------------------------------


def _status(row: CoApplicantRequest) -> Literal["pending", "confirmed", "declined", "superseded"]:
    if row.superseded_at is not None:
        return "superseded"
    return row.status  # type: ignore[return-value]  # the CHECK constraint keeps it in range


def _request_view(row: CoApplicantRequest) -> CoApplicantRequestView:
    return CoApplicantRequestView(
        id=row.id,
        status=_status(row),
        co_applicant_phone=row.co_applicant_hint,
        services=list(row.services),
        draft_version=row.draft_version,
        created_at=row.created_at,
        decided_at=row.decided_at,
        reason=row.reason,
    )


async def _latest(session: AsyncSession, draft_id: uuid.UUID) -> CoApplicantRequest | None:
    query = (
        select(CoApplicantRequest)
        .where(
            CoApplicantRequest.draft_id == draft_id,
            CoApplicantRequest.superseded_at.is_(None),
            CoApplicantRequest.application_id.is_(None),
        )
        .order_by(CoApplicantRequest.created_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def _draft_facts(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    draft_id: uuid.UUID,
    answers: Mapping[str, Any] | None = None,
    *,
    scope: str,
) -> tuple[Draft, list[str], dict[str, Any]]:
    # Imported here: drafts and services import this module.
    from onething.applications.drafts import DRAFTS_TABLE
    from onething.applications.services import merged_form

    draft = await session.get(Draft, draft_id, with_for_update=True)
    if draft is None:
        raise ProblemError(NOT_FOUND)
    require_owner(caller, draft.owner_id, draft.bundle, scope=scope)
    if answers is None:
        answers = unseal(ctx.cipher, draft.answers_encrypted, table=DRAFTS_TABLE, row_id=draft.id)
    form = merged_form(
        ctx.catalog, draft.bundle, draft.situation_answers, list(draft.optional_services)
    )
    services = co_signed_services(ctx.catalog, form, answers)
    return draft, services, facts_of(form, answers, services)


async def draft_status(
    session: AsyncSession, ctx: ApplicationsContext, caller: Caller, draft_id: uuid.UUID
) -> CoApplicantStatus:
    _, services, facts = await _draft_facts(session, ctx, caller, draft_id, scope=READ)
    row = await _latest(session, draft_id)
    status = CoApplicantStatus(
        required=bool(services),
        services=services,
        request=_request_view(row) if row else None,
        current=row is not None and row.facts_digest == digest(ctx, facts),
    )
    await session.rollback()  # only read; release the draft's row lock
    return status


async def _co_applicant(
    session: AsyncSession,
    ctx: ApplicationsContext,
    phone: str,
    owner_id: uuid.UUID,
    facts: Mapping[str, Any],
) -> User:
    if not is_mobile_number(phone):
        raise _invalid(
            "phone",
            "phone.invalid",
            "请填写正确的 11 位手机号码",
            "Enter a valid 11-digit mobile number",
        )
    index = ctx.indexer.index(PHONE_PURPOSE, normalise_phone(phone))
    user = (
        await session.execute(select(User).where(User.phone_index == index))
    ).scalar_one_or_none()
    if user is None or user.role != "resident" or user.disabled_at is not None:
        raise _invalid(
            "phone",
            "co_applicant.unknown",
            "该手机号尚未注册，请对方先用此号码登录一次",
            "No account uses this number yet; ask them to sign in once with it",
        )
    if user.id == owner_id:
        raise _invalid(
            "phone",
            "co_applicant.self",
            "请填写另一方（共同申请人）的手机号，而不是您自己的",
            "Enter the other parent's number, not your own",
        )
    if user.id_number_index is not None:
        # A real-name account must be one of the persons the facts name.
        named = {
            ctx.indexer.index(ID_NUMBER_PURPOSE, normalise_id_number(str(value)))
            for section in facts.values()
            if isinstance(section, Mapping)
            for name, value in section.items()
            if name == "id_number" and isinstance(value, str)
        }
        if user.id_number_index not in named:
            raise _invalid(
                "phone",
                "co_applicant.identity",
                "该手机号账户的实名身份与表中填写的父母身份证号码不符",
                "The account of this number is not one of the parents named in the form",
            )
    return user


async def ask(
    session: AsyncSession,
    ctx: ApplicationsContext,
    identity: IdentityContext,
    caller: Caller,
    *,
    draft_id: uuid.UUID,
    data: CoApplicantAsk,
    now: datetime,
) -> CoApplicantStatus:
    """Send the draft's current facts to the other parent; an earlier request is superseded."""
    draft, services, facts = await _draft_facts(
        session, ctx, caller, draft_id, data.answers, scope=WRITE
    )
    if not services:
        raise _invalid(
            "draft",
            "co_applicant.not_needed",
            "本次申请无需另一方确认",
            "This application needs no confirmation by another person",
        )
    if not any(section != SITUATION for section in facts):
        raise _invalid(
            "draft",
            "co_applicant.no_facts",
            "请先填写并保存表单，再请对方确认",
            "Fill in and save the form first; then ask for the confirmation",
        )
    other = await _co_applicant(session, ctx, data.phone, draft.owner_id, facts)
    owner = await session.get(User, draft.owner_id)
    who = Who.of(caller)
    await session.execute(
        update(CoApplicantRequest)
        .where(
            CoApplicantRequest.draft_id == draft.id,
            CoApplicantRequest.superseded_at.is_(None),
            CoApplicantRequest.application_id.is_(None),
        )
        .values(superseded_at=now)
    )
    row = CoApplicantRequest(
        id=uuid.uuid4(),
        owner_id=draft.owner_id,
        co_applicant_id=other.id,
        draft_id=draft.id,
        bundle=draft.bundle,
        applicant_hint=mask_phone(real_name(identity, owner).phone if owner else None),
        co_applicant_hint=mask_phone(data.phone),
        services=services,
        draft_version=draft.version,
        facts_digest=digest(ctx, facts),
        status="pending",
        created_at=now,
        requested_by=who.sub,
        requested_act=who.act_sub,
        requested_client=who.client_id,
    )
    row.facts_encrypted = seal(ctx.cipher, facts, table=FACTS_TABLE, row_id=row.id)
    session.add(row)
    await session.commit()
    return CoApplicantStatus(
        required=True, services=services, request=_request_view(row), current=True
    )


# --- the other parent's side -----------------------------------------------------------------


def _invite(
    ctx: ApplicationsContext, row: CoApplicantRequest, *, with_facts: bool
) -> CoApplicantInvite:
    return CoApplicantInvite(
        id=row.id,
        bundle=row.bundle,
        status=_status(row),
        applicant_phone=row.applicant_hint,
        services=list(row.services),
        created_at=row.created_at,
        decided_at=row.decided_at,
        reason=row.reason,
        facts=(
            unseal(ctx.cipher, row.facts_encrypted, table=FACTS_TABLE, row_id=row.id)
            if with_facts
            else None
        ),
    )


async def invitations(
    session: AsyncSession, ctx: ApplicationsContext, caller: Caller
) -> list[CoApplicantInvite]:
    """Requests addressed to the caller, newest first (superseded ones are left out)."""
    if caller.user_id is None:
        return []
    rows = (
        await session.execute(
            select(CoApplicantRequest)
            .where(
                CoApplicantRequest.co_applicant_id == caller.user_id,
                CoApplicantRequest.superseded_at.is_(None),
            )
            .order_by(CoApplicantRequest.created_at.desc())
            .limit(LIST_LIMIT)
        )
    ).scalars()
    visible = []
    for row in rows:
        try:
            require_owner(caller, row.co_applicant_id, row.bundle, scope=READ)
        except ProblemError:
            continue
        visible.append(_invite(ctx, row, with_facts=False))
    return visible


async def _addressed_to(
    session: AsyncSession, caller: Caller, request_id: uuid.UUID, *, scope: str
) -> CoApplicantRequest:
    row = await session.get(CoApplicantRequest, request_id, with_for_update=True)
    if row is None:
        raise ProblemError(NOT_FOUND)
    # Only the other parent (or their agent for this bundle); the applicant is not them.
    require_owner(caller, row.co_applicant_id, row.bundle, scope=scope)
    return row


async def invitation(
    session: AsyncSession, ctx: ApplicationsContext, caller: Caller, request_id: uuid.UUID
) -> CoApplicantInvite:
    row = await _addressed_to(session, caller, request_id, scope=READ)
    view = _invite(ctx, row, with_facts=True)
    await session.rollback()
    return view


async def decide(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    request_id: uuid.UUID,
    decline: CoApplicantDecline | None,
    *,
    now: datetime,
) -> CoApplicantInvite:
    """Confirm (decline=None) or decline with a reason; only a pending request."""
    row = await _addressed_to(session, caller, request_id, scope=WRITE)
    if row.status != "pending" or row.superseded_at is not None:
        await session.rollback()
        raise ProblemError(
            CONFLICT,
            detail_zh="该确认请求已处理，或申请人已修改信息并重新发起。",
            detail_en="This request was already answered, or the applicant has sent a new one.",
        )
    who = Who.of(caller)
    row.status = "declined" if decline else "confirmed"
    row.reason = decline.reason if decline else None
    row.decided_at = now
    row.decided_by, row.decided_act, row.decided_client = who.sub, who.act_sub, who.client_id
    view = _invite(ctx, row, with_facts=False)
    await session.commit()
    return view
