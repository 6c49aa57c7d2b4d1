"""Registration of third-party clients (mini-apps of hospitals, banks, city apps) by a platform
administrator, through the admin API or `onething clients …`.

A registered client is confidential and authenticates with `private_key_jwt` (RFC 7523): it
signs its assertions with a private key whose public half it registers, inline (`jwks`) or at
an https URL (`jwks_uri`, fetched now and on `refresh-keys`, so a rotation needs no admin edit
of the key itself). Redirect URIs are matched exactly (https; http only on a loopback host, as
RFC 8252 allows); scopes are a subset of the provider's; a webhook secret is generated and
shown once. Disabling a client revokes every token and unused code it holds at once."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final
from urllib.parse import urlsplit

import httpx
import msgspec
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select, update

from onething.core.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.identity.client_authority import unknown_assertions
from onething.identity.client_webhooks import WEBHOOK_EVENT_TYPES, WebhookEventType
from onething.identity.models import AccessToken, AuthorizationCode, OAuthClient, RefreshToken
from onething.identity.provider import SCOPES_SUPPORTED

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.core.settings import ApiLimitSettings
    from onething.identity.crypto import FieldCipher

CLIENT_ID_PATTERN: Final = r"^[a-z0-9][a-z0-9-]{2,63}$"
LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
WEBHOOK_SECRET_CONTEXT: Final = "oauth_clients.webhook_secret"  # noqa: S105 — a label
# client_credentials: the mini-app as itself (`bundles:read`, its webhook subscription).
GRANTS: Final = ["authorization_code", "refresh_token", "client_credentials"]


class ClientNames(msgspec.Struct, forbid_unknown_fields=True):
    """What residents see on the consent page: the mini-app's name in zh-CN and en."""

    zh: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    en: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class ClientSettings(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Everything about a client an administrator sets (a PUT replaces all of it)."""

    name: ClientNames
    redirect_uris: Annotated[list[str], msgspec.Meta(min_length=1, max_length=10)]
    scopes: Annotated[list[str], msgspec.Meta(min_length=1, max_length=20)]
    jwks: dict[str, Any] | None = None
    jwks_uri: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    webhook_url: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    rate_limit_tier: Annotated[str, msgspec.Meta(min_length=1, max_length=32)] = "standard"
    rotate_webhook_secret: bool = False
    # The facts the client is an authoritative source of and may prefill in a launch: catalog
    # data element ids (`child.birth_time`) or whole sections (`child.*`).
    asserts: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=128)]], msgspec.Meta(max_length=100)
    ] = []
    # The webhook events the client gets (it may change them itself, see
    # `PUT /client/webhook-subscription`).
    webhook_events: list[WebhookEventType] = msgspec.field(
        default_factory=lambda: list(WEBHOOK_EVENT_TYPES)
    )


class ClientRegistration(ClientSettings, kw_only=True):
    client_id: Annotated[
        str, msgspec.Meta(pattern=CLIENT_ID_PATTERN, description="lower-case, digits and '-'")
    ]


class ClientView(msgspec.Struct, kw_only=True):
    client_id: str
    name: ClientNames
    redirect_uris: list[str]
    scopes: list[str]
    token_endpoint_auth_method: str
    jwks_uri: str | None
    key_ids: list[str]
    webhook_url: str | None
    rate_limit_tier: str
    asserts: list[str]
    webhook_events: list[str]
    created_at: datetime
    disabled_at: datetime | None
    # Only in the answer that made it: the HMAC key of the client's webhooks, never shown again.
    webhook_secret: str | None = None


def _invalid(errors: list[FieldError]) -> ProblemError:
    return ProblemError(VALIDATION, errors=errors)


def _error(field: str, code: str, zh: str, en: str) -> FieldError:
    return FieldError(field=field, code=code, message_zh=zh, message_en=en)


def _url_errors(field: str, url: str) -> list[FieldError]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        secure = True
    else:
        secure = parts.scheme == "http" and host in LOOPBACK
    if not secure:
        return [
            _error(
                field,
                "url.insecure",
                "须为 https 地址（本机回环地址可用 http）",
                "Must be an https URL (http only on a loopback host)",
            )
        ]
    if parts.fragment or "*" in url:
        return [
            _error(
                field,
                "url.not_exact",
                "须为完整确切的地址，不能含 # 片段或通配符",
                "Must be one exact URL, without a fragment or wildcard",
            )
        ]
    return []


def _keys_of(jwks: dict[str, Any], field: str) -> tuple[list[str], list[FieldError]]:
    keys = jwks.get("keys")
    if not isinstance(keys, list) or not keys:
        return [], [_error(field, "jwks.empty", "须含至少一把公钥", "Must hold at least one key")]
    if any(not isinstance(k, dict) or "d" in k or k.get("kty") == "oct" for k in keys):
        return [], [
            _error(
                field,
                "jwks.private",
                "只能登记公钥（不能含私钥或对称密钥）",
                "Only public keys may be registered (no private or symmetric keys)",
            )
        ]
    if any(not k.get("kid") for k in keys):
        return [], [_error(field, "jwks.kid", "每把公钥须有 kid", "Every key needs a `kid`")]
    try:
        KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        return [], [_error(field, "jwks.invalid", "不是有效的 JWKS", "Not a valid JWKS")]
    return [str(k["kid"]) for k in keys], []


async def fetch_jwks(url: str) -> dict[str, Any]:
    """The client's published keys; raises ProblemError (422 on `jwks_uri`) when unusable."""
    failure = _error(
        "jwks_uri",
        "jwks_uri.unreachable",
        "无法从该地址取得 JWKS",
        "No JWKS could be fetched from this URL",
    )
    try:
        async with httpx.AsyncClient(timeout=5.0, follow_redirects=False) as http:
            response = await http.get(url, headers={"Accept": "application/json"})
        document = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError):
        document = None
    if not isinstance(document, dict):
        raise _invalid([failure])
    return document


async def _checked(
    data: ClientSettings, limits: ApiLimitSettings, elements: Collection[str]
) -> tuple[dict[str, Any], list[str]]:
    """Field-level validation of everything at once; the JWKS to store and its key ids.
    `elements`: the catalog's data element ids, which `asserts` must name."""
    errors: list[FieldError] = []
    for i, claim in enumerate(data.asserts):
        if unknown_assertions(elements, [claim]):
            errors.append(
                _error(
                    f"asserts[{i}]",
                    "asserts.unknown",
                    f"目录中没有数据项或分组 {claim}",
                    f"No data element or section {claim} in the catalog",
                )
            )
    for i, uri in enumerate(data.redirect_uris):
        errors += _url_errors(f"redirect_uris[{i}]", uri)
    if len(set(data.redirect_uris)) != len(data.redirect_uris):
        errors.append(
            _error("redirect_uris", "duplicate", "地址重复", "The same URI is listed twice")
        )
    unknown = [s for s in data.scopes if s not in SCOPES_SUPPORTED]
    if unknown:
        errors.append(
            _error(
                "scopes",
                "scope.unknown",
                f"未知的权限范围：{' '.join(unknown)}",
                f"Unknown scopes: {' '.join(unknown)}",
            )
        )
    if "openid" not in data.scopes:
        errors.append(_error("scopes", "scope.openid", "须包含 openid", "Must include `openid`"))
    if data.webhook_url is not None:
        errors += _url_errors("webhook_url", data.webhook_url)
    tiers = {name for name, _ in limits.tiers} or {"standard"}
    if data.rate_limit_tier not in tiers:
        errors.append(
            _error(
                "rate_limit_tier",
                "tier.unknown",
                f"未知的限流档位，可选：{'、'.join(sorted(tiers))}",
                f"Unknown tier; one of: {', '.join(sorted(tiers))}",
            )
        )
    if (data.jwks is None) == (data.jwks_uri is None):
        errors.append(
            _error(
                "jwks",
                "keys.one_of",
                "须登记 jwks 或 jwks_uri 之一",
                "Register exactly one of `jwks` and `jwks_uri`",
            )
        )
    elif data.jwks_uri is not None:
        errors += _url_errors("jwks_uri", data.jwks_uri)
    if errors:
        raise _invalid(errors)
    field = "jwks" if data.jwks is not None else "jwks_uri"
    jwks = data.jwks if data.jwks is not None else await fetch_jwks(str(data.jwks_uri))
    kids, key_errors = _keys_of(jwks, field)
    if key_errors:
        raise _invalid(key_errors)
    return {"keys": jwks["keys"]}, kids


def view(row: OAuthClient, secret: str | None = None) -> ClientView:
    return ClientView(
        client_id=row.client_id,
        name=ClientNames(zh=row.name, en=row.name_en or row.name),
        redirect_uris=list(row.redirect_uris),
        scopes=row.scope.split(),
        token_endpoint_auth_method=row.token_endpoint_auth_method,
        jwks_uri=row.jwks_uri,
        key_ids=[str(k.get("kid")) for k in (row.jwks or {}).get("keys", [])],
        webhook_url=row.webhook_url,
        rate_limit_tier=row.rate_limit_tier,
        asserts=list(row.asserts),
        webhook_events=list(row.webhook_events),
        created_at=row.created_at,
        disabled_at=row.disabled_at,
        webhook_secret=secret,
    )


def _apply(row: OAuthClient, data: ClientSettings, jwks: dict[str, Any]) -> None:
    row.name = data.name.zh
    row.name_en = data.name.en
    row.redirect_uris = list(data.redirect_uris)
    row.scope = " ".join(dict.fromkeys(data.scopes))
    row.jwks = jwks
    row.jwks_uri = data.jwks_uri
    row.webhook_url = data.webhook_url
    row.rate_limit_tier = data.rate_limit_tier
    row.asserts = list(dict.fromkeys(data.asserts))
    row.webhook_events = list(dict.fromkeys(data.webhook_events))


def _new_secret(cipher: FieldCipher, row: OAuthClient) -> str:
    secret = secrets.token_urlsafe(32)
    row.webhook_secret_encrypted = cipher.encrypt(
        secret, context=f"{WEBHOOK_SECRET_CONTEXT}:{row.client_id}"
    )
    return secret


async def register_client(
    db: AsyncSession,
    cipher: FieldCipher,
    limits: ApiLimitSettings,
    data: ClientRegistration,
    *,
    elements: Collection[str],
    by: str,
    now: datetime,
) -> ClientView:
    jwks, _ = await _checked(data, limits, elements)
    if await db.get(OAuthClient, data.client_id) is not None:
        raise ProblemError(
            CONFLICT,
            detail_zh=f"应用标识 {data.client_id} 已被使用",
            detail_en=f"The client id {data.client_id} is taken",
        )
    row = OAuthClient(
        client_id=data.client_id,
        token_endpoint_auth_method="private_key_jwt",  # noqa: S106 — a method, not a secret
        grant_types=list(GRANTS),
        first_party=False,
        post_logout_redirect_uris=[],
        registered_by=by,
        created_at=now,
    )
    _apply(row, data, jwks)
    secret = _new_secret(cipher, row) if data.webhook_url else None
    db.add(row)
    await db.commit()
    return view(row, secret)


async def _registered(db: AsyncSession, client_id: str) -> OAuthClient:
    row = await db.get(OAuthClient, client_id, with_for_update=True)
    # First-party and department clients are the platform's own: not managed here.
    if row is None or row.first_party or row.department is not None:
        raise ProblemError(NOT_FOUND)
    return row


async def update_client(
    db: AsyncSession,
    cipher: FieldCipher,
    limits: ApiLimitSettings,
    client_id: str,
    data: ClientSettings,
    *,
    elements: Collection[str],
) -> ClientView:
    jwks, _ = await _checked(data, limits, elements)
    row = await _registered(db, client_id)
    had_webhook = row.webhook_url is not None
    _apply(row, data, jwks)
    secret = None
    if data.webhook_url is None:
        row.webhook_secret_encrypted = None
    elif data.rotate_webhook_secret or not had_webhook:
        secret = _new_secret(cipher, row)
    await db.commit()
    return view(row, secret)


async def refresh_keys(db: AsyncSession, client_id: str) -> ClientView:
    """Fetch the client's `jwks_uri` again (after it rotated its keys)."""
    row = await _registered(db, client_id)
    if row.jwks_uri is None:
        raise _invalid(
            [
                _error(
                    "jwks_uri", "jwks_uri.none", "该应用登记的是固定公钥", "No jwks_uri registered"
                )
            ]
        )
    jwks = await fetch_jwks(row.jwks_uri)
    _, key_errors = _keys_of(jwks, "jwks_uri")
    if key_errors:
        raise _invalid(key_errors)
    row.jwks = {"keys": jwks["keys"]}
    await db.commit()
    return view(row)


async def get_client(db: AsyncSession, client_id: str) -> ClientView:
    row = await db.get(OAuthClient, client_id)
    if row is None or row.first_party or row.department is not None:
        raise ProblemError(NOT_FOUND)
    return view(row)


async def list_clients(db: AsyncSession) -> list[ClientView]:
    rows = (
        await db.execute(
            select(OAuthClient)
            .where(OAuthClient.first_party.is_(False), OAuthClient.department.is_(None))
            .order_by(OAuthClient.client_id)
        )
    ).scalars()
    return [view(row) for row in rows]


async def disable_client(db: AsyncSession, client_id: str, *, now: datetime) -> ClientView:
    """The client can no longer sign in residents or get tokens; what it holds dies now."""
    row = await _registered(db, client_id)
    if row.disabled_at is None:
        row.disabled_at = now
        for table in (AccessToken, RefreshToken):
            await db.execute(
                update(table)
                .where(table.client_id == client_id, table.revoked_at.is_(None))
                .values(revoked_at=now)
            )
        await db.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.client_id == client_id, AuthorizationCode.used_at.is_(None))
            .values(used_at=now)
        )
    await db.commit()
    return view(row)
