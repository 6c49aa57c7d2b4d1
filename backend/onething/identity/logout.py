"""OpenID Connect RP-Initiated Logout 1.0: which client asks, and where the browser may go
back to. `post_logout_redirect_uri` must equal one the client registered, and the client must
be known from `id_token_hint` (an ID token we signed) or `client_id`; otherwise no redirect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from onething.identity.models import OAuthClient
from onething.identity.tokens import TokenRejectedError, verify_id_token_hint

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext
    from onething.identity.keys import KeyRing


class LogoutRequestError(ValueError):
    """The logout request names a client or a return address we cannot honour."""


@dataclass(frozen=True, slots=True)
class LogoutRequest:
    client_id: str | None = None
    post_logout_redirect_uri: str | None = None
    state: str | None = None

    def return_location(self) -> str | None:
        """Where to send the browser after logout, with `state` when one was given."""
        if self.post_logout_redirect_uri is None:
            return None
        if not self.state:
            return self.post_logout_redirect_uri
        parts = urlsplit(self.post_logout_redirect_uri)
        query = [*parse_qsl(parts.query, keep_blank_values=True), ("state", self.state)]
        return urlunsplit(parts._replace(query=urlencode(query)))


async def resolve_logout(
    db: AsyncSession,
    ctx: IdentityContext,
    ring: KeyRing,
    *,
    id_token_hint: str | None,
    client_id: str | None,
    post_logout_redirect_uri: str | None,
    state: str | None,
) -> LogoutRequest:
    """Check the parameters of a logout request; raises LogoutRequestError when they do not
    hold together (then the provider shows an error instead of redirecting anywhere)."""
    if id_token_hint:
        try:
            claims = verify_id_token_hint(ring, id_token_hint, issuer=ctx.issuer)
        except TokenRejectedError as exc:
            msg = "id_token_hint is not an ID token issued here"
            raise LogoutRequestError(msg) from exc
        audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if client_id and client_id not in audience:
            msg = "client_id does not match the id_token_hint"
            raise LogoutRequestError(msg)
        client_id = client_id or str(audience[0])
    if not post_logout_redirect_uri:
        return LogoutRequest(client_id=client_id, state=state)
    if not client_id:
        msg = "post_logout_redirect_uri needs id_token_hint or client_id"
        raise LogoutRequestError(msg)
    client = await db.get(OAuthClient, client_id)
    if client is None or post_logout_redirect_uri not in client.post_logout_redirect_uris:
        msg = "post_logout_redirect_uri is not registered for this client"
        raise LogoutRequestError(msg)
    return LogoutRequest(
        client_id=client_id, post_logout_redirect_uri=post_logout_redirect_uri, state=state
    )
