"""Identity's background jobs."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Final

import structlog

from onething.core.jobs import JobContext, job, periodic

log = structlog.get_logger(__name__)

PURGE_EXPIRED: Final = "identity.purge_expired"


@job(PURGE_EXPIRED)
async def purge_expired_rows(ctx: JobContext, payload: bytes) -> None:
    """Run hourly by the worker's scheduler (IDENTITY_PURGE_SCHEDULE); payload unused.
    `onething identity purge-expired` does the same by hand."""
    del payload
    from onething.identity.cleanup import purge_expired

    async with ctx.sessionmaker() as session, session.begin():
        purged = await purge_expired(session, ctx.settings.identity, now=datetime.now(UTC))
    log.info("identity_purged", **dataclasses.asdict(purged))


periodic(PURGE_EXPIRED, lambda settings: settings.identity.purge_schedule)
