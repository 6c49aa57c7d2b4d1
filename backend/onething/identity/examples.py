"""OpenAPI examples of the identity bodies: the client registry, the caller, consents,
delegations, and the OpenID Provider's plain-JSON answers (discovery, JWKS, tokens)."""

from __future__ import annotations

from typing import Any, Final

from onething.core.openapi_examples import OperationExample
from onething.core.openapi_problems import OAuthError
from onething.identity.account_controllers import Me
from onething.identity.client_registry import (
    ClientNames,
    ClientRegistration,
    ClientSettings,
    ClientView,
)
from onething.identity.client_webhooks import WebhookSubscription
from onething.identity.consent_controllers import ConsentView, ScopeView
from onething.identity.controllers import UserinfoResponse
from onething.identity.delegation_controllers import (
    DelegationConfirm,
    DelegationCreate,
    DelegationView,
)
from onething.identity.profile_controllers import ProfileIn, ProfileView

ISSUER: Final = "https://onething.example.gov.cn"
RESIDENT: Final = "0b6f3c1e-7d2a-4f5b-9c8e-1a2b3c4d5e6f"
_NAMES: Final = {"zh": "市妇幼保健院", "en": "City Maternity Hospital"}
_SETTINGS: Final[dict[str, Any]] = {
    "name": _NAMES,
    "redirect_uris": ["https://hospital.example/onething/callback"],
    "scopes": ["openid", "profile", "applications:read", "applications:write"],
    "jwks_uri": "https://hospital.example/.well-known/jwks.json",
    "webhook_url": "https://hospital.example/onething/events",
    "rate_limit_tier": "standard",
    "asserts": ["child.sex", "child.birth_time", "child.birth_weight", "child.birth_facility"],
}
_CLIENT_VIEW: Final[dict[str, Any]] = {
    "client_id": "hospital-mini-app",
    "name": _NAMES,
    "redirect_uris": _SETTINGS["redirect_uris"],
    "scopes": _SETTINGS["scopes"],
    "token_endpoint_auth_method": "private_key_jwt",
    "jwks_uri": _SETTINGS["jwks_uri"],
    "key_ids": ["hospital-2025-06"],
    "webhook_url": _SETTINGS["webhook_url"],
    "rate_limit_tier": "standard",
    "asserts": _SETTINGS["asserts"],
    "webhook_events": ["application.submitted", "task.status_changed"],
    "created_at": "2025-06-01T02:00:00Z",
    "disabled_at": None,
}
_SCOPE: Final = {
    "scope": "applications:write",
    "label_zh": "为您创建和提交办件",
    "label_en": "Create and submit applications for you",
}
_DELEGATION: Final = {
    "id": "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d",
    "agent_id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
    "resident_id": RESIDENT,
    "bundles": ["newborn-birth"],
    "valid_from": "2025-06-18T01:00:00Z",
    "valid_until": "2025-07-18T01:00:00Z",
    "evidence_kind": "sms_confirmation",
    "status": "active",
}

# Remembered contact details (the catalog marks which facts may be remembered).
_FACTS: Final = {"mother.phone": "13812345678", "residence.region": "500105"}

STRUCTS: Final[dict[type[Any], list[dict[str, Any]]]] = {
    ClientNames: [_NAMES],
    ClientSettings: [_SETTINGS],
    ClientRegistration: [{"client_id": "hospital-mini-app", **_SETTINGS}],
    ClientView: [{**_CLIENT_VIEW, "webhook_secret": "whsec_3qT9bV1xK7mP2rN8cY5fH0jL4sD6aE"}],
    Me: [
        {
            "sub": RESIDENT,
            "client_id": "onething-pwa",
            "scopes": ["openid", "profile", "applications:read", "applications:write"],
            "role": "resident",
        }
    ],
    UserinfoResponse: [
        {
            "sub": RESIDENT,
            "name": "王芳",
            "phone_number": "+8613812345678",
            "phone_number_verified": True,
        }
    ],
    ScopeView: [_SCOPE],
    ConsentView: [
        {
            "client_id": "hospital-mini-app",
            "client_name": "市妇幼保健院",
            "scopes": [_SCOPE],
            "granted_at": "2025-06-18T08:20:00Z",
            "updated_at": "2025-06-18T08:20:00Z",
        }
    ],
    DelegationCreate: [
        {
            "resident_phone": "13812345678",
            "bundles": ["newborn-birth"],
            "valid_days": 30,
            "evidence": "sms_confirmation",
        }
    ],
    DelegationConfirm: [{"code": "482913"}],
    DelegationView: [_DELEGATION],
    WebhookSubscription: [
        {
            "events": ["application.submitted", "task.status_changed"],
            "webhook_url": "https://hospital.example/onething/events",
        }
    ],
    ProfileIn: [{"facts": _FACTS}],
    ProfileView: [
        {
            "facts": _FACTS,
            "consented_at": "2025-06-18T09:12:02Z",
            "updated_at": "2025-06-18T09:12:02Z",
        }
    ],
    OAuthError: [{"error": "invalid_grant", "error_description": "Invalid authorization code"}],
}

_JWK: Final = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "kid": "2025-06-01T00:00:00Z#1",
    "use": "sig",
    "alg": "ES256",
}
OPERATIONS: Final[dict[str, OperationExample]] = {
    "openidConfiguration": OperationExample(
        200,
        {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/oauth2/authorize",
            "token_endpoint": f"{ISSUER}/oauth2/token",
            "userinfo_endpoint": f"{ISSUER}/oauth2/userinfo",
            "jwks_uri": f"{ISSUER}/oauth2/jwks",
            "revocation_endpoint": f"{ISSUER}/oauth2/revoke",
            "introspection_endpoint": f"{ISSUER}/oauth2/introspect",
            "end_session_endpoint": f"{ISSUER}/oauth2/logout",
            "scopes_supported": ["openid", "profile", "phone", "applications:read"],
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"],
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
        },
    ),
    "jwks": OperationExample(200, {"keys": [_JWK]}),
    "token": OperationExample(
        200,
        {
            "access_token": "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiIwYjZmIn0.c2ln",
            "token_type": "Bearer",
            "expires_in": 600,
            "scope": "openid applications:write",
            "refresh_token": "rt_8Jq2vL5xN1mC7bK4pR9tY3wZ6hF0sD",
            "id_token": "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL29uZXRoaW5nIn0.c2ln",
        },
    ),
    "introspectToken": OperationExample(
        200,
        {
            "active": True,
            "token_type": "Bearer",
            "scope": "openid applications:write",
            "client_id": "hospital-mini-app",
            "sub": RESIDENT,
            "iss": ISSUER,
            "exp": 1750237200,
        },
    ),
    "revokeToken": OperationExample(200, {}),
}
