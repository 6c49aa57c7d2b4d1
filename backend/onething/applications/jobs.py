"""Worker jobs of the applications domain (each idempotent: a crashed worker's job reruns)."""

from __future__ import annotations

import functools
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import msgspec

from onething.core.jobs import JobContext, enqueue, enqueue_many, job, periodic

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.core.settings import S3Settings, Settings
    from onething.core.storage import ObjectStorage

DISPATCH: Final = "applications.dispatch"
RELEASE: Final = "applications.release"
VERIFY_MATERIAL: Final = "applications.verify_material"
SUSPEND_OVERDUE: Final = "applications.suspend_overdue"
FLAG_OVERDUE: Final = "applications.flag_overdue"


class TaskRef(msgspec.Struct, frozen=True):
    task_id: uuid.UUID


class ApplicationRef(msgspec.Struct, frozen=True):
    application_id: uuid.UUID


class MaterialRef(msgspec.Struct, frozen=True):
    material_id: uuid.UUID


@job(DISPATCH)
async def dispatch_task(ctx: JobContext, payload: bytes) -> None:
    from onething.applications.auto_decisions import auto_decide
    from onething.applications.context import context_from_settings
    from onething.applications.progress import dispatch

    ref = msgspec.json.decode(payload, type=TaskRef)
    apps = context_from_settings(ctx.settings)
    now = datetime.now(UTC)
    async with ctx.sessionmaker() as session, session.begin():
        task = await dispatch(session, apps, ref.task_id, now=now)
        if task is not None:
            await auto_decide(session, apps, task, now=now)


@job(RELEASE)
async def release_waiting_tasks(ctx: JobContext, payload: bytes) -> None:
    from onething.applications.context import context_from_settings
    from onething.applications.progress import release_waiting

    ref = msgspec.json.decode(payload, type=ApplicationRef)
    async with ctx.sessionmaker() as session, session.begin():
        released = await release_waiting(
            session,
            context_from_settings(ctx.settings),
            ref.application_id,
            now=datetime.now(UTC),
        )
        await enqueue_many(session, DISPATCH, [TaskRef(task_id=task_id) for task_id in released])
        # A decision was taken: the licenses domain issues what approved tasks produce.
        from onething.licenses import jobs as licenses_jobs

        await enqueue(
            session,
            licenses_jobs.ISSUE,
            licenses_jobs.ApplicationRef(application_id=ref.application_id),
        )
        await _collect_paper_outputs(session, ref.application_id)


async def _collect_paper_outputs(session: AsyncSession, application_id: uuid.UUID) -> None:
    """A decided task may have a paper output to mail: the delivery domain packs it."""
    from onething.delivery.jobs import COLLECT
    from onething.delivery.jobs import ApplicationRef as DeliveryRef

    await enqueue(session, COLLECT, DeliveryRef(application_id=application_id))


@job(VERIFY_MATERIAL)
async def verify_material(ctx: JobContext, payload: bytes) -> None:
    from onething.applications.materials import verify_upload

    ref = msgspec.json.decode(payload, type=MaterialRef)
    await verify_upload(
        ctx.sessionmaker, _storage(ctx.settings.s3), ref.material_id, now=datetime.now(UTC)
    )


@job(SUSPEND_OVERDUE)
async def suspend_overdue_tasks(ctx: JobContext, payload: bytes) -> None:
    """容缺 deadlines missed → suspended; run by the worker's schedule (payload unused)."""
    del payload
    from onething.applications.calendar import china_date
    from onething.applications.progress import suspend_overdue

    now = datetime.now(UTC)
    async with ctx.sessionmaker() as session, session.begin():
        await suspend_overdue(session, today=china_date(now), now=now)


@job(FLAG_OVERDUE)
async def flag_overdue_tasks(ctx: JobContext, payload: bytes) -> None:
    """Undecided tasks past their due date flagged once; run by the worker's schedule."""
    del payload
    from onething.applications.calendar import china_date
    from onething.applications.progress import flag_overdue

    now = datetime.now(UTC)
    async with ctx.sessionmaker() as session, session.begin():
        await flag_overdue(session, today=china_date(now), now=now)


def _overdue_schedule(settings: Settings) -> str:
    return settings.worker.overdue_schedule


periodic(SUSPEND_OVERDUE, _overdue_schedule)
periodic(FLAG_OVERDUE, _overdue_schedule)


@functools.lru_cache(maxsize=4)
def _storage(settings: S3Settings) -> ObjectStorage:
    """One boto3 client per worker process and S3 configuration (clients are thread-safe)."""
    from onething.core.storage import ObjectStorage

    return ObjectStorage(settings)
