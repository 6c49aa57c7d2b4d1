"""Security events: one function that appends a row (the table refuses updates and deletes)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Final

from onething.identity.models import SecurityEvent

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

LOGIN_CODE_SENT: Final = "login_code_sent"
LOGIN_CODE_REFUSED: Final = "login_code_refused"
LOGIN_SUCCEEDED: Final = "login_succeeded"
LOGIN_FAILED: Final = "login_failed"
LOGOUT: Final = "logout"
TOKEN_ISSUED: Final = "token_issued"  # noqa: S105 — event names, not secrets
TOKEN_REVOKED: Final = "token_revoked"  # noqa: S105
REFRESH_TOKEN_REUSED: Final = "refresh_token_reused"  # noqa: S105
AUTHORIZATION_CODE_REUSED: Final = "authorization_code_reused"
SIGNING_KEY_ROTATED: Final = "signing_key_rotated"
DELEGATION_PROPOSED: Final = "delegation_proposed"
DELEGATION_CREATED: Final = "delegation_created"
DELEGATION_USED: Final = "delegation_used"
DELEGATION_REVOKED: Final = "delegation_revoked"
FEDERATION_LINKED: Final = "federation_linked"
PASSKEY_REGISTERED: Final = "passkey_registered"
CONSENT_GRANTED: Final = "consent_granted"
CONSENT_WITHDRAWN: Final = "consent_withdrawn"


def record_event(
    session: AsyncSession | Session,
    event_type: str,
    *,
    user_id: uuid.UUID | None = None,
    act_sub: str | None = None,
    client_id: str | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add the event to the caller's transaction: it commits with the change it describes.
    `detail` must never hold personal data (no phone or ID numbers, no names)."""
    session.add(
        SecurityEvent(
            event_type=event_type,
            user_id=user_id,
            act_sub=act_sub,
            client_id=client_id,
            ip=ip,
            detail=detail or {},
        )
    )
