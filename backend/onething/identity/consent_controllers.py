"""Consent: the resident's answer on the provider's consent page, and `/api/v1/me/consents`
where the resident lists and withdraws what third-party clients were allowed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit

import msgspec
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AccessDeniedError
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect

from onething.core.errors import FORBIDDEN, NOT_FOUND, ProblemError
from onething.core.i18n import pick
from onething.core.openapi_problems import problem_spec
from onething.identity import pages
from onething.identity.adapters import Client, HttpRequest, Subject
from onething.identity.consents import (
    REQUIRED_SCOPES,
    consents_of,
    grant_consent,
    scope_label,
    withdraw_consent,
)
from onething.identity.context import identity_context
from onething.identity.controllers import (
    AUTHORIZE_PATH,
    AuthorizeOutcome,
    client_ip,
    html,
    language_of,
    new_csrf_cookie,
    refuse_to_client,
    requested_scopes,
)
from onething.identity.deps import Ctx, DbSession
from onething.identity.guards import current_principal
from onething.identity.keys import load_keyring
from onething.identity.login_controllers import csrf_ok, safe_next
from onething.identity.models import OAuthClient, User
from onething.identity.provider import Provider
from onething.identity.sessions import ActiveSession, active_session
from onething.identity.tokens import Principal

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from onething.identity.keys import KeyRing

AnyRequest = Request[Any, Any, Any]
_CSRF_FAILED: Final = ("页面已过期，请重新发起登录。", "The page expired. Please start again.")


def _decide(
    db: Session,
    *,
    ctx: Ctx,
    ring: KeyRing,
    now: datetime,
    oauth: HttpRequest,
    sso: ActiveSession,
    allow: bool,
    ticked: set[str],
) -> AuthorizeOutcome:
    """Re-validate the authorization request the page was shown for (client, redirect URI,
    PKCE, scopes), then either send the refusal to the client or name the scopes allowed."""
    provider = Provider(db, ctx, ring, now)
    subject = Subject(sso.user, sso_session_id=sso.session.id, auth_time=sso.session.created_at)
    try:
        grant = provider.get_consent_grant(oauth, end_user=subject)
    except OAuth2Error as error:
        return refuse_to_client(provider, oauth, error, ctx.issuer)
    client: Client = grant.client
    if client.row.first_party:  # never asked: the authorization request simply resumes
        return AuthorizeOutcome("first_party")
    scopes = requested_scopes(client, oauth)
    chosen = [s for s in scopes if s in ticked or s in REQUIRED_SCOPES]
    if not allow or not chosen:
        denied = AccessDeniedError(redirect_uri=grant.redirect_uri, state=oauth.payload.state)
        return refuse_to_client(provider, oauth, denied, ctx.issuer)
    return AuthorizeOutcome("allowed", scopes=chosen)


def _with_scopes(next_url: str, scopes: list[str]) -> str:
    """The authorization request again, asking only for the scopes allowed, without
    `prompt` (consent was just given)."""
    query = [
        (k, v)
        for k, v in parse_qsl(urlsplit(next_url).query, keep_blank_values=True)
        if k not in {"scope", "prompt"}
    ]
    query.append(("scope", " ".join(scopes)))
    return f"{AUTHORIZE_PATH}?{urlencode(query)}"


class ConsentPageController(Controller):
    """The resident's answer to the consent page."""

    path = "/oauth2/consent"
    include_in_schema = False
    dependencies = {"ctx": Provide(identity_context, sync_to_thread=False)}  # noqa: RUF012

    @post(operation_id="consent", summary="Answer the consent page", status_code=303)
    async def consent(
        self,
        request: AnyRequest,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)],
        db_session: DbSession,
        ctx: Ctx,
    ) -> Response[Any]:
        """Allow (the ticked scopes) or deny; either way back to the client."""
        fields = {k: v for k, v in data.items() if isinstance(v, str)}
        raw = data.get("scope")
        values = raw if isinstance(raw, list) else [raw]
        ticked = {v for v in values if isinstance(v, str)}
        language = language_of(request)
        target = safe_next(fields.get("next"))
        if not csrf_ok(request, fields) or target == "/":
            _, cookie = new_csrf_cookie(ctx)
            return html(
                pages.error_page(
                    language, error="invalid_request", description=pick(language, *_CSRF_FAILED)
                ),
                status=403,
                cookies=[cookie],
            )
        now = datetime.now(UTC)
        sso = await active_session(
            db_session, ctx, request.cookies.get(ctx.session_cookie), now=now
        )
        if sso is None:  # the session ended while the page was open: sign in again
            return Redirect(f"/oauth2/login?{urlencode({'next': target})}", status_code=303)
        ring = await load_keyring(db_session, ctx, now=now)
        query = parse_qsl(urlsplit(target).query, keep_blank_values=True)
        oauth = HttpRequest(
            "GET",
            ctx.endpoint(target),
            headers=dict(request.headers.items()),
            query=query,
            form=[],
            ip=client_ip(request),
        )
        outcome = await db_session.run_sync(
            _decide,
            ctx=ctx,
            ring=ring,
            now=now,
            oauth=oauth,
            sso=sso,
            allow=fields.get("decision") == "allow",
            ticked=ticked,
        )
        if outcome.kind == "first_party":
            return Redirect(target, status_code=303)
        if outcome.kind == "allowed":
            await grant_consent(
                db_session,
                user_id=sso.user.id,
                client_id=dict(query).get("client_id", ""),
                scopes=outcome.scopes,
                now=now,
                ip=client_ip(request),
            )
            await db_session.commit()
            return Redirect(_with_scopes(target, outcome.scopes), status_code=303)
        await db_session.commit()
        if outcome.kind == "redirect" and outcome.location:
            return Redirect(outcome.location, status_code=303)
        return html(
            pages.error_page(
                language, error=outcome.error or "invalid_request", description=outcome.description
            ),
            status=400,
        )


# --- the resident's API -----------------------------------------------------------------------


class ScopeView(msgspec.Struct, kw_only=True):
    scope: str
    label_zh: str
    label_en: str


class ConsentView(msgspec.Struct, kw_only=True):
    """What a third-party client may do for the resident, since when."""

    client_id: str
    client_name: str
    scopes: list[ScopeView]
    granted_at: datetime
    updated_at: datetime


async def _resident(db: DbSession, principal: Principal) -> User:
    """Only the resident, through a first-party client (the PWA), manages consents: not a
    third-party client (it could withdraw others' consents or read the list), not an agent."""
    try:
        user_id: uuid.UUID | None = uuid.UUID(principal.sub)
    except ValueError:
        user_id = None
    user = await db.get(User, user_id) if user_id and principal.act is None else None
    client = await db.get(OAuthClient, principal.client_id)
    if user is None or user.disabled_at is not None or client is None or not client.first_party:
        raise ProblemError(
            FORBIDDEN,
            detail_zh="只有本人通过一件事应用可以管理授权。",
            detail_en="Only the resident, in the OneThing app, can manage consents.",
        )
    return user


_NOT_IN_THE_APP = problem_spec("Not the resident's own token from the OneThing app")


class ConsentController(Controller):
    path = "/me/consents"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {  # noqa: RUF012
        "principal": Provide(current_principal),
        "ctx": Provide(identity_context, sync_to_thread=False),
    }

    @get(
        operation_id="listConsents",
        summary="Third-party apps the resident allowed",
        responses={403: _NOT_IN_THE_APP},
    )
    async def list_consents(
        self, principal: NamedDependency[Principal], db_session: DbSession
    ) -> list[ConsentView]:
        """Each third-party client the resident consented to, with the scopes in plain words
        (zh-CN and en). The first-party PWA never appears: it needs no consent."""
        user = await _resident(db_session, principal)
        return [
            ConsentView(
                client_id=c.client_id,
                client_name=c.client_name,
                scopes=[
                    ScopeView(scope=s, label_zh=scope_label(s)[0], label_en=scope_label(s)[1])
                    for s in c.scopes
                ],
                granted_at=c.granted_at,
                updated_at=c.updated_at,
            )
            for c in await consents_of(db_session, user.id)
        ]

    @delete(
        "/{client_id:str}",
        operation_id="withdrawConsent",
        summary="Withdraw consent from a third-party app",
        status_code=204,
        responses={403: _NOT_IN_THE_APP, 404: problem_spec("No consent for that app")},
    )
    async def withdraw(
        self,
        request: AnyRequest,
        client_id: FromPath[str],
        principal: NamedDependency[Principal],
        db_session: DbSession,
    ) -> None:
        """Deletes the consent and, in the same transaction, revokes the app's refresh and
        access tokens and unredeemed codes for the resident: its next API call is refused.
        404 when there is no such consent."""
        user = await _resident(db_session, principal)
        withdrawn = await withdraw_consent(
            db_session,
            user_id=user.id,
            client_id=client_id,
            now=datetime.now(UTC),
            ip=client_ip(request),
        )
        if not withdrawn:
            raise ProblemError(NOT_FOUND)
        await db_session.commit()
