"""Passkey ceremonies on the provider's own pages: JSON endpoints the passkey script calls,
guarded by the login CSRF cookie (SameSite=Strict, double-submit) and, for registration, by
the SSO session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.params import JSONBody
from litestar.response import Redirect
from sqlalchemy import func, select

from onething.core.errors import FORBIDDEN, UNAUTHORIZED, VALIDATION, ProblemError
from onething.core.i18n import pick
from onething.identity import pages
from onething.identity.context import identity_context
from onething.identity.controllers import (
    CSRF_COOKIE,
    client_ip,
    html,
    language_of,
    new_csrf_cookie,
)
from onething.identity.deps import Ctx, DbSession
from onething.identity.login_controllers import csrf_ok, safe_next, session_cookie
from onething.identity.models import Passkey
from onething.identity.passkey_script import PASSKEY_SCRIPT
from onething.identity.passkeys import (
    PasskeyError,
    begin_login,
    begin_registration,
    finish_login,
    finish_registration,
)
from onething.identity.sessions import ActiveSession, active_session, start_session

AnyRequest = Request[Any, Any, Any]
PASSKEYS_PATH: Final = "/oauth2/passkeys"


class CeremonyStart(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    csrf: str


class CeremonyAnswer(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    csrf: str
    ceremony: str
    credential: dict[str, Any]
    next: str | None = None


def _check_csrf(request: AnyRequest, csrf: str) -> None:
    if not csrf_ok(request, {"csrf": csrf}):
        raise ProblemError(
            FORBIDDEN,
            detail_zh="页面已过期，请刷新后重试。",
            detail_en="The page expired. Reload it and try again.",
        )


def _refused() -> ProblemError:
    return ProblemError(
        VALIDATION,
        detail_zh="通行密钥验证未通过，请重试或使用短信验证码登录。",
        detail_en="The passkey could not be verified. Try again or sign in with an SMS code.",
    )


async def _signed_in(request: AnyRequest, db: DbSession, ctx: Ctx) -> ActiveSession:
    sso = await active_session(
        db, ctx, request.cookies.get(ctx.session_cookie), now=datetime.now(UTC)
    )
    if sso is None:
        raise ProblemError(UNAUTHORIZED, detail_zh="请先登录。", detail_en="Sign in first.")
    return sso


class PasskeyController(Controller):
    path = PASSKEYS_PATH
    include_in_schema = False
    dependencies = {"ctx": Provide(identity_context, sync_to_thread=False)}  # noqa: RUF012

    @get(operation_id="passkeysPage", summary="Passkeys page")
    async def page(self, request: AnyRequest, db_session: DbSession, ctx: Ctx) -> Response[Any]:
        """Lists how many passkeys the signed-in resident has and offers to add one."""
        sso = await active_session(
            db_session, ctx, request.cookies.get(ctx.session_cookie), now=datetime.now(UTC)
        )
        await db_session.commit()
        if sso is None:
            return Redirect(f"/oauth2/login?{urlencode({'next': PASSKEYS_PATH})}", status_code=303)
        count = (
            await db_session.execute(
                select(func.count()).select_from(Passkey).where(Passkey.user_id == sso.user.id)
            )
        ).scalar_one()
        csrf, cookie = new_csrf_cookie(ctx, request.cookies.get(CSRF_COOKIE))
        return html(
            pages.passkeys_page(language_of(request), csrf=csrf, count=count), cookies=[cookie]
        )

    @post("/register/options", operation_id="passkeyRegistrationOptions", status_code=200)
    async def registration_options(
        self, request: AnyRequest, data: JSONBody[CeremonyStart], db_session: DbSession, ctx: Ctx
    ) -> dict[str, Any]:
        """Starts a registration ceremony for the signed-in resident."""
        _check_csrf(request, data.csrf)
        sso = await _signed_in(request, db_session, ctx)
        ceremony, options = await begin_registration(
            db_session, ctx, sso.user, now=datetime.now(UTC)
        )
        await db_session.commit()
        return {"ceremony": str(ceremony), "options": msgspec.json.decode(options)}

    @post("/register", operation_id="passkeyRegister", status_code=201)
    async def register(
        self, request: AnyRequest, data: JSONBody[CeremonyAnswer], db_session: DbSession, ctx: Ctx
    ) -> dict[str, str]:
        """Verifies the authenticator's answer and stores the passkey."""
        _check_csrf(request, data.csrf)
        sso = await _signed_in(request, db_session, ctx)
        try:
            await finish_registration(
                db_session,
                ctx,
                sso.user,
                ceremony=data.ceremony,
                credential=data.credential,
                now=datetime.now(UTC),
                ip=client_ip(request),
            )
        except PasskeyError as exc:
            await db_session.commit()  # the challenge is spent either way
            raise _refused() from exc
        await db_session.commit()
        return {"message": pick(language_of(request), "通行密钥已添加。", "The passkey was added.")}

    @post("/login/options", operation_id="passkeyLoginOptions", status_code=200)
    async def login_options(
        self, request: AnyRequest, data: JSONBody[CeremonyStart], db_session: DbSession, ctx: Ctx
    ) -> dict[str, Any]:
        """Starts a sign-in ceremony (discoverable passkeys: no account is named)."""
        _check_csrf(request, data.csrf)
        ceremony, options = await begin_login(db_session, ctx, now=datetime.now(UTC))
        await db_session.commit()
        return {"ceremony": str(ceremony), "options": msgspec.json.decode(options)}

    @post("/login", operation_id="passkeyLogin", status_code=200)
    async def login(
        self, request: AnyRequest, data: JSONBody[CeremonyAnswer], db_session: DbSession, ctx: Ctx
    ) -> Response[dict[str, str]]:
        """Verifies the signed challenge, starts a new SSO session (`amr` = hwk) and names
        where the browser goes next (only our own authorization endpoint, else `/`)."""
        _check_csrf(request, data.csrf)
        now = datetime.now(UTC)
        ip = client_ip(request)
        try:
            user = await finish_login(
                db_session, ctx, ceremony=data.ceremony, credential=data.credential, now=now, ip=ip
            )
        except PasskeyError as exc:
            await db_session.commit()  # the failure is recorded, the challenge spent
            raise _refused() from exc
        token = await start_session(
            db_session,
            ctx,
            user,
            amr=["hwk"],
            now=now,
            ip=ip,
            previous_token=request.cookies.get(ctx.session_cookie),
        )
        await db_session.commit()
        cookie: Cookie = session_cookie(ctx, token)
        return Response({"location": safe_next(data.next)}, cookies=[cookie])


class PasskeyScriptController(Controller):
    path = "/oauth2/static/passkey.js"
    include_in_schema = False

    @get(
        operation_id="passkeyScript",
        summary="Passkey script",
        media_type="text/javascript",
        cache_control=None,
    )
    async def script(self) -> str:
        """The provider's only script (no inline scripts: the CSP forbids them)."""
        return PASSKEY_SCRIPT
