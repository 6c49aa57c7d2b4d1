"""Demo licenses for `make run`: the newborn journey's parents get their ID card, household
register and marriage certificate e-licenses (the mother also her social security card), and
the father shares his with the mother for newborn-birth, so prefill and "use my e-license
instead" can be tried at once.
Also the standalone issuance used for licenses not produced inside a bundle."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select

from onething.catalog.codes import make_id_number, parse_id_number
from onething.identity.models import User
from onething.identity.services import new_user, phone_index
from onething.licenses.issuance import Holder, IssueRequest, issue
from onething.licenses.models import License, LicenseGrant

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext
    from onething.licenses.context import LicensesContext


@dataclass(frozen=True)
class DemoResident:
    phone: str
    name: str
    id_number: str
    ethnicity: str  # GB/T 3304 code
    address: str


# The same family as the newborn samples: 王芳 (mother) applies, 李强 (father) heads the household.
MOTHER: Final = DemoResident(
    phone="13812345678",
    name="王芳",
    id_number=make_id_number("500105", dt.date(1993, 4, 12), 124),
    ethnicity="01",
    address="重庆市江北区观音桥街道建新北路1号3栋2单元501",
)
FATHER: Final = DemoResident(
    phone="13912345678",
    name="李强",
    id_number=make_id_number("500112", dt.date(1991, 11, 3), 131),
    ethnicity="01",
    address="重庆市渝北区龙溪街道金紫山路88号",
)
HOUSEHOLD_REGION: Final = "500112"
MOTHER_SSCARD_ACCOUNT: Final = "6212263100001234561"  # Luhn-valid, ICBC's prefix
MARRIAGE: Final = {"registration_date": "2021-10-01", "certificate_number": "J500105-2021-004321"}


def id_card_face(person: DemoResident) -> dict[str, tuple[str, Any]]:
    info = parse_id_number(person.id_number)
    return {
        "name": ("applicant.name", person.name),
        "sex": ("", "男" if info.sex == "male" else "女"),
        "ethnicity": ("mother.ethnicity", person.ethnicity),
        "birth_date": ("", info.birth_date.isoformat()),
        "address": ("", person.address),
        "id_number": ("applicant.id_number", person.id_number),
    }


async def _user(session: AsyncSession, identity: IdentityContext, person: DemoResident) -> User:
    found = (
        await session.execute(
            select(User).where(User.phone_index == phone_index(identity, person.phone))
        )
    ).scalar_one_or_none()
    if found is None:
        found = new_user(identity, phone=person.phone, name=person.name, id_number=person.id_number)
        session.add(found)
        await session.flush()
    return found


async def _has(session: AsyncSession, user: User, license_type: str) -> bool:
    return (
        await session.execute(
            select(License.id).where(
                License.holder_user_id == user.id, License.license_type == license_type
            )
        )
    ).first() is not None


async def seed_demo_licenses(
    session: AsyncSession, identity: IdentityContext, ctx: LicensesContext, *, now: dt.datetime
) -> list[str]:
    """Idempotent: each demo parent gets each license once. Returns what was issued."""
    catalog = ctx.catalog
    mother = await _user(session, identity, MOTHER)
    father = await _user(session, identity, FATHER)
    done = []
    plans: list[tuple[User, DemoResident, str, str, dict[str, tuple[str, Any]]]] = []
    for user, person in ((mother, MOTHER), (father, FATHER)):
        plans.append((user, person, "resident-id-card", "public-security", id_card_face(person)))
        spouse = FATHER if person is MOTHER else MOTHER
        plans.append(
            (
                user,
                person,
                "marriage-certificate",
                "civil-affairs",
                {
                    "certificate_number": (
                        "marriage.certificate_number",
                        MARRIAGE["certificate_number"],
                    ),
                    "registration_date": (
                        "marriage.registration_date",
                        MARRIAGE["registration_date"],
                    ),
                    "holder_name": ("", person.name),
                    "holder_id_number": ("", person.id_number),
                    "spouse_name": ("", spouse.name),
                    "spouse_id_number": ("", spouse.id_number),
                },
            )
        )
    # Her own social security card (she is insured as an employee): its bank account is where
    # maternity benefits are paid unless she names another card.
    plans.append(
        (
            mother,
            MOTHER,
            "social-security-card",
            "hrss",
            {
                "card_number": ("", "CQ5001051"),
                "name": ("", MOTHER.name),
                "id_number": ("", MOTHER.id_number),
                "bank": ("", "icbc"),
                "bank_card_number": ("", MOTHER_SSCARD_ACCOUNT),
                "issue_date": ("", "2019-06-18"),
            },
        )
    )
    plans.append(
        (
            father,
            FATHER,
            "household-register",
            "public-security",
            {
                "household_head": ("household.head_name", FATHER.name),
                "head_id_number": ("household.head_id_number", FATHER.id_number),
                "household_type": ("", "家庭户"),
                "address": ("household.address", FATHER.address),
                "region_code": ("household.region", HOUSEHOLD_REGION),
                "name": ("", FATHER.name),
                "relation_to_head": ("", "户主"),
                "id_number": ("", FATHER.id_number),
                "native_place": ("", HOUSEHOLD_REGION),  # 籍贯: his county
            },
        )
    )
    for user, person, type_id, department, face in plans:
        if await _has(session, user, type_id):
            continue
        await issue(
            session,
            ctx,
            IssueRequest(
                license_type=catalog.license_types[type_id],
                department=catalog.departments[department],
                holder=Holder(
                    name=person.name, id_number=person.id_number, user_id=user.id, guardian_ids=[]
                ),
                face=face,
            ),
            now=now,
        )
        done.append(f"{type_id} for {person.name[0]}*")
    return done


async def seed_demo_grants(
    session: AsyncSession, identity: IdentityContext, *, now: dt.datetime
) -> list[str]:
    """The father shares his ID card and household register with the mother for
    newborn-birth (as Fujian's app lets him), so she can apply alone with e-licenses in place
    of every paper copy but the hospital's discharge record. Idempotent: a grant is made when
    none is active, valid for the longest period a grant may have."""
    from onething.licenses.grants import MAX_GRANT, active_grant_for

    mother = await _user(session, identity, MOTHER)
    father = await _user(session, identity, FATHER)
    shared = (
        await session.execute(
            select(License).where(
                License.holder_user_id == father.id,
                License.license_type.in_(["resident-id-card", "household-register"]),
            )
        )
    ).scalars()
    done = []
    for row in shared:
        purpose = "newborn-birth"
        if await active_grant_for(session, row.id, user_id=mother.id, purpose=purpose, now=now):
            continue
        session.add(
            LicenseGrant(
                id=uuid.uuid4(),
                license_id=row.id,
                grantor_id=father.id,
                grantee_user_id=mother.id,
                purpose=purpose,
                valid_from=now,
                valid_until=now + MAX_GRANT - dt.timedelta(minutes=1),
                created_at=now,
            )
        )
        done.append(f"{row.license_type} of {FATHER.name[0]}* shared with {MOTHER.name[0]}*")
    return done
