"""RFC 8693 token exchange for 帮办代办, as an authlib grant (authlib has none built in)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Final

from authlib.oauth2.rfc6749 import InvalidGrantError, InvalidRequestError, UnauthorizedClientError
from authlib.oauth2.rfc6749.grants import BaseGrant
from authlib.oauth2.rfc6749.grants.base import TokenEndpointMixin

from onething.identity import events
from onething.identity.adapters import Subject
from onething.identity.delegations import DELEGABLE_SCOPES, covering_delegation, split_scope
from onething.identity.events import record_event
from onething.identity.grants import provider_of
from onething.identity.models import AccessToken
from onething.identity.tokens import TokenRejectedError, verify_access_token

if TYPE_CHECKING:
    from onething.identity.models import Delegation


TOKEN_EXCHANGE: Final = "urn:ietf:params:oauth:grant-type:token-exchange"  # noqa: S105
ACCESS_TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105
# The subject is named, not proven: the proof is the actor's token plus a delegation record.
RESIDENT_SUBJECT_TYPE: Final = "urn:onething:params:oauth:token-type:resident"


class TokenExchange(BaseGrant, TokenEndpointMixin):  # type: ignore[misc]
    """RFC 8693 for 帮办代办: an agent presents its own access token as `actor_token` and names
    the resident as `subject_token`; the new token has `sub` = resident and `act.sub` = agent
    (an `act` already on the actor's token is nested inside), only while a confirmed,
    unrevoked delegation covers every requested bundle now. Anything else is `invalid_grant`."""

    GRANT_TYPE = TOKEN_EXCHANGE
    TOKEN_ENDPOINT_AUTH_METHODS = ["none", "private_key_jwt"]  # noqa: RUF012

    def validate_token_request(self) -> None:
        provider = provider_of(self)
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(TOKEN_EXCHANGE):
            raise UnauthorizedClientError("The client may not exchange tokens.")
        form = self.request.form
        if form.get("actor_token_type") != ACCESS_TOKEN_TYPE or not form.get("actor_token"):
            raise InvalidRequestError("An access token is required as 'actor_token'.")
        if form.get("subject_token_type") != RESIDENT_SUBJECT_TYPE:
            raise InvalidRequestError(f"'subject_token_type' must be {RESIDENT_SUBJECT_TYPE}.")
        requested = form.get("requested_token_type")
        if requested not in {None, ACCESS_TOKEN_TYPE}:
            raise InvalidRequestError("Only access tokens are issued by exchange.")
        try:
            actor = verify_access_token(
                provider.ring,
                form["actor_token"],
                issuer=provider.ctx.issuer,
                audience=provider.ctx.api_audience,
                now=int(provider.now.timestamp()),
            )
        except TokenRejectedError as exc:
            raise InvalidGrantError("The actor token is not valid.") from exc
        issued = provider.db.get(AccessToken, actor["jti"])
        if issued is None or issued.revoked_at is not None:
            raise InvalidGrantError("The actor token is not valid.")
        if actor["client_id"] != client.get_client_id():
            raise InvalidGrantError("The actor token belongs to another client.")
        agent = provider.user(_uuid(actor["sub"]))
        resident = provider.user(_uuid(form.get("subject_token", "")))
        if agent is None or agent.role != "agent" or resident is None:
            raise InvalidGrantError("No delegation covers this request.")
        bundles, others = split_scope(self.request.payload.scope or "")
        if not others <= DELEGABLE_SCOPES:
            raise InvalidGrantError("No delegation covers this request.")
        delegation = covering_delegation(
            provider.db,
            agent_id=agent.id,
            resident_id=resident.id,
            bundles=bundles,
            now=provider.now,
        )
        if delegation is None:
            raise InvalidGrantError("No delegation covers this request.")
        act: dict[str, Any] = {"sub": str(agent.id)}
        if isinstance(actor.get("act"), dict):
            act["act"] = actor["act"]
        self.request.client = client
        self.request.user = Subject(resident, act=act, delegation_id=str(delegation.id))
        self.request.delegation = delegation

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        provider = provider_of(self)
        delegation: Delegation = self.request.delegation
        remaining = int((delegation.valid_until - provider.now).total_seconds())
        token = self.generate_token(
            user=self.request.user,
            scope=" ".join(sorted(set((self.request.payload.scope or "").split()))),
            expires_in=max(1, remaining),
            include_refresh_token=False,
        )
        token["issued_token_type"] = ACCESS_TOKEN_TYPE
        self.save_token(token)
        record_event(
            provider.db,
            events.DELEGATION_USED,
            user_id=delegation.resident_id,
            act_sub=str(delegation.agent_id),
            client_id=self.request.client.get_client_id(),
            ip=self.request.ip,
            detail={"delegation_id": str(delegation.id)},
        )
        return 200, token, self.TOKEN_RESPONSE_HEADER


def _uuid(value: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.UUID(int=0)
