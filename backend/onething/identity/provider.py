"""The OpenID Provider on authlib's grants. authlib is synchronous: a `Provider` is built per
request around a synchronous SQLAlchemy `Session` handed in by `AsyncSession.run_sync`, so its
database calls run through SQLAlchemy's greenlet bridge and never block the event loop."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from authlib.oauth2.rfc6749 import AuthorizationServer, scope_to_list
from sqlalchemy import update

from onething.identity import events
from onething.identity.adapters import (
    Client,
    Code,
    HttpRequest,
    IssuedToken,
    OAuthResponse,
    Subject,
)
from onething.identity.crypto import new_token, token_hash
from onething.identity.events import record_event
from onething.identity.grants import (
    DEPARTMENT_SCOPE_PREFIX,
    ClientCredentials,
    CodeGrant,
    Introspection,
    OpenIdCode,
    PrivateKeyJwt,
    Revocation,
    RotatingRefreshGrant,
    S256Only,
)
from onething.identity.models import (
    AccessToken,
    OAuthClient,
    RefreshToken,
    User,
)
from onething.identity.token_exchange import TokenExchange
from onething.identity.tokens import (
    TokenRejectedError,
    sign_access_token,
    verify_access_token,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from onething.identity.context import IdentityContext
    from onething.identity.keys import KeyRing

SCOPES_SUPPORTED: Final = (
    "openid",
    "profile",
    "phone",
    "id_number",
    "applications:read",
    "applications:write",
    "licenses:read",
    # A client acting as itself (client_credentials, no resident): the catalog of bundles.
    "bundles:read",
    "offline_access",
)


# --- the server -------------------------------------------------------------------------------


class Provider(AuthorizationServer):  # type: ignore[misc]
    """authlib's AuthorizationServer bound to one request's database session and clock."""

    def __init__(self, db: Session, ctx: IdentityContext, ring: KeyRing, now: datetime) -> None:
        super().__init__(scopes_supported=list(SCOPES_SUPPORTED))
        self.db = db
        self.ctx = ctx
        self.ring = ring
        self.now = now
        self._claims_by_token: dict[str, dict[str, Any]] = {}
        self.register_token_generator("default", self._generate_token)
        self.register_client_auth_method("private_key_jwt", PrivateKeyJwt(self))
        self.register_grant(CodeGrant, [S256Only(), OpenIdCode(self)])
        self.register_grant(RotatingRefreshGrant)
        self.register_grant(ClientCredentials)
        self.register_grant(TokenExchange)
        self.register_endpoint(Revocation(self))
        self.register_endpoint(Introspection(self))

    # authlib's integration points

    def query_client(self, client_id: str) -> Client | None:
        row = self.db.get(OAuthClient, client_id)
        # A disabled client is unknown: no authorization, no token, no introspection.
        return Client(row) if row is not None and row.disabled_at is None else None

    def validate_requested_scope(self, scope: str | None) -> None:
        """The fixed scopes, plus `department:<id>` (which only a client bound to that
        department is ever granted: see `client_credentials_scope`)."""
        fixed = [s for s in scope_to_list(scope) or [] if not s.startswith(DEPARTMENT_SCOPE_PREFIX)]
        super().validate_requested_scope(" ".join(fixed))

    def create_oauth2_request(self, request: HttpRequest) -> HttpRequest:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> OAuthResponse:
        return OAuthResponse(status, body, list(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        del name, args, kwargs

    def save_token(self, token: dict[str, Any], request: HttpRequest) -> None:
        claims = self._claims_by_token.pop(token["access_token"])
        family_id: uuid.UUID | None = None
        sso_session_id: uuid.UUID | None = None
        auth_time = self.now
        refresh_expires = self.now + timedelta(seconds=self.ctx.settings.refresh_token_seconds)
        if isinstance(request.refresh_token, IssuedToken) and request.refresh_token.refresh:
            old = request.refresh_token.refresh
            family_id, sso_session_id, auth_time = old.family_id, old.sso_session_id, old.auth_time
            refresh_expires = old.expires_at  # rotation never extends the family's lifetime
        elif isinstance(request.authorization_code, Code):
            code = request.authorization_code.row
            family_id, sso_session_id, auth_time = code.id, code.sso_session_id, code.auth_time
        self.db.add(
            AccessToken(
                jti=claims["jti"],
                family_id=family_id,
                client_id=claims["client_id"],
                subject=claims["sub"],
                act_sub=(claims.get("act") or {}).get("sub"),
                scope=claims.get("scope") or "",
                sso_session_id=sso_session_id,
                created_at=self.now,
                expires_at=datetime.fromtimestamp(claims["exp"], tz=self.now.tzinfo),
            )
        )
        user = request.user.user if isinstance(request.user, Subject) else None
        if "refresh_token" in token and user is not None:
            self.db.add(
                RefreshToken(
                    token_hash=token_hash(token["refresh_token"]),
                    family_id=family_id or uuid.uuid4(),
                    client_id=claims["client_id"],
                    user_id=user.id,
                    sso_session_id=sso_session_id,
                    scope=claims.get("scope") or "",
                    auth_time=auth_time,
                    created_at=self.now,
                    expires_at=refresh_expires,
                )
            )
        record_event(
            self.db,
            events.TOKEN_ISSUED,
            user_id=user.id if user else None,
            act_sub=(claims.get("act") or {}).get("sub"),
            client_id=claims["client_id"],
            ip=request.ip,
            detail={"grant_type": request.payload.grant_type, "jti": claims["jti"]},
        )

    def _generate_token(
        self,
        *,
        grant_type: str,
        client: Client,
        user: Subject | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        lifetime = min(self.ctx.settings.access_token_seconds, 600, expires_in or 600)
        now = int(self.now.timestamp())
        claims: dict[str, Any] = {
            "iss": self.ctx.issuer,
            "sub": user.get_user_id() if user else client.get_client_id(),
            "aud": self.ctx.api_audience,
            "client_id": client.get_client_id(),
            "scope": scope or "",
            "iat": now,
            "exp": now + lifetime,
            "jti": new_token(16),
        }
        if user is not None and user.act is not None:
            claims["act"] = user.act
            claims["delegation_id"] = user.delegation_id
        access_token = sign_access_token(self.ring, claims)
        self._claims_by_token[access_token] = claims
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": access_token,
            "expires_in": lifetime,
            "scope": scope or "",
        }
        if include_refresh_token and user is not None:
            token["refresh_token"] = new_token(32)
        del grant_type
        return token

    # shared look-ups

    def user(self, user_id: uuid.UUID) -> User | None:
        user = self.db.get(User, user_id)
        return user if user is not None and user.disabled_at is None else None

    def revoke_family(self, family_id: uuid.UUID) -> None:
        self.db.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=self.now)
        )
        self.db.execute(
            update(AccessToken)
            .where(AccessToken.family_id == family_id, AccessToken.revoked_at.is_(None))
            .values(revoked_at=self.now)
        )

    def find_token(self, token: str, hint: str | None) -> IssuedToken | None:
        if hint != "access_token":
            refresh = self.db.get(RefreshToken, token_hash(token))
            if refresh is not None:
                return IssuedToken(refresh=refresh, now=self.now)
        if hint == "refresh_token" and "." not in token:
            return None
        try:
            claims = verify_access_token(
                self.ring,
                token,
                issuer=self.ctx.issuer,
                audience=None,
                now=int(self.now.timestamp()),
                check_expiry=False,
            )
        except TokenRejectedError:
            return None
        access = self.db.get(AccessToken, claims["jti"])
        if access is None:
            return None
        return IssuedToken(access=access, claims=claims, now=self.now)
