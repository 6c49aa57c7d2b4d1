"""Admin API for third-party clients (`/api/v1/admin/clients`): register, read, replace,
refresh keys, disable. The same service backs `onething clients …`."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from onething.core.errors import NOT_FOUND, ProblemError
from onething.core.openapi_problems import problem_spec
from onething.identity import client_registry as registry
from onething.identity import client_webhooks
from onething.identity.access import Caller, current_caller, require_admin
from onething.identity.deps import DbSession
from onething.identity.guards import current_principal
from onething.identity.tokens import Principal

CallerDep = NamedDependency[Caller]
PrincipalDep = NamedDependency[Principal]


_FORBIDDEN = {403: problem_spec("Not an administrator")}
_MISSING = {404: problem_spec("No such registered client")}
_INVALID = {422: problem_spec("Invalid fields, each named with a zh-CN and en message")}


class ClientRegistryController(Controller):
    path = "/admin/clients"
    tags = ["admin"]  # noqa: RUF012
    dependencies = {"caller": Provide(current_caller)}  # noqa: RUF012

    @post(
        "/",
        operation_id="registerClient",
        summary="Register a third-party client (mini-app)",
        status_code=201,
        responses={**_FORBIDDEN, 409: problem_spec("The client id is taken"), **_INVALID},
    )
    async def register(
        self,
        *,
        data: JSONBody[registry.ClientRegistration],
        caller: CallerDep,
        db_session: DbSession,
        state: State,
    ) -> registry.ClientView:
        """A confidential client authenticating with `private_key_jwt`: its public keys
        (inline or at an https `jwks_uri`), exact redirect URIs, scopes, webhook URL and rate
        tier. The webhook secret is generated and appears in this answer only."""
        by = require_admin(caller)
        return await registry.register_client(
            db_session,
            state.identity.cipher,
            state.settings.api_limits,
            data,
            elements=state.catalog.elements.keys(),
            by=by,
            now=datetime.now(UTC),
        )

    @get(
        "/",
        operation_id="listClients",
        summary="Registered third-party clients",
        responses=_FORBIDDEN,
    )
    async def list_clients(
        self, caller: CallerDep, db_session: DbSession
    ) -> list[registry.ClientView]:
        """Every registered client, disabled ones included; never a secret."""
        require_admin(caller)
        return await registry.list_clients(db_session)

    @get(
        "/{client_id:str}",
        operation_id="getClient",
        summary="One registered client",
        responses={**_FORBIDDEN, **_MISSING},
    )
    async def get_client(
        self, client_id: FromPath[str], caller: CallerDep, db_session: DbSession
    ) -> registry.ClientView:
        """Its settings and the ids of its registered keys."""
        require_admin(caller)
        return await registry.get_client(db_session, client_id)

    @put(
        "/{client_id:str}",
        operation_id="updateClient",
        summary="Replace a registered client's settings",
        responses={**_FORBIDDEN, **_MISSING, **_INVALID},
    )
    async def update(
        self,
        *,
        client_id: FromPath[str],
        data: JSONBody[registry.ClientSettings],
        caller: CallerDep,
        db_session: DbSession,
        state: State,
    ) -> registry.ClientView:
        """All settings at once. A new webhook secret is made (and shown once) when a
        webhook is first set or `rotate_webhook_secret` is true."""
        require_admin(caller)
        return await registry.update_client(
            db_session,
            state.identity.cipher,
            state.settings.api_limits,
            client_id,
            data,
            elements=state.catalog.elements.keys(),
        )

    @post(
        "/{client_id:str}/refresh-keys",
        operation_id="refreshClientKeys",
        summary="Fetch a client's published keys again",
        status_code=200,
        responses={**_FORBIDDEN, **_MISSING, **_INVALID},
    )
    async def refresh_keys(
        self, client_id: FromPath[str], caller: CallerDep, db_session: DbSession
    ) -> registry.ClientView:
        """After the client rotated the keys at its `jwks_uri`."""
        require_admin(caller)
        return await registry.refresh_keys(db_session, client_id)

    @post(
        "/{client_id:str}/disable",
        operation_id="disableClient",
        summary="Disable a client and revoke everything it holds",
        status_code=200,
        responses={**_FORBIDDEN, **_MISSING},
    )
    async def disable(
        self, client_id: FromPath[str], caller: CallerDep, db_session: DbSession
    ) -> registry.ClientView:
        """Its tokens and unused codes are revoked at once; it can no longer authenticate."""
        require_admin(caller)
        return await registry.disable_client(db_session, client_id, now=datetime.now(UTC))


class ClientSubscriptionController(Controller):
    """A mini-app chooses its webhook events itself, with a token of its own (client
    credentials: no resident)."""

    path = "/client/webhook-subscription"
    tags = ["identity"]  # noqa: RUF012
    dependencies = {"principal": Provide(current_principal)}  # noqa: RUF012

    @get(
        operation_id="getWebhookSubscription",
        summary="The webhook events this mini-app gets",
        responses={404: problem_spec("Not a registered mini-app's own token")},
    )
    async def get_subscription(
        self, principal: PrincipalDep, db_session: DbSession
    ) -> client_webhooks.WebhookSubscription:
        """The event types (`application.submitted`, `task.status_changed`) and the URL the
        administrator registered. Events come only for applications launched through this
        mini-app, while the resident's consent stands."""
        return await client_webhooks.subscription_of(db_session, _itself(principal))

    @put(
        operation_id="setWebhookSubscription",
        summary="Choose the webhook events this mini-app gets",
        responses={
            404: problem_spec("Not a registered mini-app's own token"),
            **_INVALID,
        },
    )
    async def set_subscription(
        self,
        data: JSONBody[client_webhooks.WebhookSubscription],
        principal: PrincipalDep,
        db_session: DbSession,
    ) -> client_webhooks.WebhookSubscription:
        """Replaces the event types (an empty list: none); `webhook_url` is ignored — the
        administrator sets it with the registration."""
        return await client_webhooks.subscribe(db_session, _itself(principal), data)


def _itself(principal: Principal) -> str:
    """The client acting as itself (client_credentials), never on a resident's behalf."""
    if principal.sub != principal.client_id or principal.act is not None:
        raise ProblemError(NOT_FOUND)
    return principal.client_id
