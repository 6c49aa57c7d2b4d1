"""The provider's login and logout pages (phone + one-time code), and the dev SMS outbox."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from onething.core.i18n import Language, pick
from onething.identity import pages
from onething.identity.context import identity_context
from onething.identity.controllers import (
    AUTHORIZE_PATH,
    CSRF_COOKIE,
    client_ip,
    html,
    language_of,
    new_csrf_cookie,
    redirect_of,
)
from onething.identity.deps import Ctx, DbSession
from onething.identity.federation import federation_enabled
from onething.identity.keys import load_keyring
from onething.identity.login import LoginRefusal, send_login_code, verify_login_code
from onething.identity.logout import LogoutRequestError, resolve_logout
from onething.identity.sessions import end_session, start_session
from onething.identity.sms import LocalSmsOutbox, sms_sender

AnyRequest = Request[Any, Any, Any]
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]

_MESSAGES: Final = {
    LoginRefusal.INVALID_PHONE: ("请输入正确的手机号码。", "Enter a valid mobile number."),
    LoginRefusal.TOO_MANY_CODES: (
        "获取验证码过于频繁，请稍后再试。",
        "Too many codes were requested. Try again later.",
    ),
    LoginRefusal.TOO_MANY_ATTEMPTS: (
        "尝试次数过多，请重新获取验证码。",
        "Too many attempts. Request a new code.",
    ),
    LoginRefusal.WRONG_CODE: (
        "验证码不正确或已过期。",
        "The code is wrong or has expired.",
    ),
    LoginRefusal.ACCOUNT_DISABLED: ("该账号已停用。", "This account is disabled."),
}
_STATUS: Final = {LoginRefusal.TOO_MANY_CODES: 429, LoginRefusal.TOO_MANY_ATTEMPTS: 429}
_CSRF_FAILED: Final = ("页面已过期，请重试。", "The page expired. Please try again.")


def safe_next(value: str | None) -> str:
    """Only our own authorization endpoint or passkeys page may follow a login (no open
    redirect)."""
    if value and value.startswith(AUTHORIZE_PATH + "?") and "\\" not in value:
        return value
    if value == "/oauth2/passkeys":
        return value
    return "/"


def session_cookie(ctx: Ctx, token: str) -> Cookie:
    """The SSO session cookie: HttpOnly, SameSite=Lax (it must come along on the client's
    redirect to the authorization endpoint), Secure and `__Host-` over HTTPS."""
    return Cookie(
        key=ctx.session_cookie,
        value=token,
        path="/",
        httponly=True,
        secure=ctx.https,
        samesite="lax",
        max_age=ctx.settings.session_absolute_seconds,
    )


def _message(language: Language, refusal: LoginRefusal) -> str:
    zh, en = _MESSAGES[refusal]
    return pick(language, zh, en)


def csrf_ok(request: AnyRequest, form: dict[str, str]) -> bool:
    """Double-submit check: the form's token equals the SameSite=Strict cookie's, which a
    cross-site page can neither read nor send (this blocks login CSRF)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, form.get("csrf", ""))


class LoginController(Controller):
    """Sign in with a phone number and an SMS code; sign out."""

    path = "/oauth2"
    include_in_schema = False
    dependencies = {"ctx": Provide(identity_context, sync_to_thread=False)}  # noqa: RUF012

    @get("/login", operation_id="loginPage", summary="Login page")
    async def login_page(self, request: AnyRequest, ctx: Ctx) -> Response[str]:
        """Asks for the phone number."""
        csrf, cookie = new_csrf_cookie(ctx, request.cookies.get(CSRF_COOKIE))
        target = safe_next(request.query_params.get("next"))
        page = pages.phone_page(
            language_of(request),
            csrf=csrf,
            next_url=target,
            error=None,
            federation=federation_enabled(ctx),
        )
        return html(page, cookies=[cookie], form_target=redirect_of(target))

    @post("/login/code", operation_id="sendLoginCode", summary="Send a login code", status_code=200)
    async def send_code(
        self, request: AnyRequest, data: Form, db_session: DbSession, ctx: Ctx
    ) -> Response[str]:
        """Sends a one-time code by SMS (rate-limited per phone and per IP)."""
        language = language_of(request)
        target = safe_next(data.get("next"))
        csrf, cookie = new_csrf_cookie(ctx, request.cookies.get(CSRF_COOKIE))
        if not csrf_ok(request, data):
            error = pick(language, *_CSRF_FAILED)
            page = pages.phone_page(language, csrf=csrf, next_url=target, error=error)
            return html(page, status=403, cookies=[cookie], form_target=redirect_of(target))
        phone = data.get("phone", "").strip()
        refusal = await send_login_code(
            db_session,
            ctx,
            sms_sender(ctx),
            phone=phone,
            ip=client_ip(request),
            now=datetime.now(UTC),
        )
        await db_session.commit()
        if refusal is not None:
            message = _message(language, refusal)
            page = pages.phone_page(language, csrf=csrf, next_url=target, error=message)
            return html(
                page,
                status=_STATUS.get(refusal, 400),
                cookies=[cookie],
                form_target=redirect_of(target),
            )
        page = pages.code_page(language, csrf=csrf, next_url=target, phone=phone, error=None)
        return html(page, cookies=[cookie], form_target=redirect_of(target))

    @post("/login", operation_id="login", summary="Sign in with a login code", status_code=303)
    async def login(
        self, request: AnyRequest, data: Form, db_session: DbSession, ctx: Ctx
    ) -> Response[Any]:
        """Checks the code; on success starts a new SSO session and resumes the authorization
        request."""
        language = language_of(request)
        target = safe_next(data.get("next"))
        phone = data.get("phone", "").strip()
        csrf, csrf_cookie = new_csrf_cookie(ctx, request.cookies.get(CSRF_COOKIE))
        if not csrf_ok(request, data):
            error = pick(language, *_CSRF_FAILED)
            page = pages.phone_page(language, csrf=csrf, next_url=target, error=error)
            return html(page, status=403, cookies=[csrf_cookie], form_target=redirect_of(target))
        now = datetime.now(UTC)
        ip = client_ip(request)
        result = await verify_login_code(
            db_session, ctx, phone=phone, code=data.get("code", ""), ip=ip, now=now
        )
        if result.user is None:
            await db_session.commit()  # failed attempts count
            refusal = result.refusal or LoginRefusal.WRONG_CODE
            page = pages.code_page(
                language,
                csrf=csrf,
                next_url=target,
                phone=phone,
                error=_message(language, refusal),
            )
            return html(
                page,
                status=_STATUS.get(refusal, 400),
                cookies=[csrf_cookie],
                form_target=redirect_of(target),
            )
        token = await start_session(
            db_session,
            ctx,
            result.user,
            amr=["sms"],
            now=now,
            ip=ip,
            previous_token=request.cookies.get(ctx.session_cookie),
        )
        await db_session.commit()
        return Redirect(target, status_code=303, cookies=[session_cookie(ctx, token), csrf_cookie])

    @get("/logout", operation_id="logoutPage", summary="Logout confirmation page")
    async def logout_page(
        self, request: AnyRequest, db_session: DbSession, ctx: Ctx
    ) -> Response[str]:
        """The end-session endpoint (OpenID Connect RP-Initiated Logout 1.0): checks
        `id_token_hint`, `client_id`, `post_logout_redirect_uri` and `state`, then asks the
        resident to confirm (a GET never changes state, so no page can log anyone out)."""
        language = language_of(request)
        params = request.query_params
        try:
            wanted = await resolve_logout(
                db_session,
                ctx,
                await load_keyring(db_session, ctx, now=datetime.now(UTC)),
                id_token_hint=params.get("id_token_hint"),
                client_id=params.get("client_id"),
                post_logout_redirect_uri=params.get("post_logout_redirect_uri"),
                state=params.get("state"),
            )
        except LogoutRequestError as exc:
            page = pages.error_page(language, error="invalid_request", description=str(exc))
            return html(page, status=400)
        csrf, cookie = new_csrf_cookie(ctx, request.cookies.get(CSRF_COOKIE))
        page = pages.logout_page(language, csrf=csrf, done=False, request=wanted)
        return html(page, cookies=[cookie], form_target=wanted.post_logout_redirect_uri)

    @post("/logout", operation_id="logout", summary="Sign out", status_code=200)
    async def logout(
        self, request: AnyRequest, data: Form, db_session: DbSession, ctx: Ctx
    ) -> Response[Any]:
        """Ends the SSO session and revokes the tokens issued under it; then back to the
        client's registered post-logout address (with `state`) when the request named one."""
        language = language_of(request)
        if not csrf_ok(request, data):
            csrf, cookie = new_csrf_cookie(ctx)
            return html(pages.logout_page(language, csrf=csrf, done=False), 403, [cookie])
        now = datetime.now(UTC)
        try:
            wanted = await resolve_logout(
                db_session,
                ctx,
                await load_keyring(db_session, ctx, now=now),
                id_token_hint=None,
                client_id=data.get("client_id") or None,
                post_logout_redirect_uri=data.get("post_logout_redirect_uri") or None,
                state=data.get("state") or None,
            )
        except LogoutRequestError as exc:
            page = pages.error_page(language, error="invalid_request", description=str(exc))
            return html(page, status=400)
        token = request.cookies.get(ctx.session_cookie)
        if token:
            await end_session(db_session, ctx, token, now=now, ip=client_ip(request))
            await db_session.commit()
        expired = Cookie(
            key=ctx.session_cookie,
            value="",
            path="/",
            httponly=True,
            secure=ctx.https,
            samesite="lax",
            max_age=0,
        )
        location = wanted.return_location()
        if location:
            return Redirect(location, status_code=303, cookies=[expired])
        return html(pages.logout_page(language, csrf="", done=True), cookies=[expired])

    @get(
        "/static/login.css",
        operation_id="loginStylesheet",
        summary="Login page stylesheet",
        media_type="text/css",
        cache_control=None,
    )
    async def stylesheet(self) -> str:
        """The login page's only stylesheet (the CSP forbids inline styles)."""
        return pages.STYLESHEET


class DevSmsOutboxController(Controller):
    """Development and tests only: read what the local SMS adapter 'sent'. Never registered
    in production."""

    path = "/oauth2/dev"
    include_in_schema = False
    dependencies = {"ctx": Provide(identity_context, sync_to_thread=False)}  # noqa: RUF012

    @get("/sms-outbox", operation_id="devSmsOutbox", summary="Dev SMS outbox")
    async def outbox(self, db_session: DbSession, ctx: Ctx) -> list[dict[str, str]]:
        """The newest 20 messages, newest first."""
        messages = await LocalSmsOutbox(ctx).latest(db_session)
        return [{"phone": phone, "text": text} for phone, text in messages]
