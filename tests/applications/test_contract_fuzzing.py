"""Contract fuzzing (issue 9): schemathesis generates requests for every operation of the
committed OpenAPI document and sends them to the real app (`onething run` in its own process)
with real tokens — a resident's for resident routes, a department system's for department
routes, an administrator's for admin routes — and then every operation again with a
third-party mini-app's token (a resident's consent to a registered client). No answer may be a
server error, every answer must match the response schema the document declares for it, and
its status must be one the document declares for the operation. Bounded: FUZZ_EXAMPLES
examples per operation (default 6; half that with the mini-app token)."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from application_helpers import DEPARTMENT_SYSTEM, PWA, Tokens
from hypothesis import HealthCheck, settings
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from live_app import served, server_env
from onething.core.metadata import target_metadata
from onething.core.processes import free_port
from onething.core.settings import REPO_ROOT, Settings
from onething.identity.keys import forget_cached_keys
from onething.identity.models import Consent, OAuthClient
from onething.identity.services import new_user

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
MINI_APP_EXAMPLES = max(2, EXAMPLES // 2)
MINI_APP = "fuzz-mini-app"
MINI_APP_SCOPES = "openid profile applications:read applications:write"
# What the fuzzer got back, per operation: the last test checks that it reached the handlers
# (authenticated, past validation), not just a wall of 401s and 422s.
ANSWERS: Counter[tuple[str, int]] = Counter()
MINI_APP_ANSWERS: Counter[tuple[str, int]] = Counter()
schema = schemathesis.openapi.from_path(REPO_ROOT / "openapi" / "openapi.json").include(
    path_regex="^/api/v1/"
)


@pytest.fixture(scope="module")
def fuzz_server(settings: Settings) -> Iterator[str]:
    port = free_port()
    # Tokens minted by this test process carry its issuer; the server accepts them.
    env = server_env(
        settings, port, f"http://127.0.0.1:{port}", IDENTITY_ISSUER=settings.app.public_url
    )
    with served(env, port):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
async def fuzz_tokens(
    app: Litestar, sessionmaker: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> AsyncIterator[dict[str, dict[str, str]]]:
    ctx = app.state.identity
    forget_cached_keys(ctx)
    resident = new_user(ctx, role="resident", phone="13812340001")
    admin = new_user(ctx, role="admin", phone="13812340002")
    async with sessionmaker() as session, session.begin():
        for client_id, grants in ((PWA, ["authorization_code"]), (DEPARTMENT_SYSTEM, [])):
            session.add(
                OAuthClient(
                    client_id=client_id,
                    name=client_id,
                    token_endpoint_auth_method="none",
                    redirect_uris=[],
                    grant_types=grants or ["client_credentials"],
                    scope=(
                        "openid applications:read applications:write licenses:read "
                        "department:public-security"
                    ),
                    first_party=True,
                )
            )
        session.add(
            OAuthClient(
                client_id=MINI_APP,
                name=MINI_APP,
                token_endpoint_auth_method="private_key_jwt",
                redirect_uris=["https://mini.example.test/cb"],
                grant_types=["authorization_code", "refresh_token"],
                scope=MINI_APP_SCOPES,
                first_party=False,
            )
        )
        session.add_all([resident, admin])
        await session.flush()
        now = datetime.now(UTC)
        session.add(
            Consent(
                user_id=resident.id,
                client_id=MINI_APP,
                scopes=sorted(MINI_APP_SCOPES.split()),
                granted_at=now,
                updated_at=now,
            )
        )
    tokens = Tokens(sessionmaker, ctx)
    scopes = "openid profile phone applications:read applications:write licenses:read"
    yield {
        "resident": await tokens.issue(str(resident.id), scope=scopes),
        "department": await tokens.issue(
            DEPARTMENT_SYSTEM,
            client_id=DEPARTMENT_SYSTEM,
            scope="applications:read applications:write licenses:read department:public-security",
        ),
        "admin": await tokens.issue(str(admin.id), scope=scopes + " admin"),
        "mini_app": await tokens.issue(str(resident.id), client_id=MINI_APP, scope=MINI_APP_SCOPES),
    }
    tables = [t.name for t in target_metadata.sorted_tables]
    tables += ["pgqueuer", "pgqueuer_log", "pgqueuer_statistics", "pgqueuer_schedules"]
    quoted = ", ".join(f'"{name}"' for name in tables)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


def _caller(path: str) -> str:
    if path.startswith("/api/v1/admin/"):
        return "admin"
    if path.startswith("/api/v1/department/"):
        return "department"
    return "resident"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_answer_matches_its_schema(
    case: Any, fuzz_server: str, fuzz_tokens: dict[str, dict[str, str]]
) -> None:
    response = case.call_and_validate(
        base_url=fuzz_server,
        headers=fuzz_tokens[_caller(case.path)],
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
        timeout=30,
    )
    ANSWERS[(f"{case.method.upper()} {case.path}", response.status_code)] += 1


@schema.parametrize()
@settings(
    max_examples=MINI_APP_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_a_mini_app_token_gets_only_documented_answers(
    case: Any, fuzz_server: str, fuzz_tokens: dict[str, dict[str, str]]
) -> None:
    """A third-party client acting for a consenting resident, on every operation: what it
    may not do is refused with a documented status, never a server error."""
    response = case.call_and_validate(
        base_url=fuzz_server,
        headers=fuzz_tokens["mini_app"],
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
        timeout=30,
    )
    MINI_APP_ANSWERS[(f"{case.method.upper()} {case.path}", response.status_code)] += 1


def test_the_fuzzer_reached_the_handlers() -> None:
    """Runs after the fuzzing above (same module, file order): most operations answered
    something other than 401 at least once, and some answered 2xx."""
    if not ANSWERS:
        pytest.skip("the fuzzing tests did not run (deselected)")
    document = json.loads((REPO_ROOT / "openapi" / "openapi.json").read_text())
    declared = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
    }
    # (schemathesis also sends methods a path does not declare: 405 is the right answer)
    answered = {op for op, _ in ANSWERS if op in declared}
    total = sum(ANSWERS.values()) + sum(MINI_APP_ANSWERS.values())
    authenticated = {op for (op, status) in ANSWERS if op in declared and status != 401}
    succeeded = {op for (op, status) in ANSWERS if op in declared and 200 <= status < 300}
    print(
        f"fuzzed {len(answered)} of {len(declared)} operations, {total} requests "
        f"({sum(MINI_APP_ANSWERS.values())} with the mini-app token); {len(succeeded)} "
        f"answered 2xx; statuses {sorted({s for _, s in ANSWERS + MINI_APP_ANSWERS})}"
    )
    assert answered == declared
    public_webhook = {op for op in declared if op.endswith("/courier-events")}  # HMAC-signed
    assert authenticated == declared - public_webhook
    # Random ids find nothing (404) and random bodies are refused (422); what needs no object
    # must succeed for each kind of caller, which shows the tokens got through.
    assert {
        "GET /api/v1/me",
        "GET /api/v1/applications",
        "GET /api/v1/wallet/licenses",
        "GET /api/v1/department/tasks",
        "GET /api/v1/admin/clients",
        "GET /api/v1/bundles",
    } <= succeeded
    # The mini-app's token: accepted everywhere (never 401), serving what its consent covers
    # and nothing of the wallet (no licenses scope), the departments or administration.
    mini_answered = {op for op, _ in MINI_APP_ANSWERS if op in declared}
    mini_authenticated = {op for (op, st) in MINI_APP_ANSWERS if op in declared and st != 401}
    mini_succeeded = {op for (op, st) in MINI_APP_ANSWERS if op in declared and 200 <= st < 300}
    assert mini_answered == declared
    assert mini_authenticated == declared - public_webhook
    assert {"GET /api/v1/me", "GET /api/v1/applications", "GET /api/v1/drafts"} <= mini_succeeded
    assert not {
        op
        for op in mini_succeeded
        if op.startswith(("GET /api/v1/wallet", "GET /api/v1/department", "GET /api/v1/admin"))
    }
    _record_examples(declared)


def _record_examples(declared: set[str]) -> None:
    """Requests and answers per operation, for the record (var/contract-fuzzing.txt)."""
    lines = [
        "operation\trequests (resident/department/admin)\tstatuses\trequests (mini-app)\tstatuses"
    ]
    for op in sorted(declared):
        mine = {st: n for (o, st), n in ANSWERS.items() if o == op}
        mini = {st: n for (o, st), n in MINI_APP_ANSWERS.items() if o == op}
        lines.append(
            f"{op}\t{sum(mine.values())}\t{dict(sorted(mine.items()))}"
            f"\t{sum(mini.values())}\t{dict(sorted(mini.items()))}"
        )
    out = REPO_ROOT / "var" / "contract-fuzzing.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
