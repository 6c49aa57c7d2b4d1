"""BOLA matrix: every object endpoint of the API (enumerated from the app's route table, so a
new one fails the coverage test until a case is written for it) refuses every caller but the
object's rightful ones — another resident, two agents (one holding a delegated token for the
owner but for another bundle), clerks of other departments, a third-party client, a mini-app
the owner consented to but launched nothing through, another department's system and an
administrator — and changes nothing when refused."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any, Final

import pytest
from application_helpers import People, Tokens, new_key, submission, submittable
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from upload_helpers import PDF, ticket_for

from onething.delivery.models import HallStaff, Parcel
from onething.delivery.states import ParcelState
from onething.identity.context import IdentityContext
from onething.identity.models import Consent, Delegation, OAuthClient, User
from onething.identity.services import new_user
from onething.notify.models import Message, PushSubscription
from onething.notify.services import notify

Client = AsyncTestClient[Litestar]
Key = tuple[str, str]

# Objects that belong to nobody: the public catalog. Listed so that the coverage test can
# tell them from an object endpoint someone forgot.
PUBLIC: Final[set[Key]] = {
    ("GET", "/api/v1/bundles/{bundle_id}"),
    ("POST", "/api/v1/bundles/{bundle_id}/form"),
    ("POST", "/api/v1/bundles/{bundle_id}/validate"),
    ("GET", "/api/v1/services/{service_id}"),
    ("GET", "/api/v1/regions/{code}"),
    # Public by design: a QR token proves itself (masked holder); status lists are published.
    ("GET", "/api/v1/licenses/verify/{token}"),
    ("GET", "/api/v1/licenses/status-lists/{department}/{purpose}"),
}
REFUSED: Final = {401, 403, 404}
HEALTH = "health-commission"
MINI_APP = "bola-mini-app"
SCOPES = "openid applications:read applications:write licenses:read"
VICTIM_HALL = "cq-yubei"
GRANTEE = "11010519491231002X"  # someone the victim shares a license with
# A browser's ECDH P-256 public key (uncompressed point, base64url) for the victim's push.
VICTIM_P256DH = (
    "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
)


@dataclass(frozen=True)
class Case:
    """One endpoint on the victim's object: the body to send, and who may rightfully call it
    (excluded from the attackers)."""

    json: Any = None
    headers: dict[str, str] | None = None
    rightful: frozenset[str] = frozenset()


RESIDENT_OBJECT = Case()
DEPARTMENT_TASK = frozenset({"clerk_of_task"})
DELEGATION = frozenset({"agent"})
CO_APPLICANT = frozenset({"co_applicant"})  # the other parent the request is addressed to
CO_APPLICANT_PHONE = "13100131005"
WALLET_READERS = frozenset({"mini_app_with_consent"})

CASES: Final[dict[Key, Case]] = {
    ("GET", "/api/v1/drafts/{draft_id}"): RESIDENT_OBJECT,
    ("PUT", "/api/v1/drafts/{draft_id}"): Case(json={"answers": {}}, headers={"If-Match": '"2"'}),
    ("GET", "/api/v1/drafts/{draft_id}/co-applicant"): RESIDENT_OBJECT,
    ("GET", "/api/v1/drafts/{draft_id}/materials"): RESIDENT_OBJECT,
    ("PUT", "/api/v1/drafts/{draft_id}/materials/{material}/license"): Case(
        json={"license_id": "{license_id}"}
    ),
    ("DELETE", "/api/v1/drafts/{draft_id}/materials/{material}/license"): RESIDENT_OBJECT,
    ("POST", "/api/v1/drafts/{draft_id}/co-applicant"): Case(json={"phone": CO_APPLICANT_PHONE}),
    # Only the other parent: not even the applicant confirms for them.
    ("GET", "/api/v1/co-applicant-requests/{request_id}"): Case(rightful=CO_APPLICANT),
    ("POST", "/api/v1/co-applicant-requests/{request_id}/confirm"): Case(rightful=CO_APPLICANT),
    ("POST", "/api/v1/co-applicant-requests/{request_id}/decline"): Case(
        json={"reason": "x"}, rightful=CO_APPLICANT
    ),
    ("GET", "/api/v1/applications/{application_id}"): RESIDENT_OBJECT,
    ("GET", "/api/v1/applications/{application_id}/timeline"): RESIDENT_OBJECT,
    ("POST", "/api/v1/applications/{application_id}/withdraw"): Case(json={"reason": "x"}),
    ("POST", "/api/v1/applications/{application_id}/cancel"): Case(json={"reason": "x"}),
    ("GET", "/api/v1/applications/{application_id}/delivery"): RESIDENT_OBJECT,
    ("PUT", "/api/v1/applications/{application_id}/delivery"): Case(
        json={"method": "collect", "hall": "cq-yubei"}
    ),
    ("POST", "/api/v1/applications/{application_id}/tasks/{task_id}/correction"): Case(
        json={"answers": {}}
    ),
    ("POST", "/api/v1/applications/{application_id}/tasks/{task_id}/material"): Case(
        json={"material": "{material_id}"}
    ),
    ("GET", "/api/v1/materials/{material_id}"): RESIDENT_OBJECT,
    ("POST", "/api/v1/materials/{material_id}/confirm"): RESIDENT_OBJECT,
    ("GET", "/api/v1/department/tasks/{task_id}"): Case(rightful=DEPARTMENT_TASK),
    ("POST", "/api/v1/department/tasks/{task_id}/accept"): Case(json={}, rightful=DEPARTMENT_TASK),
    ("POST", "/api/v1/department/tasks/{task_id}/accept-pending-material"): Case(
        json={"material": "mother-id-card", "deadline": "2099-01-01"}, rightful=DEPARTMENT_TASK
    ),
    ("POST", "/api/v1/department/tasks/{task_id}/approve"): Case(json={}, rightful=DEPARTMENT_TASK),
    ("POST", "/api/v1/department/tasks/{task_id}/refuse"): Case(
        json={"reason": "x"}, rightful=DEPARTMENT_TASK
    ),
    ("POST", "/api/v1/department/tasks/{task_id}/request-correction"): Case(
        json={"message": "x"}, rightful=DEPARTMENT_TASK
    ),
    ("POST", "/api/v1/department/tasks/{task_id}/resume"): Case(json={}, rightful=DEPARTMENT_TASK),
    ("POST", "/api/v1/department/tasks/{task_id}/start-review"): Case(
        json={}, rightful=DEPARTMENT_TASK
    ),
    ("POST", "/api/v1/delegations/{delegation_id}/confirm"): Case(
        json={"code": "000000"}, rightful=DELEGATION
    ),
    ("POST", "/api/v1/delegations/{delegation_id}/revoke"): Case(rightful=DELEGATION),
    ("DELETE", "/api/v1/me/consents/{client_id}"): RESIDENT_OBJECT,
    # `licenses:read` with the owner's consent is what lets a mini-app see the wallet.
    ("GET", "/api/v1/wallet/licenses/{license_id}"): Case(rightful=WALLET_READERS),
    ("GET", "/api/v1/wallet/licenses/{license_id}/credential"): Case(rightful=WALLET_READERS),
    ("POST", "/api/v1/wallet/licenses/{license_id}/copies"): Case(json={"reason": "办理业务"}),
    ("POST", "/api/v1/wallet/licenses/{license_id}/grants"): Case(
        json={
            "purpose": "newborn-birth",
            "valid_until": "{grant_until}",
            "grantee_id_number": "11010519491231002X",
        }
    ),
    ("POST", "/api/v1/wallet/grants/{grant_id}/revoke"): RESIDENT_OBJECT,
    ("POST", "/api/v1/wallet/licenses/{license_id}/uses"): Case(
        json={"application_id": "{application_id}", "material": "mother-id-card"}
    ),
    ("GET", "/api/v1/department/tasks/{task_id}/licenses"): Case(rightful=DEPARTMENT_TASK),
    ("POST", "/api/v1/department/licenses/{identifier}/status"): Case(
        json={"status": "revoked", "reason": "攻击测试"}, rightful=DEPARTMENT_TASK
    ),
    ("GET", "/api/v1/admin/departments/{department}/webhook"): Case(rightful=frozenset({"admin"})),
    ("PUT", "/api/v1/admin/departments/{department}/webhook"): Case(
        json={"url": "https://attacker.example/hook", "secret": "s" * 40},
        rightful=frozenset({"admin"}),
    ),
    ("POST", "/api/v1/admin/webhooks/dead-letters/{event_id}/replay"): Case(
        rightful=frozenset({"admin"})
    ),
    ("DELETE", "/api/v1/notifications/push-subscriptions/{subscription_id}"): RESIDENT_OBJECT,
    ("POST", "/api/v1/notifications/messages/{message_id}/read"): RESIDENT_OBJECT,
    ("GET", "/api/v1/admin/clients/{client_id}"): Case(rightful=frozenset({"admin"})),
    ("PUT", "/api/v1/admin/clients/{client_id}"): Case(
        json={
            "name": {"zh": "攻击者", "en": "Attacker"},
            "redirect_uris": ["https://attacker.example/cb"],
            "scopes": ["openid", "applications:read", "applications:write"],
            "jwks_uri": "https://attacker.example/jwks",
        },
        rightful=frozenset({"admin"}),
    ),
    ("POST", "/api/v1/admin/clients/{client_id}/refresh-keys"): Case(rightful=frozenset({"admin"})),
    ("POST", "/api/v1/admin/clients/{client_id}/disable"): Case(rightful=frozenset({"admin"})),
    # Only the staff of the hall where the victim's parcel waits (none of the callers; agent2
    # works at another hall) — and never the owner: handing over is the hall's act.
    ("GET", "/api/v1/service-halls/{hall}/pickups"): Case(),
    ("POST", "/api/v1/service-halls/{hall}/pickups/lookup"): Case(json={"pickup_code": "123456"}),
    ("POST", "/api/v1/service-halls/{hall}/pickups/{parcel_id}/hand-over"): Case(
        json={"pickup_code": "123456"}
    ),
}


def object_endpoints(app: Litestar) -> set[Key]:
    """(method, path) of every /api/v1 route with a path parameter, from the route table."""
    found: set[Key] = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "{" not in route.path:
            continue
        if not route.path.startswith("/api/v1/"):
            continue
        path = re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.path)
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method not in {"HEAD", "OPTIONS"}:
                    found.add((method, path))
    return found


def test_every_object_endpoint_has_a_bola_case(app: Litestar) -> None:
    endpoints = object_endpoints(app)
    assert endpoints, "no object endpoints found: the route table walk is broken"
    uncovered = endpoints - set(CASES) - PUBLIC
    assert not uncovered, f"object endpoints without a BOLA case in {__file__}: {uncovered}"
    stale = set(CASES) - endpoints
    assert not stale, f"BOLA cases for endpoints that no longer exist: {stale}"


@dataclass
class World:
    ids: dict[str, str]
    owner: dict[str, str]
    callers: dict[str, dict[str, str]]


async def _world(
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    ctx: IdentityContext,
) -> World:
    victim = people.resident
    agent2 = new_user(ctx, role="agent", phone="13100131002")
    admin = new_user(ctx, role="admin", phone="13100131003")
    grantee = new_user(ctx, phone="13100131004", id_number=GRANTEE)
    co_applicant = new_user(ctx, phone=CO_APPLICANT_PHONE)
    now = dt.datetime.now(dt.UTC)
    delegation_id = uuid.uuid4()
    async with sessionmaker() as session, session.begin():
        session.add_all([agent2, admin, grantee, co_applicant])
        session.add(
            OAuthClient(
                client_id=MINI_APP,
                name=MINI_APP,
                token_endpoint_auth_method="none",
                redirect_uris=["https://mini.example.test/cb"],
                grant_types=["authorization_code"],
                scope=SCOPES,
                first_party=False,
            )
        )
        await session.flush()
        # The victim allowed the mini-app; the agent holds a confirmed delegation.
        session.add(
            Consent(
                user_id=victim.id,
                client_id=MINI_APP,
                scopes=sorted(SCOPES.split()),
                granted_at=now,
                updated_at=now,
            )
        )
        session.add(
            Delegation(
                id=delegation_id,
                agent_id=people.agent.id,
                resident_id=victim.id,
                bundles=["newborn-birth"],
                valid_from=now,
                valid_until=now + dt.timedelta(days=7),
                created_at=now,
                evidence_kind="in_person",
                evidence={},
                confirmed_at=now,
            )
        )
    owner = await tokens.issue(str(victim.id), scope=SCOPES)
    draft = await api.post("/api/v1/drafts", json={"bundle": "newborn-birth"}, headers=owner)
    assert draft.status_code == 201, draft.text
    saved = await api.put(
        f"/api/v1/drafts/{draft.json()['id']}",
        json={"answers": submission()["answers"]},
        headers={**owner, "If-Match": draft.headers["etag"]},
    )
    assert saved.status_code == 200, saved.text
    asked = await api.post(
        f"/api/v1/drafts/{draft.json()['id']}/co-applicant",
        json={"phone": CO_APPLICANT_PHONE},
        headers=owner,
    )
    assert asked.status_code == 201, asked.text
    submitted = await api.post(
        "/api/v1/applications",
        json=await submittable(api, tokens, people, owner),
        headers={**owner, **new_key()},
    )
    assert submitted.status_code == 201, submitted.text
    await drain()
    application = (
        await api.get(f"/api/v1/applications/{submitted.json()['id']}", headers=owner)
    ).json()
    task = next(t for t in application["tasks"] if t["department"] == HEALTH)
    # A parcel of the victim's waits at a hall; agent2 staffs another hall's window.
    parcel_id = uuid.uuid4()
    async with sessionmaker() as session, session.begin():
        session.add(
            Parcel(
                id=parcel_id,
                application_id=uuid.UUID(application["id"]),
                number=1,
                state=ParcelState.AT_HALL.value,
                ship_on=now.date(),
                hall=VICTIM_HALL,
                orders=[],
                order_attempts=0,
                created_at=now,
                updated_at=now,
            )
        )
        session.add(HallStaff(user_id=agent2.id, hall="fz-gulou", created_at=now))
    material = await ticket_for(api, owner, PDF)
    # The hospital issues the birth medical certificate: a license in the victim's wallet
    # (as the child's guardian), which the victim then shares once.
    health = await tokens.issue(str(people.clerks[HEALTH].id))
    await approve(api, health, task["id"])
    await drain()
    [license_] = (await api.get("/api/v1/wallet/licenses", headers=owner)).json()
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=7)).isoformat()
    granted = await api.post(
        f"/api/v1/wallet/licenses/{license_['id']}/grants",
        json={"purpose": "newborn-birth", "valid_until": until, "grantee_id_number": GRANTEE},
        headers=owner,
    )
    assert granted.status_code == 201, granted.text
    # The victim's browser subscribed to Web Push, and an in-app message for them.
    subscribed = await api.post(
        "/api/v1/notifications/push-subscriptions",
        json={
            "endpoint": "https://push.example/victim-browser",
            "keys": {"p256dh": VICTIM_P256DH, "auth": "AAAAAAAAAAAAAAAAAAAAAA"},
        },
        headers=owner,
    )
    assert subscribed.status_code == 201, subscribed.text
    async with sessionmaker() as session, session.begin():
        message = await notify(
            session,
            people.resident.id,
            "parcel.delivered",
            {"parcel": 1, "tracking_number": ""},
            application_id=None,
            now=dt.datetime.now(dt.UTC),
        )
    ids = {
        "draft_id": draft.json()["id"],
        "application_id": application["id"],
        "task_id": task["id"],
        "material_id": material["id"],
        "material": "mother-id-card",
        "delegation_id": str(delegation_id),
        "client_id": MINI_APP,
        "department": HEALTH,
        "event_id": str(uuid.uuid4()),
        "license_id": license_["id"],
        "identifier": license_["identifier"],
        "grant_id": granted.json()["id"],
        "grant_until": until,
        "request_id": asked.json()["request"]["id"],
        "subscription_id": subscribed.json()["id"],
        "message_id": str(message.id),
        "hall": VICTIM_HALL,
        "parcel_id": str(parcel_id),
    }
    callers = {
        "other_resident": await tokens.issue(str(people.other_resident.id), scope=SCOPES),
        "agent": await tokens.issue(str(people.agent.id), scope=SCOPES),
        "agent2": await tokens.issue(str(agent2.id), scope=SCOPES),
        # A delegated token for the victim, but naming another bundle.
        "agent_other_bundle": await tokens.issue(
            str(victim.id),
            scope="applications:read applications:write bundle:school-enrolment",
            act={"sub": str(people.agent.id)},
        ),
        "clerk_of_task": await tokens.issue(str(people.clerks[HEALTH].id), scope=SCOPES),
        "clerk_elsewhere": await tokens.issue(
            str(people.clerks["public-security"].id), scope=SCOPES
        ),
        "third_party_for_other": await tokens.issue(
            str(people.other_resident.id), client_id=MINI_APP, scope=SCOPES
        ),
        # The owner consented to the mini-app, but launched nothing through it.
        "mini_app_with_consent": await tokens.issue(
            str(victim.id), client_id=MINI_APP, scope=SCOPES
        ),
        "other_department_system": await tokens.issue(
            "public-security-system",
            client_id="public-security-system",
            scope="applications:read applications:write licenses:read department:public-security",
        ),
        "admin": await tokens.issue(str(admin.id), scope=SCOPES + " admin"),
        "owner": owner,
        "co_applicant": await tokens.issue(str(co_applicant.id), scope=SCOPES),
    }
    return World(ids=ids, owner=owner, callers=callers)


async def approve(api: Client, auth: dict[str, str], task_id: str) -> None:
    for step in ("accept", "start-review", "approve"):
        url = f"/api/v1/department/tasks/{task_id}/{step}"
        answer = await api.post(url, json={}, headers=auth)
        assert answer.status_code == 200, answer.text


def _fill(template: Any, ids: dict[str, str]) -> Any:
    if isinstance(template, str):
        return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], template)
    if isinstance(template, dict):
        return {k: _fill(v, ids) for k, v in template.items()}
    return template


async def _snapshot(
    api: Client, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> Any:
    ids = world.ids
    draft = (await api.get(f"/api/v1/drafts/{ids['draft_id']}", headers=world.owner)).json()
    application = (
        await api.get(f"/api/v1/applications/{ids['application_id']}", headers=world.owner)
    ).json()
    material = (
        await api.get(f"/api/v1/materials/{ids['material_id']}", headers=world.owner)
    ).json()
    license_ = (
        await api.get(f"/api/v1/wallet/licenses/{ids['license_id']}", headers=world.owner)
    ).json()
    grants = (await api.get("/api/v1/wallet/grants", headers=world.owner)).json()
    co_applicant = (
        await api.get(f"/api/v1/drafts/{ids['draft_id']}/co-applicant", headers=world.owner)
    ).json()
    stand_ins = (
        await api.get(f"/api/v1/drafts/{ids['draft_id']}/materials", headers=world.owner)
    ).json()
    async with sessionmaker() as session:
        delegation = await session.get(Delegation, uuid.UUID(ids["delegation_id"]))
        consents = (await session.execute(select(Consent.client_id))).scalars().all()
        users = (await session.execute(select(User.id))).scalars().all()
        client = await session.get(OAuthClient, MINI_APP)
        messages = (await session.execute(select(Message.id, Message.read_at))).all()
        subscriptions = (await session.execute(select(PushSubscription.id))).scalars().all()
        parcels = (await session.execute(select(Parcel.id, Parcel.state))).all()
    assert delegation is not None
    return (
        draft["version"],
        [(t["id"], t["state"]) for t in application["tasks"]],
        material["status"],
        license_["item"]["status"],
        sorted((g["id"], g["active"]) for g in grants),
        (co_applicant["request"]["id"], co_applicant["request"]["status"]),
        [(m["material"], m["license"]) for m in stand_ins],
        delegation.revoked_at,
        sorted(consents),
        len(users),
        client and (client.scope, client.redirect_uris, client.jwks_uri, client.disabled_at),
        sorted(messages),
        sorted(subscriptions),
        sorted(parcels),
    )


@pytest.mark.parametrize("family", ["resident", "department", "delegation", "admin"])
async def test_no_caller_reaches_another_ones_object(
    family: str,
    api: Client,
    people: People,
    tokens: Tokens,
    drain: Any,
    sessionmaker: async_sessionmaker[AsyncSession],
    app: Litestar,
) -> None:
    world = await _world(api, people, tokens, drain, sessionmaker, app.state.identity)
    # Positive controls: the ids are right, so a refusal below is a refusal of the caller.
    for url in ("/api/v1/drafts/{draft_id}", "/api/v1/applications/{application_id}/timeline"):
        assert (await api.get(_fill(url, world.ids), headers=world.owner)).status_code == 200
    task_url = _fill("/api/v1/department/tasks/{task_id}", world.ids)
    clerk = world.callers["clerk_of_task"]
    assert (await api.get(task_url, headers=clerk)).status_code == 200
    request_url = _fill("/api/v1/co-applicant-requests/{request_id}", world.ids)
    assert (await api.get(request_url, headers=world.callers["co_applicant"])).status_code == 200

    before = await _snapshot(api, world, sessionmaker)
    tried = 0
    leaks: list[str] = []
    for (method, path), case in CASES.items():
        kind = (
            "department"
            if "/department/" in path
            else "delegation"
            if "/delegations/" in path
            else "admin"
            if "/admin/" in path
            else "resident"
        )
        if kind != family:
            continue
        url = _fill(path, world.ids)
        attackers = set(world.callers) - case.rightful - {"owner"}
        if kind in {"department", "admin"} or any(
            part in path for part in ("/co-applicant-requests/", "/pickups")
        ):
            # A resident is no department, no administrator, not the other parent, and no
            # hall's staff.
            attackers.add("owner")
        for name in sorted(attackers):
            headers = {**world.callers[name], **(case.headers or {})}
            answer = await api.request(
                method, url, json=_fill(case.json, world.ids), headers=headers
            )
            tried += 1
            if answer.status_code not in REFUSED:
                leaks.append(f"{name}: {method} {path} -> {answer.status_code} {answer.text[:120]}")
    assert tried > 0
    assert not leaks, "\n".join(leaks)
    assert await _snapshot(api, world, sessionmaker) == before
