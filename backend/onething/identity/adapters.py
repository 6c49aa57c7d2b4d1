"""Our rows and requests seen through authlib's interfaces (duck-typed mixins)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request, scope_to_list

from onething.identity.context import SIGNING_ALG
from onething.identity.models import AccessToken, AuthorizationCode, OAuthClient, RefreshToken, User

# --- requests ---------------------------------------------------------------------------------


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, items: list[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for key, value in items:
            self._datalist[key].append(value)
        self._data = {key: values[0] for key, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class HttpRequest(OAuth2Request):  # type: ignore[misc]
    """An HTTP request already read by the async controller (query, form, headers)."""

    def __init__(
        self,
        method: str,
        uri: str,
        *,
        headers: dict[str, str],
        query: list[tuple[str, str]],
        form: list[tuple[str, str]],
        ip: str | None,
    ) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self._args = dict(query)
        self._form = dict(reversed(form))
        self.payload = _Payload(query + form)
        self.ip = ip

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


@dataclass(frozen=True, slots=True)
class OAuthResponse:
    status: int
    body: Any
    headers: list[tuple[str, str]]

    @property
    def location(self) -> str | None:
        for name, value in self.headers:
            if name.lower() == "location":
                return value
        return None


# --- adapters: our rows seen through authlib's mixins ------------------------------------------


class Client:
    def __init__(self, row: OAuthClient) -> None:
        self.row = row
        self.client_id = row.client_id
        self.id_token_signed_response_alg = SIGNING_ALG

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # the redirect URI must always be sent, and match exactly

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = scope_to_list(self.row.scope) or []
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope_to_list(scope) if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        del client_secret
        return False  # no shared secrets: `none` (PKCE) or `private_key_jwt`

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        del endpoint
        return method == self.row.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.row.grant_types

    @property
    def is_public(self) -> bool:
        return self.row.token_endpoint_auth_method == "none"  # noqa: S105


class Subject:
    """The resource owner; carries how and when they logged in, for codes and ID tokens."""

    def __init__(
        self,
        user: User,
        *,
        sso_session_id: uuid.UUID | None = None,
        auth_time: datetime | None = None,
        amr: list[str] | None = None,
        act: dict[str, Any] | None = None,
        delegation_id: str | None = None,
    ) -> None:
        self.user = user
        self.sso_session_id = sso_session_id
        self.auth_time = auth_time
        self.amr = amr or []
        # RFC 8693: who actually acts (an agent), and the delegation that allows it.
        self.act = act
        self.delegation_id = delegation_id

    def get_user_id(self) -> str:
        return str(self.user.id)


class Code:
    def __init__(self, row: AuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time.timestamp())

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> list[str]:
        return list(self.row.amr)


class IssuedToken:
    """A refresh token row or an access token row, for refresh, revocation and introspection."""

    def __init__(
        self,
        *,
        refresh: RefreshToken | None = None,
        access: AccessToken | None = None,
        claims: dict[str, Any] | None = None,
        now: datetime,
    ) -> None:
        self.refresh = refresh
        self.access = access
        self.claims = claims or {}
        self.now = now

    @property
    def client_id(self) -> str:
        row = self.refresh or self.access
        assert row is not None
        return row.client_id

    def check_client(self, client: Client) -> bool:
        return self.client_id == client.get_client_id()

    def get_scope(self) -> str:
        row = self.refresh or self.access
        assert row is not None
        return row.scope

    def get_expires_in(self) -> int:
        row = self.refresh or self.access
        assert row is not None
        return max(0, int((row.expires_at - self.now).total_seconds()))

    def is_expired(self) -> bool:
        return self.get_expires_in() <= 0

    def is_revoked(self) -> bool:
        if self.refresh is not None:
            return self.refresh.revoked_at is not None or self.refresh.rotated_at is not None
        return self.access is not None and self.access.revoked_at is not None
