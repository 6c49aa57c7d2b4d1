"""Shared by the launch and mini-app tests: a hospital mini-app registered as authoritative for
the birth facts, and the body of its prefilled launch."""

from __future__ import annotations

from typing import Any

from application_helpers import newborn_answers, submission
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from onething.identity.models import OAuthClient

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
    sessionmaker: async_sessionmaker[AsyncSession], asserts: list[str] | None = None
) -> None:
    """The mini-app as the registry stores it: third party, authoritative for birth facts."""
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
