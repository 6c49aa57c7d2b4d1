"""What the licenses services need besides the database, built once per process."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

# Litestar resolves the providers' annotations at run time: this import must stay real.
from litestar.datastructures import State

from onething.catalog.loader import load_catalog
from onething.core.storage import ObjectStorage
from onething.identity.crypto import BlindIndexer, FieldCipher
from onething.licenses.kms import HttpKeyService, KeyService

if TYPE_CHECKING:
    from onething.catalog.model import Catalog
    from onething.core.settings import LicenseSettings, Settings


class LicensesContext:
    """A plain class (Litestar hands it to handlers as it is)."""

    __slots__ = (
        "bucket",
        "catalog",
        "cipher",
        "generate_keys",
        "indexer",
        "key_service",
        "public_url",
        "storage",
    )

    def __init__(
        self,
        *,
        catalog: Catalog,
        cipher: FieldCipher,
        indexer: BlindIndexer,
        storage: ObjectStorage,
        public_url: str,
        key_service: KeyService | None = None,
        generate_keys: bool = True,
    ) -> None:
        self.catalog = catalog
        self.cipher = cipher
        self.indexer = indexer
        self.storage = storage
        self.bucket = storage.settings.licenses_bucket
        self.public_url = public_url.rstrip("/")
        self.key_service = key_service
        self.generate_keys = generate_keys

    def verify_url(self, token: str) -> str:
        return f"{self.public_url}/verify/{token}"

    def api_url(self, path: str) -> str:
        return f"{self.public_url}/api/v1{path}"


def context_from_state(state: State) -> LicensesContext:
    """Litestar dependency: from what the app factory put on the state."""
    return LicensesContext(
        catalog=state.catalog,
        cipher=state.identity.cipher,
        indexer=state.identity.indexer,
        storage=state.storage,
        public_url=state.settings.app.public_url,
        key_service=key_service(state.settings.licenses),
        generate_keys=state.settings.licenses.generate_keys,
    )


def key_service(settings: LicenseSettings) -> KeyService | None:
    """The HSM/KMS client when one is configured."""
    if not settings.kms_url:
        return None
    return HttpKeyService(settings.kms_url, settings.kms_token)


@functools.lru_cache(maxsize=8)
def context_from_settings(settings: Settings) -> LicensesContext:
    """For worker jobs and the seed: the same pieces, from the settings."""
    return LicensesContext(
        catalog=load_catalog(settings.app.catalog_dir),
        cipher=FieldCipher.from_config(settings.identity.data_keys),
        indexer=BlindIndexer.from_config(settings.identity.blind_index_key),
        storage=ObjectStorage(settings.s3),
        public_url=settings.app.public_url,
        key_service=key_service(settings.licenses),
        generate_keys=settings.licenses.generate_keys,
    )
