"""`current_principal`: the dependency every protected endpoint uses to know who is calling."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from litestar import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from onething.core.errors import INSUFFICIENT_SCOPE, INVALID_TOKEN, ProblemError
from onething.identity.api_limits import enforce_api_limits
from onething.identity.delegations import delegation_active
from onething.identity.deps import DbSession
from onething.identity.keys import load_keyring
from onething.identity.models import AccessToken
from onething.identity.tokens import (
    Principal,
    TokenRejectedError,
    UnknownSigningKeyError,
    principal_from_claims,
    verify_access_token,
)

if TYPE_CHECKING:
    from onething.identity.context import IdentityContext
    from onething.identity.keys import KeyRing


def _refuse(error: str, detail_en: str, detail_zh: str) -> ProblemError:
    return ProblemError(
        INVALID_TOKEN,
        detail_en=detail_en,
        detail_zh=detail_zh,
        headers={"WWW-Authenticate": f'Bearer realm="onething", error="{error}"'},
    )


def bearer_token(request: Request[Any, Any, Any]) -> str:
    """The token from the Authorization header, and from nowhere else: a token in a URL ends
    up in logs, histories and Referer headers (RFC 9700 §4.3.2; RFC 6750 §5.3)."""
    if "access_token" in request.query_params:
        raise _refuse(
            "invalid_request",
            "Send the access token in the Authorization header, never in the URL.",
            "访问令牌只能放在 Authorization 请求头中，不能放在网址里。",
        )
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ProblemError(
            INVALID_TOKEN,
            detail_en="An access token is required.",
            detail_zh="需要访问令牌。",
            headers={"WWW-Authenticate": 'Bearer realm="onething"'},
        )
    return token.strip()


async def authenticate(
    db: AsyncSession, ctx: IdentityContext, token: str, *, now: datetime
) -> Principal:
    """Verify signature, issuer, audience (this API only) and expiry, then that the token has
    not been revoked (logout, refresh-token reuse, RFC 7009)."""

    def verify(ring: KeyRing) -> dict[str, Any]:
        return verify_access_token(
            ring, token, issuer=ctx.issuer, audience=ctx.api_audience, now=int(now.timestamp())
        )

    try:
        try:
            claims = verify(await load_keyring(db, ctx, now=now))
        except UnknownSigningKeyError:
            # Another replica may have rotated the key in since this one cached the ring.
            claims = verify(await load_keyring(db, ctx, now=now, refresh=True))
    except TokenRejectedError as exc:
        raise _refuse("invalid_token", str(exc), "访问令牌无效或已过期。") from exc
    revoked = (
        await db.execute(select(AccessToken.revoked_at).where(AccessToken.jti == claims["jti"]))
    ).one_or_none()
    if revoked is None or revoked[0] is not None:
        raise _refuse("invalid_token", "token revoked", "访问令牌已被撤销。")
    delegation_id = claims.get("delegation_id")
    if delegation_id is not None and not await delegation_active(db, str(delegation_id), now=now):
        # Revoking a delegation takes effect here, at the next request with the token.
        raise _refuse("invalid_token", "delegation ended", "代办授权已撤销或已过期。")
    return principal_from_claims(claims)


async def current_principal(request: Request[Any, Any, Any], db_session: DbSession) -> Principal:
    """Litestar dependency: `dependencies={"principal": Provide(current_principal)}`. Every
    authenticated request also counts against its user's and client's rate limits."""
    ctx: IdentityContext = request.app.state.identity
    now = datetime.now(UTC)
    principal = await authenticate(db_session, ctx, bearer_token(request), now=now)
    await enforce_api_limits(db_session, request.app.state.settings.api_limits, principal, now=now)
    return principal


def require_scopes(principal: Principal, *scopes: str) -> None:
    """Refuse with 403 unless the token carries every scope named."""
    if not principal.has_scopes(*scopes):
        wanted = " ".join(scopes)
        raise ProblemError(
            INSUFFICIENT_SCOPE,
            detail_en=f"Requires scope: {wanted}",
            detail_zh=f"需要授权范围：{wanted}",
            headers={
                "WWW-Authenticate": (
                    f'Bearer realm="onething", error="insufficient_scope", scope="{wanted}"'
                )
            },
        )
