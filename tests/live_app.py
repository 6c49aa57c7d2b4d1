"""The real app served by granian in a child process (as in production), for tests that need
real HTTP between processes: browsers, federation, rate limits shared by two API processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from onething.core.settings import REPO_ROOT, Settings


def server_env(settings: Settings, port: int, public_url: str, **extra: str) -> dict[str, str]:
    """The environment that makes `onething run` use the test session's database and keys."""
    env = dict(os.environ)
    env.update(
        ONETHING_ENV=settings.app.environment,
        PORT=str(port),
        PUBLIC_URL=public_url,
        LOG_LEVEL="WARNING",
        DATABASE_URL=settings.database.url,
        S3_ENDPOINT_URL=settings.s3.endpoint_url,
        S3_ACCESS_KEY_ID=settings.s3.access_key_id,
        S3_SECRET_ACCESS_KEY=settings.s3.secret_access_key,
        S3_BUCKET_PREFIX=settings.s3.bucket_prefix,
        IDENTITY_DATA_KEYS=settings.identity.data_keys,
        IDENTITY_BLIND_INDEX_KEY=settings.identity.blind_index_key,
    )
    env.update(extra)
    return env


@contextmanager
def served(env: dict[str, str], port: int) -> Iterator[str]:
    """Start `onething run` with `env`; yield its base URL once /readyz answers 200."""
    process = subprocess.Popen(
        [sys.executable, "-m", "onething", "run", "--port", str(port)], env=env, cwd=REPO_ROOT
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
                msg = f"the app did not start (exit {process.returncode})"
                raise RuntimeError(msg)
            time.sleep(0.3)
        yield env["PUBLIC_URL"]
    finally:
        process.terminate()
        process.wait(30)
