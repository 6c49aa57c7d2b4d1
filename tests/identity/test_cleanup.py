"""The clean-up job deletes expired codes, tokens, sessions and windows, and nothing live."""

from __future__ import annotations

from identity_helpers import Browser, redeem, signed_in_code
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.jobs import JobContext, registered_jobs
from onething.core.settings import Settings
from onething.identity.jobs import PURGE_EXPIRED
from onething.identity.models import (
    AccessToken,
    AuthorizationCode,
    LoginCode,
    RateLimitHit,
    RefreshToken,
    SsoSession,
)

TABLES = (AuthorizationCode, AccessToken, RefreshToken, SsoSession, LoginCode, RateLimitHit)


async def counts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessionmaker() as session:
        return {
            table.__tablename__: (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in TABLES
        }


async def test_the_purge_job_deletes_what_expired_and_keeps_what_is_live(
    browser: Browser,
    pwa: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    import onething.jobs_registry  # noqa: F401 — the worker's view of the jobs

    code, verifier, _ = await signed_in_code(browser, "13800138000")
    assert (await redeem(browser, code, verifier)).status_code == 200
    before = await counts(sessionmaker)
    assert all(before.values()), before  # one of each exists
    job = registered_jobs()[PURGE_EXPIRED]
    context = JobContext(settings=settings, sessionmaker=sessionmaker)

    await job(context, b"")
    live = await counts(sessionmaker)
    # Nothing live is touched (the spent login code is kept until it expires, too).
    assert live == before

    async with sessionmaker() as session, session.begin():
        for statement in (
            "UPDATE authorization_codes SET expires_at = now() - interval '2 days'",
            "UPDATE access_tokens SET expires_at = now() - interval '1 hour'",
            "UPDATE refresh_tokens SET expires_at = now() - interval '1 hour'",
            "UPDATE sso_sessions SET last_seen_at = now() - interval '31 minutes'",
            "UPDATE login_codes SET expires_at = now() - interval '1 second'",
            "UPDATE rate_limit_hits SET window_start = now() - interval '3 hours'",
        ):
            await session.execute(text(statement))
    await job(context, b"")
    assert await counts(sessionmaker) == dict.fromkeys(before, 0)
    await job(context, b"")  # idempotent


def test_the_purge_is_scheduled_hourly_unless_the_schedule_is_empty(settings: Settings) -> None:
    from dataclasses import replace

    from onething.core.jobs import periodic_jobs

    assert periodic_jobs(settings)[PURGE_EXPIRED] == "17 * * * *"
    off = replace(settings, identity=replace(settings.identity, purge_schedule=""))
    assert PURGE_EXPIRED not in periodic_jobs(off)
