"""The wallet (acceptance): the holder's and their children's licenses, the detail, and the
annotated copy (加注件) — different from the original, carrying the reason and expiry, behind a
URL that expires — while the original is never downloadable."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from typing import Any

import httpx
import pypdfium2 as pdfium
from application_helpers import People, Tokens
from license_helpers import Client, newborn_with_licenses

from onething.core.jobs import periodic_jobs
from onething.core.settings import Settings
from onething.licenses.context import LicensesContext
from onething.licenses.jobs import PURGE_COPIES
from onething.licenses.signing import sha256_hex
from onething.licenses.wallet import purge_copies


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return str(document[0].get_textpage().get_text_range())
    finally:
        document.close()


async def test_parents_see_their_childs_licenses_and_strangers_see_none(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    for parent in (newborn.mother, newborn.father):
        listed = await api.get("/api/v1/wallet/licenses", headers=parent)
        assert listed.status_code == 200, listed.text
        items = {i["license_type"]: i for i in listed.json()}
        assert set(items) == {"birth-medical-certificate", "household-register"}
        assert {i["relation"] for i in items.values()} == {"guardian"}
        assert {i["holder_name"] for i in items.values()} == {newborn.child_name}

    agent = await tokens.issue(str(people.agent.id), scope="openid licenses:read")
    assert (await api.get("/api/v1/wallet/licenses", headers=agent)).status_code == 404
    no_scope = await tokens.issue(
        str(people.resident.id), scope="openid applications:read applications:write"
    )
    assert (await api.get("/api/v1/wallet/licenses", headers=no_scope)).status_code == 404

    item = next(
        i
        for i in (await api.get("/api/v1/wallet/licenses", headers=newborn.mother)).json()
        if i["license_type"] == "household-register"
    )
    detail = await api.get(f"/api/v1/wallet/licenses/{item['id']}", headers=newborn.mother)
    assert detail.status_code == 200
    body = detail.json()
    assert {"field": "id_number", "label": "公民身份号码", "value": newborn.child_id} in body[
        "face"
    ]
    assert body["verify_url"].endswith(body["qr_token"])
    assert "object_key" not in detail.text
    assert "originals/" not in detail.text
    # The clerk of the issuing department is no holder: the wallet does not open for them.
    clerk = await tokens.issue(
        str(people.clerks["public-security"].id), scope="openid licenses:read"
    )
    other = await api.get(f"/api/v1/wallet/licenses/{item['id']}", headers=clerk)
    assert other.status_code == 404


async def test_an_annotated_copy_differs_carries_reason_and_expiry_and_its_url_expires(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    licenses_ctx: LicensesContext,
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    item = next(
        i
        for i in (await api.get("/api/v1/wallet/licenses", headers=newborn.mother)).json()
        if i["license_type"] == "birth-medical-certificate"
    )
    url = f"/api/v1/wallet/licenses/{item['id']}/copies"

    missing = await api.post(url, json={}, headers=newborn.mother)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"

    made = await api.post(
        url, json={"reason": "办理入学报名", "valid_days": 7}, headers=newborn.mother
    )
    assert made.status_code == 201, made.text
    copy = made.json()
    expires_at = dt.datetime.fromisoformat(copy["url_expires_at"])
    assert expires_at - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=5)
    assert "X-Amz-Expires=300" in copy["url"]

    async with httpx.AsyncClient() as http:
        downloaded = await http.get(copy["url"])
    assert downloaded.status_code == 200
    pdf = downloaded.content
    assert sha256_hex(pdf) == copy["sha256"]
    detail = (await api.get(f"/api/v1/wallet/licenses/{item['id']}", headers=newborn.mother)).json()
    assert copy["sha256"] != detail["sha256"]  # not the original
    text = _text(pdf)
    assert "加注件" in text
    assert "办理入学报名" in text
    expiry = dt.date.fromisoformat(copy["copy_expires_on"])
    assert f"{expiry.year}年{expiry.month:02d}月{expiry.day:02d}日" in text
    assert newborn.child_name in text

    # The URL dies: the same signature a few minutes later is refused by S3 itself.
    short = await licenses_ctx.storage.presigned_get(
        licenses_ctx.bucket,
        copy["url"].split("?")[0].split(licenses_ctx.bucket + "/")[1],
        expires_in=1,
    )
    await asyncio.sleep(2.5)
    async with httpx.AsyncClient() as http:
        late = await http.get(short)
    assert late.status_code == 403
    # A URL to the original is never handed out; an unsigned request for one is refused.
    async with httpx.AsyncClient() as http:
        public = await http.get(copy["url"].split("?")[0])
    assert public.status_code == 403

    # Copies are purged once their URL is long dead; the originals are never touched. (The
    # bucket is the whole session's: other tests' copies, all made minutes ago, may be there.)
    copy_key = copy["url"].split("?")[0].split(licenses_ctx.bucket + "/")[1]
    now = dt.datetime.now(dt.UTC)
    hour = dt.timedelta(hours=1)
    assert await purge_copies(licenses_ctx, retention=hour, now=now) == 0  # too young
    # A retention shorter than the URL's life is lengthened to it: a live link keeps working.
    assert await purge_copies(licenses_ctx, retention=dt.timedelta(0), now=now) == 0
    assert copy_key in await _keys(licenses_ctx, "copies/")
    originals = await _keys(licenses_ctx, "originals/")
    assert len(originals) >= 2
    assert await purge_copies(licenses_ctx, retention=hour, now=now + 2 * hour) >= 1
    assert await _keys(licenses_ctx, "copies/") == []
    assert await _keys(licenses_ctx, "originals/") == originals
    async with httpx.AsyncClient() as http:
        gone = await http.get(copy["url"])
    assert gone.status_code == 404


async def _keys(ctx: LicensesContext, prefix: str) -> list[str]:
    """Every object version under `prefix` (a hidden version would still be data kept)."""
    listed = await asyncio.to_thread(
        ctx.storage.client.list_object_versions, Bucket=ctx.bucket, Prefix=prefix
    )
    return sorted(
        item["Key"] for item in [*listed.get("Versions", []), *listed.get("DeleteMarkers", [])]
    )


async def test_a_revoked_license_gives_no_copy(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    item = next(
        i
        for i in (await api.get("/api/v1/wallet/licenses", headers=newborn.father)).json()
        if i["license_type"] == "household-register"
    )
    police = await tokens.issue(str(people.clerks["public-security"].id))
    revoked = await api.post(
        f"/api/v1/department/licenses/{item['identifier']}/status",
        json={"status": "cancelled", "reason": "户口迁出"},
        headers=police,
    )
    assert revoked.status_code == 200
    refused = await api.post(
        f"/api/v1/wallet/licenses/{item['id']}/copies",
        json={"reason": "银行开户"},
        headers=newborn.father,
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_copies_are_purged_on_the_workers_schedule_unless_it_is_empty(settings: Settings) -> None:
    assert periodic_jobs(settings)[PURGE_COPIES] == "41 * * * *"
    off = replace(settings, licenses=replace(settings.licenses, copy_purge_schedule=""))
    assert PURGE_COPIES not in periodic_jobs(off)
