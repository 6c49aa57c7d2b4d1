"""API throughput and latency on this machine: the real devstack (embedded PostgreSQL and
SeaweedFS, granian with one worker) driven over loopback by `wrk` (Debian's package; `make bench`
installs it) or, without wrk, by an asyncio httpx client (slower: it measures itself too).

Prints requests/s and latency percentiles per endpoint. The load generator shares the machine's
cores with the server, so the figures are a floor for one API process, not a capacity promise."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
from devstacks import prepared_devstack

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "2000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "32"))

CASES: list[tuple[str, str, str, dict[str, object] | None]] = [
    ("liveness", "GET", "/healthz", None),
    ("readiness (PostgreSQL + S3)", "GET", "/readyz", None),
    ("list bundles", "GET", "/api/v1/bundles", None),
    ("merged form newborn-birth", "POST", "/api/v1/bundles/newborn-birth/form", {}),
]


async def _measure(base: str, method: str, path: str, body: dict[str, object] | None) -> None:
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(REQUESTS):
        queue.put_nowait(i)
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(50):  # warm-up
            await client.request(method, path, json=body)

        async def worker() -> None:
            nonlocal failures
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                response = await client.request(method, path, json=body)
                latencies.append(time.perf_counter() - started)
                failures += response.status_code >= 400

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"  {method:4} {path:42} {REQUESTS / elapsed:8.0f} req/s   "
        f"p50 {quantiles[49] * 1000:6.1f} ms   p99 {quantiles[98] * 1000:6.1f} ms   "
        f"errors {failures}"
    )


def _wrk(base: str, method: str, path: str, body: dict[str, object] | None) -> None:
    """Constant-connection load with wrk; POST bodies through a tiny Lua script."""
    args = ["wrk", "-t1", f"-c{CONCURRENCY}", "-d8s", "--latency"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if method == "POST":
            payload = json.dumps(body or {})
            script.write(
                f'wrk.method = "POST"\nwrk.body = {payload!r}\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
    if method == "POST":
        args += ["-s", script.name]
    output = subprocess.run([*args, base + path], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"\s50%\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"\s99%\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    print(
        f"  {method:4} {path:42} {rate:8.0f} req/s   p50 {p50:>8}   p99 {p99:>8}   "
        f"errors {non_2xx.group(1) if non_2xx else 0}"
    )


def main() -> int:
    with prepared_devstack("bench") as stack:
        stack.start_app()
        base = f"http://127.0.0.1:{stack.api_port}"
        use_wrk = shutil.which("wrk") is not None
        load = "wrk, 8 s" if use_wrk else f"httpx, {REQUESTS} requests"
        print(
            f"API bench: {load} per endpoint, {CONCURRENCY} connections, granian 1 worker, "
            f"{os.cpu_count()} cores shared with the load generator"
        )
        for name, method, path, body in CASES:
            print(f"- {name}")
            if use_wrk:
                _wrk(base, method, path, body)
            else:
                asyncio.run(_measure(base, method, path, body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
