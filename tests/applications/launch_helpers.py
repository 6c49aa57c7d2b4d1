"""Shared by the launch and mini-app tests: a hospital mini-app registered as authoritative for
the birth facts, and the body of its prefilled launch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from application_helpers import People, Tokens, new_key, newborn_answers, submission, submittable
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.client_registry import WEBHOOK_SECRET_CONTEXT
from onething.identity.client_webhooks import WEBHOOK_EVENT_TYPES
from onething.identity.crypto import FieldCipher
from onething.identity.models import Consent, OAuthClient, User

HOSPITAL = "city-maternity-hospital"
HOSPITAL_SCOPE = "openid applications:read applications:write"
BIRTH_FACTS = [
    "child.sex",
    "child.birth_time",
    "child.gestational_weeks",
    "child.birth_weight",
    "child.birth_length",
    "child.birth_facility",
]


async def register_hospital(
    sessionmaker: async_sessionmaker[AsyncSession],
    asserts: list[str] | None = None,
    *,
    webhook: tuple[str, str, FieldCipher] | None = None,
    webhook_events: list[str] | None = None,
) -> None:
    """The mini-app as the registry stores it: third party, authoritative for birth facts;
    `webhook`: its URL, secret (sealed as the registry seals it) and the cipher."""
    url, sealed = None, None
    if webhook is not None:
        url, secret, cipher = webhook
        sealed = cipher.encrypt(secret, context=f"{WEBHOOK_SECRET_CONTEXT}:{HOSPITAL}")
    async with sessionmaker() as session, session.begin():
        session.add(
            OAuthClient(
                client_id=HOSPITAL,
                name="市妇幼保健院",
                name_en="City Maternity Hospital",
                token_endpoint_auth_method="private_key_jwt",
                redirect_uris=["https://hospital.example/cb"],
                grant_types=["authorization_code"],
                scope=HOSPITAL_SCOPE,
                first_party=False,
                asserts=BIRTH_FACTS if asserts is None else asserts,
                webhook_url=url,
                webhook_secret_encrypted=sealed,
                webhook_events=(
                    list(WEBHOOK_EVENT_TYPES) if webhook_events is None else webhook_events
                ),
            )
        )


def birth_facts() -> dict[str, Any]:
    child = newborn_answers()["child"]
    return {element: child[element.partition(".")[2]] for element in BIRTH_FACTS}


def launch(facts: dict[str, Any]) -> dict[str, Any]:
    body = submission()
    return {
        "bundle": body["bundle"],
        "optional_services": body["optional_services"],
        "prefill": facts,
    }


async def consent_to_hospital(
    sessionmaker: async_sessionmaker[AsyncSession], user: User, scopes: str = HOSPITAL_SCOPE
) -> None:
    """The consent the provider's page stores when the resident allows the mini-app."""
    now = dt.datetime.now(dt.UTC)
    async with sessionmaker() as session, session.begin():
        session.add(
            Consent(
                user_id=user.id,
                client_id=HOSPITAL,
                scopes=sorted(scopes.split()),
                granted_at=now,
                updated_at=now,
            )
        )


async def launched_application(
    api: Any, tokens: Tokens, people: People, resident: User
) -> dict[str, Any]:
    """The hospital launches a draft for `resident`, who completes and submits it in the PWA;
    the submitted application."""
    hospital = await tokens.issue(str(resident.id), client_id=HOSPITAL, scope=HOSPITAL_SCOPE)
    created = await api.post("/api/v1/drafts", json=launch(birth_facts()), headers=hospital)
    assert created.status_code == 201, created.text
    own = await tokens.issue(str(resident.id))
    ready = await submittable(
        api, tokens, people, own, draft=(created.json()["id"], created.headers["etag"])
    )
    submitted = await api.post("/api/v1/applications", json=ready, headers={**own, **new_key()})
    assert submitted.status_code == 201, submitted.text
    return dict(submitted.json())
