"""Verification (acceptance): a QR token verifies offline with nothing but the published JWKS
document; the public endpoint and page show validity, status, issuer and minimal facts and
record each check; a revocation by the issuing department shows on the very next request, in
the verification and in the department's Bitstring Status List."""

from __future__ import annotations

import json
from typing import Any

from application_helpers import People, Tokens
from joserfc import jws
from joserfc.jwk import KeySet
from license_helpers import Client, newborn_with_licenses
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.licenses.models import License, LicenseEvent
from onething.licenses.signing import verify_data_integrity_proof
from onething.licenses.statuslist import bit_is_set


async def _license(sessionmaker: async_sessionmaker[AsyncSession], license_type: str) -> License:
    async with sessionmaker() as session:
        return (
            await session.execute(select(License).where(License.license_type == license_type))
        ).scalar_one()


async def test_a_qr_token_verifies_offline_with_only_the_jwks_document(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    token = (await _license(sessionmaker, "household-register")).qr_token
    # What an offline verifier has: the JWKS document, fetched once, as plain JSON.
    document = json.loads((await api.get("/api/v1/licenses/keys")).text)
    keys = KeySet.import_key_set(
        {"keys": [{k: v for k, v in key.items() if k != "iss"} for key in document["keys"]]}
    )
    verified = jws.deserialize_compact(token, keys, algorithms=["EdDSA"])
    claims = json.loads(verified.payload)
    kid = verified.headers()["kid"]
    assert kid.startswith(claims["iss"] + ":")  # the key is the issuer's own
    assert next(k for k in document["keys"] if k["kid"] == kid)["iss"] == claims["iss"]
    assert claims["name"] == "居民户口簿"
    assert claims["hn"] == newborn.child_name[0] + "**"
    assert newborn.child_id not in token  # no ID number in the QR

    header, payload, signature = token.split(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    try:
        jws.deserialize_compact(f"{header}.{forged}.{signature}", keys, algorithms=["EdDSA"])
    except Exception:
        forged_ok = False
    else:
        forged_ok = True
    assert not forged_ok


async def test_revocation_shows_on_the_next_verification_and_in_the_status_list(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    row = await _license(sessionmaker, "birth-medical-certificate")
    url = f"/api/v1/licenses/verify/{row.qr_token}"

    first = await api.get(url)
    assert first.status_code == 200, first.text
    result = first.json()
    assert result["valid"] is True
    assert result["status"] == "valid"
    assert result["status_label"] == {"zh": "有效", "en": "Valid"}
    assert result["issuer"]["code"] == "11500105MB17015110"
    assert result["holder"] == newborn.child_name[0] + "**"
    assert newborn.child_name not in first.text
    assert first.headers["cache-control"] == "no-store"

    health = await tokens.issue(str(people.clerks["health-commission"].id))
    status_url = f"/api/v1/department/licenses/{row.identifier}/status"
    changed = await api.post(
        status_url, json={"status": "revoked", "reason": "签发信息有误"}, headers=health
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["status_list"].endswith("/health-commission/revocation")

    second = (await api.get(url)).json()
    assert second["valid"] is False
    assert second["status"] == "revoked"
    assert second["status_label"]["zh"] == "吊销"

    page = await api.get(f"/verify/{row.qr_token}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    assert "证照吊销" in page.text
    assert "11500105MB17015110" in page.text
    # No inline style (the CSP's `style-src 'self'` refuses it): one stylesheet of our own.
    assert "<style" not in page.text
    assert '<link rel="stylesheet" href="/verify/page.css">' in page.text
    csp = page.headers["content-security-policy"]
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    sheet = await api.get("/verify/page.css")
    assert sheet.status_code == 200
    assert sheet.headers["content-type"].startswith("text/css")
    assert "font-size:18px" in sheet.text

    listed = await api.get("/api/v1/licenses/status-lists/health-commission/revocation")
    assert listed.status_code == 200
    credential = listed.json()
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = credential["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    assert bit_is_set(subject["encodedList"], row.status_index)
    assert not bit_is_set(subject["encodedList"], row.status_index + 1)
    assert verify_data_integrity_proof(credential)
    suspension = await api.get("/api/v1/licenses/status-lists/health-commission/suspension")
    assert not bit_is_set(suspension.json()["credentialSubject"]["encodedList"], row.status_index)

    async with sessionmaker() as session:
        checks = (
            await session.execute(
                select(func.count())
                .select_from(LicenseEvent)
                .where(LicenseEvent.license_id == row.id, LicenseEvent.kind == "verified")
            )
        ).scalar_one()
    assert checks == 3  # two API checks and the page


async def test_only_the_issuing_department_changes_a_status_and_only_allowed_ones(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    newborn = await newborn_with_licenses(api, people, tokens, drain)
    row = await _license(sessionmaker, "birth-medical-certificate")
    status_url = f"/api/v1/department/licenses/{row.identifier}/status"
    police = await tokens.issue(str(people.clerks["public-security"].id))
    health = await tokens.issue(str(people.clerks["health-commission"].id))
    body = {"status": "suspended", "reason": "核查中"}

    assert (await api.post(status_url, json=body, headers=police)).status_code == 404
    assert (await api.post(status_url, json=body, headers=newborn.mother)).status_code == 403
    bad = await api.post(status_url, json={"status": "lost", "reason": "x"}, headers=health)
    assert bad.status_code == 400 or bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")

    assert (await api.post(status_url, json=body, headers=health)).status_code == 200
    lifted = await api.post(
        status_url, json={"status": "valid", "reason": "核查完毕"}, headers=health
    )
    assert lifted.status_code == 200
    annulled = await api.post(
        status_url, json={"status": "annulled", "reason": "重复签发"}, headers=health
    )
    assert annulled.status_code == 200
    again = await api.post(
        status_url,
        json={"status": "valid", "reason": "恢复"},
        headers={**health, "Accept-Language": "en"},
    )
    assert again.status_code == 409
    assert "annulled" in again.json()["detail"]


async def test_a_forged_token_is_refused_with_a_problem(api: Client, clean_db: None) -> None:
    del clean_db
    answer = await api.get(
        "/api/v1/licenses/verify/eyJhbGciOiJFZERTQSJ9.eyJsaWQiOiJ4In0.c2ln",
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["type"] == "/problems/validation-error"
    assert problem["errors"][0]["code"] == "license_token.invalid"
    assert problem["errors"][0]["message_zh"].startswith("二维码无效")
    page = await api.get(
        "/verify/eyJhbGciOiJFZERTQSJ9.eyJsaWQiOiJ4In0.c2ln", headers={"Accept": "text/html"}
    )
    assert page.status_code == 422
    assert "无法核验" in page.text
