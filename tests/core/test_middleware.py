"""Request ids, security headers, caching rules and compression on every response."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from litestar import Litestar
from litestar.testing import AsyncTestClient

from onething.core.app import create_app
from onething.core.settings import Settings


async def test_a_request_id_is_generated_when_absent(client: AsyncTestClient[Litestar]) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_a_well_formed_incoming_request_id_is_kept(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "hall-07.req-12345"})
    assert response.headers["x-request-id"] == "hall-07.req-12345"


async def test_a_malformed_incoming_request_id_is_replaced(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert response.headers["x-request-id"] != "bad id <script>"
    assert len(response.headers["x-request-id"]) == 32


async def test_security_headers_are_on_every_response(client: AsyncTestClient[Litestar]) -> None:
    for path in ("/healthz", "/no-such-page", "/api/v1/nothing"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in response.headers  # plain http in tests


async def test_the_csp_lets_the_pwa_post_uploads_to_s3_and_nowhere_else(
    client: AsyncTestClient[Litestar], settings: Settings
) -> None:
    csp = (await client.get("/healthz")).headers["content-security-policy"]
    connect = next(d for d in csp.split("; ") if d.startswith("connect-src"))
    s3 = urlsplit(settings.s3.endpoint_url)
    assert connect == f"connect-src 'self' {s3.scheme}://{s3.netloc}"


async def test_hsts_is_sent_when_served_over_https(settings: Settings) -> None:
    https = replace(settings, app=replace(settings.app, public_url="https://onething.example.cn"))
    async with AsyncTestClient(app=create_app(https)) as client:
        response = await client.get("/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_api_and_probe_responses_are_never_stored(client: AsyncTestClient[Litestar]) -> None:
    for path in ("/readyz", "/healthz", "/api/v1/nothing"):
        response = await client.get(path)
        assert response.headers["cache-control"] == "no-store"


async def test_large_responses_are_gzip_compressed(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/api/schema/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["openapi"].startswith("3.1")


async def test_metrics_are_exposed_for_prometheus(client: AsyncTestClient[Litestar]) -> None:
    await client.get("/healthz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert "onething" in response.text
    assert 'path="/healthz"' in response.text


async def test_head_is_answered_like_get_without_a_body(client: AsyncTestClient[Litestar]) -> None:
    # Uptime probes and caches send HEAD; Litestar alone would answer 405 on GET-only routes.
    for path in ("/healthz", "/api/v1/bundles"):
        got = await client.get(path)
        head = await client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers["cache-control"] == "no-store"
    missing = await client.head("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert missing.content == b""
