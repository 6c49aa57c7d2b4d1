"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
from typing import Final, Literal

import msgspec
import structlog
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import text

from onething.core.storage import ObjectStorage

CHECK_TIMEOUT_SECONDS = 3.0

log = structlog.get_logger(__name__)


class Check(msgspec.Struct, kw_only=True, omit_defaults=True):
    status: Literal["ok", "fail"]
    reason: str | None = None


class Health(msgspec.Struct, kw_only=True):
    status: Literal["ok", "fail"]


class Readiness(msgspec.Struct, kw_only=True):
    status: Literal["ok", "fail"]
    checks: dict[str, Check]


# OpenAPI examples (see onething.core.openapi_examples)
EXAMPLES: Final[dict[type[msgspec.Struct], list[dict[str, object]]]] = {
    Health: [{"status": "ok"}],
    Check: [{"status": "ok"}],
    Readiness: [
        {
            "status": "fail",
            "checks": {
                "database": {"status": "ok"},
                "storage": {"status": "fail", "reason": "TimeoutError"},
            },
        }
    ],
}


async def _check(
    name: str, probe: asyncio.Future[object] | object, *, detailed: bool
) -> tuple[str, Check]:
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)  # type: ignore[arg-type]
    except TimeoutError:
        return name, Check(status="fail", reason=f"no answer within {CHECK_TIMEOUT_SECONDS:g}s")
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("readiness_check_failed", check=name, reason=reason)
        # Exception text can name internal hosts and buckets: only development shows it.
        return name, Check(status="fail", reason=reason if detailed else type(exc).__name__)
    return name, Check(status="ok")


async def _database_ok(state: State) -> None:
    async with state.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _storage_ok(state: State) -> None:
    storage: ObjectStorage = state.storage
    await storage.check()


class HealthController(Controller):
    tags = ["operations"]  # noqa: RUF012 — Litestar declares it an instance attribute
    include_in_schema = True

    @get("/healthz", operation_id="getLiveness", summary="Liveness probe", sync_to_thread=False)
    def liveness(self) -> Health:
        """Answers 200 while the process can serve requests; checks no dependency."""
        return Health(status="ok")

    @get(
        "/readyz",
        operation_id="getReadiness",
        summary="Readiness probe",
        responses={
            503: ResponseSpec(
                data_container=Readiness,
                description="A dependency is down",
                generate_examples=False,
            )
        },
    )
    async def readiness(self, state: State) -> Response[Readiness]:
        """Checks PostgreSQL and every S3 bucket; 503 with the reasons when one fails."""
        # Full reasons in development; only the error class in production (details are logged).
        detailed = state.settings.app.is_dev
        results = await asyncio.gather(
            _check("database", _database_ok(state), detailed=detailed),
            _check("storage", _storage_ok(state), detailed=detailed),
        )
        checks = dict(results)
        ok = all(c.status == "ok" for c in checks.values())
        return Response(
            Readiness(status="ok" if ok else "fail", checks=checks),
            status_code=200 if ok else 503,
        )
