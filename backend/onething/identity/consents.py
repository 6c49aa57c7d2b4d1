"""Consent of a resident to a third-party client, per scope: asked once on the provider's own
page, stored, listed and withdrawn by the resident. Withdrawing ends everything the client
holds for the resident (refresh and access tokens, unredeemed codes). First-party clients
(the PWA) are never asked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert

from onething.identity import events
from onething.identity.events import record_event
from onething.identity.models import (
    AccessToken,
    AuthorizationCode,
    Consent,
    OAuthClient,
    RefreshToken,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

# What each scope lets a client do, in plain words (zh-CN, en), for the consent page and the
# resident's list of consents.
SCOPE_LABELS: Final[dict[str, tuple[str, str]]] = {
    "openid": ("确认您的身份（账号编号）", "Confirm who you are (your account number)"),
    "profile": ("读取您的姓名", "See your name"),
    "phone": ("读取您的手机号码", "See your mobile number"),
    "id_number": ("读取您的身份证号码", "See your national ID number"),
    # As the resident sees them on a mini-app's consent page (the PWA asks for no consent):
    # a mini-app reaches only what was started through it (identity.access.can_access).
    "applications:read": (
        "查看通过本应用发起的办件及其办理进度",
        "See the applications started through this app and how they progress",
    ),
    "applications:write": (
        "为您发起办件草稿，预填本机构提供的信息（由您核对后提交）",
        "Start application drafts for you, prefilled with facts this organisation provides "
        "(you check and submit them)",
    ),
    "licenses:read": ("查看您卡包中的电子证照", "See the e-licenses in your wallet"),
    "bundles:read": ("查看可办理的一件事目录", "See the list of life events that can be handled"),
    "offline_access": (
        "在您离开后继续访问上述信息（最长 30 天）",
        "Keep this access while you are away (up to 30 days)",
    ),
}
# Without `openid` there is no sign-in at all: it cannot be unticked on its own.
REQUIRED_SCOPES: Final = frozenset({"openid"})


def scope_label(scope: str) -> tuple[str, str]:
    return SCOPE_LABELS.get(scope, (scope, scope))


@dataclass(frozen=True, slots=True)
class ClientConsent:
    client_id: str
    client_name: str
    scopes: list[str]
    granted_at: datetime
    updated_at: datetime


def consent_covers(db: Session, user_id: uuid.UUID, client_id: str, scopes: list[str]) -> bool:
    """True when every scope asked for was allowed before (synchronous: runs inside the
    provider's `run_sync`)."""
    stored = db.get(Consent, (user_id, client_id))
    return stored is not None and set(scopes) <= set(stored.scopes)


async def grant_consent(
    db: AsyncSession,
    *,
    user_id: uuid.UUID,
    client_id: str,
    scopes: list[str],
    now: datetime,
    ip: str | None,
) -> None:
    """Add `scopes` to what the resident allowed this client (a union: an earlier consent is
    kept until withdrawn)."""
    wanted = sorted(set(scopes))
    find = (
        select(Consent)
        .where(Consent.user_id == user_id, Consent.client_id == client_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    stored = (await db.execute(find)).scalar_one_or_none()
    if stored is None:
        inserted = (
            await db.execute(
                insert(Consent)
                .values(
                    user_id=user_id,
                    client_id=client_id,
                    scopes=wanted,
                    granted_at=now,
                    updated_at=now,
                )
                .on_conflict_do_nothing()
                .returning(Consent.user_id)
            )
        ).first()
        if inserted is None:  # a concurrent consent for the same pair committed first
            stored = (await db.execute(find)).scalar_one()
    if stored is not None:
        stored.scopes = sorted(set(stored.scopes) | set(wanted))
        stored.updated_at = now
    record_event(
        db,
        events.CONSENT_GRANTED,
        user_id=user_id,
        client_id=client_id,
        ip=ip,
        detail={"scopes": wanted},
    )


async def consents_of(db: AsyncSession, user_id: uuid.UUID) -> list[ClientConsent]:
    rows = (
        await db.execute(
            select(Consent, OAuthClient.name)
            .join(OAuthClient, OAuthClient.client_id == Consent.client_id)
            .where(Consent.user_id == user_id)
            .order_by(Consent.updated_at.desc(), Consent.client_id)
        )
    ).all()
    return [
        ClientConsent(
            client_id=consent.client_id,
            client_name=name,
            scopes=list(consent.scopes),
            granted_at=consent.granted_at,
            updated_at=consent.updated_at,
        )
        for consent, name in rows
    ]


async def withdraw_consent(
    db: AsyncSession, *, user_id: uuid.UUID, client_id: str, now: datetime, ip: str | None
) -> bool:
    """Delete the consent and revoke every token and code the client holds for the resident,
    in the caller's transaction. False when there was no consent to withdraw."""
    removed = (
        await db.execute(
            delete(Consent)
            .where(Consent.user_id == user_id, Consent.client_id == client_id)
            .returning(Consent.scopes)
        )
    ).first()
    if removed is None:
        return False
    await db.execute(
        update(RefreshToken)
        .where(
            RefreshToken.user_id == user_id,
            RefreshToken.client_id == client_id,
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    await db.execute(
        update(AccessToken)
        .where(
            AccessToken.subject == str(user_id),
            AccessToken.client_id == client_id,
            AccessToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    await db.execute(
        update(AuthorizationCode)
        .where(
            AuthorizationCode.user_id == user_id,
            AuthorizationCode.client_id == client_id,
            AuthorizationCode.used_at.is_(None),
        )
        .values(used_at=now)
    )
    record_event(
        db,
        events.CONSENT_WITHDRAWN,
        user_id=user_id,
        client_id=client_id,
        ip=ip,
        detail={"scopes": list(removed[0])},
    )
    return True
