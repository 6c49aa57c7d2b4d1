"""HTTP surface of the OpenID Provider (`/oauth2/...`, `/.well-known/...`): parse, hand the
request to authlib through `AsyncSession.run_sync`, commit, answer."""

from __future__ import annotations

import ipaddress
import re
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import msgspec
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import scope_to_list
from authlib.oidc.core.errors import ConsentRequiredError
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect

from onething.core.errors import NOT_FOUND, ProblemError
from onething.core.i18n import Language, negotiate_language
from onething.core.middleware import CONTENT_SECURITY_POLICY
from onething.core.openapi_problems import oauth_error_spec
from onething.identity import pages
from onething.identity.adapters import Client, HttpRequest, OAuthResponse, Subject
from onething.identity.consents import consent_covers
from onething.identity.context import SIGNING_ALG, identity_context
from onething.identity.crypto import new_token
from onething.identity.deps import Ctx, DbSession
from onething.identity.grants import user_info
from onething.identity.guards import current_principal, require_scopes
from onething.identity.keys import load_keyring
from onething.identity.models import User
from onething.identity.provider import SCOPES_SUPPORTED, Provider
from onething.identity.sessions import ActiveSession, active_session
from onething.identity.tokens import Principal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from onething.identity.keys import KeyRing

CSRF_COOKIE: Final = "ot_login_csrf"
HTML: Final = "text/html; charset=utf-8"
AUTHORIZE_PATH: Final = "/oauth2/authorize"

AnyRequest = Request[Any, Any, Any]


def client_ip(request: AnyRequest) -> str | None:
    """The peer address when it is an IP (test clients use names); proxies are not trusted."""
    host = request.client.host if request.client else None
    try:
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None


def language_of(request: AnyRequest) -> Language:
    return negotiate_language(request.headers.get("accept-language"))


async def oauth_request(request: AnyRequest, ctx: Ctx) -> HttpRequest:
    """authlib's view of the request. POST parameters come from the form body only: nothing
    sensitive is ever taken from a URL."""
    query: list[tuple[str, str]] = []
    form: list[tuple[str, str]] = []
    if request.method == "GET":
        query = list(request.query_params.multi_items())
    elif request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = await request.form()
        form = [(k, v) for k, v in body.multi_items() if isinstance(v, str)]
    uri = ctx.endpoint(request.url.path)
    if request.url.query:
        uri += "?" + request.url.query
    headers = dict(request.headers.items())
    return HttpRequest(
        request.method, uri, headers=headers, query=query, form=form, ip=client_ip(request)
    )


def to_response(result: OAuthResponse) -> Response[Any]:
    headers = {k: v for k, v in result.headers if k.lower() != "content-type"}
    if result.location:
        return Redirect(result.location, status_code=302, headers=headers)
    content = msgspec.json.encode(result.body) if not isinstance(result.body, str) else result.body
    return Response(
        content=content,
        status_code=result.status,
        headers=headers,
        media_type="application/json",
    )


def with_issuer(location: str, issuer: str) -> str:
    """RFC 9207: every authorization response names the issuer (mix-up defence)."""
    parts = urlsplit(location)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "iss"]
    query.append(("iss", issuer))
    return urlunsplit(parts._replace(query=urlencode(query)))


_ORIGIN: Final = re.compile(r"^https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")


def origin_of(url: str | None) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, or None (never anything a header could not
    carry safely)."""
    if not url:
        return None
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin if _ORIGIN.match(origin) else None


def redirect_of(next_url: str) -> str | None:
    """The client redirect URI an authorization request (our `next`) will end at."""
    return dict(parse_qsl(urlsplit(next_url).query)).get("redirect_uri")


def html(
    content: str,
    status: int = 200,
    cookies: list[Cookie] | None = None,
    *,
    form_target: str | None = None,
) -> Response[str]:
    """A provider page. Browsers apply CSP `form-action` to every redirect that follows a
    form's submission, so a page whose form ends at a client (after login, consent or
    logout) allows that client's origin — and only it."""
    headers: dict[str, str] = {}
    origin = origin_of(form_target)
    if origin is not None:
        headers["content-security-policy"] = CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return Response(
        content=content, status_code=status, media_type=HTML, cookies=cookies or [], headers=headers
    )


def login_next(request: AnyRequest) -> str:
    """The authorization request to resume after login, without `prompt` (else a
    `prompt=login` request would loop back to the login page forever)."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "prompt"]
    return f"{AUTHORIZE_PATH}?{urlencode(query)}"


# --- the authorization endpoint ---------------------------------------------------------------


class AuthorizeOutcome(msgspec.Struct, frozen=True):
    kind: str  # "redirect" | "login" | "consent" | "error"
    location: str | None = None
    error: str | None = None
    description: str | None = None
    # for "consent": whom the resident is asked about, for what, and where they go next
    client_name: str | None = None
    client_name_en: str | None = None
    scopes: list[str] = msgspec.field(default_factory=list)
    redirect_uri: str | None = None


def requested_scopes(client: Client, oauth: HttpRequest) -> list[str]:
    """The scopes a token from this request would carry (the client's registered ones that
    were asked for, or all of them when none were named), in the order asked."""
    return scope_to_list(client.get_allowed_scope(oauth.payload.scope)) or []


def refuse_to_client(
    provider: Provider, oauth: HttpRequest, error: OAuth2Error, issuer: str
) -> AuthorizeOutcome:
    answer = provider.handle_error_response(oauth, error)
    if answer.location:
        return AuthorizeOutcome("redirect", location=with_issuer(answer.location, issuer))
    return AuthorizeOutcome("error", error=error.error, description=error.description)


def _authorize(  # noqa: PLR0911 — one return per outcome of the request
    db: Session,
    *,
    ctx: Ctx,
    ring: KeyRing,
    now: datetime,
    oauth: HttpRequest,
    sso: ActiveSession | None,
) -> AuthorizeOutcome:
    provider = Provider(db, ctx, ring, now)
    subject = (
        Subject(
            sso.user,
            sso_session_id=sso.session.id,
            auth_time=sso.session.created_at,
            amr=list(sso.session.amr),
        )
        if sso
        else None
    )
    try:
        grant = provider.get_consent_grant(oauth, end_user=subject)
    except OAuth2Error as error:
        answer = provider.handle_error_response(oauth, error)
        if answer.location:  # the redirect URI was validated: the client gets the error
            return AuthorizeOutcome("redirect", location=with_issuer(answer.location, ctx.issuer))
        return AuthorizeOutcome("error", error=error.error, description=error.description)
    if subject is None or grant.prompt == "login":
        return AuthorizeOutcome("login")
    client: Client = grant.client
    if not client.row.first_party:
        scopes = requested_scopes(client, oauth)
        asked = grant.prompt == "consent"
        if asked or not consent_covers(db, subject.user.id, client.get_client_id(), scopes):
            if oauth.payload.data.get("prompt") == "none":
                refusal = ConsentRequiredError(
                    redirect_uri=grant.redirect_uri, state=oauth.payload.state
                )
                return refuse_to_client(provider, oauth, refusal, ctx.issuer)
            return AuthorizeOutcome(
                "consent",
                client_name=client.row.name,
                client_name_en=client.row.name_en,
                scopes=scopes,
                redirect_uri=grant.redirect_uri,
            )
    answer = provider.create_authorization_response(oauth, grant_user=subject, grant=grant)
    if not answer.location:
        return AuthorizeOutcome("error", error="server_error")
    return AuthorizeOutcome("redirect", location=with_issuer(answer.location, ctx.issuer))


class ProviderController(Controller):
    """The OpenID Provider's endpoints (RFC 6749, 7009, 7662, OpenID Connect Core)."""

    path = "/oauth2"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {"ctx": Provide(identity_context, sync_to_thread=False)}  # noqa: RUF012

    @get(
        "/authorize",
        operation_id="authorize",
        summary="Authorization endpoint (code + PKCE S256)",
        include_in_schema=False,
    )
    async def authorize(
        self, request: AnyRequest, db_session: DbSession, ctx: Ctx
    ) -> Response[Any]:
        """Starts or resumes an authorization request; sends the browser to the login page
        when there is no live SSO session."""
        now = datetime.now(UTC)
        ring = await load_keyring(db_session, ctx, now=now)
        sso = await active_session(
            db_session, ctx, request.cookies.get(ctx.session_cookie), now=now
        )
        oauth = await oauth_request(request, ctx)
        outcome = await db_session.run_sync(
            _authorize, ctx=ctx, ring=ring, now=now, oauth=oauth, sso=sso
        )
        await db_session.commit()
        if outcome.kind == "redirect" and outcome.location:
            return Redirect(outcome.location, status_code=302)
        if outcome.kind == "login":
            return Redirect(
                f"/oauth2/login?{urlencode({'next': login_next(request)})}", status_code=303
            )
        if outcome.kind == "consent":
            csrf, cookie = new_csrf_cookie(ctx, request.cookies.get(CSRF_COOKIE))
            language = language_of(request)
            # The mini-app's registered name in the page's language (zh-CN unless one in en).
            name = outcome.client_name_en if language == "en" else None
            page = pages.consent_page(
                language,
                csrf=csrf,
                next_url=login_next(request),
                client_name=name or outcome.client_name or "",
                scopes=outcome.scopes,
                redirect_host=urlsplit(outcome.redirect_uri or "").netloc,
            )
            return html(page, cookies=[cookie], form_target=outcome.redirect_uri)
        return html(
            pages.error_page(
                language_of(request),
                error=outcome.error or "invalid_request",
                description=outcome.description,
            ),
            status=400,
        )

    @post(
        "/token",
        operation_id="token",
        summary="Token endpoint",
        status_code=200,
        responses={
            400: oauth_error_spec(
                "A bad grant, code, verifier, refresh token or scope",
                "invalid_request",
                "invalid_grant",
                "invalid_scope",
                "unsupported_grant_type",
            ),
            401: oauth_error_spec("Client authentication failed", "invalid_client"),
        },
    )
    async def token(self, request: AnyRequest, db_session: DbSession, ctx: Ctx) -> Response[Any]:
        """Grants: authorization_code (PKCE S256), refresh_token (rotating),
        client_credentials. Client authentication: `none` or `private_key_jwt`."""
        now = datetime.now(UTC)
        ring = await load_keyring(db_session, ctx, now=now)
        oauth = await oauth_request(request, ctx)

        def run(db: Session) -> OAuthResponse:
            result: OAuthResponse = Provider(db, ctx, ring, now).create_token_response(oauth)
            return result

        result = await db_session.run_sync(run)
        await db_session.commit()
        return to_response(result)

    @post(
        "/revoke",
        operation_id="revokeToken",
        summary="Token revocation (RFC 7009)",
        status_code=200,
        responses={
            400: oauth_error_spec("No token named", "invalid_request"),
            401: oauth_error_spec("Client authentication failed", "invalid_client"),
        },
    )
    async def revoke(self, request: AnyRequest, db_session: DbSession, ctx: Ctx) -> Response[Any]:
        """Revokes an access token, or a refresh token together with its whole family."""
        return await _endpoint("revocation", request, db_session, ctx)

    @post(
        "/introspect",
        operation_id="introspectToken",
        summary="Token introspection (RFC 7662)",
        status_code=200,
        responses={
            400: oauth_error_spec("No token named", "invalid_request"),
            401: oauth_error_spec("Client authentication failed", "invalid_client"),
        },
    )
    async def introspect(
        self, request: AnyRequest, db_session: DbSession, ctx: Ctx
    ) -> Response[Any]:
        """For confidential clients (private_key_jwt): whether a token is active, and its
        claims."""
        return await _endpoint("introspection", request, db_session, ctx)

    @get("/jwks", operation_id="jwks", summary="The provider's public signing keys (JWKS)")
    async def jwks(self, db_session: DbSession, ctx: Ctx) -> dict[str, Any]:
        """Every key that signs now or signed tokens that may still be live (ES256)."""
        ring = await load_keyring(db_session, ctx, now=datetime.now(UTC))
        return ring.jwks()


async def _endpoint(
    name: str, request: AnyRequest, db_session: DbSession, ctx: Ctx
) -> Response[Any]:
    now = datetime.now(UTC)
    ring = await load_keyring(db_session, ctx, now=now)
    oauth = await oauth_request(request, ctx)

    def run(db: Session) -> OAuthResponse:
        result: OAuthResponse = Provider(db, ctx, ring, now).create_endpoint_response(name, oauth)
        return result

    result = await db_session.run_sync(run)
    await db_session.commit()
    return to_response(result)


def new_csrf_cookie(ctx: Ctx, value: str | None = None) -> tuple[str, Cookie]:
    token = value or new_token(24)
    return token, Cookie(
        key=CSRF_COOKIE,
        value=token,
        path="/oauth2",
        httponly=True,
        secure=ctx.https,
        samesite="strict",
        max_age=3600,
    )


class UserinfoResponse(msgspec.Struct, omit_defaults=True):
    """OpenID Connect standard claims, limited to the token's scopes."""

    sub: str
    name: str | None = None
    phone_number: str | None = None
    phone_number_verified: bool | None = None
    id_number: str | None = None


class UserinfoController(Controller):
    path = "/oauth2/userinfo"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "ctx": Provide(identity_context, sync_to_thread=False),
        "principal": Provide(current_principal),
    }

    @get(operation_id="userinfo", summary="OpenID Connect userinfo")
    async def userinfo(
        self, principal: NamedDependency[Principal], db_session: DbSession, ctx: Ctx
    ) -> UserinfoResponse:
        """Claims about the signed-in resident; needs an access token with scope `openid`."""
        return await _userinfo(principal, db_session, ctx)

    @post(operation_id="userinfoPost", summary="OpenID Connect userinfo (POST)", status_code=200)
    async def userinfo_post(
        self, principal: NamedDependency[Principal], db_session: DbSession, ctx: Ctx
    ) -> UserinfoResponse:
        """The same as GET (OpenID Connect Core §5.3.1); the token still only in the header."""
        return await _userinfo(principal, db_session, ctx)


async def _userinfo(principal: Principal, db: DbSession, ctx: Ctx) -> UserinfoResponse:
    require_scopes(principal, "openid")
    user = await db.get(User, _uuid_or_none(principal.sub))
    if user is None or user.disabled_at is not None:
        raise ProblemError(NOT_FOUND)
    info = user_info(ctx, user, " ".join(sorted(principal.scopes)))
    return msgspec.convert(dict(info), UserinfoResponse)


class DiscoveryController(Controller):
    path = "/.well-known"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {"ctx": Provide(identity_context, sync_to_thread=False)}  # noqa: RUF012

    @get(
        "/openid-configuration",
        operation_id="openidConfiguration",
        summary="OpenID Provider metadata",
    )
    async def configuration(self, ctx: Ctx) -> dict[str, Any]:
        """Discovery document (OpenID Connect Discovery 1.0, RFC 8414)."""
        return provider_metadata(ctx)


def provider_metadata(ctx: Ctx) -> dict[str, Any]:
    auth_methods = ["none", "private_key_jwt"]
    return {
        "issuer": ctx.issuer,
        "authorization_endpoint": ctx.endpoint("/oauth2/authorize"),
        "token_endpoint": ctx.endpoint("/oauth2/token"),
        "userinfo_endpoint": ctx.endpoint("/oauth2/userinfo"),
        "jwks_uri": ctx.endpoint("/oauth2/jwks"),
        "revocation_endpoint": ctx.endpoint("/oauth2/revoke"),
        "introspection_endpoint": ctx.endpoint("/oauth2/introspect"),
        "end_session_endpoint": ctx.endpoint("/oauth2/logout"),
        "scopes_supported": list(SCOPES_SUPPORTED),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": [
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [SIGNING_ALG],
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": [SIGNING_ALG, "EdDSA"],
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": ["private_key_jwt"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "name",
            "phone_number",
            "phone_number_verified",
            "id_number",
        ],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
