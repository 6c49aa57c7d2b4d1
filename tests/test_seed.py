"""The seed step publishes the catalog once, and a published release reads back unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.catalog.loader import load_catalog
from onething.catalog.services import load_release
from onething.core.settings import Settings
from onething.identity.clients import PWA_CALLBACK_PATH, PWA_CLIENT_ID
from onething.identity.models import OAuthClient
from onething.seed import run_seed

pytestmark = pytest.mark.usefixtures("clean_db")


async def test_seed_publishes_the_catalog_once(settings: Settings) -> None:
    first = await run_seed(settings)
    second = await run_seed(settings)
    assert "published:" in first[0]
    assert "already published" in second[0]


async def test_seed_registers_the_pwa_as_a_public_client(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await run_seed(settings)
    await run_seed(settings)  # idempotent
    async with sessionmaker() as session:
        client = await session.get(OAuthClient, PWA_CLIENT_ID)
    assert client is not None
    assert client.token_endpoint_auth_method == "none"
    assert client.redirect_uris == [settings.app.public_url + PWA_CALLBACK_PATH]


async def test_a_published_release_reads_back_as_the_same_catalog(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    catalog = load_catalog(settings.app.catalog_dir)
    await run_seed(settings)
    async with sessionmaker() as session:
        assert await load_release(session, catalog.version) == catalog
        assert await load_release(session, "0" * 64) is None
