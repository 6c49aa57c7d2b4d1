"""The identity domain's wiring: keys parsed once from settings, URLs derived from the issuer."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Final

from onething.identity.crypto import BlindIndexer, FieldCipher

if TYPE_CHECKING:
    from litestar.datastructures import State

    from onething.core.settings import IdentitySettings, Settings

SIGNING_ALG: Final = "ES256"
SESSION_COOKIE: Final = "ot_sso"
SECURE_SESSION_COOKIE: Final = "__Host-ot_sso"


class IdentityContext:
    """What identity services need besides the database; built once per process. (A plain
    class, not a dataclass: Litestar passes it to handlers as it is.)"""

    def __init__(self, settings: IdentitySettings, *, public_url: str, is_dev: bool) -> None:
        self.settings = settings
        self.public_url = public_url
        self.is_dev = is_dev

    @classmethod
    def from_settings(cls, settings: Settings) -> IdentityContext:
        return cls(
            settings=settings.identity,
            public_url=settings.app.public_url,
            is_dev=settings.app.is_dev,
        )

    @cached_property
    def cipher(self) -> FieldCipher:
        return FieldCipher.from_config(self.settings.data_keys)

    @cached_property
    def indexer(self) -> BlindIndexer:
        return BlindIndexer.from_config(self.settings.blind_index_key)

    def check(self) -> None:
        """Fail at start-up, not at the first login, when keys are missing or malformed."""
        _ = self.cipher, self.indexer

    @property
    def issuer(self) -> str:
        return self.settings.issuer or self.public_url

    @property
    def api_audience(self) -> str:
        """The `aud` every access token for our API carries, and the only one it accepts."""
        return f"{self.issuer}/api/v1"

    @property
    def https(self) -> bool:
        return self.issuer.startswith("https://")

    @property
    def session_cookie(self) -> str:
        # `__Host-` pins the cookie to this origin (Secure, Path=/, no Domain) over HTTPS.
        return SECURE_SESSION_COOKIE if self.https else SESSION_COOKIE

    def endpoint(self, path: str) -> str:
        return f"{self.issuer}{path}"


def identity_context(state: State) -> IdentityContext:
    """The process-wide context kept on the app state (see core.app)."""
    context: IdentityContext = state.identity
    return context
