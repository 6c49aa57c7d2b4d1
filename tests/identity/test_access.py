"""The object-authorisation rule, as a matrix: two residents, two agents, two clerks of
different departments, a client and an admin, against each other's objects."""

from __future__ import annotations

import uuid

import pytest

from onething.identity.access import Caller, Resource, can_access
from onething.identity.tokens import Principal

ALICE, BOB = uuid.uuid4(), uuid.uuid4()
AGENT_1, AGENT_2 = uuid.uuid4(), uuid.uuid4()
CLERK_HEALTH, CLERK_POLICE = uuid.uuid4(), uuid.uuid4()
ADMIN = uuid.uuid4()

ALICE_BIRTH = Resource(owner_id=ALICE, bundle="newborn-birth", department_code="health")
ALICE_RETIREMENT = Resource(owner_id=ALICE, bundle="retirement", department_code="hrss")
BOB_BIRTH = Resource(owner_id=BOB, bundle="newborn-birth", department_code="police")


def principal(
    sub: str,
    scopes: str = "applications:read applications:write",
    act: dict[str, str] | None = None,
) -> Principal:
    return Principal(sub=sub, client_id="pwa", scopes=frozenset(scopes.split()), jti="j", act=act)


def caller(
    user: uuid.UUID,
    role: str,
    department: str | None = None,
    *,
    scopes: str = "applications:read applications:write",
    act: dict[str, str] | None = None,
) -> Caller:
    return Caller(principal(str(user), scopes, act), user, role, department)


CALLERS = {
    "alice": caller(ALICE, "resident"),
    "bob": caller(BOB, "resident"),
    "agent_1_for_alice_birth": caller(
        ALICE,
        "resident",
        scopes="applications:read applications:write bundle:newborn-birth",
        act={"sub": str(AGENT_1)},
    ),
    "agent_2_own_token": caller(AGENT_2, "agent"),
    "clerk_health": caller(CLERK_HEALTH, "clerk", "health"),
    "clerk_police": caller(CLERK_POLICE, "clerk", "police"),
    "admin": caller(ADMIN, "admin"),
    "client": Caller(principal("dept-system"), None, None, None),
    "alice_without_scope": caller(ALICE, "resident", scopes="openid"),
}

EXPECTED = {
    ("alice", "alice_birth"), ("alice", "alice_retirement"),
    ("bob", "bob_birth"),
    ("agent_1_for_alice_birth", "alice_birth"),
    ("clerk_health", "alice_birth"),
    ("clerk_police", "bob_birth"),
}  # fmt: skip

RESOURCES = {
    "alice_birth": ALICE_BIRTH,
    "alice_retirement": ALICE_RETIREMENT,
    "bob_birth": BOB_BIRTH,
}


@pytest.mark.parametrize("who", sorted(CALLERS))
@pytest.mark.parametrize("what", sorted(RESOURCES))
def test_access_is_granted_exactly_by_the_matrix(who: str, what: str) -> None:
    allowed = can_access(CALLERS[who], RESOURCES[what], scope="applications:read")
    assert allowed == ((who, what) in EXPECTED)
