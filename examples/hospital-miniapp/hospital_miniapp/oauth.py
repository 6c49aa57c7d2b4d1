"""Signing in with OneThing as a confidential client: discovery, authorization code with PKCE
(S256), private_key_jwt client authentication (RFC 7523), and the ID token's checks."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# What the hospital asks the resident to allow: who they are, their name, and to start and
# follow the applications it launches for them.
SCOPE = "openid profile applications:read applications:write"


class SignInError(Exception):
    """The provider refused, or answered something this client does not trust."""


def new_key(kid: str) -> dict[str, Any]:
    """A fresh P-256 signing key (ES256) as a private JWK with its `kid`."""
    key = ECKey.generate_key("P-256", private=True)
    return {**key.as_dict(private=True), "kid": kid, "use": "sig", "alg": "ES256"}


def public_jwks(private_jwk: dict[str, Any]) -> dict[str, Any]:
    """The JWKS to register with OneThing: the public half only."""
    key = ECKey.import_key(private_jwk)
    public = key.as_dict(private=False)
    return {"keys": [{**public, "kid": private_jwk["kid"], "use": "sig", "alg": "ES256"}]}


def load_key(path: Path) -> dict[str, Any]:
    key: dict[str, Any] = json.loads(path.read_text())
    return key


@dataclass(frozen=True, slots=True)
class Pending:
    """One sign-in in progress, kept on the server (never in the browser): the CSRF `state`,
    the ID token's `nonce`, and the PKCE verifier."""

    state: str
    nonce: str
    verifier: str


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    subject: str  # the resident's `sub` at OneThing
    name: str | None
    scope: str


class OneThingClient:
    """OneThing's OpenID Provider as this client uses it."""

    def __init__(self, platform_url: str, client_id: str, private_jwk: dict[str, Any]) -> None:
        self.platform_url = platform_url
        self.client_id = client_id
        self._key = ECKey.import_key(private_jwk)
        self._kid = str(private_jwk["kid"])
        self._metadata: dict[str, Any] | None = None

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            url = f"{self.platform_url}/.well-known/openid-configuration"
            found: dict[str, Any] = httpx.get(url, timeout=10).raise_for_status().json()
            if found.get("issuer") != self.platform_url:
                raise SignInError(f"unexpected issuer {found.get('issuer')!r}")
            self._metadata = found
        return self._metadata

    def start(self, redirect_uri: str) -> tuple[Pending, str]:
        """A new sign-in: what to remember, and where to send the browser."""
        pending = Pending(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            verifier=secrets.token_urlsafe(48),
        )
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(pending.verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": SCOPE,
                "state": pending.state,
                "nonce": pending.nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        return pending, f"{self.metadata()['authorization_endpoint']}?{query}"

    def client_assertion(self) -> str:
        """private_key_jwt: a short-lived JWT signed with our key, for the token endpoint."""
        now = int(time.time())
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.metadata()["token_endpoint"],
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,  # each assertion is accepted once
        }
        return jwt.encode({"alg": "ES256", "kid": self._kid}, claims, self._key)

    def finish(self, pending: Pending, params: dict[str, str], redirect_uri: str) -> Tokens:
        """The browser came back to the redirect URI with `params`: check them, redeem the
        code with our client assertion and the PKCE verifier, and check the ID token."""
        if not secrets.compare_digest(params.get("state", ""), pending.state):
            raise SignInError("state does not match this sign-in")
        if params.get("iss") != self.platform_url:  # RFC 9207: the answer is from OneThing
            raise SignInError("missing or unexpected iss")
        if "error" in params:
            raise SignInError(params["error"])
        answer = httpx.post(
            self.metadata()["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": params.get("code", ""),
                "redirect_uri": redirect_uri,
                "code_verifier": pending.verifier,
                "client_id": self.client_id,
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self.client_assertion(),
            },
            timeout=10,
        )
        if answer.status_code != 200:
            raise SignInError(f"token endpoint: {answer.status_code} {answer.text[:200]}")
        body = answer.json()
        claims = self._verify_id_token(body["id_token"], pending.nonce)
        return Tokens(
            access_token=body["access_token"],
            subject=str(claims["sub"]),
            name=claims.get("name"),
            scope=str(body.get("scope", "")),
        )

    def _verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        keys = httpx.get(self.metadata()["jwks_uri"], timeout=10).raise_for_status().json()
        token = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=["ES256"])
        claims = token.claims
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.platform_url},
            aud={"essential": True, "value": self.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(claims)
        return claims
