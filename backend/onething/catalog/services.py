"""Catalog operations with I/O: publishing a loaded catalog as a release, reading releases."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import msgspec
from sqlalchemy.dialects.postgresql import insert

from onething.catalog.models import CatalogRelease

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.catalog.model import Catalog


async def publish_catalog(session: AsyncSession, catalog: Catalog) -> bool:
    """Record this catalog version (idempotent); True when it was not known before."""
    content = cast("dict[str, object]", msgspec.to_builtins(catalog))
    statement = (
        insert(CatalogRelease)
        .values(
            version=catalog.version,
            bundle_count=len(catalog.bundles),
            service_count=len(catalog.services),
            content=content,
        )
        .on_conflict_do_nothing(index_elements=[CatalogRelease.version])
        .returning(CatalogRelease.version)
    )
    inserted = (await session.execute(statement)).scalar_one_or_none()
    return inserted is not None


async def load_release(session: AsyncSession, version: str) -> Catalog | None:
    """The catalog exactly as it was published under `version`."""
    from onething.catalog.model import Catalog

    release = await session.get(CatalogRelease, version)
    if release is None:
        return None
    return msgspec.convert(release.content, type=Catalog)
