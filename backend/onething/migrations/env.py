"""Alembic environment: async engine, our metadata, queue tables owned by migrations too."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from onething.core.metadata import include_object, target_metadata
from onething.core.settings import DatabaseSettings

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or DatabaseSettings.from_env().url
    if not url:
        msg = "DATABASE_URL is not set"
        raise RuntimeError(msg)
    return DatabaseSettings(url=url).async_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=True,
    )


def _run_sync(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run_sync)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        include_object=include_object,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
