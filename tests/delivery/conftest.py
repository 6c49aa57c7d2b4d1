"""Delivery fixtures: the applications fixtures (people, tokens, api, drain) reused as they are."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from onething.core.jobs import run_worker
from onething.core.processes import ChildProcess, free_port, spawn, wait_until
from onething.core.settings import Settings, WorkerSettings
from onething.delivery import local_courier
from onething.delivery.signing import SIGNATURE_HEADER, sign

_APPLICATIONS = Path(__file__).resolve().parents[1] / "applications"
sys.path.insert(0, str(_APPLICATIONS))

# The applications conftest under a name of its own (two modules called `conftest` clash).
_spec = importlib.util.spec_from_file_location(
    "applications_fixtures", _APPLICATIONS / "conftest.py"
)
assert _spec is not None
assert _spec.loader is not None
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

people = _fixtures.people
tokens = _fixtures.tokens
api = _fixtures.api
drain = _fixtures.drain


@pytest.fixture(scope="session")
def live_api(settings: Settings) -> Iterator[str]:
    """The API under granian in its own process (the courier posts to its webhook)."""
    port = free_port()
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
        COURIER_SECRET=settings.delivery.courier_secret,
    )
    process = spawn(
        "api",
        [sys.executable, "-m", "onething", "run", "--port", str(port)],
        log_path=None,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _ok(f"{base}/readyz"), "the API", 60, process)
        yield base
    finally:
        process.stop(timeout=20)


def _ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        return bool(response.status == 200)


class LocalCourierProcess:
    """The local courier service in its own process, stopped and started at will."""

    def __init__(self, settings: Settings, webhook: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = settings.delivery.courier_secret
        self.webhook = webhook
        self.child: ChildProcess | None = None

    def start(self) -> None:
        env = {**os.environ, "COURIER_SECRET": self.secret}
        argv = local_courier.command(self.port, self.webhook)
        self.child = spawn("local-courier", argv, log_path=None, env=env)
        wait_until(lambda: _ok(f"{self.url}/healthz"), "the local courier", 30, self.child)

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop(timeout=10)
            self.child = None

    async def event(self, tracking_number: str, status: str) -> int:
        """Make the courier post one tracking event; the webhook's HTTP status."""
        body = json.dumps({"status": status}).encode()
        async with httpx.AsyncClient(timeout=15) as client:
            answer = await client.post(
                f"{self.url}/dev/orders/{tracking_number}/events",
                content=body,
                headers={SIGNATURE_HEADER: sign(self.secret, body)},
            )
        assert answer.status_code == 200, answer.text
        return int(answer.json()["webhook_status"])


@pytest.fixture
def courier(settings: Settings, live_api: str) -> Iterator[LocalCourierProcess]:
    process = LocalCourierProcess(settings, f"{live_api}/api/v1/delivery/courier-events")
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def worker_settings(settings: Settings, courier: LocalCourierProcess) -> Settings:
    """The worker's settings: the courier at the test's local courier process."""
    return replace(
        settings,
        delivery=replace(settings.delivery, courier_url=courier.url),
        worker=WorkerSettings(max_attempts=1, poll_interval_seconds=0.1),
    )


@pytest.fixture
def run_jobs(worker_settings: Settings) -> Callable[[], Awaitable[None]]:
    """Drain the queue with the worker that knows the courier."""

    async def run() -> None:
        await run_worker(worker_settings, drain=True)

    return run
