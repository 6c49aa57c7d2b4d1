"""`current_principal`: the dependency every protected endpoint uses to know who is calling."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from onething.core.db import autocommit_row
from onething.core.errors import INSUFFICIENT_SCOPE, INVALID_TOKEN, ProblemError
from onething.identity.api_limits import COUNT_HITS, check_counted, limits_for
from onething.identity.delegations import delegation_active
from onething.identity.deps import DbSession
from onething.identity.keys import load_keyring
from onething.identity.ratelimit import window_start
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


async def verified_claims(
    db: AsyncSession, ctx: IdentityContext, token: str, *, now: datetime
) -> dict[str, Any]:
    """Signature, issuer, audience (this API only) and expiry; whether the token has been
    revoked since (logout, refresh-token reuse, RFC 7009) the gate checks in its statement."""

    def verify(ring: KeyRing) -> dict[str, Any]:
        return verify_access_token(
            ring, token, issuer=ctx.issuer, audience=ctx.api_audience, now=int(now.timestamp())
        )

    try:
        try:
            return verify(await load_keyring(db, ctx, now=now))
        except UnknownSigningKeyError:
            # Another replica may have rotated the key in since this one cached the ring.
            return verify(await load_keyring(db, ctx, now=now, refresh=True))
    except TokenRejectedError as exc:
        raise _refuse("invalid_token", str(exc), "访问令牌无效或已过期。") from exc


@dataclass(frozen=True, slots=True)
class Account:
    """The caller's account as the gate read it (None when the subject is not an account,
    e.g. a client acting as itself, or the account is unknown or disabled)."""

    id: uuid.UUID
    role: str
    department_code: str | None
    first_party_client: bool  # the token's client is one of ours, not a mini-app


@dataclass(frozen=True, slots=True)
class Admitted:
    principal: Principal
    account: Account | None


_ADMITTED: Final = "onething.admitted"

# The request gate, one statement in its own transaction (autocommit): the token's revocation
# check, the rate-limit count (only for a token that stands), and the caller's account.
# $1 jti, $2 buckets, $3 window start, $4 account id (NULL when `sub` is not one), $5 client.
# Its commit does not wait for the WAL flush (synchronous_commit off for this transaction
# only): it writes nothing but rate-limit counts, and a crash may lose the last fraction of a
# second of those, never a business write. Every request is spared a disk flush.
_GATE: Final = f"""
WITH token AS (SELECT revoked_at FROM access_tokens WHERE jti = $1),
counted AS ({
    COUNT_HITS.format(
        buckets="$2",
        start="$3::timestamptz",
        admitted="EXISTS (SELECT 1 FROM token WHERE revoked_at IS NULL)",
    )
})
SELECT EXISTS (SELECT 1 FROM token WHERE revoked_at IS NULL) AS standing,
    (SELECT array_agg(bucket ORDER BY bucket) FROM counted) AS buckets,
    (SELECT array_agg(hits ORDER BY bucket) FROM counted) AS hits,
    u.id AS account_id, u.role, u.department_code, u.disabled_at,
    (SELECT first_party FROM oauth_clients WHERE client_id = $5) AS first_party,
    set_config('synchronous_commit', 'off', true) AS commit_mode
FROM (SELECT 1) AS one LEFT JOIN users AS u ON u.id = $4::uuid"""  # noqa: S608 - constants only


async def admit(request: Request[Any, Any, Any], db: AsyncSession) -> Admitted:
    """Authenticate the request's token, count it against the rate limits and read the
    caller's account — once per request, whichever dependencies ask."""
    state: dict[str, Any] = request.scope.setdefault("state", {})
    cached = state.get(_ADMITTED)
    if isinstance(cached, Admitted):
        return cached
    ctx: IdentityContext = request.app.state.identity
    settings = request.app.state.settings.api_limits
    now = datetime.now(UTC)
    claims = await verified_claims(db, ctx, bearer_token(request), now=now)
    principal = principal_from_claims(claims)
    if principal.delegation_id is not None and not await delegation_active(
        db, principal.delegation_id, now=now
    ):
        # Revoking a delegation takes effect here, at the next request with the token.
        raise _refuse("invalid_token", "delegation ended", "代办授权已撤销或已过期。")
    limits = await limits_for(db, settings, principal)
    try:
        account_id: uuid.UUID | None = uuid.UUID(principal.sub)
    except ValueError:
        account_id = None
    window = timedelta(seconds=settings.window_seconds)
    row = await autocommit_row(
        db,
        _GATE,
        principal.jti,
        sorted(limits),
        window_start(now, window),
        account_id,
        principal.client_id,
    )
    if not row["standing"]:
        raise _refuse("invalid_token", "token revoked", "访问令牌已被撤销。")
    check_counted(
        settings, limits, dict(zip(row["buckets"] or [], row["hits"] or [], strict=True)), now=now
    )
    account = None
    if row["account_id"] is not None and row["disabled_at"] is None:
        account = Account(
            id=row["account_id"],
            role=row["role"],
            department_code=row["department_code"],
            first_party_client=row["first_party"] is True,
        )
    admitted = Admitted(principal, account)
    state[_ADMITTED] = admitted
    return admitted


async def current_principal(request: Request[Any, Any, Any], db_session: DbSession) -> Principal:
    """Litestar dependency: `dependencies={"principal": Provide(current_principal)}`. Every
    authenticated request also counts against its user's and client's rate limits."""
    return (await admit(request, db_session)).principal


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
