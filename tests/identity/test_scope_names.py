"""The scope names of the open platform: migration 0082 renames what is stored under the old
names (`applications`, `licenses`), and the guards tell reading from writing."""

from __future__ import annotations

import asyncio
import importlib.util
import uuid
from typing import Any

import asyncpg

from onething.core.migrate import downgrade, upgrade
from onething.core.settings import REPO_ROOT, Settings
from onething.identity.provider import SCOPES_SUPPORTED


def _revision_before_rename() -> str:
    path = REPO_ROOT / "backend/onething/migrations/versions/0082_scope_names.py"
    spec = importlib.util.spec_from_file_location("scope_names_migration", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.down_revision)


BEFORE = _revision_before_rename()
CLIENT = "scope-rename-app"


async def _sql(settings: Settings, *statements: str, args: tuple[Any, ...] = ()) -> list[Any]:
    connection = await asyncpg.connect(settings.database.asyncpg_dsn)
    try:
        return [await connection.fetch(statement, *args) for statement in statements]
    finally:
        await connection.close()


def _stored(settings: Settings, user: uuid.UUID) -> dict[str, Any]:
    rows = asyncio.run(
        _sql(
            settings,
            f"SELECT scope FROM oauth_clients WHERE client_id = '{CLIENT}'",
            f"SELECT scopes FROM consents WHERE user_id = '{user}'",
            f"SELECT scope FROM refresh_tokens WHERE user_id = '{user}'",
            f"SELECT scope FROM authorization_codes WHERE user_id = '{user}'",
            f"SELECT scope FROM access_tokens WHERE subject = '{user}'",
        )
    )
    client, consent, refresh, code, access = (r[0][0] for r in rows)
    return {
        "client": client,
        "consent": list(consent),
        "refresh": refresh,
        "code": code,
        "access": access,
    }


def test_the_migration_renames_stored_scopes_and_back(settings: Settings) -> None:
    url = settings.database.url
    user = uuid.uuid4()
    downgrade(url, BEFORE)
    try:
        asyncio.run(
            _sql(
                settings,
                f"INSERT INTO users (id, role) VALUES ('{user}', 'resident')",
                "INSERT INTO oauth_clients (client_id, name, token_endpoint_auth_method, "
                "redirect_uris, grant_types, scope) VALUES "
                f"('{CLIENT}', 'x', 'private_key_jwt', '{{}}', '{{}}', "
                "'openid profile applications licenses')",
                "INSERT INTO consents (user_id, client_id, scopes, granted_at, updated_at) "
                f"VALUES ('{user}', '{CLIENT}', '{{openid,applications}}', now(), now())",
                "INSERT INTO refresh_tokens (token_hash, family_id, client_id, user_id, scope, "
                f"auth_time, created_at, expires_at) VALUES ('h-{user}', '{uuid.uuid4()}', "
                f"'{CLIENT}', '{user}', 'openid licenses offline_access', now(), now(), now())",
                "INSERT INTO authorization_codes (id, code_hash, client_id, user_id, "
                "redirect_uri, scope, code_challenge, code_challenge_method, auth_time, amr, "
                f"created_at, expires_at) VALUES ('{uuid.uuid4()}', 'c-{user}', '{CLIENT}', "
                f"'{user}', 'https://x.example/cb', 'applications', 'x', 'S256', now(), "
                "'{}', now(), now())",
                "INSERT INTO access_tokens (jti, client_id, subject, scope, created_at, "
                f"expires_at) VALUES ('j-{user}', '{CLIENT}', '{user}', 'openid applications', "
                "now(), now())",
            )
        )
        upgrade(url)
        assert _stored(settings, user) == {
            "client": "openid profile applications:read applications:write licenses:read",
            "consent": ["openid", "applications:read", "applications:write"],
            "refresh": "openid licenses:read offline_access",
            "code": "applications:read applications:write",
            "access": "openid applications:read applications:write",
        }
        downgrade(url, BEFORE)
        assert _stored(settings, user) == {
            "client": "openid profile applications licenses",
            "consent": ["openid", "applications"],
            "refresh": "openid licenses offline_access",
            "code": "applications",
            "access": "openid applications",
        }
    finally:
        upgrade(url)
        asyncio.run(
            _sql(
                settings,
                f"DELETE FROM oauth_clients WHERE client_id = '{CLIENT}'",
                f"DELETE FROM users WHERE id = '{user}'",
            )
        )


def test_the_provider_offers_the_new_names_and_not_the_old() -> None:
    assert {"applications:read", "applications:write", "licenses:read", "bundles:read"} <= set(
        SCOPES_SUPPORTED
    )
    assert not {"applications", "licenses"} & set(SCOPES_SUPPORTED)
