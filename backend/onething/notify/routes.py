"""The notify domain's route handlers under /api/v1."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler


def api_handlers() -> list[ControllerRouterHandler]:
    from onething.notify.controllers import NotificationController

    return [NotificationController]
