"""authlib grants, extensions and endpoints, each bound to the `Provider` of its request:
PKCE S256 only, single-use codes, rotating refresh tokens with reuse detection, client
credentials, private_key_jwt, revocation and introspection."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, cast

from authlib.oauth2.rfc6749 import (
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    scope_to_list,
)
from authlib.oauth2.rfc6749.grants import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
)
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import OpenIDCode, UserInfo
from joserfc.jwk import KeySet
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from onething.identity import events
from onething.identity.adapters import Client, Code, HttpRequest, IssuedToken, Subject
from onething.identity.context import SIGNING_ALG
from onething.identity.crypto import token_hash
from onething.identity.events import record_event
from onething.identity.models import (
    AuthorizationCode,
    ClientAssertionJti,
    OAuthClient,
    RefreshToken,
    User,
)
from onething.identity.services import real_name

if TYPE_CHECKING:
    from onething.identity.context import IdentityContext
    from onething.identity.provider import Provider


# --- grants and extensions --------------------------------------------------------------------


def provider_of(grant: Any) -> Provider:
    return cast("Provider", grant.server)


class S256Only(CodeChallenge):  # type: ignore[misc]
    """PKCE is mandatory for every client, and only with S256 (RFC 9700 §2.1.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send 'code_challenge' (S256).")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only 'code_challenge_method=S256' is supported.")
        super().validate_code_challenge(grant, redirect_uri)


class OpenIdCode(OpenIDCode):  # type: ignore[misc]
    """ID tokens for the code flow, signed with the provider's current key."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=False)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: HttpRequest) -> bool:
        found = self.provider.db.execute(
            select(AuthorizationCode.id)
            .where(
                AuthorizationCode.client_id == request.payload.client_id,
                AuthorizationCode.nonce == nonce,
            )
            .limit(1)
        ).first()
        return found is not None

    def resolve_client_private_key(self, client: Client) -> Any:
        del client
        return self.provider.ring.signing_key

    def get_client_algorithm(self, client: Client) -> str:
        del client
        return SIGNING_ALG

    def get_encode_header(self, client: Client) -> dict[str, str]:
        del client
        return {"alg": SIGNING_ALG, "kid": self.provider.ring.signing_kid, "typ": "JWT"}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(self.provider.now.timestamp())
        return {
            "iss": self.provider.ctx.issuer,
            "aud": [client.get_client_id()],
            "iat": now,
            "exp": now + self.provider.ctx.settings.id_token_seconds,
        }

    def generate_user_info(self, user: Subject, scope: str) -> UserInfo:
        return user_info(self.provider.ctx, user.user, scope)


def user_info(ctx: IdentityContext, user: User, scope: str) -> UserInfo:
    """Claims for the ID token and the userinfo endpoint; personal fields only by scope."""
    scopes = set(scope_to_list(scope) or [])
    info = UserInfo(sub=str(user.id))
    if scopes & {"profile", "phone", "id_number"}:
        details = real_name(ctx, user)
        if "profile" in scopes and details.name:
            info["name"] = details.name
        if "phone" in scopes and details.phone:
            info["phone_number"] = "+86" + details.phone
            info["phone_number_verified"] = True
        # The real-name-verified national ID number (GB 11643), only for this scope: a
        # national platform releases it to the provinces' platforms it federates with.
        if "id_number" in scopes and details.id_number:
            info["id_number"] = details.id_number
    return info


class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["none", "private_key_jwt"]  # noqa: RUF012

    def save_authorization_code(self, code: str, request: HttpRequest) -> None:
        provider = provider_of(self)
        subject: Subject = request.user
        data = request.payload.data
        provider.db.add(
            AuthorizationCode(
                id=uuid.uuid4(),
                code_hash=token_hash(code),
                client_id=request.client.get_client_id(),
                user_id=subject.user.id,
                sso_session_id=subject.sso_session_id,
                redirect_uri=request.payload.redirect_uri,
                # Only scopes the client registered (and, for a third party, the resident
                # consented to): a scope asked for beyond those is dropped, never granted.
                scope=request.client.get_allowed_scope(request.scope),
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                auth_time=subject.auth_time or provider.now,
                amr=subject.amr,
                created_at=provider.now,
                expires_at=provider.now
                + timedelta(seconds=min(provider.ctx.settings.authorization_code_seconds, 60)),
            )
        )

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        """Redeem atomically: of two concurrent requests with one code, one wins. A code seen
        again revokes everything issued from it (RFC 6749 §4.1.2)."""
        provider = provider_of(self)
        digest = token_hash(code)
        row = provider.db.execute(
            update(AuthorizationCode)
            .where(
                AuthorizationCode.code_hash == digest,
                AuthorizationCode.client_id == client.get_client_id(),
                AuthorizationCode.used_at.is_(None),
            )
            .values(used_at=provider.now)
            .returning(AuthorizationCode)
        ).scalar_one_or_none()
        if row is None:
            spent = provider.db.execute(
                select(AuthorizationCode).where(AuthorizationCode.code_hash == digest)
            ).scalar_one_or_none()
            if spent is not None and spent.used_at is not None:
                provider.revoke_family(spent.id)
                record_event(
                    provider.db,
                    events.AUTHORIZATION_CODE_REUSED,
                    user_id=spent.user_id,
                    client_id=spent.client_id,
                    ip=self.request.ip,
                )
            return None
        if row.expires_at <= provider.now:
            return None
        return Code(row)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        # Already spent by query_authorization_code; the row stays to recognise a replay.
        del authorization_code

    def authenticate_user(self, authorization_code: Code) -> Subject | None:
        row = authorization_code.row
        user = provider_of(self).user(row.user_id)
        if user is None:
            return None
        return Subject(
            user, sso_session_id=row.sso_session_id, auth_time=row.auth_time, amr=row.amr
        )


class RotatingRefreshGrant(RefreshTokenGrant):  # type: ignore[misc]
    """Every refresh returns a new refresh token; presenting a spent one is theft or a bug,
    and ends the whole family (RFC 9700 §4.14.2)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["none", "private_key_jwt"]  # noqa: RUF012
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> IssuedToken | None:
        provider = provider_of(self)
        row = provider.db.execute(
            select(RefreshToken)
            .where(RefreshToken.token_hash == token_hash(refresh_token))
            .with_for_update()
        ).scalar_one_or_none()
        if row is None:
            return None
        if row.rotated_at is not None and row.revoked_at is None:
            provider.revoke_family(row.family_id)
            record_event(
                provider.db,
                events.REFRESH_TOKEN_REUSED,
                user_id=row.user_id,
                client_id=row.client_id,
                ip=self.request.ip,
                detail={"family_id": str(row.family_id)},
            )
            return None
        if row.revoked_at is not None or row.expires_at <= provider.now:
            return None
        return IssuedToken(refresh=row, now=provider.now)

    def authenticate_user(self, refresh_token: IssuedToken) -> Subject | None:
        row = refresh_token.refresh
        assert row is not None
        user = provider_of(self).user(row.user_id)
        if user is None:
            return None
        return Subject(user, sso_session_id=row.sso_session_id, auth_time=row.auth_time)

    def revoke_old_credential(self, refresh_token: IssuedToken) -> None:
        assert refresh_token.refresh is not None
        refresh_token.refresh.rotated_at = provider_of(self).now


DEPARTMENT_SCOPE_PREFIX: Final = "department:"
# What a third-party client (a mini-app) may hold as itself, with no resident behind the
# token: its user scopes come only from a resident's consent, in the code flow.
CLIENT_ONLY_SCOPES: Final = frozenset({"bundles:read"})


def client_credentials_scope(client: OAuthClient, requested: list[str]) -> list[str]:
    """The scopes a client_credentials token carries: those asked for (all registered ones
    when none are), every one registered, and `department:<id>` only for the one department
    the client is bound to — added even when not asked for, refused for any other department
    (a department system acts for its own department and no other). A mini-app gets only
    `CLIENT_ONLY_SCOPES` this way."""
    allowed = set(scope_to_list(client.scope) or [])
    if not client.first_party and client.department is None:
        allowed &= CLIENT_ONLY_SCOPES
    wanted = set(requested) if requested else set(allowed)
    if not wanted <= allowed | _bound(client):
        raise InvalidScopeError()
    named = {s for s in wanted if s.startswith(DEPARTMENT_SCOPE_PREFIX)}
    if not named <= _bound(client):
        raise InvalidScopeError("A department system acts for its own department only.")
    return sorted((wanted - named) | _bound(client))


def _bound(client: OAuthClient) -> set[str]:
    return {DEPARTMENT_SCOPE_PREFIX + client.department} if client.department else set()


class ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    """Department systems and mini-apps acting as themselves (`sub` = their client id)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt"]  # noqa: RUF012

    def validate_token_request(self) -> None:
        super().validate_token_request()
        requested = scope_to_list(self.request.payload.scope) or []
        self.granted_scope = client_credentials_scope(self.request.client.row, requested)

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        token = self.generate_token(scope=" ".join(self.granted_scope), include_refresh_token=False)
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class PrivateKeyJwt(JWTBearerClientAssertion):  # type: ignore[misc]
    """`private_key_jwt` (RFC 7523 §2.2): the client signs an assertion with a key whose public
    half it registered; each assertion's `jti` is accepted once."""

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __init__(self, provider: Provider) -> None:
        super().__init__(validate_jti=True, leeway=30)
        self.provider = provider

    def get_audiences(self) -> list[str]:
        ctx = self.provider.ctx
        return [ctx.issuer, ctx.endpoint("/oauth2/token")]

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        expires = claims.get("exp")
        expires_at = (
            datetime.fromtimestamp(int(expires), tz=self.provider.now.tzinfo)
            if isinstance(expires, int | float)
            else self.provider.now + timedelta(hours=1)
        )
        inserted = self.provider.db.execute(
            insert(ClientAssertionJti)
            .values(client_id=str(claims["sub"]), jti=str(jti), expires_at=expires_at)
            .on_conflict_do_nothing()
            .returning(ClientAssertionJti.jti)
        ).first()
        return inserted is not None

    def resolve_client_public_key(self, client: Client) -> KeySet:
        if not client.row.jwks:
            raise InvalidGrantError("The client has no registered keys.")
        return KeySet.import_key_set(client.row.jwks)  # type: ignore[arg-type]


class Revocation(RevocationEndpoint):  # type: ignore[misc]
    """RFC 7009. Revoking a refresh token ends its family; an access token, itself."""

    CLIENT_AUTH_METHODS = ["none", "private_key_jwt"]  # noqa: RUF012

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        return provider_of(self).find_token(token_string, token_type_hint)

    def revoke_token(self, token: IssuedToken, request: HttpRequest) -> None:
        provider = provider_of(self)
        if token.refresh is not None:
            provider.revoke_family(token.refresh.family_id)
        elif token.access is not None and token.access.revoked_at is None:
            token.access.revoked_at = provider.now
        record_event(provider.db, events.TOKEN_REVOKED, client_id=token.client_id, ip=request.ip)


class Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    """RFC 7662, for confidential clients: their own tokens, or any with scope `introspect`."""

    CLIENT_AUTH_METHODS = ["private_key_jwt"]  # noqa: RUF012

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        return provider_of(self).find_token(token_string, token_type_hint)

    def check_permission(self, token: IssuedToken, client: Client, request: HttpRequest) -> bool:
        del request
        return token.check_client(client) or "introspect" in (scope_to_list(client.row.scope) or [])

    def introspect_token(self, token: IssuedToken) -> dict[str, Any]:
        provider = provider_of(self)
        if token.access is not None:
            claims = token.claims
            payload: dict[str, Any] = {
                key: claims[key]
                for key in ("scope", "client_id", "sub", "aud", "iss", "exp", "iat", "jti", "act")
                if key in claims
            }
            return {"active": True, "token_type": "Bearer", **payload}
        row = token.refresh
        assert row is not None
        return {
            "active": True,
            "token_type": "refresh_token",
            "scope": row.scope,
            "client_id": row.client_id,
            "sub": str(row.user_id),
            "iss": provider.ctx.issuer,
            "exp": int(row.expires_at.timestamp()),
        }
