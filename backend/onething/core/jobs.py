"""Job queue on pgqueuer: transactional enqueue, the worker loop, retries and dead letters."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Final

import asyncpg
import msgspec
import structlog
from pgqueuer import DatabaseRetryEntrypointExecutor, Job, JobId, Queries, QueueManager
from pgqueuer.errors import DuplicateJobError
from pgqueuer.executors import EntrypointExecutorParameters
from pgqueuer.models import Schedule
from pgqueuer.sm import SchedulerManager

from onething.core.db import create_engine, create_sessionmaker, driver_connection
from onething.core.models import QueuePing
from onething.core.runtime import freeze_long_lived_objects

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from onething.core.batch import WriteBatch
    from onething.core.settings import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job handler may use: the database and the settings (never the request)."""

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]


JobHandler = Callable[[JobContext, bytes], Awaitable[None]]
_HANDLERS: dict[str, JobHandler] = {}


def job(entrypoint: str) -> Callable[[JobHandler], JobHandler]:
    """Register a handler. Handlers must be idempotent: a crashed worker's job runs again."""

    def register(handler: JobHandler) -> JobHandler:
        if entrypoint in _HANDLERS:
            msg = f"job {entrypoint!r} registered twice"
            raise RuntimeError(msg)
        _HANDLERS[entrypoint] = handler
        return handler

    return register


def registered_jobs() -> dict[str, JobHandler]:
    return dict(_HANDLERS)


# entrypoint -> its cron expression, read from the settings ("" turns it off)
_PERIODIC: dict[str, Callable[[Settings], str]] = {}


def periodic(entrypoint: str, expression: Callable[[Settings], str]) -> None:
    """Have the worker enqueue the (registered) job `entrypoint` on a cron schedule. The
    schedule only enqueues: the job itself runs, retries and dead-letters like any other."""
    if entrypoint in _PERIODIC:
        msg = f"periodic job {entrypoint!r} registered twice"
        raise RuntimeError(msg)
    _PERIODIC[entrypoint] = expression


def periodic_jobs(settings: Settings) -> dict[str, str]:
    """The schedules this worker would run: entrypoint -> cron expression."""
    return {name: expr for name, get in _PERIODIC.items() if (expr := get(settings).strip())}


async def _queries_for(session: AsyncSession) -> Queries:
    # The session's own asyncpg connection: the job commits or rolls back with the business write.
    return Queries.from_asyncpg_connection(await driver_connection(session))


def _bodies(entrypoint: str, payloads: Sequence[msgspec.Struct | bytes]) -> list[bytes]:
    """The payloads as the queue stores them, for a registered job."""
    if entrypoint not in _HANDLERS:
        msg = f"unknown job {entrypoint!r}"
        raise LookupError(msg)
    return [p if isinstance(p, bytes) else msgspec.json.encode(p) for p in payloads]


async def enqueue(
    session: AsyncSession,
    entrypoint: str,
    payload: msgspec.Struct | bytes,
    *,
    dedupe_key: str | None = None,
    delay: timedelta | None = None,
) -> int:
    """Add a job inside the session's current transaction; returns the job id."""
    (body,) = _bodies(entrypoint, [payload])
    queries = await _queries_for(session)
    ids = await queries.enqueue(entrypoint, body, execute_after=delay, dedupe_key=dedupe_key)
    return int(ids[0])


async def enqueue_many(
    session: AsyncSession, entrypoint: str, payloads: Sequence[msgspec.Struct | bytes]
) -> list[int]:
    """Add several jobs of one kind in one round trip, inside the session's transaction."""
    bodies: list[bytes | None] = list(_bodies(entrypoint, payloads))
    if not bodies:
        return []
    queries = await _queries_for(session)
    ids = await queries.enqueue([entrypoint] * len(bodies), bodies, [0] * len(bodies))
    return [int(job_id) for job_id in ids if job_id is not None]


# The rows pgqueuer's own enqueue writes (`Queries.enqueue`: the job, queued from now, and its
# log entry), into the queue tables as the foundation migration froze them (pgqueuer 1.6's
# schema; a pgqueuer upgrade that changes them gets a migration, and this with it).
_QUEUE_JOBS: Final = """
    INSERT INTO pgqueuer (priority, entrypoint, payload, execute_after, status, headers)
    SELECT 0, {0}, payload, now(), 'queued', 'null'::jsonb
    FROM unnest({1}::bytea[]) WITH ORDINALITY AS job(payload, ord) ORDER BY ord
    RETURNING id, entrypoint, priority"""
_LOG_QUEUED: Final = """
    INSERT INTO pgqueuer_log (job_id, status, entrypoint, priority)
    SELECT id, 'queued', entrypoint, priority FROM {jobs}"""


def enqueue_in_batch(
    batch: WriteBatch, entrypoint: str, payloads: Sequence[msgspec.Struct | bytes]
) -> None:
    """Add several jobs of one kind to a `WriteBatch`: they go out in its one statement, with
    no round trip of their own, and commit with it. The queue's trigger announces them to
    the workers as for any other enqueue."""
    bodies = _bodies(entrypoint, payloads)
    if not bodies:
        return
    jobs = batch.also(_QUEUE_JOBS, entrypoint, bodies)
    batch.also(_LOG_QUEUED.replace("{jobs}", jobs))


async def failed_jobs(session: AsyncSession, limit: int = 100) -> list[Job]:
    """Dead letters: jobs that failed their last attempt and are held for an operator."""
    queries = await _queries_for(session)
    jobs: list[Job] = await queries.list_failed_jobs(limit=limit)
    return jobs


async def replay_failed_jobs(session: AsyncSession, job_ids: list[int]) -> None:
    """Put held jobs back in the queue with a fresh attempt budget."""
    queries = await _queries_for(session)
    await queries.requeue_jobs([JobId(job_id) for job_id in job_ids])


# --- the trivial job that proves the wiring -------------------------------------------------


class PingPayload(msgspec.Struct, frozen=True):
    ping_id: uuid.UUID
    requested_by: str


PING: Final = "core.ping"


@job(PING)
async def record_ping(ctx: JobContext, payload: bytes) -> None:
    ping = msgspec.json.decode(payload, type=PingPayload)
    async with ctx.sessionmaker() as session, session.begin():
        # Idempotent: a retried ping must not fail on its own earlier row.
        if await session.get(QueuePing, ping.ping_id) is None:
            session.add(
                QueuePing(id=ping.ping_id, requested_by=ping.requested_by, worker_pid=os.getpid())
            )


# --- the worker ---------------------------------------------------------------------------------


def _executor_factory(
    max_attempts: int,
) -> Callable[[EntrypointExecutorParameters], DatabaseRetryEntrypointExecutor]:
    def build(parameters: EntrypointExecutorParameters) -> DatabaseRetryEntrypointExecutor:
        return DatabaseRetryEntrypointExecutor(
            parameters=parameters,
            max_attempts=max_attempts,
            initial_delay=timedelta(seconds=1),
            max_delay=timedelta(minutes=5),
        )

    return build


def build_queue_manager(connection: asyncpg.Connection, context: JobContext) -> QueueManager:
    manager = QueueManager(Queries.from_asyncpg_connection(connection))
    factory = _executor_factory(context.settings.worker.max_attempts)
    for name, handler in _HANDLERS.items():

        async def run(job: Job, handler: JobHandler = handler) -> None:
            await handler(context, job.payload or b"")

        # "hold" keeps the terminally failed job as a dead letter an operator can replay.
        manager.entrypoint(name, executor_factory=factory, on_failure="hold")(run)
    return manager


def build_scheduler(
    connection: asyncpg.Connection, context: JobContext, shutdown: asyncio.Event
) -> SchedulerManager:
    """pgqueuer's scheduler: one row per schedule in `pgqueuer_schedules`, so of many worker
    replicas only one fires each run."""
    scheduler = SchedulerManager(Queries.from_asyncpg_connection(connection))
    scheduler.shutdown = shutdown
    for entrypoint, expression in periodic_jobs(context.settings).items():

        async def fire(schedule: Schedule, entrypoint: str = entrypoint) -> None:
            del schedule
            try:
                async with context.sessionmaker() as session, session.begin():
                    # One pending run at a time: a slow run is not stacked up behind.
                    await enqueue(session, entrypoint, b"{}", dedupe_key=f"periodic:{entrypoint}")
            except DuplicateJobError:
                log.info("periodic_job_still_pending", job=entrypoint)

        scheduler.schedule(entrypoint, expression)(fire)
    return scheduler


async def run_worker(
    settings: Settings, *, drain: bool = False, stop: asyncio.Event | None = None
) -> None:
    """Process jobs until SIGTERM/SIGINT or `stop` (or, with drain, until the queue is empty;
    periodic jobs are scheduled only when not draining)."""
    import onething.jobs_registry  # noqa: F401  (imports every domain's jobs)

    engine = create_engine(settings.database)
    context = JobContext(settings=settings, sessionmaker=create_sessionmaker(engine))
    connection = await asyncpg.connect(settings.database.asyncpg_dsn)
    manager = build_queue_manager(connection, context)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, manager.shutdown.set)
    schedule_connection = None
    runs = []
    if not drain and periodic_jobs(settings):
        schedule_connection = await asyncpg.connect(settings.database.asyncpg_dsn)
        runs.append(build_scheduler(schedule_connection, context, manager.shutdown).run())
    watcher = asyncio.create_task(_stop_on(stop, manager.shutdown)) if stop else None
    freeze_long_lived_objects(settings.app.environment)
    log.info(
        "worker_started", jobs=sorted(_HANDLERS), schedules=periodic_jobs(settings), pid=os.getpid()
    )
    try:
        from pgqueuer.types import QueueExecutionMode

        await asyncio.gather(
            manager.run(
                mode=QueueExecutionMode.drain if drain else QueueExecutionMode.continuous,
                dequeue_timeout=timedelta(seconds=settings.worker.poll_interval_seconds),
                max_concurrent_tasks=max(settings.worker.concurrency, 20),
                heartbeat_timeout=timedelta(seconds=settings.worker.heartbeat_timeout_seconds),
            ),
            *runs,
        )
    finally:
        if watcher is not None:
            watcher.cancel()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await connection.close()
        if schedule_connection is not None:
            await schedule_connection.close()
        await engine.dispose()
        log.info("worker_stopped", pid=os.getpid())


async def _stop_on(stop: asyncio.Event, shutdown: asyncio.Event) -> None:
    await stop.wait()
    shutdown.set()
