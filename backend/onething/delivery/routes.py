"""The delivery domain's route handlers under /api/v1."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler


def api_handlers() -> list[ControllerRouterHandler]:
    from onething.delivery.controllers import (
        CourierWebhookController,
        DeliveryController,
        ServiceHallController,
    )
    from onething.delivery.pickup_controllers import HallPickupController

    return [
        DeliveryController,
        ServiceHallController,
        HallPickupController,
        CourierWebhookController,
    ]
