"""Run Alembic programmatically and compare models with the migrated schema (the drift check)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from onething.core.metadata import include_object, target_metadata
from onething.core.settings import DatabaseSettings

MIGRATIONS_DIR: Final = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' must be escaped for ConfigParser interpolation (passwords may contain it).
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def _diff(connection: Connection, metadata: MetaData) -> list[object]:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_object": include_object,
            "compare_type": True,
            "compare_server_default": True,
        },
    )
    return list(compare_metadata(context, metadata))


async def pending_model_changes(
    database_url: str, metadata: MetaData | None = None
) -> list[object]:
    """Differences between the models and a database migrated to head (empty means in sync)."""
    engine = create_async_engine(DatabaseSettings(url=database_url).async_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_diff, metadata or target_metadata)
    finally:
        await engine.dispose()
