"""The catalog an application was made against: the running one, or its published release."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from onething.catalog.services import load_release

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.catalog.model import Catalog

# Releases never change once published, so a decoded one can be kept for the process's life.
_RELEASES: Final[dict[str, Catalog]] = {}


async def catalog_for(session: AsyncSession, version: str, current: Catalog) -> Catalog:
    """`current` when the versions match (nearly always), else the release from the database."""
    if version == current.version:
        return current
    found = _RELEASES.get(version)
    if found is None:
        found = await load_release(session, version)
        if found is None:
            msg = f"catalog release {version} is not published"
            raise LookupError(msg)
        _RELEASES[version] = found
    return found
