"""Child processes we own (no orphans), loopback ports chosen without clashes, dev secrets."""

from __future__ import annotations

import base64
import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
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


def venv_executable(name: str) -> Path:
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
        # Signs the local courier service's tracking callbacks (and our calls to it).
        "courier_secret": _urlsafe_key,
        "vapid_private_key": _vapid_key,
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


def _vapid_key() -> str:
    from onething.notify.push import new_vapid_private_key

    return new_vapid_private_key()
