"""Liveness and readiness against the real PostgreSQL and S3."""

from __future__ import annotations

from dataclasses import replace

from litestar import Litestar
from litestar.testing import AsyncTestClient

from onething.core.app import create_app
from onething.core.processes import free_port
from onething.core.settings import DatabaseSettings, Settings


async def test_liveness_answers_without_touching_dependencies(
    client: AsyncTestClient[Litestar],
) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readiness_reports_database_and_storage_ok(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"status": "ok"}, "storage": {"status": "ok"}},
    }


async def test_readiness_is_503_with_a_reason_when_s3_rejects_our_signature(
    settings: Settings,
) -> None:
    broken = replace(settings, s3=replace(settings.s3, secret_access_key="not-the-secret"))
    async with AsyncTestClient(app=create_app(broken)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["storage"]["status"] == "fail"
    assert (
        "403" in body["checks"]["storage"]["reason"]
        or "Forbidden" in body["checks"]["storage"]["reason"]
    )


async def test_readiness_is_503_with_a_reason_when_postgres_is_unreachable(
    settings: Settings,
) -> None:
    dead = f"postgresql://nobody:x@127.0.0.1:{free_port()}/none"
    broken = replace(settings, database=DatabaseSettings(url=dead))
    async with AsyncTestClient(app=create_app(broken)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["status"] == "fail"
    assert body["checks"]["database"]["reason"]
    assert body["checks"]["storage"] == {"status": "ok"}


async def test_readiness_hides_failure_details_in_production(settings: Settings) -> None:
    dead = f"postgresql://nobody:x@127.0.0.1:{free_port()}/none"
    production = replace(
        settings,
        app=replace(settings.app, environment="production"),
        database=DatabaseSettings(url=dead),
    )
    async with AsyncTestClient(app=create_app(production)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    reason = response.json()["checks"]["database"]["reason"]
    assert "127.0.0.1" not in reason
    assert reason.isidentifier()  # just the error class, e.g. ConnectionRefusedError
