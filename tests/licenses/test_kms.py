"""Production issuer keys held by an HSM/KMS and referenced by id: the platform registers the
key service's key for a department (its public half published), signs licenses through the
service without ever holding the private half, and refuses cleanly — writing nothing — when
the service is down, refuses the caller, or answers with another key's signature. The key
service here is the LOCAL SIGNING SERVICE (`onething.licenses.local_kms`) in its own process,
spoken to over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from newborn_samples import FATHER_ID
from onething.core.processes import free_port
from onething.core.settings import REPO_ROOT, Settings
from onething.licenses.context import LicensesContext
from onething.licenses.issuance import Holder, IssueRequest, issue
from onething.licenses.keyring import NoSigningKeyError, published_jwks, use_kms_key
from onething.licenses.kms import (
    HttpKeyService,
    KeyServiceRefusedError,
    KeyServiceUnavailableError,
)
from onething.licenses.models import License, LicenseSigningKey
from onething.licenses.signing import SignatureMismatchError, verify_detached, verify_qr_token

TOKEN = "local-kms-test-token"
DEPARTMENT = "public-security"
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class LocalKms:
    url: str

    def call(self, method: str, path: str, token: str = TOKEN) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=b"{}" if method == "POST" else None,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            return dict(json.loads(response.read()))

    def signatures(self) -> int:
        return int(self.call("GET", "/healthz")["signatures"])


@pytest.fixture(scope="module")
def local_kms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalKms]:
    port = free_port()
    keys = tmp_path_factory.mktemp("local-kms") / "keys.json"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "onething.licenses.local_kms", "--port", str(port)),
            *("--keys", str(keys), "--create", "ps-2026"),
        ],
        env={**os.environ, "LICENSE_KMS_TOKEN": TOKEN},
        cwd=REPO_ROOT,
    )
    kms = LocalKms(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                kms.signatures()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield kms
    finally:
        process.terminate()
        process.wait(10)
    # Private keys stay in the service's own file (0600), never anywhere else.
    assert oct(keys.stat().st_mode & 0o777) == "0o600"


def _with_keys(ctx: LicensesContext, url: str, *, token: str = TOKEN) -> LicensesContext:
    return LicensesContext(
        catalog=ctx.catalog,
        cipher=ctx.cipher,
        indexer=ctx.indexer,
        storage=ctx.storage,
        public_url=ctx.public_url,
        key_service=HttpKeyService(url, token, timeout=2.0),
        generate_keys=False,
    )


def _request(ctx: LicensesContext) -> IssueRequest:
    return IssueRequest(
        license_type=ctx.catalog.license_types["household-register"],
        department=ctx.catalog.departments[DEPARTMENT],
        holder=Holder(name="李强", id_number=FATHER_ID, user_id=None, guardian_ids=[]),
        face={"name": ("", "李强"), "relation_to_head": ("", "户主")},
    )


async def _issue(
    sessionmaker: async_sessionmaker[AsyncSession], ctx: LicensesContext
) -> tuple[License, dict[str, Any]]:
    async with sessionmaker() as session, session.begin():
        row = await issue(session, ctx, _request(ctx), now=NOW)
        metadata = json.loads(json.dumps(_metadata(ctx, row)))
        return row, metadata


def _metadata(ctx: LicensesContext, row: License) -> dict[str, Any]:
    from onething.licenses.issuance import unseal_metadata

    return unseal_metadata(ctx, row)


async def _register(
    sessionmaker: async_sessionmaker[AsyncSession], ctx: LicensesContext, key_ref: str
) -> tuple[str, bool]:
    dept = ctx.catalog.departments[DEPARTMENT]
    async with sessionmaker() as session, session.begin():
        return await use_kms_key(session, ctx, dept.id, dept.code, key_ref, now=NOW)


async def _counts(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessionmaker() as session:
        licenses = await session.scalar(select(func.count()).select_from(License))
        keys = await session.scalar(select(func.count()).select_from(LicenseSigningKey))
        return int(licenses or 0), int(keys or 0)


async def test_licenses_are_signed_by_the_key_service_with_a_key_referenced_by_id(
    clean_db: None,
    local_kms: LocalKms,
    licenses_ctx: LicensesContext,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del clean_db
    ctx = _with_keys(licenses_ctx, local_kms.url)
    kid, changed = await _register(sessionmaker, ctx, "ps-2026")
    assert changed
    assert kid.startswith(ctx.catalog.departments[DEPARTMENT].code + ":")
    assert await _register(sessionmaker, ctx, "ps-2026") == (kid, False)
    async with sessionmaker() as session:
        key = await session.get(LicenseSigningKey, kid)
        assert key is not None
        assert key.key_ref == "ps-2026"
        assert key.private_jwk_encrypted is None  # the private half is not ours
        jwks = await published_jwks(session)
    service_public = local_kms.call("GET", "/keys/ps-2026")["public_jwk"]
    assert [k["x"] for k in jwks["keys"]] == [service_public["x"]]

    before = local_kms.signatures()
    row, metadata = await _issue(sessionmaker, ctx)
    assert local_kms.signatures() == before + 2  # the QR token and the detached JWS
    assert row.kid == kid
    assert verify_detached(row.signature, metadata, row.sha256, jwks)
    claims = verify_qr_token(row.qr_token, jwks)
    assert claims is not None
    assert claims["lid"] == row.identifier
    flipped = row.sha256[:-1] + ("0" if row.sha256[-1] != "0" else "1")
    assert not verify_detached(row.signature, metadata, flipped, jwks)


async def test_a_sealed_dev_key_is_retired_and_stays_published_when_a_kms_key_takes_over(
    clean_db: None,
    local_kms: LocalKms,
    licenses_ctx: LicensesContext,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del clean_db
    old_row, old_metadata = await _issue(sessionmaker, licenses_ctx)  # generates a dev key
    local_kms.call("POST", "/keys/ps-rotated")
    ctx = _with_keys(licenses_ctx, local_kms.url)
    kid, _ = await _register(sessionmaker, ctx, "ps-rotated")
    new_row, _ = await _issue(sessionmaker, ctx)
    assert new_row.kid == kid != old_row.kid
    async with sessionmaker() as session:
        old_key = await session.get(LicenseSigningKey, old_row.kid)
        assert old_key is not None
        assert old_key.retired_at == NOW
        jwks = await published_jwks(session)
    assert {k["kid"] for k in jwks["keys"]} == {old_row.kid, kid}
    assert verify_detached(old_row.signature, old_metadata, old_row.sha256, jwks)
    # Going back to a retired key is refused: a leaked old key must not sign again.
    local_kms.call("POST", "/keys/ps-next")
    await _register(sessionmaker, ctx, "ps-next")
    with pytest.raises(NoSigningKeyError, match="never reinstated"):
        await _register(sessionmaker, ctx, "ps-rotated")


async def test_without_a_registered_key_production_refuses_to_issue_and_writes_nothing(
    clean_db: None,
    local_kms: LocalKms,
    licenses_ctx: LicensesContext,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del clean_db
    ctx = _with_keys(licenses_ctx, local_kms.url)  # generate_keys off, as in production
    with pytest.raises(NoSigningKeyError, match="use-kms-key"):
        await _issue(sessionmaker, ctx)
    assert await _counts(sessionmaker) == (0, 0)


async def test_a_key_service_that_is_down_refusing_or_wrong_leaves_nothing_written(
    clean_db: None,
    local_kms: LocalKms,
    licenses_ctx: LicensesContext,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    del clean_db
    ctx = _with_keys(licenses_ctx, local_kms.url)
    await _register(sessionmaker, ctx, "ps-2026")
    assert await _counts(sessionmaker) == (0, 1)

    down = _with_keys(licenses_ctx, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(KeyServiceUnavailableError):
        await _issue(sessionmaker, down)
    refused = _with_keys(licenses_ctx, local_kms.url, token="not-the-token")
    with pytest.raises(KeyServiceRefusedError, match="401"):
        await _issue(sessionmaker, refused)
    with pytest.raises(KeyServiceRefusedError, match="404"):
        await _register(sessionmaker, ctx, "no-such-key")

    # A service answering with another key's signature is caught before anything is stored.
    local_kms.call("POST", "/keys/other")
    service = HttpKeyService(local_kms.url, TOKEN)

    class WrongKeyService(HttpKeyService):
        async def sign(self, key_ref: str, message: bytes) -> bytes:
            del key_ref
            return await service.sign("other", message)

    wrong = _with_keys(licenses_ctx, local_kms.url)
    wrong.key_service = WrongKeyService(local_kms.url, TOKEN)
    with pytest.raises(SignatureMismatchError):
        await _issue(sessionmaker, wrong)
    assert await _counts(sessionmaker) == (0, 1)

    row, _ = await _issue(sessionmaker, ctx)  # and with the service back: issued
    assert await _counts(sessionmaker) == (1, 1)
    assert row.kid is not None


def test_the_operator_command_registers_the_kms_key(
    clean_db: None, local_kms: LocalKms, settings: Settings
) -> None:
    del clean_db
    env = {
        **os.environ,
        "DATABASE_URL": settings.database.url,
        "S3_ENDPOINT_URL": settings.s3.endpoint_url,
        "S3_ACCESS_KEY_ID": settings.s3.access_key_id,
        "S3_SECRET_ACCESS_KEY": settings.s3.secret_access_key,
        "S3_BUCKET_PREFIX": settings.s3.bucket_prefix,
        "IDENTITY_DATA_KEYS": settings.identity.data_keys,
        "IDENTITY_BLIND_INDEX_KEY": settings.identity.blind_index_key,
        "LICENSE_KMS_URL": local_kms.url,
        "LICENSE_KMS_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "onething", "licenses", "use-kms-key"]
    done = subprocess.run(
        [*command, "--department", DEPARTMENT, "--key-ref", "ps-2026"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    department, kid, state = done.stdout.strip().split("\t")
    assert (department, state) == (DEPARTMENT, "now current")
    assert kid.endswith(":" + _thumbprint(local_kms.call("GET", "/keys/ps-2026")["public_jwk"]))

    unknown = subprocess.run(
        [*command, "--department", DEPARTMENT, "--key-ref", "missing"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert unknown.returncode == 1
    assert "404" in unknown.stderr


def _thumbprint(jwk: dict[str, Any]) -> str:
    from joserfc.jwk import OKPKey

    return str(OKPKey.import_key(jwk).thumbprint())
