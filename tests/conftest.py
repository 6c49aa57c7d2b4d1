"""Session-wide real services: embedded PostgreSQL and SeaweedFS (or DATABASE_URL/S3_ENDPOINT_URL),
a fresh database built by the Alembic migrations, and buckets of this session's own."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onething.core.app import create_app
from onething.core.db import create_engine, create_sessionmaker
from onething.core.embedded import EmbeddedPostgres, EmbeddedSeaweed, SeaweedPorts
from onething.core.metadata import target_metadata
from onething.core.migrate import upgrade
from onething.core.processes import free_port
from onething.core.settings import (
    REPO_ROOT,
    AppSettings,
    DatabaseSettings,
    DeliverySettings,
    IdentitySettings,
    NotifySettings,
    S3Settings,
    Settings,
)
from onething.core.storage import ObjectStorage
from onething.identity.crypto import generate_key
from onething.notify.push import new_vapid_private_key


@dataclass(frozen=True)
class Services:
    database_url: str  # a database created for this session only
    s3: S3Settings


def _with_database(url: str, name: str) -> str:
    return DatabaseSettings(url=url).with_database(name)


async def _create_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(DatabaseSettings(url=admin_url).asyncpg_dsn)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(DatabaseSettings(url=admin_url).asyncpg_dsn)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def services() -> Iterator[Services]:
    run_id = secrets.token_hex(4)
    var_dir = REPO_ROOT / "var" / "test" / run_id
    postgres: EmbeddedPostgres | None = None
    seaweed: EmbeddedSeaweed | None = None
    try:
        admin_url = os.environ.get("DATABASE_URL", "")
        if not admin_url:
            postgres = EmbeddedPostgres(
                var_dir / "pg",
                free_port(),
                secrets.token_urlsafe(16),
                log_path=var_dir / "postgres.log",
                durable=False,
            )
            admin_url = postgres.start()
        s3 = S3Settings.from_env()
        if not s3.endpoint_url:
            seaweed = EmbeddedSeaweed(
                var_dir / "s3",
                "OTTEST" + run_id.upper(),
                secrets.token_urlsafe(24),
                ports=SeaweedPorts.pick(),
                log_path=var_dir / "seaweedfs.log",
            )
            seaweed.start()
            s3 = S3Settings(
                endpoint_url=seaweed.endpoint_url,
                access_key_id=seaweed.access_key_id,
                secret_access_key=seaweed.secret_access_key,
            )
        database = f"onething_test_{run_id}"
        asyncio.run(_create_database(admin_url, database))
        s3 = replace(s3, bucket_prefix=f"ot-test-{run_id}")
        storage = ObjectStorage(s3)
        storage.ensure_buckets_sync()
        database_url = _with_database(admin_url, database)
        upgrade(database_url)
        try:
            yield Services(database_url=database_url, s3=s3)
        finally:
            _delete_buckets(storage)
            asyncio.run(_drop_database(admin_url, database))
    finally:
        if seaweed is not None:
            seaweed.stop(timeout=3)  # its data is thrown away: no need to wait for the filer
        if postgres is not None:
            postgres.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


def _delete_buckets(storage: ObjectStorage) -> None:
    client = storage.client
    for bucket in storage.settings.buckets:
        versions = client.list_object_versions(Bucket=bucket)
        for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
            client.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
        client.delete_bucket(Bucket=bucket)


@pytest.fixture(scope="session")
def settings(services: Services) -> Settings:
    return Settings(
        app=AppSettings(environment="test", log_json=True),
        database=DatabaseSettings(url=services.database_url, pool_size=5),
        s3=services.s3,
        identity=IdentitySettings(
            data_keys=f"test1:{generate_key()}", blind_index_key=generate_key()
        ),
        delivery=DeliverySettings(courier_secret=generate_key()),
        notify=NotifySettings(vapid_private_key=new_vapid_private_key()),
    )


@pytest.fixture(scope="session")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture(scope="session")
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def clean_db(engine: AsyncEngine) -> AsyncIterator[None]:
    """Isolation by truncation after the test: the code under test commits for real."""
    yield
    tables = [t.name for t in target_metadata.sorted_tables]
    tables += ["pgqueuer", "pgqueuer_log", "pgqueuer_statistics", "pgqueuer_schedules"]
    quoted = ", ".join(f'"{name}"' for name in tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture
def storage(settings: Settings) -> ObjectStorage:
    return ObjectStorage(settings.s3)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT
