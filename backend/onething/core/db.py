"""Async SQLAlchemy engine and sessions; the declarative base every table inherits."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import ClauseElement, MetaData, event, text
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import await_

if TYPE_CHECKING:
    from litestar.datastructures import State

    from onething.core.settings import DatabaseSettings

# Deterministic constraint names so Alembic autogenerate and hand-written migrations agree.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    if not settings.url:
        msg = "DATABASE_URL is not set (run through `onething devstack` or set it)"
        raise RuntimeError(msg)
    engine = create_async_engine(
        settings.async_url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        echo=settings.echo,
    )
    _check_on_checkout(engine, settings.ping_after_idle)
    return engine


# When a pooled connection was last used (monotonic seconds), in its pool entry's `info`.
_LAST_USED = "onething.last_used"
# A ping that takes longer than this finds the connection dead.
_PING_TIMEOUT = 5.0


def _check_on_checkout(engine: AsyncEngine, ping_after_idle: float) -> None:
    """Hand out only live connections, without a round trip per checkout.

    SQLAlchemy's `pool_pre_ping` costs three round trips on asyncpg (BEGIN, `;`, ROLLBACK) at
    every checkout. Instead: a connection whose socket the server has closed (a restart, a
    terminated backend, an idle timeout — asyncpg sees the close as it happens) is replaced
    at once, for free; one idle for `ping_after_idle` seconds or more is pinged with `SELECT 1`
    in the simple protocol (one round trip, no prepared statement: safe behind PgBouncer's
    transaction pooling; asyncpg cannot run the empty query there); one used more recently
    than that is handed out as it is (HikariCP's alive-bypass window, 500 ms there too).
    Under load every checkout falls in the window. A dead connection found empties the pool
    of the connections opened before it."""

    def _mark_used(_: Any, entry: ConnectionPoolEntry) -> None:
        entry.info[_LAST_USED] = time.monotonic()

    # a new connection counts as used, and so does one given back
    event.listen(engine.sync_engine.pool, "connect", _mark_used)
    event.listen(engine.sync_engine.pool, "checkin", _mark_used)

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _checked_out(
        dbapi_connection: Any, entry: ConnectionPoolEntry, _: PoolProxiedConnection
    ) -> None:
        driver = dbapi_connection.driver_connection
        if driver.is_closed():
            msg = "the server closed this pooled connection"
            raise InvalidatePoolError(msg)
        if time.monotonic() - entry.info.get(_LAST_USED, 0.0) < ping_after_idle:
            return
        try:
            await_(driver.execute("SELECT 1", timeout=_PING_TIMEOUT))
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            msg = f"a pooled connection failed its ping: {error!r}"
            raise InvalidatePoolError(msg) from error


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def provide_db_session(state: State) -> AsyncIterator[AsyncSession]:
    """Litestar dependency: one session per request; services own the transaction."""
    sessionmaker: async_sessionmaker[AsyncSession] = state.sessionmaker
    async with sessionmaker() as session:
        yield session


async def _asyncpg_of(session: AsyncSession) -> tuple[AsyncConnection, asyncpg.Connection]:
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if not isinstance(driver, asyncpg.Connection):
        msg = "this needs the asyncpg driver"
        raise TypeError(msg)
    return connection, driver


async def driver_connection(session: AsyncSession) -> asyncpg.Connection:
    """The session's own asyncpg connection, inside its open transaction: what runs on it
    commits or rolls back with the session's other work (the job queue's enqueue, a
    `WriteBatch`)."""
    connection, driver = await _asyncpg_of(session)
    if not driver.is_in_transaction():
        # SQLAlchemy's asyncpg adapter opens the database transaction lazily, at the first
        # statement it runs itself; without one yet a raw statement would autocommit.
        # (A transaction already open saves this round trip: the usual case.)
        await connection.execute(text("SELECT 1"))
    if not driver.is_in_transaction():
        msg = "a raw statement must run inside the session's transaction"
        raise RuntimeError(msg)
    return driver


async def autocommit_row(session: AsyncSession, sql: str, *args: object) -> asyncpg.Record:
    """One statement on the session's connection, committed at once: in its own transaction
    when none is open yet (the usual case: one round trip), else committing the one open (a
    look-up through the session before it opened it)."""
    _, driver = await _asyncpg_of(session)
    row = await driver.fetchrow(sql, *args)
    if driver.is_in_transaction():
        await session.commit()
    if row is None:
        msg = "the statement returned no row"
        raise LookupError(msg)
    return row


@dataclass(frozen=True, slots=True)
class CompiledSQL:
    """A SQLAlchemy statement compiled once to asyncpg's SQL, to run (or embed in a larger
    statement) on the raw connection: `sql` numbers its parameters from `first`; `args`
    puts the named values (and the statement's own literals) in that order."""

    sql: str
    names: tuple[str, ...]
    literals: dict[str, Any]

    def args(self, **values: object) -> list[object]:
        return [values[n] if n in values else self.literals[n] for n in self.names]


_PLACEHOLDER = re.compile(r"\$(\d+)")


def compile_for_asyncpg(statement: ClauseElement, *, first: int = 1) -> CompiledSQL:
    """Compile with the asyncpg dialect; name the values with `bindparam(name)`. A value the
    statement holds itself (a literal in a condition) is kept and passed for it."""
    compiled = statement.compile(dialect=asyncpg_dialect())  # type: ignore[no-untyped-call]
    if not isinstance(compiled, SQLCompiler):
        msg = "not a SQL statement"
        raise TypeError(msg)
    names = tuple(compiled.positiontup or ())
    sql = _PLACEHOLDER.sub(lambda m: f"${int(m.group(1)) + first - 1}", compiled.string)
    literals = {n: v for n, v in compiled.params.items() if v is not None}
    return CompiledSQL(sql=sql, names=names, literals=literals)
