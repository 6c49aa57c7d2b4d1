"""Worker jobs of the licenses domain (each idempotent: a crashed worker's job reruns)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

import msgspec
import structlog

from onething.core.jobs import JobContext, enqueue, job, periodic

ISSUE: Final = "licenses.issue"
PURGE_COPIES: Final = "licenses.purge_copies"

log = structlog.get_logger(__name__)


class ApplicationRef(msgspec.Struct, frozen=True):
    application_id: uuid.UUID


@job(ISSUE)
async def issue_licenses(ctx: JobContext, payload: bytes) -> None:
    """Issue the licenses of an application's approved tasks (none twice)."""
    from onething.licenses.context import context_from_settings
    from onething.licenses.issuance import issue_for_application

    ref = msgspec.json.decode(payload, type=ApplicationRef)
    async with ctx.sessionmaker() as session, session.begin():
        issued = await issue_for_application(
            session, context_from_settings(ctx.settings), ref.application_id, now=datetime.now(UTC)
        )
        if issued:
            # Tasks after these wait for their e-license: release them now that it exists
            # (a release with nothing new issues nothing, so the two jobs do not loop).
            from onething.applications import jobs as applications_jobs

            await enqueue(
                session,
                applications_jobs.RELEASE,
                applications_jobs.ApplicationRef(application_id=ref.application_id),
            )
        # Issued licenses with a paper copy are ready to mail: the delivery domain packs them.
        from onething.delivery import jobs as delivery_jobs

        await enqueue(
            session,
            delivery_jobs.COLLECT,
            delivery_jobs.ApplicationRef(application_id=ref.application_id),
        )


@job(PURGE_COPIES)
async def purge_annotated_copies(ctx: JobContext, payload: bytes) -> None:
    """Run by the worker's scheduler (LICENSE_COPY_PURGE_SCHEDULE); payload unused."""
    del payload
    from datetime import timedelta

    from onething.licenses.context import context_from_settings
    from onething.licenses.wallet import purge_copies

    settings = ctx.settings.licenses
    deleted = await purge_copies(
        context_from_settings(ctx.settings),
        retention=timedelta(minutes=settings.copy_retention_minutes),
        now=datetime.now(UTC),
    )
    log.info("annotated_copies_purged", deleted=deleted)


periodic(PURGE_COPIES, lambda settings: settings.licenses.copy_purge_schedule)
