"""Issuance on approval (acceptance): after the newborn journey's approvals, the birth medical
certificate and the household register page exist in S3, their identifiers pass the GB/T 36904
check, the stored file's SHA-256 is the database's, the detached signature verifies with the
published JWKS, and one flipped byte (file or metadata) fails."""

from __future__ import annotations

import os
from typing import Any

import pytest
from application_helpers import People, Tokens
from license_helpers import Client, newborn_with_licenses
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.applications.models import Task
from onething.core.settings import REPO_ROOT
from onething.core.storage import ObjectStorage
from onething.licenses.context import LicensesContext
from onething.licenses.identifiers import parse_license_identifier
from onething.licenses.issuance import holder_id_number, holder_name, unseal_metadata
from onething.licenses.models import License
from onething.licenses.signing import sha256_hex, verify_detached


async def _licenses(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, License]:
    async with sessionmaker() as session:
        rows = (await session.execute(select(License))).scalars().all()
    return {row.license_type: row for row in rows}


async def test_approvals_issue_stored_signed_verifiable_licenses(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
    raw_storage: ObjectStorage,
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    issued = await _licenses(sessionmaker)
    assert set(issued) == {"birth-medical-certificate", "household-register"}
    jwks = (await api.get("/api/v1/licenses/keys")).json()
    assert {k["iss"] for k in jwks["keys"]} == {"11500105MB17015110", "11500105MB1625600B"}
    assert all("d" not in k for k in jwks["keys"])  # public halves only

    for row in issued.values():
        parts = parse_license_identifier(row.identifier)
        assert parts.issuer_code == row.issuer_code
        assert parts.type_code == row.type_code
        pdf = await raw_storage.get_bytes(licenses_ctx.bucket, row.object_key)
        assert pdf.startswith(b"%PDF-")
        assert sha256_hex(pdf) == row.sha256
        assert len(pdf) == row.size
        metadata = unseal_metadata(licenses_ctx, row)
        assert metadata["identifier"] == row.identifier
        assert verify_detached(row.signature, metadata, sha256_hex(pdf), jwks)

        flipped = bytearray(pdf)
        flipped[len(flipped) // 2] ^= 0x01
        assert not verify_detached(row.signature, metadata, sha256_hex(bytes(flipped)), jwks)
        assert not verify_detached(row.signature, {**metadata, "number": "X"}, row.sha256, jwks)

    # The child holds both; the parents hold them as guardians.
    certificate, register = issued["birth-medical-certificate"], issued["household-register"]
    assert holder_name(licenses_ctx, certificate) == newborn.child_name
    assert holder_id_number(licenses_ctx, certificate) is None  # no ID number yet at birth
    assert holder_id_number(licenses_ctx, register) == newborn.child_id
    assert register.holder_code_type == "111"
    assert set(register.guardian_ids) == {people.resident.id, people.other_resident.id}
    assert unseal_metadata(licenses_ctx, register)["face"]["id_number"] == newborn.child_id
    # The ID number is never stored in clear.
    assert newborn.child_id not in register.metadata_encrypted

    async with sessionmaker() as session:
        states = {
            t.service: t.state
            for t in (await session.execute(select(Task))).scalars()
            if t.service in {"birth-medical-certificate", "hukou-birth-registration"}
        }
    assert states == {"birth-medical-certificate": "issued", "hukou-birth-registration": "issued"}


async def test_issuance_runs_once_per_task(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    from datetime import UTC, datetime
    from uuid import UUID

    from onething.licenses.issuance import issue_for_application

    async with sessionmaker() as session, session.begin():
        again = await issue_for_application(
            session, licenses_ctx, UUID(newborn.application_id), now=datetime.now(UTC)
        )
    assert again == []
    assert len(await _licenses(sessionmaker)) == 2


async def test_the_certificate_shows_the_childs_chinese_name(
    request: pytest.FixtureRequest,
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    licenses_ctx: LicensesContext,
    raw_storage: ObjectStorage,
) -> None:
    import pypdfium2 as pdfium

    newborn = await newborn_with_licenses(api, people, tokens, drain)
    row = (await _licenses(sessionmaker))["birth-medical-certificate"]
    pdf = await raw_storage.get_bytes(licenses_ctx.bucket, row.object_key)
    document = pdfium.PdfDocument(pdf)
    request.addfinalizer(document.close)
    page = document[0]
    text_page = page.get_textpage()
    text = text_page.get_text_range()
    assert newborn.child_name in text
    assert "出生医学证明" in text
    assert row.identifier in text.replace("\r", "").replace("\n", "")

    # Rendered, every character of the name has ink where the text layer says it is (a
    # missing glyph would leave an empty box or draw nothing).
    scale = 2.0
    rendered = page.render(scale=scale).to_pil()
    image = rendered.convert("L")
    height = page.get_height()
    start = text.index(newborn.child_name)
    for i in range(start, start + len(newborn.child_name)):
        left, bottom, right, top = text_page.get_charbox(i)
        box = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
        pixels = list(image.crop(tuple(round(v) for v in box)).get_flattened_data())
        dark = sum(1 for p in pixels if p < 128) / len(pixels)
        assert dark > 0.05, (text[i], dark)
    if os.environ.get("ONETHING_WRITE_DOCS"):  # regenerate the README's picture
        rendered.save(REPO_ROOT / "docs" / "license-birth-medical-certificate.png")
    # And the same measure over an empty stretch of the page finds none: it can fail.
    blank = list(image.crop((200, 700, 600, 760)).get_flattened_data())
    assert sum(1 for p in blank if p < 128) == 0
