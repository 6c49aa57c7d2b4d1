"""Newborn-birth submission (`POST /api/v1/applications`) under concurrent clients, side by side
in the same run with pgbench executing the same transaction's SQL against the same PostgreSQL:
pgbench's rate is the ceiling the database allows for that write; the API's share of it is what
the Python layers cost.

Each submission is a real newborn-birth one: from its own draft, which the other parent has
confirmed (co-applicant confirmation), with its required materials — four e-licenses linked to
the draft, shared by a grant, and a verified upload (`submission_materials.py`). Those drafts,
confirmations and materials are prepared before the clock starts, written with the
applications code itself (sealing, the facts' keyed digest), as the residents and their tokens
are; the submission then checks and consumes the confirmation and re-checks every material.

The stack is the real one (embedded PostgreSQL and SeaweedFS, granian, migrations, seed); the
worker is not started, so dispatch jobs queue up and do not compete for the cores. Each request
carries a fresh `Idempotency-Key` and one of a set of residents' access tokens. Load comes from
`wrk` (Debian's package, installed by `make bench`); figures are written to bench/results/.
Targets on 2 cores (issue 5): >= 300 submissions/s, p99 <= 150 ms, >= 40 % of the ceiling."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pgbench_script
from cpu import CpuMeter, descendants, named
from devstacks import prepared_devstack, settings_of
from pgbench_script import bench_id, bench_jti

from onething.core.devstack import Devstack
from onething.core.processes import ChildProcess, free_port, spawn, wait_until
from onething.core.settings import REPO_ROOT, DatabaseSettings, Settings

sys.path.insert(0, str(REPO_ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).parent))
from submission_materials import draft_materials, shared_licenses

from newborn_samples import newborn_answers

CONNECTIONS = int(os.environ.get("BENCH_CONCURRENCY", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
# One granian worker per core, as the deployment runs one single-worker pod per core.
API_WORKERS = int(os.environ.get("BENCH_API_WORKERS", str(os.cpu_count() or 1)))
# More granian options for an experiment (e.g. "--task-impl rust"), split on spaces.
GRANIAN_ARGS = os.environ.get("BENCH_GRANIAN_ARGS", "").split()
RESIDENTS = pgbench_script.RESIDENTS
# Confirmed drafts prepared per wrk run; one is used up per submission.
DRAFTS_PER_RUN = int(os.environ.get("BENCH_DRAFTS", str(600 * SECONDS)))
# Confirmed drafts prepared for pgbench, one per transaction.
PGBENCH_DRAFTS = int(os.environ.get("BENCH_PGBENCH_DRAFTS", str(1200 * SECONDS)))
RESULTS = REPO_ROOT / "bench" / "results"
# A prepared submission: (owner index, draft id, id of its verified upload).
Prepared = tuple[int, str, str]


def _body() -> dict[str, object]:
    answers = newborn_answers()
    born = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=5)
    answers["child"]["birth_time"] = f"{born.isoformat()}T08:30:00+08:00"
    answers["insurance"]["premium_year"] = born.year
    return {
        "bundle": "newborn-birth",
        "optional_services": ["childcare-subsidy"],
        "answers": answers,
    }


async def _confirmed_drafts(
    settings: Settings, owners: list[str], body: dict[str, object], count: int
) -> list[Prepared]:
    """`count` saved drafts of `body`, each confirmed by the other parent and with its
    materials: (owner index, draft id, upload id). Written in bulk with the applications code
    (sealed answers and facts, the digest)."""

    from onething.applications.co_applicants import FACTS_TABLE, co_signed_services, digest
    from onething.applications.co_applicants import facts_of as facts_for
    from onething.applications.context import context_from_settings
    from onething.applications.drafts import DRAFTS_TABLE
    from onething.applications.models import CoApplicantRequest, Draft
    from onething.applications.sealing import seal
    from onething.applications.services import merged_form
    from onething.core.db import create_engine, create_sessionmaker
    from onething.identity.context import IdentityContext
    from onething.identity.services import new_user

    ctx = context_from_settings(settings)
    answers = body["answers"]
    assert isinstance(answers, dict)
    form = merged_form(ctx.catalog, "newborn-birth", {}, ["childcare-subsidy"])
    services = co_signed_services(ctx.catalog, form, answers)
    facts = facts_for(form, answers, services)
    facts_digest = digest(ctx, facts)
    father = new_user(IdentityContext.from_settings(settings), role="resident", phone="13699999999")
    engine = create_engine(settings.database)
    sessionmaker = create_sessionmaker(engine)
    now = dt.datetime.now(dt.UTC)
    made: list[Prepared] = []
    drafts: list[Draft] = []
    requests: list[object] = []
    async with sessionmaker() as session:
        session.add(father)
        await session.flush()
        licenses = await shared_licenses(session, settings, owners, now=now)
        for n in range(count):
            owner = n % len(owners)
            draft = Draft(
                id=bench_id("draft", n),
                owner_id=uuid.UUID(owners[owner]),
                bundle="newborn-birth",
                situation_answers=form.situation_answers,
                optional_services=list(form.optional_services),
                version=2,
                created_at=now,
                updated_at=now,
            )
            draft.answers_encrypted = seal(ctx.cipher, answers, table=DRAFTS_TABLE, row_id=draft.id)
            request = CoApplicantRequest(
                id=bench_id("request", n),
                owner_id=draft.owner_id,
                co_applicant_id=father.id,
                draft_id=draft.id,
                bundle="newborn-birth",
                applicant_hint="137****0000",
                co_applicant_hint="136****9999",
                services=services,
                draft_version=2,
                facts_digest=facts_digest,
                status="confirmed",
                created_at=now,
                requested_by=owners[owner],
                requested_client="onething-pwa",
                decided_at=now,
                decided_by=str(father.id),
                decided_client="onething-pwa",
            )
            request.facts_encrypted = seal(ctx.cipher, facts, table=FACTS_TABLE, row_id=request.id)
            materials, upload = draft_materials(
                draft.id, draft.owner_id, licenses, now, upload_id=bench_id("upload", n)
            )
            drafts.append(draft)
            requests += [request, *materials]
            made.append((owner, str(draft.id), str(upload)))
            if len(drafts) == 500 or n == count - 1:
                # No ORM relationship orders the inserts: the drafts first, then what names them.
                session.add_all(drafts)
                await session.flush()
                session.add_all(requests)
                await session.flush()
                drafts, requests = [], []
        await session.commit()
    await engine.dispose()
    return made


def _draft_pools(
    settings: Settings, owners: list[str], body: dict[str, object]
) -> tuple[Prepared, list[Prepared], list[Prepared], int]:
    """One confirmed draft for the first submission, one pool per wrk run, then pgbench's
    (`PGBENCH_DRAFTS`, from the number returned: pgbench derives the ids from the number)."""
    drafts = asyncio.run(
        _confirmed_drafts(settings, owners, body, 2 * DRAFTS_PER_RUN + 1 + PGBENCH_DRAFTS)
    )
    warm_up, measured = (
        drafts[1 : DRAFTS_PER_RUN + 1],
        drafts[DRAFTS_PER_RUN + 1 : 2 * DRAFTS_PER_RUN + 1],
    )
    return drafts[0], warm_up, measured, 2 * DRAFTS_PER_RUN + 1


async def _residents_and_tokens(settings: Settings) -> tuple[list[str], list[str]]:
    """Residents with signed, recorded access tokens (as the provider issues them)."""
    from onething.core.db import create_engine, create_sessionmaker
    from onething.identity.context import IdentityContext
    from onething.identity.keys import load_keyring
    from onething.identity.models import AccessToken
    from onething.identity.services import new_user, set_phone
    from onething.identity.tokens import sign_access_token

    ctx = IdentityContext.from_settings(settings)
    engine = create_engine(settings.database)
    sessionmaker = create_sessionmaker(engine)
    users = []
    for i in range(RESIDENTS):
        # ids pgbench derives too (`bench_id`); the phone is sealed to the id
        user = new_user(ctx, role="resident")
        user.id = bench_id("resident", i)
        set_phone(ctx, user, f"137{i:08d}")
        users.append(user)
    now = dt.datetime.now(dt.UTC)
    tokens = []
    async with sessionmaker() as session:
        ring = await load_keyring(session, ctx, now=now)
        session.add_all(users)
        for i, user in enumerate(users):
            jti = bench_jti(i)
            claims = {
                "iss": ctx.issuer,
                "sub": str(user.id),
                "aud": ctx.api_audience,
                "client_id": "onething-pwa",
                "scope": "openid applications:read applications:write",
                "iat": int(time.time()),
                "exp": int(time.time()) + 600,
                "jti": jti,
            }
            session.add(
                AccessToken(
                    jti=jti,
                    client_id="onething-pwa",
                    subject=str(user.id),
                    act_sub=None,
                    scope="openid applications:read applications:write",
                    created_at=now,
                    expires_at=now + dt.timedelta(minutes=10),
                )
            )
            tokens.append(sign_access_token(ring, claims))
        await session.commit()
    await engine.dispose()
    return [str(u.id) for u in users], tokens


WRK_SCRIPT = """
local tokens = {%(tokens)s}
-- {token index (1-based), draft id, upload id}: each confirmed draft is submitted once
local drafts = {%(drafts)s}
local head = %(head)s
local mid = %(mid)s
local tail = %(tail)s
local counter = 0
local next_thread = 0
setup = function(thread)
  -- a global of the thread's own Lua state (a `local` here would shadow it)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
request = function()
  counter = counter + 1
  -- two threads: even and odd drafts, so no draft is submitted twice
  local draft = drafts[((2 * counter + thread_id) %% #drafts) + 1]
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = "Bearer " .. tokens[draft[1]]
  headers["Idempotency-Key"] = string.format("bench-%(run)s-%%d-%%d", thread_id, counter)
  local body = head .. draft[3] .. mid .. draft[2] .. tail
  return wrk.format("POST", "/api/v1/applications", headers, body)
end
local reported = 0
response = function(status, headers, body)
  if (status >= 300 or os.getenv("BENCH_DEBUG")) and reported < 2 then
    reported = reported + 1
    io.write("non-2xx " .. status .. " " .. string.sub(body, 1, 300) .. "\\n")
  end
end
"""


def _wrk(
    base: str, tokens: list[str], body: dict[str, object], drafts: list[Prepared]
) -> dict[str, float]:
    text = json.dumps(
        {**body, "materials": ["UPLOAD-ID"], "draft_id": "DRAFT-ID"}, ensure_ascii=False
    )
    head, rest = text.split("UPLOAD-ID")
    mid, tail = rest.split("DRAFT-ID")
    script = WRK_SCRIPT % {
        "tokens": ", ".join(json.dumps(t) for t in tokens),
        "drafts": ", ".join(
            f'{{{owner + 1}, "{draft}", "{upload}"}}' for owner, draft, upload in drafts
        ),
        "head": json.dumps(head, ensure_ascii=False),
        "mid": json.dumps(mid, ensure_ascii=False),
        "tail": json.dumps(tail, ensure_ascii=False),
        "run": secrets.token_hex(4),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        finished = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{CONNECTIONS}",
                f"-d{SECONDS}s",
                "--latency",
                "-s",
                handle.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    output = finished.stdout
    if finished.stderr.strip():  # a Lua error makes wrk fall back to `GET /`: measure nothing
        msg = f"wrk: {finished.stderr.strip()[:500]}"
        raise RuntimeError(msg)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if os.environ.get("BENCH_DEBUG"):
        print(output, file=sys.stderr)
    for line in output.splitlines():
        if line.startswith("non-2xx "):
            print(f"  {line}", file=sys.stderr)
    return {
        "requests": float(re.search(r"(\d+) requests in", output).group(1)),  # type: ignore[union-attr]
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        "errors": float(non_2xx.group(1)) if non_2xx else 0.0,
    }


def _ms(text: str) -> float:
    value = float(re.sub(r"[a-z]+$", "", text))
    unit = re.search(r"[a-z]+$", text).group(0)  # type: ignore[union-attr]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _pgbench(stack: Devstack, settings: Settings, first: int) -> dict[str, Any]:
    """pgbench with `pgbench_script.submission_script()`, each transaction submitting one of
    the drafts prepared for it, numbered from `first`."""
    assert stack.postgres is not None
    license_id, version = asyncio.run(_a_license(settings))
    pgbench = stack.postgres.bin_dir / "pgbench"
    url = DatabaseSettings(url=stack.env["DATABASE_URL"]).asyncpg_dsn
    answers_blob = secrets.token_urlsafe(3000)  # the sealed answers are ~4 kB of base64
    variables = {
        "first": first,
        "clients": CONNECTIONS,
        "round": -1,
        "blob": answers_blob,
        "license": license_id,
        "version": version,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(pgbench_script.submission_script())
    try:
        finished = subprocess.run(
            [
                str(pgbench),
                "-n",
                f"-c{CONNECTIONS}",
                "-j2",
                f"-T{SECONDS}",
                "-r",
                "-M",
                "prepared",
                *(f"-D{name}={value}" for name, value in variables.items()),
                "-f",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PGPASSWORD": ""},
        )
    finally:
        os.unlink(handle.name)
    if finished.returncode != 0:  # e.g. a statement the schema refuses
        msg = f"pgbench failed ({finished.returncode}): {finished.stderr.strip()[-1500:]}"
        raise RuntimeError(msg)
    output = finished.stdout
    # `-r`: each statement's average latency (ms) and its first words, slowest first.
    statements = sorted(
        (
            (float(m.group(1)), " ".join(m.group(2).split())[:70])
            for m in re.finditer(r"^\s+([\d.]+)\s+\d+\s+(\S.*)$", output, re.MULTILINE)
        ),
        reverse=True,
    )
    return {
        "rate": float(re.search(r"tps = ([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "transactions": int(re.search(r"actually processed: (\d+)", output).group(1)),  # type: ignore[union-attr]
        "latency_avg_ms": float(re.search(r"latency average = ([\d.]+) ms", output).group(1)),  # type: ignore[union-attr]
        "statements_ms": [[ms, text] for ms, text in statements],
    }


def _api(stack: Devstack, port: int) -> ChildProcess:
    env = {**stack.env, "LOG_LEVEL": "WARNING", "PORT": str(port)}
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
            str(port),
            "--workers",
            str(API_WORKERS),
            "--no-ws",
            *GRANIAN_ARGS,
            "onething.core.app:create_app",
        ],
        log_path=stack.var_dir / "log" / "api.log",
        env=env,
        cwd=REPO_ROOT,
    )

    def ready() -> bool:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return bool(response.status == 200)

    wait_until(ready, "the API", 60, api)
    return api


@asynccontextmanager
async def _database(settings: Settings) -> AsyncIterator[Any]:
    """A connection of the benchmark's own to the devstack's database."""
    import asyncpg

    connection = await asyncpg.connect(settings.database.asyncpg_dsn)
    try:
        yield connection
    finally:
        await connection.close()


async def _a_license(settings: Settings) -> tuple[str, str]:
    """An e-license's id (the license events and uses pgbench inserts refer to one) and the
    catalog release the applications name."""
    async with _database(settings) as connection:
        license_id = await connection.fetchval("SELECT id FROM licenses LIMIT 1")
        version = await connection.fetchval("SELECT version FROM catalog_releases LIMIT 1")
        return str(license_id), str(version)


async def _analyze(settings: Settings) -> None:
    async with _database(settings) as connection:
        await connection.execute("VACUUM (ANALYZE)")


async def _count(settings: Settings, table: str) -> int:
    async with _database(settings) as connection:
        return int(await connection.fetchval(f"SELECT count(*) FROM {table}"))


def _connections_by_process(port: int) -> list[int]:
    """How many of the established connections to `port` each server process holds (most
    first): how the kernel shared wrk's keep-alive connections between the workers."""
    listed = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", listed):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def _postgres() -> list[int]:
    return named("postgres")


def _per_request(seconds: dict[str, float], requests: float) -> dict[str, float]:
    return {name: round(1000 * spent / max(requests, 1), 2) for name, spent in seconds.items()}


def _cpu_text(per_request: dict[str, float]) -> str:
    return ", ".join(f"{name} {ms:.2f}" for name, ms in per_request.items())


def _one_submission(port: int, token: str, body: dict[str, object], prepared: Prepared) -> None:
    """A single request first: a benchmark of error answers measures nothing."""
    import httpx

    _, draft, upload = prepared
    answer = httpx.post(
        f"http://127.0.0.1:{port}/api/v1/applications",
        json={**body, "materials": [upload], "draft_id": draft},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
        timeout=30,
    )
    if answer.status_code != 201:
        msg = f"a submission failed: {answer.status_code} {answer.text[:500]}"
        raise RuntimeError(msg)


def _warm_up(
    port: int,
    tokens: list[str],
    body: dict[str, object],
    first: Prepared,
    drafts: list[Prepared],
) -> None:
    """One checked submission, then a wrk run to fill caches and prepared statements."""
    _one_submission(port, tokens[first[0]], body, first)
    _wrk(f"http://127.0.0.1:{port}", tokens, body, drafts)


def _measured(
    settings: Settings,
    api: ChildProcess,
    port: int,
    *,
    tokens: list[str],
    body: dict[str, object],
    drafts: list[Prepared],
) -> dict[str, Any]:
    """The measured wrk run, with the CPU each side spent and how the workers shared the
    connections; checks that every 2xx created an application."""
    before = asyncio.run(_count(settings, "applications"))
    meter = CpuMeter(
        {"api": lambda: descendants(api.process.pid), "postgres": _postgres}, children="wrk"
    )
    meter.start()
    split: list[list[int]] = []
    # wrk's connections are all open 2 s into the run
    snapshot = threading.Timer(2.0, lambda: split.append(_connections_by_process(port)))
    snapshot.start()
    figures: dict[str, Any] = dict(_wrk(f"http://127.0.0.1:{port}", tokens, body, drafts))
    snapshot.join()
    figures["connections_by_worker"] = split[0] if split else []
    figures["cpu_ms_per_request"] = _per_request(meter.stop(), figures["requests"])
    time.sleep(2)
    created = asyncio.run(_count(settings, "applications")) - before
    # Every 2xx must be a new application (no replay of a reused key counted as speed).
    figures["applications_created"] = created
    answered = figures["requests"] - figures["errors"]
    # wrk stops counting at the deadline; requests still in flight then complete after.
    if not answered <= created <= answered + CONNECTIONS:
        msg = f"{created} applications for {figures['requests']:.0f} requests"
        raise RuntimeError(msg)
    return figures


def _ceiling(stack: Devstack, settings: Settings, first: int) -> dict[str, Any]:
    """pgbench's run, with PostgreSQL's and pgbench's CPU; checks that each transaction
    submitted one of the drafts prepared for it."""
    meter = CpuMeter({"postgres": _postgres}, children="pgbench")
    meter.start()
    drafts_before = asyncio.run(_count(settings, "application_drafts"))
    figures = _pgbench(stack, settings, first)
    # Each transaction must have submitted a prepared draft (deleting it), none an empty
    # one: past the pool's end a transaction would find nothing to lock or move.
    submitted = drafts_before - asyncio.run(_count(settings, "application_drafts"))
    if submitted != figures["transactions"]:
        msg = (
            f"pgbench ran {figures['transactions']} transactions but submitted "
            f"{submitted} of its {PGBENCH_DRAFTS} drafts (raise BENCH_PGBENCH_DRAFTS?)"
        )
        raise RuntimeError(msg)
    figures["cpu_ms_per_transaction"] = _per_request(meter.stop(), figures["transactions"])
    return figures


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it)", file=sys.stderr)
        return 1
    with prepared_devstack("bench-submission") as stack:
        port = free_port()
        stack.env["PORT"] = str(port)  # the issuer is the API's public URL
        settings = settings_of(stack)
        owners, tokens = asyncio.run(_residents_and_tokens(settings))
        body = _body()
        first, warm_up, measured, pgbench_first = _draft_pools(settings, owners, body)
        api = _api(stack, port)
        try:
            results: dict[str, object] = {
                "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "cores": os.cpu_count(),
                "connections": CONNECTIONS,
                "seconds": SECONDS,
                "api_workers": API_WORKERS,
                "granian_args": GRANIAN_ARGS,
            }
            _warm_up(port, tokens, body, first, warm_up)
            time.sleep(2)  # the warm-up's requests still in flight complete first
            # Statistics of the tables as the warm-up left them, as autovacuum would soon take
            # (and not during a run): plans fit the tables' sizes. Taken before the warm-up,
            # with no application yet, they made every foreign-key check of a new task or
            # event scan the whole table (seen: 62 million rows read in 5 s).
            asyncio.run(_analyze(settings))
            results["api"] = api_figures = _measured(
                settings, api, port, tokens=tokens, body=body, drafts=measured
            )
            results["connections_by_worker"] = api_figures.pop("connections_by_worker")
            results["pgbench"] = ceiling = _ceiling(stack, settings, pgbench_first)
            share = api_figures["rate"] / ceiling["rate"]
            results["share_of_ceiling"] = round(share, 3)
            print(
                f"newborn-birth submission, {CONNECTIONS} connections, {SECONDS} s, granian "
                f"{API_WORKERS} worker(s), {os.cpu_count()} cores shared with the load generator\n"
                f"  API      {api_figures['rate']:7.0f} submissions/s   "
                f"p50 {api_figures['p50_ms']:6.1f} ms   p99 {api_figures['p99_ms']:6.1f} ms   "
                f"non-2xx {api_figures['errors']:.0f}   connections by worker "
                f"{'/'.join(map(str, results['connections_by_worker'])) or '?'}\n"
                f"  pgbench  {ceiling['rate']:7.0f} transactions/s  (same SQL, avg "
                f"{ceiling['latency_avg_ms']:.1f} ms)\n"
                f"  API share of the ceiling: {share:.0%}\n"
                f"  CPU ms per submission: {_cpu_text(api_figures['cpu_ms_per_request'])}; "
                f"per pgbench transaction: {_cpu_text(ceiling['cpu_ms_per_transaction'])}\n"
                "  pgbench statements (avg ms): "
                + "; ".join(f"{ms:.2f} {text[:32]}" for ms, text in ceiling["statements_ms"][:6])
            )
            RESULTS.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            (RESULTS / f"submission-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
        finally:
            api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
