"""The seed step run by `make run` and `onething seed`: reference data the product needs."""

from __future__ import annotations

from onething.catalog.loader import load_catalog
from onething.catalog.services import publish_catalog
from onething.core.db import create_engine, create_sessionmaker
from onething.core.settings import Settings
from onething.identity.clients import PWA_CLIENT_ID, ensure_pwa_client


async def run_seed(settings: Settings | None = None) -> list[str]:
    """Load reference data idempotently; returns human-readable lines of what was done."""
    settings = settings or Settings.from_env()
    catalog = load_catalog(settings.app.catalog_dir)
    engine = create_engine(settings.database)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            created = await publish_catalog(session, catalog)
            await ensure_pwa_client(session, settings.app.public_url)
    finally:
        await engine.dispose()
    state = "published" if created else "already published"
    return [
        f"catalog {catalog.version[:12]} {state}: "
        f"{len(catalog.bundles)} bundles, {len(catalog.services)} services, "
        f"{len(catalog.elements)} data elements",
        f"OIDC client {PWA_CLIENT_ID} redirects to {settings.app.public_url}",
    ]
