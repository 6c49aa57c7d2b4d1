"""`make run`: embedded PostgreSQL and S3 unless configured, migrations, seed, API, worker."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from onething.core.embedded import EmbeddedPostgres, EmbeddedSeaweed, SeaweedPorts
from onething.core.processes import (
    ChildProcess,
    StartCancelled,
    free_ports,
    load_or_create_secrets,
    spawn,
    wait_until,
)
from onething.core.settings import REPO_ROOT
from onething.delivery import local_courier

DEFAULT_PG_PORT = 55432
DEFAULT_S3_PORT = 8333
DEFAULT_COURIER_PORT = 8377


@dataclass
class Devstack:
    """Owns every process it starts and stops them in reverse order, exactly once."""

    var_dir: Path
    api_port: int
    children: list[ChildProcess] = field(default_factory=list)
    postgres: EmbeddedPostgres | None = None
    seaweed: EmbeddedSeaweed | None = None
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    # Set by a signal: start-up steps stop waiting and give up (raising StartCancelled).
    cancel: threading.Event = field(default_factory=threading.Event)
    _stopped: bool = False

    def say(self, message: str) -> None:
        print(f"[devstack] {message}", flush=True)  # noqa: T201 — a CLI talking to its user

    def start_backing_services(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        (self.var_dir / "log").mkdir(exist_ok=True)
        secrets = load_or_create_secrets(self.var_dir / "secrets.json")
        if not self.env.get("IDENTITY_DATA_KEYS"):
            self.env["IDENTITY_DATA_KEYS"] = f"dev1:{secrets['identity_data_key']}"
        if not self.env.get("IDENTITY_BLIND_INDEX_KEY"):
            self.env["IDENTITY_BLIND_INDEX_KEY"] = secrets["identity_blind_index_key"]
        if not self.env.get("COURIER_SECRET"):
            self.env["COURIER_SECRET"] = secrets["courier_secret"]
        if not self.env.get("VAPID_PRIVATE_KEY"):
            self.env["VAPID_PRIVATE_KEY"] = secrets["vapid_private_key"]
        if not self.env.get("PUBLIC_URL"):
            # A host name, not 127.0.0.1: WebAuthn refuses IP addresses as relying-party IDs,
            # so passkeys work only on a name; `localhost` is a secure context over plain http.
            self.env["PUBLIC_URL"] = f"http://localhost:{self.api_port}"
        if not self.env.get("DATABASE_URL"):
            self.postgres = EmbeddedPostgres(
                self.var_dir / "pg",
                free_ports(
                    1,
                    int(self.env.get("DEVSTACK_PG_PORT", DEFAULT_PG_PORT)),
                    exclude={self.api_port},
                )[0],
                secrets["postgres_password"],
                log_path=self.var_dir / "log" / "postgres.log",
            )
            self.postgres.start(cancel=self.cancel)
            _ensure_database(self.postgres.url(), "onething")
            self.env["DATABASE_URL"] = self.postgres.url("onething")
            socket = " and its Unix socket" if self.postgres.socket_dir is not None else ""
            self.say(
                f"PostgreSQL  127.0.0.1:{self.postgres.port}{socket} "
                f"(data in {self.postgres.data_dir})"
            )
        else:
            self.say("PostgreSQL  using DATABASE_URL")
        if not self.env.get("S3_ENDPOINT_URL"):
            self.seaweed = EmbeddedSeaweed(
                self.var_dir / "s3",
                secrets["s3_access_key_id"],
                secrets["s3_secret_access_key"],
                ports=SeaweedPorts.pick(
                    int(self.env.get("DEVSTACK_S3_PORT", DEFAULT_S3_PORT)),
                    exclude={self.api_port},
                ),
                log_path=self.var_dir / "log" / "seaweedfs.log",
            )
            self.seaweed.start(cancel=self.cancel)
            self.env.update(
                S3_ENDPOINT_URL=self.seaweed.endpoint_url,
                S3_ACCESS_KEY_ID=self.seaweed.access_key_id,
                S3_SECRET_ACCESS_KEY=self.seaweed.secret_access_key,
            )
            self.say(
                f"S3 (SeaweedFS) {self.seaweed.endpoint_url} (data in {self.seaweed.data_dir})"
            )
        else:
            self.say("S3          using S3_ENDPOINT_URL")

    def prepare(self) -> None:
        """Buckets, migrations and seed, with the same settings the children will get."""
        if self.cancel.is_set():
            raise StartCancelled("prepare")
        from onething.core.migrate import upgrade
        from onething.core.settings import S3Settings
        from onething.core.storage import ObjectStorage
        from onething.seed import run_seed

        saved = dict(os.environ)
        os.environ.update(self.env)
        try:
            created = ObjectStorage(S3Settings.from_env()).ensure_buckets_sync()
            if created:
                self.say(f"created buckets {', '.join(created)}")
            upgrade(self.env["DATABASE_URL"])
            self.say("migrations at head")
            for line in asyncio.run(run_seed()):
                self.say(line)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def start_app(self) -> None:
        if self.cancel.is_set():
            raise StartCancelled("start the API")
        self.env.setdefault("PORT", str(self.api_port))
        self.env["PORT"] = str(self.api_port)
        self._start_local_courier()  # first: API and worker need its URL
        api = spawn(
            "api",
            [
                sys.executable,
                "-m",
                "granian",
                "--interface",
                "asgi",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.api_port),
                "--workers",
                "1",
                "--no-ws",
                "onething.core.app:create_app",
            ],
            log_path=None,
            env=self.env,
            cwd=REPO_ROOT,
        )
        self.children.append(api)
        worker = spawn(
            "worker", [sys.executable, "-m", "onething", "worker"], log_path=None, env=self.env
        )
        self.children.append(worker)
        wait_until(self._api_ready, "the API to report ready", 60, api, self.cancel)

    def _start_local_courier(self) -> None:
        """The local stand-in for a courier's API (EMS/SF-type), unless COURIER_URL points at
        a real one. It advances each parcel one tracking step every 20 seconds."""
        if self.env.get("COURIER_URL") or self.env.get("COURIER_BACKEND", "local") != "local":
            return
        port = free_ports(1, DEFAULT_COURIER_PORT, exclude={self.api_port})[0]
        self.env["COURIER_URL"] = f"http://127.0.0.1:{port}"
        webhook = f"http://127.0.0.1:{self.api_port}/api/v1/delivery/courier-events"
        courier = spawn(
            "local-courier",
            local_courier.command(
                port,
                webhook,
                auto_advance=float(self.env.get("DEVSTACK_COURIER_ADVANCE_SECONDS", "20")),
            ),
            log_path=self.var_dir / "log" / "local-courier.log",
            env=self.env,
        )
        self.children.append(courier)
        self.say(f"local courier (stand-in for EMS/SF) {self.env['COURIER_URL']}")

    def _api_ready(self) -> bool:
        url = f"http://127.0.0.1:{self.api_port}/readyz"
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for child in reversed(self.children):
            child.stop(timeout=20)
        if self.seaweed is not None:
            self.seaweed.stop()
        if self.postgres is not None:
            self.postgres.stop()
        self.say("stopped")

    def wait(self, stop_event: threading.Event) -> int:
        """Block until a signal arrives or a child dies; the exit status says which."""
        watched = list(self.children)
        if self.postgres and self.postgres.child:
            watched.append(self.postgres.child)
        if self.seaweed and self.seaweed.child:
            watched.append(self.seaweed.child)
        while not stop_event.wait(0.5):
            for child in watched:
                if not child.alive():
                    self.say(f"{child.name} exited with {child.process.returncode}; stopping")
                    return 1
        return 0


def _ensure_database(admin_url: str, name: str) -> None:
    import asyncpg

    async def create() -> None:
        connection = await asyncpg.connect(admin_url)
        try:
            exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())


def run_devstack(var_dir: Path, api_port: int) -> int:
    stop_event = threading.Event()
    stack = Devstack(var_dir=var_dir, api_port=api_port, cancel=stop_event)

    def on_signal(signum: int, _frame: object) -> None:
        stack.say(f"received {signal.Signals(signum).name}, stopping")
        stop_event.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start_backing_services()
        stack.prepare()
        stack.start_app()
        base = stack.env["PUBLIC_URL"].rstrip("/")
        stack.say("OneThing is up:")
        stack.say(f"  PWA       {base}/")
        stack.say(f"  API       {base}/api/v1   (OpenAPI: {base}/api/schema/openapi.json)")
        stack.say(f"  health    {base}/healthz  {base}/readyz  {base}/metrics")
        stack.say("Press Ctrl-C to stop.")
        return stack.wait(stop_event)
    except StartCancelled:
        return 130
    except Exception as exc:  # report it, then `finally` cleans up every child
        stack.say(f"failed: {exc}")
        return 1
    finally:
        stack.stop()
