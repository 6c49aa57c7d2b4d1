"""What the applications services need besides the database, built once per process."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

# Litestar resolves the providers' annotations at run time: these imports must stay real.
from litestar.datastructures import State

from onething.applications.calendar import WorkingCalendar, load_calendar
from onething.catalog.loader import load_catalog
from onething.core.storage import ObjectStorage
from onething.identity.crypto import BlindIndexer, FieldCipher

if TYPE_CHECKING:
    from onething.catalog.model import Catalog
    from onething.core.settings import Settings


class ApplicationsContext:
    """A plain class, not a dataclass: Litestar hands it to handlers as it is (a dataclass
    would be converted field by field)."""

    __slots__ = ("calendar", "catalog", "cipher", "indexer")

    def __init__(
        self,
        *,
        catalog: Catalog,
        cipher: FieldCipher,
        calendar: WorkingCalendar,
        indexer: BlindIndexer,
    ) -> None:
        self.catalog = catalog  # the running catalog; older applications read their release
        self.cipher = cipher
        self.calendar = calendar
        self.indexer = indexer  # keyed digests (co-applicant facts) and account look-ups


def context_from_state(state: State) -> ApplicationsContext:
    """Litestar dependency: from what the app factory put on the state."""
    return ApplicationsContext(
        catalog=state.catalog,
        cipher=state.identity.cipher,
        calendar=load_calendar(state.settings.app.catalog_dir / "holidays"),
        indexer=state.identity.indexer,
    )


def storage_from_state(state: State) -> ObjectStorage:
    storage: ObjectStorage = state.storage
    return storage


@functools.lru_cache(maxsize=8)
def context_from_settings(settings: Settings) -> ApplicationsContext:
    """For worker jobs: the same pieces, from the settings (a frozen, hashable dataclass)."""
    return ApplicationsContext(
        catalog=load_catalog(settings.app.catalog_dir),
        cipher=FieldCipher.from_config(settings.identity.data_keys),
        calendar=load_calendar(settings.app.catalog_dir / "holidays"),
        indexer=BlindIndexer.from_config(settings.identity.blind_index_key),
    )
