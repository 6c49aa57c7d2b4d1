"""The committed OpenAPI document is generated from the app, byte for byte reproducibly."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

import msgspec
from litestar.openapi.spec import OAuthFlow, OAuthFlows, SecurityScheme
from litestar.routes import HTTPRoute
from litestar.types import Empty

from onething.core.openapi_problems import problem_spec

if TYPE_CHECKING:
    from litestar import Litestar


def render_openapi(app: Litestar | None = None) -> bytes:
    """OpenAPI 3.1 JSON with sorted keys and a trailing newline (stable diffs)."""
    if app is None:
        from onething.core.app import create_app
        from onething.core.settings import Settings

        app = create_app(Settings())
    # Through msgspec first: examples are embedded as encoded JSON (see openapi_examples.as_is).
    schema = json.loads(msgspec.json.encode(app.openapi_schema.to_schema()))
    return (json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


# --- security in the document -----------------------------------------------------------------

OAUTH2: Final = "oauth2"
TOKEN_URL: Final = "/oauth2/token"  # noqa: S105 — an endpoint, not a secret
# Handlers that resolve who is calling need a bearer token; the others are public.
_AUTHENTICATED_BY: Final = frozenset({"principal", "caller"})
SCOPES: Final[dict[str, str]] = {
    "openid": "Sign-in: who the resident is",
    "profile": "The resident's name",
    "phone": "The resident's mobile number",
    "id_number": "The resident's national ID number",
    "applications:read": (
        "Read the resident's drafts, materials, applications and progress "
        "(a mini-app: only those launched through it)"
    ),
    "applications:write": (
        "Create and change the resident's drafts, materials and applications "
        "(a mini-app: a prefilled launch only)"
    ),
    "licenses:read": "The resident's e-license wallet and sharing grants",
    "bundles:read": "The catalog of bundles, as a client acting as itself (client credentials)",
    "offline_access": "Refresh tokens (access while the resident is away, up to 30 days)",
    "admin": "Platform administration (administrator accounts only)",
    "department:<id>": "A department's system: that department's tasks (client credentials)",
}


def security_scheme() -> SecurityScheme:
    """OAuth 2.0 of the platform's own OpenID Provider: authorization code with PKCE (S256)
    for the PWA and mini-apps acting for a resident; client credentials (private_key_jwt) for
    department systems and `bundles:read`-style calls without a resident."""
    return SecurityScheme(
        type="oauth2",
        description=(
            "Bearer access tokens from the platform's OpenID Provider "
            "(discovery: /.well-known/openid-configuration). Authorization code flows must "
            "use PKCE (S256); confidential clients authenticate with private_key_jwt."
        ),
        flows=OAuthFlows(
            authorization_code=OAuthFlow(
                authorization_url="/oauth2/authorize",
                token_url=TOKEN_URL,
                refresh_url=TOKEN_URL,
                scopes=dict(SCOPES),
            ),
            client_credentials=OAuthFlow(token_url=TOKEN_URL, scopes=dict(SCOPES)),
        ),
    )


def document_security(app: Litestar) -> None:
    """Mark every operation that needs a token with the OAuth2 requirement, and document the
    answers every such operation can give: 401 (no, expired or revoked token) and 429 (the
    caller's or client's rate limit). Done on the registered handlers, before the document
    is built, so a rebuilt document keeps it."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not _AUTHENTICATED_BY & set(handler.resolve_dependencies()):
                continue
            handler.security = [{OAUTH2: []}]
            handler._resolved_security = Empty  # resolved again from `security`
            responses = dict(handler.responses or {})
            responses.setdefault(
                401, problem_spec("No valid access token (missing, expired or revoked)")
            )
            responses.setdefault(429, problem_spec("Rate limit reached; see `Retry-After`"))
            handler.responses = responses
