"""When the database cannot be reached the API says so — 503 problem details with
Retry-After, in the caller's language — never a 500: with no server at all, and after the
server ended the very connection a request was using."""

from __future__ import annotations

import dataclasses

import asyncpg
import pytest
from litestar import get
from litestar.testing import AsyncTestClient
from sqlalchemy import text

from onething.core.app import create_app
from onething.core.processes import free_port
from onething.core.settings import Settings
from onething.identity.deps import DbSession


async def test_no_database_is_a_503_problem_to_retry(settings: Settings) -> None:
    nowhere = f"postgresql://onething:x@127.0.0.1:{free_port()}/onething"
    app = create_app(
        dataclasses.replace(settings, database=dataclasses.replace(settings.database, url=nowhere))
    )
    async with AsyncTestClient(app) as client:
        response = await client.get(
            "/api/v1/applications",
            headers={"Authorization": "Bearer some.token.here", "Accept-Language": "en"},
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "/problems/service-unavailable"
    assert body["title"] == "The service is temporarily unavailable"


async def test_a_connection_the_server_ended_mid_request_is_a_503(settings: Settings) -> None:
    """The backend of the connection a session holds is terminated between two statements
    of one request (a failover, an operator): the next statement fails with a 503."""

    @get("/api/v1/test-terminated")
    async def terminated(db_session: DbSession) -> None:
        pid = (await db_session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        admin = await asyncpg.connect(settings.database.asyncpg_dsn)
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        await db_session.execute(text("SELECT 1"))

    app = create_app(settings)
    app.register(terminated)
    async with AsyncTestClient(app) as client:
        response = await client.get("/api/v1/test-terminated")
        assert response.status_code == 503, response.text
        assert response.json()["type"] == "/problems/service-unavailable"
        # the pool let the dead connection go: the next request gets a live one
        assert (await client.get("/readyz")).status_code == 200


@pytest.mark.parametrize(
    "error",
    [
        ConnectionRefusedError(111, "refused"),
        TimeoutError(),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed"),
        asyncpg.exceptions.AdminShutdownError("terminating connection"),
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_what_counts_as_temporarily_unavailable(error: Exception) -> None:
    from onething.core.errors import temporarily_unavailable

    assert temporarily_unavailable(error)
    wrapped = RuntimeError("while saving")
    wrapped.__cause__ = error
    assert temporarily_unavailable(wrapped)


def test_a_bug_is_not_unavailability() -> None:
    from onething.core.errors import temporarily_unavailable

    assert not temporarily_unavailable(RuntimeError("an unexpected bug"))
    assert not temporarily_unavailable(FileNotFoundError(2, "no such file"))
    assert not temporarily_unavailable(asyncpg.exceptions.UniqueViolationError("duplicate"))
