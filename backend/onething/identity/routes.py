"""The identity domain's route handlers outside /api/v1 (the provider) and inside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from onething.identity.account_controllers import MeController
from onething.identity.consent_controllers import ConsentController, ConsentPageController
from onething.identity.controllers import (
    DiscoveryController,
    ProviderController,
    UserinfoController,
)
from onething.identity.delegation_controllers import DelegationController
from onething.identity.federation_controllers import FederationController
from onething.identity.login_controllers import DevSmsOutboxController, LoginController
from onething.identity.passkey_controllers import PasskeyController, PasskeyScriptController

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

    from onething.core.settings import Settings


def provider_route_handlers(settings: Settings) -> list[ControllerRouterHandler]:
    """`/oauth2/...` and `/.well-known/...`; the SMS outbox reader only in dev and test."""
    handlers: list[ControllerRouterHandler] = [
        ProviderController,
        UserinfoController,
        DiscoveryController,
        LoginController,
        ConsentPageController,
        PasskeyController,
        PasskeyScriptController,
        FederationController,
    ]
    if settings.app.is_dev:
        handlers.append(DevSmsOutboxController)
    return handlers


def api_handlers() -> list[ControllerRouterHandler]:
    from onething.identity.profile_controllers import ProfileController
    from onething.identity.registry_controllers import (
        ClientRegistryController,
        ClientSubscriptionController,
    )

    return [
        MeController,
        ConsentController,
        DelegationController,
        ClientRegistryController,
        ClientSubscriptionController,
        ProfileController,
    ]
