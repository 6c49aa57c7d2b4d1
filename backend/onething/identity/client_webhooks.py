"""Webhook subscriptions of mini-apps: the event types there are, and a client choosing its
own (with a client-credentials token of its own; the URL stays the administrator's to set).
Which applications' events a client gets is decided in applications/client_events.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Literal, cast

import msgspec

from onething.core.errors import NOT_FOUND, ProblemError
from onething.identity.models import OAuthClient

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# What a mini-app may subscribe to (applications launched through it, see
# applications/client_events.py).
APPLICATION_SUBMITTED: Final = "application.submitted"
TASK_STATUS_CHANGED: Final = "task.status_changed"
WebhookEventType = Literal["application.submitted", "task.status_changed"]
WEBHOOK_EVENT_TYPES: Final[tuple[WebhookEventType, ...]] = (
    APPLICATION_SUBMITTED,
    TASK_STATUS_CHANGED,
)


class WebhookSubscription(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The webhook event types a mini-app gets, and where (set by the administrator)."""

    events: list[WebhookEventType]
    webhook_url: str | None = None


async def _self(db: AsyncSession, client_id: str) -> OAuthClient:
    row = await db.get(OAuthClient, client_id, with_for_update=True)
    if row is None or row.first_party or row.department is not None or row.disabled_at:
        raise ProblemError(NOT_FOUND)
    return row


async def subscription_of(db: AsyncSession, client_id: str) -> WebhookSubscription:
    row = await _self(db, client_id)
    events = cast("list[WebhookEventType]", list(row.webhook_events))
    view = WebhookSubscription(events=events, webhook_url=row.webhook_url)
    await db.rollback()  # the row lock taken to read it
    return view


async def subscribe(
    db: AsyncSession, client_id: str, data: WebhookSubscription
) -> WebhookSubscription:
    """Replace the client's event types (its URL stays the administrator's to set)."""
    row = await _self(db, client_id)
    row.webhook_events = list(dict.fromkeys(data.events))
    view = WebhookSubscription(events=list(data.events), webhook_url=row.webhook_url)
    await db.commit()
    return view
