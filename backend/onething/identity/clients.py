"""Registered relying parties: the first-party PWA is ensured at seed time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from sqlalchemy.dialects.postgresql import insert

from onething.identity.models import OAuthClient
from onething.identity.token_exchange import TOKEN_EXCHANGE

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

PWA_CLIENT_ID: Final = "onething-pwa"
PWA_CALLBACK_PATH: Final = "/auth/callback"
PWA_SCOPE: Final = (
    "openid profile phone applications:read applications:write licenses:read offline_access"
)
# Token exchange (RFC 8693): an agent signed in to the PWA acts for a resident under an
# active delegation; the provider checks the delegation on every exchange.
PWA_GRANTS: Final = ["authorization_code", "refresh_token", TOKEN_EXCHANGE]


async def ensure_pwa_client(session: AsyncSession, public_url: str) -> None:
    """The PWA: a public client (PKCE, no secret), first party (no consent screen), redirected
    back to its own origin. Idempotent; a changed public URL updates the redirect URI."""
    redirect_uris = [public_url.rstrip("/") + PWA_CALLBACK_PATH]
    post_logout_redirect_uris = [public_url.rstrip("/") + "/"]
    statement = insert(OAuthClient).values(
        client_id=PWA_CLIENT_ID,
        name="一件事 PWA",
        token_endpoint_auth_method="none",  # noqa: S106 — PKCE, no client secret
        redirect_uris=redirect_uris,
        post_logout_redirect_uris=post_logout_redirect_uris,
        grant_types=PWA_GRANTS,
        scope=PWA_SCOPE,
        jwks=None,
        first_party=True,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[OAuthClient.client_id],
            set_={
                "redirect_uris": redirect_uris,
                "post_logout_redirect_uris": post_logout_redirect_uris,
                "scope": PWA_SCOPE,
            },
        )
    )
