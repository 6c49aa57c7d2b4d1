"""`make run` end to end: the devstack starts a real PostgreSQL, SeaweedFS, API and worker from
nothing, answers /readyz, and on Ctrl-C leaves no process behind; a second run reuses var/."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from onething.core.embedded import free_port, free_ports
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


def _start(var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "S3_"))}
    # Ports of our own, so a devstack already running on this machine cannot collide with us.
    pg_port, s3_port = free_ports(2)
    while port in (pg_port, s3_port):
        pg_port, s3_port = free_ports(2)
    env.update(PORT=str(port), DEVSTACK_PG_PORT=str(pg_port), DEVSTACK_S3_PORT=str(s3_port))
    return subprocess.Popen(
        [sys.executable, "-m", "onething", "devstack", "--var-dir", str(var_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_ready(
    process: subprocess.Popen[bytes], port: int, timeout: float = 120
) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            pytest.fail(f"devstack exited early with {process.returncode}:\n{output}")
        if (report := _readiness(port)) is not None:
            return report
        time.sleep(0.5)
    pytest.fail("devstack did not become ready")


def _interrupt(process: subprocess.Popen[bytes]) -> str:
    process.send_signal(signal.SIGINT)  # what Ctrl-C sends
    output, _ = process.communicate(timeout=90)
    return output.decode(errors="replace")


def test_devstack_serves_and_ctrl_c_leaves_no_process_behind(var_dir: Path) -> None:
    port = free_port()
    process = _start(var_dir, port)
    try:
        report = _wait_ready(process, port)
        assert report == {
            "status": "ok",
            "checks": {"database": {"status": "ok"}, "storage": {"status": "ok"}},
        }
        assert _processes_using(str(var_dir)), "postgres and weed should run from the var dir"
    finally:
        output = _interrupt(process)
    assert process.returncode == 0, output
    assert "OneThing is up" in output
    assert _processes_using(str(var_dir)) == []
    assert (var_dir / "pg" / "PG_VERSION").is_file()
    assert (var_dir / "secrets.json").stat().st_mode & 0o077 == 0

    # A second run reuses var/: same cluster, same generated secrets, ready again.
    secrets_before = (var_dir / "secrets.json").read_text()
    process = _start(var_dir, port)
    try:
        assert _wait_ready(process, port)["status"] == "ok"
    finally:
        output = _interrupt(process)
    assert process.returncode == 0, output
    assert (var_dir / "secrets.json").read_text() == secrets_before
    assert _processes_using(str(var_dir)) == []


def test_ctrl_c_during_start_up_also_leaves_no_process_behind(var_dir: Path) -> None:
    process = _start(var_dir, free_port())
    assert process.stdout is not None
    seen = []
    for raw in process.stdout:  # interrupt as soon as PostgreSQL is up, before S3 and the API
        seen.append(raw.decode(errors="replace"))
        if "PostgreSQL" in seen[-1]:
            break
    output = "".join(seen) + _interrupt(process)
    assert process.returncode == 130, output
    assert "OneThing is up" not in output
    assert _processes_using(str(var_dir)) == []
