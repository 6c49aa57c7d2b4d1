"""The local department system (onething.departments.local_system) as a real child process
for tests, and reads of what it recorded."""

from __future__ import annotations

import os
import secrets
import sys
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import asyncpg

from onething.core.processes import ChildProcess, free_port, spawn, wait_until
from onething.core.settings import REPO_ROOT, DatabaseSettings
from onething.departments.local_system import SCHEMA


class DepartmentSystem:
    def __init__(self, database_url: str, departments: list[str], log_dir: Path) -> None:
        self.database_url = database_url
        self.secrets = {d: secrets.token_urlsafe(32) for d in departments}
        self.log_dir = log_dir
        self.port = free_port()
        self.child: ChildProcess | None = None

    def url(self, department: str) -> str:
        return f"http://127.0.0.1:{self.port}/departments/{department}/webhook"

    def start(self, *, delay_ms: int = 0) -> None:
        env = {
            **os.environ,
            "LOCAL_DEPARTMENT_DATABASE_URL": self.database_url,
            "LOCAL_DEPARTMENT_SECRETS": ",".join(f"{d}={s}" for d, s in self.secrets.items()),
            "LOCAL_DEPARTMENT_DELAY_MS": str(delay_ms),
        }
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.child = spawn(
            "local-department-system",
            [
                sys.executable,
                "-m",
                "onething",
                "local-department-system",
                "--port",
                str(self.port),
            ],
            log_path=self.log_dir / "local-department-system.log",
            env=env,
            cwd=REPO_ROOT,
        )
        wait_until(self._healthy, "the local department system", 30, self.child)

    def _healthy(self) -> bool:
        url = f"http://127.0.0.1:{self.port}/healthz"
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop(timeout=10)
            self.child = None

    async def _rows(self, table: str, event_ids: list[uuid.UUID]) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(DatabaseSettings(url=self.database_url).asyncpg_dsn)
        try:
            return list(
                await connection.fetch(
                    f"SELECT * FROM {SCHEMA}.{table} WHERE event_id = ANY($1::uuid[])",
                    event_ids,
                )
            )
        finally:
            await connection.close()

    async def deliveries(self, event_ids: list[uuid.UUID]) -> Counter[uuid.UUID]:
        """How many accepted POSTs each event got (duplicates included)."""
        return Counter(row["event_id"] for row in await self._rows("deliveries", event_ids))

    async def effects(self, event_ids: list[uuid.UUID]) -> Counter[uuid.UUID]:
        """How many times the system acted on each event."""
        return Counter(row["event_id"] for row in await self._rows("effects", event_ids))
