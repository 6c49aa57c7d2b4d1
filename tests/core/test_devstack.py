"""`make run` end to end: the devstack starts a real PostgreSQL, SeaweedFS, API and worker from
nothing, answers /readyz, and on Ctrl-C leaves no process behind; a second run reuses var/."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from onething.core.processes import free_port, free_ports
from onething.core.settings import REPO_ROOT

pytestmark = pytest.mark.slow


def _processes_using(marker: str) -> list[str]:
    """Command lines of live processes that mention `marker` (our var dir)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline:
            found.append(f"{entry.name}: {cmdline.strip()}")
    return found


def _readiness(port: int) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            data: dict[str, object] = json.loads(response.read())
            return data
    except OSError:
        return None


@pytest.fixture
def var_dir() -> Iterator[Path]:
    path = REPO_ROOT / "var" / "test" / f"devstack-{secrets.token_hex(4)}"
    yield path
    shutil.rmtree(path, ignore_errors=True)


class Devstack:
    """`onething devstack` as a subprocess, its output collected by a reader thread."""

    def __init__(self, var_dir: Path, port: int) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "S3_", "COURIER_"))
        }
        # Ports of our own, so a devstack already running here cannot collide with us.
        pg_port, s3_port = free_ports(2, exclude={port})
        env.update(PORT=str(port), DEVSTACK_PG_PORT=str(pg_port), DEVSTACK_S3_PORT=str(s3_port))
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "onething", "devstack", "--var-dir", str(var_dir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace"))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return
            if self.process.poll() is not None:
                self.reader.join(5)
                pytest.fail(f"devstack exited with {self.process.returncode}:\n{self.output}")
            time.sleep(0.2)
        pytest.fail(f"devstack never said {text!r}:\n{self.output}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        code = self.process.wait(timeout=90)
        self.reader.join(10)
        return code


def test_devstack_serves_and_ctrl_c_leaves_no_process_behind(var_dir: Path) -> None:
    stack = Devstack(var_dir, free_port())
    try:
        stack.wait_for("Press Ctrl-C to stop.")
        assert _readiness(stack.port) == {
            "status": "ok",
            "checks": {"database": {"status": "ok"}, "storage": {"status": "ok"}},
        }
        assert _processes_using(str(var_dir)), "postgres and weed should run from the var dir"
        # The printed address is a host name (passkeys refuse IP addresses), and the provider
        # and the PWA's client agree with it.
        assert f"PWA       http://localhost:{stack.port}/" in stack.output
        discovery = f"http://127.0.0.1:{stack.port}/.well-known/openid-configuration"
        with urllib.request.urlopen(discovery, timeout=5) as response:
            assert json.loads(response.read())["issuer"] == f"http://localhost:{stack.port}"
        courier = re.search(r"local courier \(stand-in for EMS/SF\) (http://\S+)", stack.output)
        assert courier, stack.output
        with urllib.request.urlopen(f"{courier.group(1)}/healthz", timeout=2) as response:
            assert response.status == 200
    finally:
        code = stack.interrupt()
    assert code == 0, stack.output
    assert _processes_using(str(var_dir)) == []
    with pytest.raises(urllib.error.URLError):  # the local courier stopped with the rest
        urllib.request.urlopen(f"{courier.group(1)}/healthz", timeout=2)
    assert (var_dir / "pg" / "PG_VERSION").is_file()
    assert (var_dir / "secrets.json").stat().st_mode & 0o077 == 0

    # A second run reuses var/: same cluster, same generated secrets, ready again.
    secrets_before = (var_dir / "secrets.json").read_text()
    stack = Devstack(var_dir, stack.port)
    try:
        stack.wait_for("Press Ctrl-C to stop.")
        assert _readiness(stack.port) is not None
        assert "already published" in stack.output
    finally:
        code = stack.interrupt()
    assert code == 0, stack.output
    assert (var_dir / "secrets.json").read_text() == secrets_before
    assert _processes_using(str(var_dir)) == []


def test_ctrl_c_during_start_up_also_leaves_no_process_behind(var_dir: Path) -> None:
    stack = Devstack(var_dir, free_port())
    stack.wait_for("PostgreSQL")  # interrupt before S3 and the API are up
    code = stack.interrupt()
    assert code == 130, stack.output
    assert "OneThing is up" not in stack.output
    assert _processes_using(str(var_dir)) == []
