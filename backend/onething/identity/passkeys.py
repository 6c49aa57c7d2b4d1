"""Passkeys (WebAuthn) with the maintained `webauthn` library: a signed-in resident registers
one; anyone signs in with one on the provider's login page. Each ceremony's challenge is a
database row, used once and valid five minutes, so any API replica can answer it."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import parse_authentication_credential_json
from webauthn.helpers.exceptions import InvalidJSONStructure, WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from onething.identity import events
from onething.identity.events import record_event
from onething.identity.models import Passkey, PasskeyChallenge, User

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext

CEREMONY_SECONDS: Final = 300
RP_NAME: Final = "一件事 OneThing"


class PasskeyError(ValueError):
    """A ceremony that failed: expired or unknown challenge, unknown credential, or a
    response the library refused. The message is safe to log, not shown to the resident."""


def relying_party(ctx: IdentityContext) -> tuple[str, str]:
    """(RP ID, origin): the issuer's host name and its origin."""
    parts = urlsplit(ctx.issuer)
    return parts.hostname or "localhost", f"{parts.scheme}://{parts.netloc}"


async def _new_challenge(
    db: AsyncSession, purpose: str, user_id: uuid.UUID | None, now: datetime
) -> tuple[uuid.UUID, bytes]:
    ceremony = uuid.uuid4()
    challenge = secrets.token_bytes(32)
    db.add(
        PasskeyChallenge(
            id=ceremony,
            purpose=purpose,
            user_id=user_id,
            challenge=challenge,
            expires_at=now + timedelta(seconds=CEREMONY_SECONDS),
        )
    )
    return ceremony, challenge


async def _take_challenge(
    db: AsyncSession, ceremony: str, purpose: str, now: datetime
) -> PasskeyChallenge:
    """Delete the challenge as it is read: a second answer to one ceremony finds nothing."""
    try:
        ceremony_id = uuid.UUID(ceremony)
    except ValueError as exc:
        msg = "malformed ceremony id"
        raise PasskeyError(msg) from exc
    row = (
        await db.execute(
            delete(PasskeyChallenge)
            .where(PasskeyChallenge.id == ceremony_id, PasskeyChallenge.purpose == purpose)
            .returning(PasskeyChallenge)
        )
    ).scalar_one_or_none()
    if row is None or row.expires_at <= now:
        msg = "unknown, used or expired ceremony"
        raise PasskeyError(msg)
    return row


async def begin_registration(
    db: AsyncSession, ctx: IdentityContext, user: User, *, now: datetime
) -> tuple[uuid.UUID, str]:
    """Options for `navigator.credentials.create()` (JSON), and the ceremony id."""
    ceremony, challenge = await _new_challenge(db, "register", user.id, now)
    existing = (
        await db.execute(select(Passkey.credential_id).where(Passkey.user_id == user.id))
    ).scalars()
    rp_id, _ = relying_party(ctx)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        # No personal data on the authenticator: an opaque handle and a generic name.
        user_id=user.id.bytes,
        user_name=f"onething-{str(user.id)[:8]}",
        user_display_name=RP_NAME,
        challenge=challenge,
        timeout=CEREMONY_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=c) for c in existing],
    )
    return ceremony, options_to_json(options)


async def finish_registration(
    db: AsyncSession,
    ctx: IdentityContext,
    user: User,
    *,
    ceremony: str,
    credential: dict[str, Any],
    now: datetime,
    ip: str | None,
) -> Passkey:
    challenge = await _take_challenge(db, ceremony, "register", now)
    if challenge.user_id != user.id:
        msg = "ceremony started by another account"
        raise PasskeyError(msg)
    rp_id, origin = relying_party(ctx)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge.challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, InvalidJSONStructure, KeyError, TypeError, ValueError) as exc:
        msg = f"registration refused: {exc}"
        raise PasskeyError(msg) from exc
    if await db.get(Passkey, verified.credential_id) is not None:
        msg = "credential already registered"
        raise PasskeyError(msg)
    transports = credential.get("response", {}).get("transports") or []
    passkey = Passkey(
        credential_id=verified.credential_id,
        user_id=user.id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if isinstance(t, str)][:8],
        created_at=now,
    )
    db.add(passkey)
    record_event(db, events.PASSKEY_REGISTERED, user_id=user.id, ip=ip)
    return passkey


async def begin_login(
    db: AsyncSession, ctx: IdentityContext, *, now: datetime
) -> tuple[uuid.UUID, str]:
    """Options for `navigator.credentials.get()`: no account named (discoverable passkeys),
    so the page reveals nothing about who has one."""
    ceremony, challenge = await _new_challenge(db, "login", None, now)
    rp_id, _ = relying_party(ctx)
    options = generate_authentication_options(
        rp_id=rp_id,
        challenge=challenge,
        timeout=CEREMONY_SECONDS * 1000,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return ceremony, options_to_json(options)


async def finish_login(
    db: AsyncSession,
    ctx: IdentityContext,
    *,
    ceremony: str,
    credential: dict[str, Any],
    now: datetime,
    ip: str | None,
) -> User:
    """The account whose passkey signed this ceremony's challenge; PasskeyError otherwise
    (a failure is recorded as a security event in the caller's transaction)."""
    try:
        user, passkey, sign_count = await _verify_login(db, ctx, ceremony, credential, now)
    except (PasskeyError, InvalidJSONStructure, KeyError, TypeError, ValueError) as exc:
        record_event(
            db, events.LOGIN_FAILED, ip=ip, detail={"method": "passkey", "reason": str(exc)[:120]}
        )
        if isinstance(exc, PasskeyError):
            raise
        msg = f"malformed credential: {exc}"
        raise PasskeyError(msg) from exc
    passkey.sign_count = sign_count
    passkey.last_used_at = now
    return user


async def _verify_login(
    db: AsyncSession,
    ctx: IdentityContext,
    ceremony: str,
    credential: dict[str, Any],
    now: datetime,
) -> tuple[User, Passkey, int]:
    challenge = await _take_challenge(db, ceremony, "login", now)
    parsed = parse_authentication_credential_json(credential)
    passkey = (
        await db.execute(
            select(Passkey).where(Passkey.credential_id == parsed.raw_id).with_for_update()
        )
    ).scalar_one_or_none()
    if passkey is None:
        msg = "unknown credential"
        raise PasskeyError(msg)
    handle = parsed.response.user_handle
    if handle is not None and handle != passkey.user_id.bytes:
        msg = "user handle does not match the credential"
        raise PasskeyError(msg)
    rp_id, origin = relying_party(ctx)
    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge.challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except WebAuthnException as exc:
        msg = f"assertion refused: {exc}"
        raise PasskeyError(msg) from exc
    user = await db.get(User, passkey.user_id)
    if user is None or user.disabled_at is not None:
        msg = "account disabled"
        raise PasskeyError(msg)
    return user, passkey, verified.new_sign_count
