"""The real app served by granian in its own process, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from playwright.async_api import Browser, BrowserContext, async_playwright, expect
from pwa_helpers import (
    AGENT_NAME,
    AGENT_PHONE,
    CLERK_DEPARTMENT,
    CLERK_PHONE,
    FATHER_PHONE,
    RESIDENT_PHONE,
    Accounts,
)
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from onething.core.metadata import target_metadata
from onething.core.processes import free_port
from onething.core.settings import REPO_ROOT, Settings
from onething.delivery import local_courier
from onething.identity.clients import ensure_pwa_client
from onething.identity.context import IdentityContext
from onething.identity.services import new_user

# The machine runs several test suites at once: a step that waits for the server gets more than
# Playwright's default 5 s before it counts as failed.
expect.set_options(timeout=15_000)

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Quiet, offline-safe Chromium: this machine has no internet and CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def server_env(settings: Settings, port: int) -> dict[str, str]:
    """The environment that makes `onething` read back exactly the test session's settings."""
    env = dict(os.environ)
    env.update(
        ONETHING_ENV=settings.app.environment,
        PORT=str(port),
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        DATABASE_URL=settings.database.url,
        S3_ENDPOINT_URL=settings.s3.endpoint_url,
        S3_ACCESS_KEY_ID=settings.s3.access_key_id,
        S3_SECRET_ACCESS_KEY=settings.s3.secret_access_key,
        S3_BUCKET_PREFIX=settings.s3.bucket_prefix,
        IDENTITY_DATA_KEYS=settings.identity.data_keys,
        IDENTITY_BLIND_INDEX_KEY=settings.identity.blind_index_key,
        # The API hands out the public half, the worker signs pushes: one key for both.
        VAPID_PRIVATE_KEY=settings.notify.vapid_private_key,
        # The courier's tracking callbacks are signed with this key (see delivery.signing).
        COURIER_SECRET=settings.delivery.courier_secret,
    )
    return env


@pytest.fixture(scope="session")
def live_server(settings: Settings) -> Iterator[str]:
    """Base URL of the app (API and built PWA) under granian, as in production."""
    if not (REPO_ROOT / "pwa" / "dist" / "index.html").is_file():
        pytest.fail("the PWA is not built: run `make pwa` (make test does)")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "onething", "run", "--port", str(port)],
        env=server_env(settings, port),
        cwd=REPO_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start (exit {process.returncode})")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="session")
def courier(settings: Settings, live_server: str) -> Iterator[str]:
    """The local courier service (the repository's stand-in for EMS/SF) in its own process,
    posting signed tracking events to the app's webhook; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        local_courier.command(port, f"{live_server}/api/v1/delivery/courier-events"),
        env={**os.environ, "COURIER_SECRET": settings.delivery.courier_secret},
        cwd=REPO_ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the local courier did not start (exit {process.returncode})")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="session")
def worker(settings: Settings, live_server: str, courier: str) -> Iterator[None]:
    """`onething worker` in its own process, as in production: dispatches submitted tasks and
    orders parcels from the local courier."""
    port = int(live_server.rsplit(":", 1)[1])
    env = server_env(settings, port) | {"WORKER_POLL_INTERVAL": "0.2", "COURIER_URL": courier}
    process = subprocess.Popen([sys.executable, "-m", "onething", "worker"], env=env, cwd=REPO_ROOT)
    try:
        time.sleep(0.5)
        if process.poll() is not None:
            pytest.fail(f"the worker did not start (exit {process.returncode})")
        yield
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture
async def truncated_after(engine: AsyncEngine) -> AsyncIterator[None]:
    """Like `clean_db`, but the app under granian and the worker keep querying meanwhile: a
    TRUNCATE can deadlock with them (PostgreSQL then aborts one side), so it is retried.
    The provider's signing keys stay: the app caches its key ring for a minute, and a ring
    re-read from an emptied table makes a new key, so a token signed a moment earlier failed
    with 401 in the next test (seen as a stray 401 on /api/v1/wallet/licenses)."""
    yield
    tables = [t.name for t in target_metadata.sorted_tables if t.name != "signing_keys"]
    tables += ["pgqueuer", "pgqueuer_log", "pgqueuer_statistics", "pgqueuer_schedules"]
    quoted = ", ".join(f'"{name}"' for name in tables)
    for attempt in range(10):
        try:
            async with engine.begin() as connection:
                await connection.execute(text("SET LOCAL lock_timeout = '2s'"))
                await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
            return
        except DBAPIError:
            if attempt == 9:
                raise
            await asyncio.sleep(0.2 * (attempt + 1))


@pytest.fixture
async def accounts(
    app: Litestar,
    sessionmaker: async_sessionmaker[AsyncSession],
    live_server: str,
    truncated_after: None,
) -> Accounts:
    """The PWA registered as the OIDC client of the app under test (as `onething seed` does),
    a resident, a clerk of the health commission, a service-hall agent and the resident's
    partner (the other parent who confirms), each signing in with a phone number."""
    del truncated_after
    ctx: IdentityContext = app.state.identity
    people = [
        new_user(ctx, role="resident", phone=RESIDENT_PHONE),
        new_user(ctx, role="clerk", department_code=CLERK_DEPARTMENT, phone=CLERK_PHONE),
        new_user(ctx, role="agent", phone=AGENT_PHONE, name=AGENT_NAME),
        new_user(ctx, role="resident", phone=FATHER_PHONE),
    ]
    async with sessionmaker() as session, session.begin():
        await ensure_pwa_client(session, live_server)
        session.add_all(people)
    return Accounts(resident_phone=RESIDENT_PHONE, clerk_phone=CLERK_PHONE, agent_phone=AGENT_PHONE)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} missing: `make browser` installs Debian's chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


@pytest.fixture
async def new_phone(browser: Browser) -> AsyncIterator[Callable[..., Awaitable[BrowserContext]]]:
    """Opens phone-sized (360×640) browser contexts in a given locale; all closed afterwards."""
    contexts: list[BrowserContext] = []

    async def open_phone(locale: str = "zh-CN") -> BrowserContext:
        context = await browser.new_context(
            viewport={"width": 360, "height": 640}, locale=locale, device_scale_factor=2
        )
        contexts.append(context)
        return context

    yield open_phone
    for context in contexts:
        await context.close()
