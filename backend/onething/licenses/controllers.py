"""Public license routes: the issuers' keys (JWKS)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from onething.identity.deps import DbSession
from onething.licenses.keyring import published_jwks


class PublicLicenseController(Controller):
    path = "/licenses"
    tags = ["licenses"]  # noqa: RUF012

    @get("/keys", operation_id="getLicenseKeys", summary="Issuers' public keys (JWKS)")
    async def keys(self, db_session: DbSession) -> Response[dict[str, Any]]:
        """Every issuing department's Ed25519 public key as a JWK Set. `kid` reads
        `<issuer credit code>:<thumbprint>` and the extra member `iss` names the issuer, so a
        verifier holding only this document checks license signatures and QR tokens offline."""
        return Response(
            await published_jwks(db_session), headers={"Cache-Control": "public, max-age=300"}
        )
