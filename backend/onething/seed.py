"""The seed step run by `make run` and `onething seed`: reference data the product needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from onething.catalog.loader import load_catalog
from onething.catalog.services import publish_catalog
from onething.core.db import create_engine, create_sessionmaker
from onething.core.settings import Settings
from onething.identity.clients import PWA_CLIENT_ID, ensure_pwa_client

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


async def run_seed(settings: Settings | None = None) -> list[str]:
    """Load reference data idempotently; returns human-readable lines of what was done."""
    settings = settings or Settings.from_env()
    catalog = load_catalog(settings.app.catalog_dir)
    engine = create_engine(settings.database)
    demo: list[str] = []
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            created = await publish_catalog(session, catalog)
            await ensure_pwa_client(session, settings.app.public_url)
        if settings.app.is_dev:
            demo = await _demo_licenses(settings, engine)
    finally:
        await engine.dispose()
    state = "published" if created else "already published"
    return [
        f"catalog {catalog.version[:12]} {state}: "
        f"{len(catalog.bundles)} bundles, {len(catalog.services)} services, "
        f"{len(catalog.elements)} data elements",
        f"OIDC client {PWA_CLIENT_ID} redirects to {settings.app.public_url}",
        *demo,
    ]


async def _demo_licenses(settings: Settings, engine: AsyncEngine) -> list[str]:
    """Development only: the demo parents and their e-licenses (ID card, household register,
    marriage certificate), his shared with her for newborn-birth, so the newborn journey has
    prefill and e-licenses for its materials right after `make run`."""
    from datetime import UTC, datetime

    from onething.identity.context import IdentityContext
    from onething.licenses.context import context_from_settings
    from onething.licenses.demo import seed_demo_grants, seed_demo_licenses

    identity = IdentityContext.from_settings(settings)
    async with create_sessionmaker(engine)() as session, session.begin():
        now = datetime.now(UTC)
        issued = await seed_demo_licenses(
            session, identity, context_from_settings(settings), now=now
        )
        shared = await seed_demo_grants(session, identity, now=now)
    return [f"demo e-license issued: {line}" for line in issued] + [
        f"demo grant: {line}" for line in shared
    ] or ["demo e-licenses already issued and shared"]
