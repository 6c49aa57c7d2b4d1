"""The schema comes from the Alembic migrations, and models cannot drift from them unnoticed."""

from __future__ import annotations

import asyncio

from sqlalchemy import Column, MetaData, String, Table

from onething.core.metadata import target_metadata
from onething.core.migrate import downgrade, pending_model_changes, upgrade
from onething.core.settings import Settings


async def test_models_and_migrations_agree(settings: Settings) -> None:
    assert await pending_model_changes(settings.database.url) == []


async def test_a_model_change_without_a_migration_fails_the_check(settings: Settings) -> None:
    changed = MetaData(naming_convention=target_metadata.naming_convention)
    for table in target_metadata.tables.values():
        table.to_metadata(changed)
    pings: Table = changed.tables["queue_pings"]
    pings.append_column(Column("note", String(200), nullable=True))
    diffs = await pending_model_changes(settings.database.url, changed)
    assert diffs, "an added column with no migration must be reported"
    assert any("note" in repr(diff) for diff in diffs)


async def test_a_new_table_without_a_migration_fails_the_check(settings: Settings) -> None:
    changed = MetaData(naming_convention=target_metadata.naming_convention)
    for table in target_metadata.tables.values():
        table.to_metadata(changed)
    Table("ratings_draft", changed, Column("id", String(10), primary_key=True))
    diffs = await pending_model_changes(settings.database.url, changed)
    assert any("ratings_draft" in repr(diff) for diff in diffs)


def test_migrations_downgrade_to_base_and_upgrade_again(settings: Settings) -> None:
    downgrade(settings.database.url, "base")
    upgrade(settings.database.url)
    assert asyncio.run(pending_model_changes(settings.database.url)) == []
