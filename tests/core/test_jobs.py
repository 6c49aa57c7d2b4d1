"""The job queue: enqueue commits or rolls back with the business write; the worker runs jobs;
a job that fails its last attempt is held as a dead letter and can be replayed."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.core.batch import WriteBatch
from onething.core.jobs import (
    PING,
    JobContext,
    PingPayload,
    enqueue,
    enqueue_in_batch,
    enqueue_many,
    failed_jobs,
    job,
    replay_failed_jobs,
    run_worker,
)
from onething.core.models import QueuePing
from onething.core.settings import Settings, WorkerSettings

ALWAYS_FAILS = "test.always_fails"


@job(ALWAYS_FAILS)
async def always_fails(ctx: JobContext, payload: bytes) -> None:
    msg = f"department system unreachable for {payload!r}"
    raise ConnectionError(msg)


def _drain_settings(settings: Settings) -> Settings:
    return replace(settings, worker=WorkerSettings(max_attempts=1, poll_interval_seconds=0.2))


pytestmark = pytest.mark.usefixtures("clean_db")


async def _queued(session: AsyncSession) -> int:
    return int((await session.execute(text("SELECT count(*) FROM pgqueuer"))).scalar_one())


async def test_a_job_enqueued_in_a_rolled_back_transaction_never_exists(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        await enqueue(session, PING, PingPayload(ping_id=uuid.uuid4(), requested_by="test"))
        assert await _queued(session) == 1
        await session.rollback()
    async with sessionmaker() as session:
        assert await _queued(session) == 0


async def test_the_worker_runs_a_committed_job(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    ping_id = uuid.uuid4()
    async with sessionmaker() as session, session.begin():
        await enqueue(session, PING, PingPayload(ping_id=ping_id, requested_by="test"))
    await run_worker(_drain_settings(settings), drain=True)
    async with sessionmaker() as session:
        ping = await session.get(QueuePing, ping_id)
        assert ping is not None
        assert ping.requested_by == "test"
        assert await _queued(session) == 0


async def test_a_job_failing_its_last_attempt_is_held_and_can_be_replayed(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    async with sessionmaker() as session, session.begin():
        job_id = await enqueue(session, ALWAYS_FAILS, b"task-42")
    await run_worker(_drain_settings(settings), drain=True)
    async with sessionmaker() as session:
        held = await failed_jobs(session)
    assert [j.id for j in held] == [job_id]
    assert held[0].entrypoint == ALWAYS_FAILS

    async with sessionmaker() as session, session.begin():
        await replay_failed_jobs(session, [job_id])
    async with sessionmaker() as session:
        status = (
            await session.execute(
                text("SELECT status FROM pgqueuer WHERE id = :id"), {"id": job_id}
            )
        ).scalar_one()
        assert status == "queued"
        assert await failed_jobs(session) == []


async def test_unknown_jobs_cannot_be_enqueued(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        with pytest.raises(LookupError):
            await enqueue(session, "no.such.job", b"")


async def test_many_jobs_enqueue_in_one_call_and_roll_back_together(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    pings = [PingPayload(ping_id=uuid.uuid4(), requested_by="batch") for _ in range(5)]
    async with sessionmaker() as session, session.begin():
        ids = await enqueue_many(session, PING, pings)
        assert len(set(ids)) == 5
        await session.rollback()
    async with sessionmaker() as session:
        assert await _queued(session) == 0
    async with sessionmaker() as session, session.begin():
        await enqueue_many(session, PING, pings)
    await run_worker(_drain_settings(settings), drain=True)
    async with sessionmaker() as session:
        for ping in pings:
            assert await session.get(QueuePing, ping.ping_id) is not None


_JOB_ROWS = text(
    "SELECT j.priority, j.entrypoint, j.payload, j.status::text, j.dedupe_key, j.headers,"
    " j.attempts, j.execute_after <= now() AS due, l.status::text AS logged"
    " FROM pgqueuer j JOIN pgqueuer_log l ON l.job_id = j.id ORDER BY j.id"
)


async def test_jobs_written_in_a_batch_are_the_queue_s_own_rows_and_run(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    """`enqueue_in_batch` writes what pgqueuer's enqueue writes (job and log rows, compared
    column by column), in the batch's one statement, and the real worker runs them."""
    pings = [PingPayload(ping_id=uuid.uuid4(), requested_by="batch") for _ in range(3)]
    async with sessionmaker() as session, session.begin():
        await enqueue_many(session, PING, pings)
        queue_own = (await session.execute(_JOB_ROWS)).all()
        await session.rollback()
    async with sessionmaker() as session, session.begin():
        batch = WriteBatch()
        enqueue_in_batch(batch, PING, pings)
        sql, _ = batch.statement()
        assert sql.count("INSERT INTO pgqueuer") == 2  # the job and its log entry
        await batch.write(session)
        assert (await session.execute(_JOB_ROWS)).all() == queue_own
    await run_worker(_drain_settings(settings), drain=True)
    async with sessionmaker() as session:
        for ping in pings:
            assert await session.get(QueuePing, ping.ping_id) is not None
        assert await _queued(session) == 0


async def test_a_batch_cannot_enqueue_an_unknown_job() -> None:
    with pytest.raises(LookupError):
        enqueue_in_batch(WriteBatch(), "no.such.job", [b""])
