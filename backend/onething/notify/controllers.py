"""The resident's notifications: in-app messages, Web Push subscriptions, preferences."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from onething.applications.access import READ, WRITE
from onething.applications.controllers import CallerDep
from onething.core.errors import FORBIDDEN, NOT_FOUND, ProblemError
from onething.core.i18n import negotiate_language
from onething.core.openapi_problems import problem_spec
from onething.core.settings import Settings
from onething.identity.access import Caller, current_caller
from onething.identity.deps import DbSession
from onething.notify import services
from onething.notify.push import vapid_public_key
from onething.notify.schemas import (
    MessagePage,
    PreferencesIn,
    PreferencesView,
    PushSubscriptionIn,
    PushSubscriptionView,
    VapidKey,
)

# A resident's own notification channels: reading them needs `applications:read`, changing
# them (subscriptions, preferences, marking read) `applications:write`.


def _resident(caller: Caller, *, scope: str) -> uuid.UUID:
    """The resident themself (an agent acting for them does not manage their channels)."""
    principal = caller.principal
    if (
        caller.user_id is None
        or principal.act
        or caller.third_party  # a mini-app does not manage the resident's channels
        or scope not in principal.scopes
    ):
        raise ProblemError(
            FORBIDDEN,
            detail_zh="只有居民本人可以管理自己的通知",
            detail_en="Only the resident manages their own notifications",
        )
    return caller.user_id


_NOT_RESIDENT = problem_spec(
    "Not the resident's own token in OneThing's app (an agent's, a mini-app's) or no scope"
)


class NotificationController(Controller):
    path = "/notifications"
    tags = ["notifications"]  # noqa: RUF012
    dependencies = {"caller": Provide(current_caller)}  # noqa: RUF012

    @get(
        "/vapid-public-key",
        operation_id="getVapidPublicKey",
        summary="Web Push server key",
        responses={404: problem_spec("Web Push is not configured")},
        sync_to_thread=False,
    )
    def vapid_key(self, request: Request[Any, Any, Any]) -> VapidKey:
        """The `applicationServerKey` for `PushManager.subscribe`."""
        settings: Settings = request.app.state.settings
        if not settings.notify.vapid_private_key:
            raise ProblemError(NOT_FOUND)
        return VapidKey(public_key=vapid_public_key(settings.notify.vapid_private_key))

    @post(
        "/push-subscriptions",
        operation_id="subscribePush",
        summary="Register this browser for Web Push",
        responses={403: _NOT_RESIDENT, 422: problem_spec("Not an https endpoint")},
    )
    async def subscribe(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PushSubscriptionIn],
        caller: CallerDep,
        db_session: DbSession,
    ) -> PushSubscriptionView:
        """The browser's `PushSubscription` JSON; registering the same endpoint again updates
        its keys."""
        settings: Settings = request.app.state.settings
        return await services.subscribe(
            db_session,
            _resident(caller, scope=WRITE),
            data,
            allow_loopback_http=settings.app.is_dev,
            now=datetime.now(UTC),
        )

    @delete(
        "/push-subscriptions/{subscription_id:uuid}",
        operation_id="unsubscribePush",
        summary="Stop pushes to a browser",
        responses={403: _NOT_RESIDENT, 404: problem_spec("No such subscription of yours")},
    )
    async def unsubscribe(
        self, subscription_id: FromPath[uuid.UUID], caller: CallerDep, db_session: DbSession
    ) -> None:
        """The subscription is deleted."""
        await services.unsubscribe(db_session, _resident(caller, scope=WRITE), subscription_id)

    @get(
        "/preferences",
        operation_id="getNotificationPreferences",
        summary="My notification channels",
        responses={403: _NOT_RESIDENT},
    )
    async def get_preferences(self, caller: CallerDep, db_session: DbSession) -> PreferencesView:
        """Push and SMS on or off, and the language of messages (the in-app list is always kept)."""
        return await services.preferences_of(db_session, _resident(caller, scope=READ))

    @put(
        "/preferences",
        operation_id="setNotificationPreferences",
        summary="Choose notification channels",
        responses={403: _NOT_RESIDENT},
    )
    async def set_preferences(
        self, data: JSONBody[PreferencesIn], caller: CallerDep, db_session: DbSession
    ) -> PreferencesView:
        """Applies to messages from now on."""
        return await services.set_preferences(
            db_session, _resident(caller, scope=WRITE), data, now=datetime.now(UTC)
        )

    @get(
        "/messages",
        operation_id="listMessages",
        summary="My messages (in-app)",
        responses={403: _NOT_RESIDENT},
    )
    async def list_messages(
        self,
        request: Request[Any, Any, Any],
        caller: CallerDep,
        db_session: DbSession,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 50,
    ) -> MessagePage:
        """Newest first, with the count of unread ones; in the language the app asks for
        (`Accept-Language`), else the one chosen in the preferences."""
        asked = request.headers.get("accept-language")
        language = negotiate_language(asked) if asked else None
        return await services.messages_of(
            db_session, _resident(caller, scope=READ), limit=limit, language=language
        )

    @post(
        "/messages/{message_id:uuid}/read",
        operation_id="markMessageRead",
        summary="Mark a message read",
        status_code=204,
        responses={403: _NOT_RESIDENT, 404: problem_spec("No such message of yours")},
    )
    async def mark_read(
        self, message_id: FromPath[uuid.UUID], caller: CallerDep, db_session: DbSession
    ) -> None:
        """Idempotent: the first reading time is kept."""
        await services.mark_read(
            db_session, _resident(caller, scope=WRITE), message_id, now=datetime.now(UTC)
        )
