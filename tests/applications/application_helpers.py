"""Shared by the applications tests: the people, token signing, and the newborn-birth submission
body. A uniquely named module (not conftest) so test directories can be collected together."""

from __future__ import annotations

import datetime as dt
import secrets
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from newborn_samples import newborn_answers as sample_answers
from onething.catalog.codes import china_today
from onething.core.settings import Settings, WebhookSettings, WorkerSettings
from onething.identity.context import IdentityContext
from onething.identity.keys import load_keyring
from onething.identity.models import AccessToken, User
from onething.identity.tokens import sign_access_token

PWA = "onething-pwa"
RESIDENT_PHONE = "13812345678"
AGENT_NAME = "赵敏"  # the service-hall agent (people.agent), named on the timeline
OTHER_PHONE = "13912345678"  # people.other_resident: the other parent when one must confirm
DEPARTMENT_SYSTEM = "public-security-system"
DEPARTMENTS = ("health-commission", "cdc", "public-security", "healthcare-security", "hrss", "tax")


@dataclass
class People:
    resident: User
    other_resident: User
    agent: User
    clerks: dict[str, User]


class Tokens:
    """Signs access tokens exactly as the provider would, and records them (not revoked)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], ctx: IdentityContext):
        self.sessionmaker = sessionmaker
        self.ctx = ctx

    async def issue(
        self,
        sub: str,
        *,
        scope: str = "openid applications:read applications:write",
        client_id: str = PWA,
        act: dict[str, str] | None = None,
    ) -> dict[str, str]:
        now = int(time.time())
        jti = secrets.token_urlsafe(12)
        claims: dict[str, Any] = {
            "iss": self.ctx.issuer,
            "sub": sub,
            "aud": self.ctx.api_audience,
            "client_id": client_id,
            "scope": scope,
            "iat": now,
            "exp": now + 600,
            "jti": jti,
        }
        if act is not None:
            claims["act"] = act
        async with self.sessionmaker() as session:
            # The first call creates and commits a signing key itself.
            ring = await load_keyring(session, self.ctx, now=dt.datetime.now(dt.UTC))
            session.add(
                AccessToken(
                    jti=jti,
                    client_id=client_id,
                    subject=sub,
                    act_sub=act["sub"] if act else None,
                    scope=scope,
                    created_at=dt.datetime.now(dt.UTC),
                    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10),
                )
            )
            await session.commit()
        return {"Authorization": f"Bearer {sign_access_token(ring, claims)}"}


def newborn_answers() -> dict[str, dict[str, Any]]:
    """A valid answer set for newborn-birth (with childcare-subsidy), the baby born 5 days ago."""
    answers = sample_answers()
    born = china_today() - dt.timedelta(days=5)
    answers["child"]["birth_time"] = f"{born.isoformat()}T08:30:00+08:00"
    answers["insurance"]["premium_year"] = born.year
    return answers


def submission(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "bundle": "newborn-birth",
        "optional_services": ["childcare-subsidy"],
        "answers": newborn_answers(),
    }
    body.update(changes)
    return body


async def hand_in_required(
    api: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    auth: dict[str, str],
    body: dict[str, Any],
    draft: str,
    stand_ins: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Every required material the form asks for, as the PWA hands them in: the licenses in
    `stand_ins` (material -> license id) linked to the draft in place of an upload, a
    verified upload for each other one neither already in `body["materials"]` nor stood in
    for by a license linked to the draft before."""
    from upload_helpers import verified_upload

    from onething.applications.material_rules import asked_materials
    from onething.applications.models import Material
    from onething.applications.services import merged_form

    for material, license_id in (stand_ins or {}).items():
        linked = await api.put(
            f"/api/v1/drafts/{draft}/materials/{material}/license",
            json={"license_id": license_id},
            headers=auth,
        )
        assert linked.status_code == 200, linked.text
    state = api.app.state
    form = merged_form(
        state.catalog,
        body["bundle"],
        body.get("situation_answers", {}),
        body.get("optional_services", []),
    )
    given = [str(m) for m in body.get("materials", [])]
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Material.material).where(Material.id.in_([uuid.UUID(m) for m in given]))
        )
        covered = set(rows.scalars())
    listed = await api.get(f"/api/v1/drafts/{draft}/materials", headers=auth)
    assert listed.status_code == 200, listed.text
    covered |= {m["material"] for m in listed.json() if m["license"] is not None}
    uploads = [
        await verified_upload(api, sessionmaker, auth, m.material, bundle=body["bundle"])
        for m in asked_materials(form, body["answers"])
        if m.required and m.material not in covered
    ]
    return {**body, "materials": given + uploads}


async def submittable(
    api: Any,
    tokens: Tokens,
    people: People,
    auth: dict[str, str],
    body: dict[str, Any] | None = None,
    *,
    partner: tuple[User, str] | None = None,
    draft: tuple[str, str] | None = None,
    stand_ins: dict[str, str] | None = None,
    materials: bool = True,
) -> dict[str, Any]:
    """`body` (default `submission()`) made ready to submit through the real API, as the PWA
    does it: saved in a draft, its required materials handed in (`hand_in_required`; not
    with `materials=False`), the other parent (`partner`: user and phone, by default
    `people.other_resident`) asked by phone and confirming with their own token; returns the
    body naming the draft."""
    other_parent, other_phone = partner or (people.other_resident, OTHER_PHONE)
    body = body if body is not None else submission()
    shape = {
        "situation_answers": body.get("situation_answers", {}),
        "optional_services": body.get("optional_services", []),
    }
    if draft is None:
        created = await api.post(
            "/api/v1/drafts", json={"bundle": body["bundle"], **shape}, headers=auth
        )
        assert created.status_code == 201, created.text
        draft = (created.json()["id"], created.headers["etag"])
    draft_id, version = draft
    saved = await api.put(
        f"/api/v1/drafts/{draft_id}",
        json={"answers": body["answers"], **shape},
        headers={**auth, "If-Match": version},
    )
    assert saved.status_code == 200, saved.text
    if materials:
        body = await hand_in_required(api, tokens.sessionmaker, auth, body, draft_id, stand_ins)
    asked = await api.post(
        f"/api/v1/drafts/{draft_id}/co-applicant", json={"phone": other_phone}, headers=auth
    )
    if asked.status_code == 422 and asked.json()["errors"][0]["code"] == "co_applicant.not_needed":
        return {**body, "draft_id": draft_id}
    assert asked.status_code == 201, asked.text
    other = await tokens.issue(str(other_parent.id))
    request = asked.json()["request"]["id"]
    confirmed = await api.post(f"/api/v1/co-applicant-requests/{request}/confirm", headers=other)
    assert confirmed.status_code == 200, confirmed.text
    return {**body, "draft_id": draft_id}


def new_key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def fast_webhooks(settings: Settings, *, max_attempts: int = 3) -> Settings:
    """Worker settings for webhook tests: short backoff, few attempts, quick polling."""
    return replace(
        settings,
        worker=WorkerSettings(max_attempts=1, poll_interval_seconds=0.1),
        webhooks=WebhookSettings(
            max_attempts=max_attempts,
            initial_backoff_seconds=0.2,
            max_backoff_seconds=1.0,
            timeout_seconds=2.0,
        ),
    )
