"""The throw-away devstack every benchmark runs on: embedded PostgreSQL and SeaweedFS under
`var/<name>` (never a DATABASE_URL or S3 endpoint from the environment), migrated and seeded,
stopped and deleted afterwards."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from onething.core.devstack import Devstack
from onething.core.processes import free_port
from onething.core.settings import REPO_ROOT, Settings


@contextmanager
def prepared_devstack(name: str) -> Iterator[Devstack]:
    """Backing services started and the database prepared; the API is the caller's to start."""
    var_dir = REPO_ROOT / "var" / name
    shutil.rmtree(var_dir, ignore_errors=True)
    stack = Devstack(var_dir=var_dir, api_port=free_port())
    for key in ("DATABASE_URL", "S3_ENDPOINT_URL"):
        stack.env.pop(key, None)
    stack.env["LOG_LEVEL"] = "WARNING"
    try:
        stack.start_backing_services()
        stack.prepare()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


def settings_of(stack: Devstack) -> Settings:
    """The settings the stack's processes get, read without changing this process's
    environment."""
    saved = dict(os.environ)
    os.environ.update(stack.env)
    try:
        return Settings.from_env()
    finally:
        os.environ.clear()
        os.environ.update(saved)
