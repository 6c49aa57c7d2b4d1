"""Upstream OpenID Connect federation to a national identity platform: we are its relying party
(authlib's httpx client, code + PKCE S256, `nonce`, `iss` checked per RFC 9207). The upstream
subject is linked to a local account once; the first link needs the upstream's verified
national ID number, which finds the resident's existing account (blind index) or creates one.

Configured by FEDERATION_ISSUER / FEDERATION_CLIENT_ID / FEDERATION_SCOPE. No national platform
is reachable from here: the tests federate two OneThing instances over real HTTP, one acting
as the platform (it releases `id_number` for the scope of that name)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry
from sqlalchemy import delete, select

from onething.catalog.codes import is_valid_id_number
from onething.identity import events
from onething.identity.crypto import normalise_id_number, token_hash
from onething.identity.events import record_event
from onething.identity.models import FederatedIdentity, FederationLogin, User
from onething.identity.services import find_by_id_number, new_user

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext

CALLBACK_PATH: Final = "/oauth2/federation/callback"
LOGIN_SECONDS: Final = 600
HTTP_TIMEOUT: Final = 10.0
ID_TOKEN_ALGS: Final = ["ES256", "EdDSA", "RS256", "PS256"]


class FederationError(ValueError):
    """The upstream answer cannot sign anyone in; the message is for logs and events."""


@dataclass(frozen=True, slots=True)
class Upstream:
    issuer: str
    client_id: str
    scope: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def federation_enabled(ctx: IdentityContext) -> bool:
    return bool(ctx.settings.federation_issuer and ctx.settings.federation_client_id)


async def discover(ctx: IdentityContext) -> Upstream:
    """The upstream's metadata (OpenID Connect Discovery), which must name its own issuer."""
    issuer = ctx.settings.federation_issuer
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            response = await http.get(f"{issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            metadata: dict[str, Any] = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        msg = f"upstream discovery failed: {exc.__class__.__name__}"
        raise FederationError(msg) from exc
    if metadata.get("issuer") != issuer:
        msg = "upstream metadata names another issuer"
        raise FederationError(msg)
    return Upstream(
        issuer=issuer,
        client_id=ctx.settings.federation_client_id,
        scope=ctx.settings.federation_scope,
        authorization_endpoint=str(metadata["authorization_endpoint"]),
        token_endpoint=str(metadata["token_endpoint"]),
        jwks_uri=str(metadata["jwks_uri"]),
    )


def _client(ctx: IdentityContext, upstream: Upstream) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=upstream.client_id,
        token_endpoint_auth_method="none",  # noqa: S106 — PKCE, no client secret
        redirect_uri=ctx.endpoint(CALLBACK_PATH),
        scope=upstream.scope,
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT,
    )


async def start_federated_login(
    db: AsyncSession, ctx: IdentityContext, *, next_url: str, now: datetime
) -> str:
    """Remember state, nonce and PKCE verifier (by the state's hash) and return the upstream
    authorization URL to send the browser to."""
    upstream = await discover(ctx)
    state, nonce, verifier = new_secret(), new_secret(), secrets.token_urlsafe(48)
    db.add(
        FederationLogin(
            state_hash=token_hash(state),
            code_verifier=verifier,
            nonce=nonce,
            next_url=next_url,
            expires_at=now + timedelta(seconds=LOGIN_SECONDS),
        )
    )
    async with _client(ctx, upstream) as client:
        url, _ = client.create_authorization_url(
            upstream.authorization_endpoint, state=state, code_verifier=verifier, nonce=nonce
        )
    return str(url)


def new_secret() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True, slots=True)
class FederatedLogin:
    user: User
    next_url: str


async def finish_federated_login(
    db: AsyncSession,
    ctx: IdentityContext,
    *,
    params: dict[str, str],
    now: datetime,
    ip: str | None,
) -> FederatedLogin:
    """The upstream's authorization response: check state (single use) and `iss`, redeem the
    code, validate the ID token against the upstream's JWKS, then map the subject."""
    state = params.get("state", "")
    pending = (
        await db.execute(
            delete(FederationLogin)
            .where(FederationLogin.state_hash == token_hash(state))
            .returning(FederationLogin)
        )
    ).scalar_one_or_none()
    if not state or pending is None or pending.expires_at <= now:
        msg = "unknown, used or expired state"
        raise FederationError(msg)
    upstream = await discover(ctx)
    if params.get("iss") != upstream.issuer:
        msg = "authorization response from another issuer (RFC 9207)"
        raise FederationError(msg)
    if "error" in params or not params.get("code"):
        msg = f"upstream refused: {params.get('error', 'no code')}"
        raise FederationError(msg)
    try:
        async with _client(ctx, upstream) as client:
            token = await client.fetch_token(
                upstream.token_endpoint,
                grant_type="authorization_code",
                code=params["code"],
                code_verifier=pending.code_verifier,
            )
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as http:
            jwks = (await http.get(upstream.jwks_uri)).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        msg = f"upstream token request failed: {exc.__class__.__name__}"
        raise FederationError(msg) from exc
    claims = _verified_id_token(
        str(token.get("id_token", "")), jwks, upstream=upstream, nonce=pending.nonce, now=now
    )
    user = await _link(db, ctx, upstream.issuer, claims, now=now, ip=ip)
    return FederatedLogin(user=user, next_url=pending.next_url)


def _verified_id_token(
    id_token: str, jwks: dict[str, Any], *, upstream: Upstream, nonce: str, now: datetime
) -> dict[str, Any]:
    try:
        decoded = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=ID_TOKEN_ALGS)  # type: ignore[arg-type]
        JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=30,
            iss={"essential": True, "value": upstream.issuer},
            aud={"essential": True, "value": upstream.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError, TypeError) as exc:
        msg = f"ID token refused: {exc.__class__.__name__}"
        raise FederationError(msg) from exc
    return dict(decoded.claims)


async def _link(
    db: AsyncSession,
    ctx: IdentityContext,
    issuer: str,
    claims: dict[str, Any],
    *,
    now: datetime,
    ip: str | None,
) -> User:
    """The local account of an upstream subject: linked before, or found (or created) by
    the verified ID number the upstream releases."""
    subject = str(claims["sub"])
    link = (
        await db.execute(
            select(FederatedIdentity)
            .where(FederatedIdentity.issuer == issuer, FederatedIdentity.subject == subject)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if link is not None:
        user = await db.get(User, link.user_id)
        if user is None or user.disabled_at is not None:
            msg = "linked account disabled"
            raise FederationError(msg)
        link.last_login_at = now
        return user
    raw = claims.get("id_number")
    id_number = normalise_id_number(raw) if isinstance(raw, str) else ""
    if not is_valid_id_number(id_number):
        msg = "the upstream released no valid ID number"
        raise FederationError(msg)
    user = await find_by_id_number(db, ctx, id_number)
    if user is None:
        name = claims.get("name")
        user = new_user(
            ctx,
            role="resident",
            name=name if isinstance(name, str) else None,
            id_number=id_number,
        )
        db.add(user)
        await db.flush()
    elif user.disabled_at is not None or user.role != "resident":
        msg = "the ID number belongs to an account that cannot federate"
        raise FederationError(msg)
    db.add(
        FederatedIdentity(
            issuer=issuer, subject=subject, user_id=user.id, created_at=now, last_login_at=now
        )
    )
    record_event(db, events.FEDERATION_LINKED, user_id=user.id, ip=ip, detail={"issuer": issuer})
    return user
