"""The materials each benchmark submission hands in, as a returning parent's would: four of the
five required ones as e-licenses linked to the draft (ID cards, household register, marriage
certificate — issued once with the licenses code to the parents the answers name, shared with
every resident by a grant for newborn-birth, so the submission re-checks each through the
grant), and the hospital's discharge record as a verified upload of its own (a material is
used once).

Written in bulk before the clock starts. The uploads are rows in the state the worker's check
leaves them (`verified`, size and SHA-256 recorded): the submission reads only the rows, and
the upload path itself (presigned POST, check) is not what this benchmark measures."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.core.settings import Settings

# material -> (license type, issuing department, whose: the mother or the father of the
# benchmark's answers; the submission checks the license is held by the person the form names)
STAND_INS: Final = {
    "mother-id-card": ("resident-id-card", "public-security", "mother"),
    "father-id-card": ("resident-id-card", "public-security", "father"),
    "household-register": ("household-register", "public-security", "father"),
    "marriage-certificate": ("marriage-certificate", "civil-affairs", "father"),
}
UPLOADED: Final = "discharge-record"
_PDF: Final = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def shared_licenses(
    session: AsyncSession, settings: Settings, owners: list[str], *, now: dt.datetime
) -> dict[str, uuid.UUID]:
    """The four licenses (material -> license id), held by the parents the answers name (the
    newborn samples' 王芳 and 李强) and granted to every resident in `owners` for
    newborn-birth."""
    from newborn_samples import FATHER_ID, MOTHER_ID
    from onething.identity.context import IdentityContext
    from onething.identity.services import new_user
    from onething.licenses.context import context_from_settings
    from onething.licenses.demo import DemoResident, id_card_face
    from onething.licenses.issuance import Holder, IssueRequest, issue
    from onething.licenses.models import LicenseGrant

    ctx = context_from_settings(settings)
    identity = IdentityContext.from_settings(settings)
    people = {
        "mother": DemoResident("13699990001", "王芳", MOTHER_ID, "01", "重庆市"),
        "father": DemoResident("13699990002", "李强", FATHER_ID, "01", "重庆市"),
    }
    users = {who: new_user(identity, phone=p.phone) for who, p in people.items()}
    session.add_all(users.values())
    await session.flush()
    issued: dict[str, tuple[uuid.UUID, uuid.UUID]] = {}  # material -> (license, holder)
    for material, (license_type, department, who) in STAND_INS.items():
        person, user = people[who], users[who]
        row = await issue(
            session,
            ctx,
            IssueRequest(
                license_type=ctx.catalog.license_types[license_type],
                department=ctx.catalog.departments[department],
                holder=Holder(
                    name=person.name, id_number=person.id_number, user_id=user.id, guardian_ids=[]
                ),
                face=id_card_face(person) if license_type == "resident-id-card" else {},
            ),
            now=now,
        )
        issued[material] = (row.id, user.id)
    session.add_all(
        LicenseGrant(
            id=uuid.uuid4(),
            license_id=license_id,
            grantor_id=holder_id,
            grantee_user_id=uuid.UUID(owner),
            purpose="newborn-birth",
            valid_from=now - dt.timedelta(minutes=1),
            valid_until=now + dt.timedelta(days=1),
            created_at=now,
        )
        for license_id, holder_id in issued.values()
        for owner in owners
    )
    await session.flush()
    return {material: license_id for material, (license_id, _) in issued.items()}


def draft_materials(
    draft_id: uuid.UUID,
    owner_id: uuid.UUID,
    licenses: dict[str, uuid.UUID],
    now: dt.datetime,
    *,
    upload_id: uuid.UUID,
) -> tuple[list[object], uuid.UUID]:
    """Rows for one draft: its four license links and a verified upload (and that upload's
    id, for the submission body). Insert them after the draft itself."""
    from onething.applications.models import Material
    from onething.licenses.models import DraftLicense

    upload = Material(
        id=upload_id,
        owner_id=owner_id,
        bundle="newborn-birth",
        material=UPLOADED,
        content_type="application/pdf",
        max_size=10240 * 1024,
        declared_sha256=hashlib.sha256(_PDF).hexdigest(),
        object_key=f"uploads/{uuid.uuid4()}",
        status="verified",
        size=len(_PDF),
        sha256=hashlib.sha256(_PDF).hexdigest(),
        created_at=now,
        upload_expires_at=now + dt.timedelta(minutes=10),
        checked_at=now,
    )
    links: list[object] = [
        DraftLicense(
            draft_id=draft_id,
            material=material,
            license_id=license_id,
            actor_sub=str(owner_id),
            client_id="onething-pwa",
            linked_at=now,
        )
        for material, license_id in licenses.items()
    ]
    return [*links, upload], upload.id
