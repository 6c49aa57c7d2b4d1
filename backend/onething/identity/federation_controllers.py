"""Sign-in through the national identity platform: out to the upstream provider and back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import structlog
from litestar import Controller, Request, Response, get
from litestar.di import Provide
from litestar.response import Redirect

from onething.core.i18n import pick
from onething.identity import events, pages
from onething.identity.context import identity_context
from onething.identity.controllers import client_ip, html, language_of
from onething.identity.deps import Ctx, DbSession
from onething.identity.events import record_event
from onething.identity.federation import (
    FederationError,
    federation_enabled,
    finish_federated_login,
    start_federated_login,
)
from onething.identity.login_controllers import safe_next, session_cookie
from onething.identity.sessions import start_session

AnyRequest = Request[Any, Any, Any]
log = structlog.get_logger(__name__)
_FAILED: Final = (
    "通过国家政务服务平台登录未成功，请重试或使用短信验证码登录。",
    "Signing in through the national platform did not work. Try again or use an SMS code.",
)


class FederationController(Controller):
    path = "/oauth2/federation"
    include_in_schema = False
    dependencies = {"ctx": Provide(identity_context, sync_to_thread=False)}  # noqa: RUF012

    @get("/start", operation_id="federationStart", summary="Sign in with the national platform")
    async def start(self, request: AnyRequest, db_session: DbSession, ctx: Ctx) -> Response[Any]:
        """Sends the browser to the upstream provider (404 when federation is not set up)."""
        language = language_of(request)
        if not federation_enabled(ctx):
            return html(pages.error_page(language, error="not_found", description=None), 404)
        try:
            url = await start_federated_login(
                db_session,
                ctx,
                next_url=safe_next(request.query_params.get("next")),
                now=datetime.now(UTC),
            )
        except FederationError as exc:
            log.warning("federation_unavailable", reason=str(exc))
            page = pages.error_page(
                language, error="temporarily_unavailable", description=pick(language, *_FAILED)
            )
            return html(page, 503)
        await db_session.commit()
        return Redirect(url, status_code=303)

    @get("/callback", operation_id="federationCallback", summary="National platform callback")
    async def callback(self, request: AnyRequest, db_session: DbSession, ctx: Ctx) -> Response[Any]:
        """The upstream's authorization response: on success a new SSO session, then on to
        the authorization request that was waiting."""
        language = language_of(request)
        if not federation_enabled(ctx):
            return html(pages.error_page(language, error="not_found", description=None), 404)
        now = datetime.now(UTC)
        ip = client_ip(request)
        params = {k: v for k, v in request.query_params.items() if isinstance(v, str)}
        try:
            login = await finish_federated_login(db_session, ctx, params=params, now=now, ip=ip)
        except FederationError as exc:
            record_event(
                db_session,
                events.LOGIN_FAILED,
                ip=ip,
                detail={"method": "federation", "reason": str(exc)[:120]},
            )
            await db_session.commit()  # the state is spent, the failure recorded
            page = pages.error_page(
                language, error="access_denied", description=pick(language, *_FAILED)
            )
            return html(page, 400)
        token = await start_session(
            db_session,
            ctx,
            login.user,
            amr=["fed"],
            now=now,
            ip=ip,
            previous_token=request.cookies.get(ctx.session_cookie),
        )
        await db_session.commit()
        return Redirect(login.next_url, status_code=303, cookies=[session_cookie(ctx, token)])
