"""The OpenID Provider on authlib's grants. authlib is synchronous: a `Provider` is built per
request around a synchronous SQLAlchemy `Session` handed in by `AsyncSession.run_sync`, so its
database calls run through SQLAlchemy's greenlet bridge and never block the event loop."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Payload,
    OAuth2Request,
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
from onething.identity.context import SIGNING_ALG
from onething.identity.crypto import new_token, token_hash
from onething.identity.events import record_event
from onething.identity.models import (
    AccessToken,
    AuthorizationCode,
    ClientAssertionJti,
    OAuthClient,
    RefreshToken,
    User,
)
from onething.identity.services import real_name
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
    "applications",
    "licenses",
    "offline_access",
)


# --- requests ---------------------------------------------------------------------------------


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class HttpRequest(OAuth2Request):  # type: ignore[misc]
    """An HTTP request already read by the async controller (query, form, headers)."""

    def __init__(
        self,
        method: str,
        uri: str,
        *,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
        ip: str | None,
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(reversed(form))
        self.payload = _Payload(query + form)
        self.ip = ip

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


@dataclass(frozen=True, slots=True)
class OAuthResponse:
    status: int
    body: Any
    headers: list[tuple[str, str]]

    @property
    def location(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "location":
                return value
        return None


# --- adapters: our rows seen through authlib's mixins ------------------------------------------


class Client:
    def __init__(self, row: OAuthClient) -> None:
        self.row = row
        self.client_id = row.client_id
        self.id_token_signed_response_alg = SIGNING_ALG

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # the redirect URI must always be sent, and match exactly

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = scope_to_list(self.row.scope) or []
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope_to_list(scope) if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        del client_secret
        return False  # no shared secrets: `none` (PKCE) or `private_key_jwt`

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        del endpoint
        return method == self.row.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types

    @property
    def is_public(self) -> bool:
        return self.row.token_endpoint_auth_method == "none"  # noqa: S105


class Subject:
    """The resource owner; carries how and when they logged in, for codes and ID tokens."""

    def __init__(
        self,
        user: User,
        *,
        sso_session_id: uuid.UUID | None = None,
        auth_time: datetime | None = None,
        amr: list[str] | None = None,
    ) -> None:
        self.user = user
        self.sso_session_id = sso_session_id
        self.auth_time = auth_time
        self.amr = amr or []

    def get_user_id(self) -> str:
        return str(self.user.id)


class Code:
    def __init__(self, row: AuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time.timestamp())

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> list[str]:
        return list(self.row.amr)


class IssuedToken:
    """A refresh token row or an access token row, for refresh, revocation and introspection."""

    def __init__(
        self,
        *,
        refresh: RefreshToken | None = None,
        access: AccessToken | None = None,
        claims: dict[str, Any] | None = None,
        now: datetime,
    ) -> None:
        self.refresh = refresh
        self.access = access
        self.claims = claims or {}
        self.now = now

    @property
    def client_id(self) -> str:
        row = self.refresh or self.access
        assert row is not None
        return row.client_id

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.get_client_id()

    def get_scope(self) -> str:
        row = self.refresh or self.access
        assert row is not None
        return row.scope

    def get_expires_in(self) -> int:
        row = self.refresh or self.access
        assert row is not None
        return max(0, int((row.expires_at - self.now).total_seconds()))

    def is_expired(self) -> bool:
        return self.get_expires_in() <= 0

    def is_revoked(self) -> bool:
        if self.refresh is not None:
            return self.refresh.revoked_at is not None or self.refresh.rotated_at is not None
        return self.access is not None and self.access.revoked_at is not None


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
        self.register_endpoint(Revocation(self))
        self.register_endpoint(Introspection(self))

    # authlib's integration points

    def query_client(self, client_id: str) -> Client | None:
        row = self.db.get(OAuthClient, client_id)
        return Client(row) if row is not None else None

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
        del expires_in
        lifetime = min(self.ctx.settings.access_token_seconds, 600)
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


# --- grants and extensions --------------------------------------------------------------------


def _provider(grant: Any) -> Provider:
    server = grant.server
    assert isinstance(server, Provider)
    return server


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
    if scopes & {"profile", "phone"}:
        details = real_name(ctx, user)
        if "profile" in scopes and details.name:
            info["name"] = details.name
        if "phone" in scopes and details.phone:
            info["phone_number"] = "+86" + details.phone
            info["phone_number_verified"] = True
    return info


class CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["none", "private_key_jwt"]  # noqa: RUF012

    def save_authorization_code(self, code: str, request: HttpRequest) -> None:
        provider = _provider(self)
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
                scope=request.scope or "",
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
        provider = _provider(self)
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
        user = _provider(self).user(row.user_id)
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
        provider = _provider(self)
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
        user = _provider(self).user(row.user_id)
        if user is None:
            return None
        return Subject(user, sso_session_id=row.sso_session_id, auth_time=row.auth_time)

    def revoke_old_credential(self, refresh_token: IssuedToken) -> None:
        assert refresh_token.refresh is not None
        refresh_token.refresh.rotated_at = _provider(self).now


class ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]
    """Department systems and mini-apps acting as themselves (`sub` = their client id)."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["private_key_jwt"]  # noqa: RUF012

    def validate_token_request(self) -> None:
        super().validate_token_request()
        requested = set(scope_to_list(self.request.payload.scope) or [])
        allowed = set(scope_to_list(self.request.client.row.scope) or [])
        if not requested <= allowed:
            raise InvalidScopeError()


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
        return _provider(self).find_token(token_string, token_type_hint)

    def revoke_token(self, token: IssuedToken, request: HttpRequest) -> None:
        provider = _provider(self)
        if token.refresh is not None:
            provider.revoke_family(token.refresh.family_id)
        elif token.access is not None and token.access.revoked_at is None:
            token.access.revoked_at = provider.now
        record_event(provider.db, events.TOKEN_REVOKED, client_id=token.client_id, ip=request.ip)


class Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    """RFC 7662, for confidential clients: their own tokens, or any with scope `introspect`."""

    CLIENT_AUTH_METHODS = ["private_key_jwt"]  # noqa: RUF012

    def query_token(self, token_string: str, token_type_hint: str | None) -> IssuedToken | None:
        return _provider(self).find_token(token_string, token_type_hint)

    def check_permission(self, token: IssuedToken, client: Client, request: HttpRequest) -> bool:
        del request
        return token.check_client(client) or "introspect" in (scope_to_list(client.row.scope) or [])

    def introspect_token(self, token: IssuedToken) -> dict[str, Any]:
        provider = _provider(self)
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
