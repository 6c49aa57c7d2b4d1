"""Submission (one transaction: application, tasks, timeline, queue jobs) and the resident's
reads: their applications and the timeline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Final

import msgspec
from sqlalchemy import select

from onething.applications import co_applicants, jobs
from onething.applications.access import READ, Who, require_applicant, require_owner
from onething.applications.agents import agent_names
from onething.applications.calendar import china_date
from onething.applications.client_events import application_submitted
from onething.applications.confirmations import attach, confirmation_for
from onething.applications.dag import upstream_of
from onething.applications.hand_in import check_hand_in, hand_in
from onething.applications.idempotency import (
    IdempotencyScope,
    lock,
    remember,
    replay_of,
    request_hash,
)
from onething.applications.launches import sources_kept
from onething.applications.models import Application, Task, TimelineEvent
from onething.applications.schemas import (
    ApplicationSubmit,
    ApplicationView,
    TimelinePage,
)
from onething.applications.sealing import seal, unseal
from onething.applications.states import Actor, TaskState
from onething.applications.submission_reads import DraftRow, read_for_submission
from onething.applications.timeline import record
from onething.applications.views import application_view, event_view
from onething.catalog.form import MergedForm
from onething.catalog.merge import MergeError, merge
from onething.catalog.model import effective_time_limit
from onething.catalog.services import publish_catalog
from onething.catalog.validate import validate_answers
from onething.core.batch import WriteBatch
from onething.core.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.core.jobs import enqueue_in_batch
from onething.delivery.choices import check_choice
from onething.delivery.services import record_choice

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.catalog.model import Bundle, Catalog
    from onething.identity.access import Caller
    from onething.identity.crypto import FieldCipher

SUBMIT_OPERATION: Final = "submitApplication"
ANSWERS_TABLE: Final = "applications.answers"


def merged_form(
    catalog: Catalog, bundle: str, situation_answers: dict[str, str], optional: list[str]
) -> MergedForm:
    """The merged form, with a bad bundle, situation or optional service as a 422."""
    if bundle not in catalog.bundles:
        raise ProblemError(
            VALIDATION,
            errors=[
                FieldError(
                    field="bundle",
                    code="bundle.unknown",
                    message_zh=f"没有名为“{bundle}”的一件事",
                    message_en=f"There is no bundle {bundle!r}",
                )
            ],
        )
    try:
        return merge(catalog, bundle, situation_answers, optional)
    except MergeError as exc:
        field = "optional_services" if "optional" in exc.code else "situation_answers"
        error = FieldError(
            field=field, code=exc.code, message_zh=exc.message_zh, message_en=exc.message_en
        )
        raise ProblemError(VALIDATION, errors=[error]) from exc


async def submit_application(
    session: AsyncSession,
    ctx: ApplicationsContext,
    caller: Caller,
    data: ApplicationSubmit,
    *,
    idempotency_key: str,
    now: datetime,
) -> tuple[ApplicationView, bool]:
    """Validate and write everything in one transaction; (the application, replayed?)."""
    owner_id = require_applicant(caller, data.bundle)
    who = Who.of(caller)
    scope = IdempotencyScope(who.client_id, who.sub, idempotency_key, SUBMIT_OPERATION)
    body_hash = request_hash(SUBMIT_OPERATION, data)
    await lock(session, scope)
    reads = await read_for_submission(
        session,
        draft_id=data.draft_id,
        owner_id=owner_id,
        upload_ids=data.materials,
        catalog_version=ctx.catalog.version,
        key=(scope.client_id, scope.subject, scope.key),
        purpose=data.bundle,
        now=now,
    )
    stored = await replay_of(session, scope, reads.stored, body_hash, now=now)
    if stored is not None:
        await session.rollback()
        return msgspec.json.decode(stored, type=ApplicationView), True

    catalog = ctx.catalog
    form = merged_form(catalog, data.bundle, data.situation_answers, data.optional_services)
    errors = validate_answers(form, data.answers, today=china_date(now))
    delivery, delivery_errors = check_choice(data.delivery) if data.delivery else (None, [])
    errors += delivery_errors
    co_signed = co_applicants.co_signed_services(catalog, form, data.answers)
    draft, requests = reads.draft, reads.requests
    confirmation, confirmation_errors = confirmation_for(
        ctx, form, data.answers, co_signed, requests
    )
    errors += confirmation_errors
    handed, material_errors = check_hand_in(
        catalog,
        form,
        data.answers,
        upload_ids=data.materials,
        uploads=reads.uploads,
        linked=reads.linked,
        indexer=ctx.indexer,
    )
    errors += material_errors
    if errors:
        raise ProblemError(VALIDATION, errors=errors)
    bundle = catalog.bundles[data.bundle]
    if not reads.published:
        await publish_catalog(session, catalog)  # the seed step normally has
    launched_by, prefill_sources = _launch_of(ctx, draft, data)

    # Everything the submission writes goes out in one statement (`WriteBatch`), the dispatch
    # jobs with it, then the commit.
    batch = WriteBatch()
    application = Application(
        id=uuid.uuid4(),
        owner_id=owner_id,
        bundle=bundle.id,
        catalog_version=catalog.version,
        situation_answers=form.situation_answers,
        optional_services=list(form.optional_services),
        answers_encrypted="",
        client_id=who.client_id,
        submitted_at=now,
        promised_on=ctx.calendar.add_working_days(china_date(now), bundle.time_limit_days).date,
        launched_by=launched_by,
        prefill_sources=prefill_sources,
    )
    application.answers_encrypted = seal(
        ctx.cipher, data.answers, table=ANSWERS_TABLE, row_id=application.id
    )
    batch.add(application)
    hand_in(batch, handed, application_id=application.id, owner_id=owner_id, who=who, now=now)
    if confirmation is not None:
        attach(batch, requests, application.id)
    if delivery is not None:
        record_choice(batch, ctx.cipher, application.id, delivery, who=who, now=now)

    tasks = _tasks(catalog, bundle, form, application.id, now=now)
    batch.add_all(tasks)
    record(
        batch,
        application_id=application.id,
        kind="application.submitted",
        actor_kind=Actor.RESIDENT,
        who=who,
        now=now,
        detail={
            "services": list(form.services),
            "promised_on": str(application.promised_on),
            "materials": handed.summary(),
            **({"launched_by": launched_by} if launched_by else {}),
        },
    )
    for task in tasks:
        record(
            batch,
            application_id=application.id,
            task_id=task.id,
            kind="task.created",
            to_state=task.state,
            actor_kind=Actor.SYSTEM,
            now=now,
            detail={"waits_for": task.waits_for} if task.waits_for else {},
        )
    if draft is not None:
        batch.also(
            "DELETE FROM application_drafts WHERE id = {0} AND owner_id = {1}", draft.id, owner_id
        )
    ready = [jobs.TaskRef(task_id=t.id) for t in tasks if t.state == TaskState.SUBMITTED]
    enqueue_in_batch(batch, jobs.DISPATCH, ready)
    view = application_view(application, tasks, ctx.calendar)
    remember(batch, scope, body_hash, status=201, response=msgspec.json.encode(view), now=now)
    await batch.write(session)
    await application_submitted(session, application, tasks, now=now)
    await session.commit()
    return view, False


def _tasks(
    catalog: Catalog, bundle: Bundle, form: MergedForm, application_id: uuid.UUID, *, now: datetime
) -> list[Task]:
    """One task per service of the merged form; one with upstream services waits for them."""
    upstream = upstream_of(bundle, form.services)
    members = {member.service: member for member in bundle.services}
    return [
        Task(
            id=uuid.uuid4(),
            application_id=application_id,
            service=service_id,
            department=catalog.services[service_id].department,
            state=(TaskState.WAITING_UPSTREAM if upstream[service_id] else TaskState.SUBMITTED),
            waits_for=list(upstream[service_id]),
            time_limit_days=effective_time_limit(members[service_id], catalog.services[service_id]),
            attachments=[],
            updated_at=now,
        )
        for service_id in form.services
    ]


def _launch_of(
    ctx: ApplicationsContext, draft: DraftRow | None, data: ApplicationSubmit
) -> tuple[str | None, dict[str, str]]:
    """The mini-app that launched the draft being submitted, and the facts submitted exactly
    as it gave them (a value the resident changed is theirs)."""
    # Imported here: drafts imports this module.
    from onething.applications.drafts import DRAFTS_TABLE

    if draft is None or draft.launched_by is None:
        return None, {}
    before = unseal(ctx.cipher, draft.answers_encrypted, table=DRAFTS_TABLE, row_id=draft.id)
    return draft.launched_by, sources_kept(draft.prefill_sources, before, data.answers)


async def owned_application(
    session: AsyncSession, caller: Caller, application_id: uuid.UUID, *, scope: str
) -> Application:
    application = await session.get(Application, application_id)
    if application is None:
        raise ProblemError(NOT_FOUND)
    # The mini-app that launched an application may follow it; acting on it is the resident's.
    launched_by = application.launched_by if scope == READ else None
    require_owner(
        caller, application.owner_id, application.bundle, scope=scope, launched_by=launched_by
    )
    return application


async def tasks_of(session: AsyncSession, application_id: uuid.UUID) -> list[Task]:
    result = await session.execute(select(Task).where(Task.application_id == application_id))
    return list(result.scalars().all())


async def get_application(
    session: AsyncSession, ctx: ApplicationsContext, caller: Caller, application_id: uuid.UUID
) -> ApplicationView:
    application = await owned_application(session, caller, application_id, scope=READ)
    return application_view(application, await tasks_of(session, application.id), ctx.calendar)


async def list_applications(
    session: AsyncSession, ctx: ApplicationsContext, caller: Caller, *, limit: int
) -> list[ApplicationView]:
    """The caller's own applications, newest first (an agent sees those of the bundles their
    delegation names)."""
    if caller.user_id is None:
        return []
    rows = (
        (
            await session.execute(
                select(Application)
                .where(Application.owner_id == caller.user_id)
                .order_by(Application.submitted_at.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    visible = []
    for application in rows:
        try:
            require_owner(
                caller,
                application.owner_id,
                application.bundle,
                scope=READ,
                launched_by=application.launched_by,
            )
        except ProblemError:
            continue
        visible.append(application)
    if not visible:
        return []
    all_tasks = (
        (
            await session.execute(
                select(Task).where(Task.application_id.in_([a.id for a in visible]))
            )
        )
        .scalars()
        .all()
    )
    by_application: dict[uuid.UUID, list[Task]] = {}
    for task in all_tasks:
        by_application.setdefault(task.application_id, []).append(task)
    return [application_view(a, by_application[a.id], ctx.calendar) for a in visible]


async def timeline(
    session: AsyncSession,
    cipher: FieldCipher,
    caller: Caller,
    application_id: uuid.UUID,
    *,
    after: int | None,
    limit: int,
) -> TimelinePage:
    """Events oldest first, `limit` at a time; `after` is the last event id already seen."""
    application = await owned_application(session, caller, application_id, scope=READ)
    query = (
        select(TimelineEvent)
        .where(TimelineEvent.application_id == application.id)
        .order_by(TimelineEvent.id)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(TimelineEvent.id > after)
    events = list((await session.execute(query)).scalars().all())
    services: dict[object, str] = {t.id: t.service for t in await tasks_of(session, application.id)}
    page = events[:limit]
    agents = await agent_names(session, cipher, caller, {e.act_sub for e in page})
    return TimelinePage(
        events=[event_view(e, services, agents) for e in page],
        next_after=page[-1].id if len(events) > limit else None,
    )
