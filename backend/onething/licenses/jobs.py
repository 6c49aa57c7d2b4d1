"""Worker jobs of the licenses domain (each idempotent: a crashed worker's job reruns)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Final

import msgspec

from onething.core.jobs import JobContext, enqueue, job

ISSUE: Final = "licenses.issue"


class ApplicationRef(msgspec.Struct, frozen=True):
    application_id: uuid.UUID


@job(ISSUE)
async def issue_licenses(ctx: JobContext, payload: bytes) -> None:
    """Issue the licenses of an application's approved tasks (none twice)."""
    from onething.licenses.context import context_from_settings
    from onething.licenses.issuance import issue_for_application

    ref = msgspec.json.decode(payload, type=ApplicationRef)
    async with ctx.sessionmaker() as session, session.begin():
        await issue_for_application(
            session, context_from_settings(ctx.settings), ref.application_id, now=datetime.now(UTC)
        )
        # Issued licenses with a paper copy are ready to mail: the delivery domain packs them.
        from onething.delivery import jobs as delivery_jobs

        await enqueue(
            session,
            delivery_jobs.COLLECT,
            delivery_jobs.ApplicationRef(application_id=ref.application_id),
        )
