"""Phone one-time-code login: codes hashed, 5-minute life, 5 attempts, rate-limited."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Final

from sqlalchemy import func, select

from onething.identity import events
from onething.identity.events import record_event
from onething.identity.models import LoginCode, User
from onething.identity.ratelimit import hit
from onething.identity.services import is_mobile_number, phone_index, resident_for_phone

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext
    from onething.identity.sms import SmsSender

CODE_DIGITS: Final = 6
HOUR: Final = timedelta(hours=1)
MINUTE: Final = timedelta(minutes=1)
VERIFICATIONS_PER_IP_PER_HOUR: Final = 60


class LoginRefusal(Enum):
    """Why a step of the login was refused (each has a message on the login page)."""

    INVALID_PHONE = "invalid_phone"
    TOO_MANY_CODES = "too_many_codes"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    WRONG_CODE = "wrong_code"
    ACCOUNT_DISABLED = "account_disabled"


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: User | None
    refusal: LoginRefusal | None = None


def _code_hash(ctx: IdentityContext, code_id: uuid.UUID, code: str) -> str:
    # Keyed, and salted by the row id: a leaked table does not give away 6-digit codes.
    return ctx.indexer.index("login_code", f"{code_id}:{code}")


async def _code_sent_since(session: AsyncSession, index: str, since: datetime) -> bool:
    """Was a code sent to this phone after `since`? A sliding minute, not a fixed window (a
    fixed one lets two codes through seconds apart across a minute boundary). The advisory lock
    serialises concurrent requests for one phone until the transaction ends, so two of them
    cannot both see no recent code."""
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(f"login-code:{index}", 0)))
    )
    recent = await session.scalar(
        select(LoginCode.id)
        .where(LoginCode.phone_index == index, LoginCode.created_at > since)
        .limit(1)
    )
    return recent is not None


async def send_login_code(
    session: AsyncSession,
    ctx: IdentityContext,
    sms: SmsSender,
    *,
    phone: str,
    ip: str | None,
    now: datetime,
) -> LoginRefusal | None:
    """Create and send a code; None when sent. Every phone number gets the same answer,
    whether or not an account exists (no enumeration)."""
    if not is_mobile_number(phone):
        return LoginRefusal.INVALID_PHONE
    index = phone_index(ctx, phone)
    limits = ctx.settings
    allowed = not await _code_sent_since(session, index, now - MINUTE)
    allowed &= await hit(
        session,
        f"login-code:phone:{index}",
        limit=limits.codes_per_phone_per_hour,
        window=HOUR,
        now=now,
    )
    if ip is not None:
        allowed &= await hit(
            session,
            f"login-code:ip:{ip}",
            limit=limits.codes_per_ip_per_hour,
            window=HOUR,
            now=now,
        )
    if not allowed:
        record_event(session, events.LOGIN_CODE_REFUSED, ip=ip, detail={"reason": "rate_limit"})
        return LoginRefusal.TOO_MANY_CODES
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    code_id = uuid.uuid4()
    session.add(
        LoginCode(
            id=code_id,
            phone_index=index,
            code_hash=_code_hash(ctx, code_id, code),
            created_at=now,
            expires_at=now + timedelta(seconds=limits.login_code_seconds),
            attempts=0,
        )
    )
    minutes = limits.login_code_seconds // 60
    await sms.send(
        session,
        phone,
        f"【一件事】您的登录验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。",
    )
    record_event(session, events.LOGIN_CODE_SENT, ip=ip)
    return None


async def verify_login_code(  # noqa: PLR0911 — one return per refusal reason
    session: AsyncSession,
    ctx: IdentityContext,
    *,
    phone: str,
    code: str,
    ip: str | None,
    now: datetime,
) -> LoginResult:
    """Check the newest live code for the phone. Failed attempts are counted in the same
    transaction, so the caller must commit whatever the result."""
    if not is_mobile_number(phone):
        return LoginResult(None, LoginRefusal.INVALID_PHONE)
    if ip is not None and not await hit(
        session,
        f"login-verify:ip:{ip}",
        limit=VERIFICATIONS_PER_IP_PER_HOUR,
        window=HOUR,
        now=now,
    ):
        record_event(session, events.LOGIN_FAILED, ip=ip, detail={"reason": "rate_limit"})
        return LoginResult(None, LoginRefusal.TOO_MANY_ATTEMPTS)
    index = phone_index(ctx, phone)
    row = (
        await session.execute(
            select(LoginCode)
            .where(
                LoginCode.phone_index == index,
                LoginCode.consumed_at.is_(None),
                LoginCode.expires_at > now,
            )
            .order_by(LoginCode.created_at.desc())
            .limit(1)
            .with_for_update()
        )
    ).scalar_one_or_none()
    if row is None:
        record_event(session, events.LOGIN_FAILED, ip=ip, detail={"reason": "no_live_code"})
        return LoginResult(None, LoginRefusal.WRONG_CODE)
    if row.attempts >= ctx.settings.login_code_attempts:
        record_event(session, events.LOGIN_FAILED, ip=ip, detail={"reason": "attempts"})
        return LoginResult(None, LoginRefusal.TOO_MANY_ATTEMPTS)
    row.attempts += 1
    candidate = code.strip()
    if not (
        candidate.isdigit()
        and hmac.compare_digest(_code_hash(ctx, row.id, candidate), row.code_hash)
    ):
        record_event(session, events.LOGIN_FAILED, ip=ip, detail={"reason": "wrong_code"})
        return LoginResult(None, LoginRefusal.WRONG_CODE)
    row.consumed_at = now
    user = await resident_for_phone(session, ctx, phone)
    if user.disabled_at is not None:
        record_event(
            session, events.LOGIN_FAILED, user_id=user.id, ip=ip, detail={"reason": "disabled"}
        )
        return LoginResult(None, LoginRefusal.ACCOUNT_DISABLED)
    return LoginResult(user)
