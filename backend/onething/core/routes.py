"""The public API's route handlers, collected from every domain package, under /api/v1."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

API_PREFIX = "/api/v1"


def api_route_handlers() -> list[ControllerRouterHandler]:
    """Each domain adds its controllers here as it gains an HTTP surface."""
    from onething.applications.routes import api_handlers as application_handlers
    from onething.catalog.controllers import CatalogController, RegionController
    from onething.delivery.routes import api_handlers as delivery_handlers
    from onething.departments.routes import api_handlers as department_handlers
    from onething.identity.routes import api_handlers as identity_handlers
    from onething.licenses.routes import api_handlers as license_handlers
    from onething.notify.routes import api_handlers as notify_handlers

    handlers: list[ControllerRouterHandler] = [
        CatalogController,
        RegionController,
        *identity_handlers(),
        *application_handlers(),
        *delivery_handlers(),
        *notify_handlers(),
        *department_handlers(),
        *license_handlers(),
    ]
    return handlers
