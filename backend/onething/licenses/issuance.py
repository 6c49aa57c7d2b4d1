"""Issuance: when a department has approved a task whose service produces a license, the
platform builds the license (GB/T 36904 identifier, GB/T 36903 metadata, holder and guardians),
renders and stores the PDF, signs it with the department's key, records it, and moves the task
to `issued`. Run by a worker job; idempotent (one license per task)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import anyio.to_thread
from sqlalchemy import func, select, text

from onething.applications.calendar import china_date
from onething.applications.catalogs import catalog_for
from onething.applications.client_events import task_changed
from onething.applications.decisions import OUTPUT_TABLE
from onething.applications.models import Application, Task
from onething.applications.sealing import seal, unseal
from onething.applications.services import ANSWERS_TABLE
from onething.applications.states import Actor, TaskEvent, TaskState, transition
from onething.applications.timeline import record
from onething.identity.crypto import normalise_id_number
from onething.identity.models import User
from onething.identity.services import ID_NUMBER_PURPOSE
from onething.licenses import face as faces
from onething.licenses.identifiers import make_license_identifier
from onething.licenses.keyring import issuer_key
from onething.licenses.models import License, LicenseEvent, LicenseStatus
from onething.licenses.rendering import Certificate, render_certificate
from onething.licenses.signing import sha256_hex, sign_detached, sign_qr_token
from onething.notify.services import notify

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.catalog.model import Catalog, Department, LicenseType
    from onething.identity.crypto import FieldCipher
    from onething.licenses.context import LicensesContext

FACE_TABLE: Final = "licenses.face"
METADATA_TABLE: Final = "licenses.metadata"
HOLDER_TABLE: Final = "licenses.holder"
CITIZEN_ID: Final = "111"  # GB/T 36903 holder code type: 公民身份号码
FIRST_VERSION: Final = 1


@dataclass(frozen=True)
class Holder:
    name: str
    id_number: str | None
    user_id: uuid.UUID | None
    guardian_ids: list[uuid.UUID]


@dataclass(frozen=True)
class IssueRequest:
    """Everything a license is built from, whatever triggered it (a task, or the seed)."""

    license_type: LicenseType
    department: Department
    holder: Holder
    face: dict[str, tuple[str, Any]]
    service: str | None = None
    application_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None


async def issue_for_application(
    session: AsyncSession, ctx: LicensesContext, application_id: uuid.UUID, *, now: dt.datetime
) -> list[License]:
    """Issue the licenses of the application's approved tasks that produce one."""
    application = await session.get(Application, application_id)
    if application is None:
        return []
    tasks = (
        (
            await session.execute(
                select(Task)
                .where(Task.application_id == application_id, Task.state == TaskState.APPROVED)
                .order_by(Task.service)
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    answers: dict[str, Any] | None = None
    issued = []
    for task in tasks:
        type_id = catalog.services[task.service].produces.license
        if type_id is None:
            continue
        existing = (
            await session.execute(select(License).where(License.task_id == task.id))
        ).scalar_one_or_none()
        if existing is None:
            if answers is None:
                answers = unseal(
                    ctx.cipher,
                    application.answers_encrypted,
                    table=ANSWERS_TABLE,
                    row_id=application.id,
                )
            existing = await issue(
                session,
                ctx,
                await _request_for_task(
                    session,
                    ctx,
                    catalog=catalog,
                    application=application,
                    task=task,
                    answers=answers,
                ),
                now=now,
            )
            issued.append(existing)
            license_type = catalog.license_types[type_id]
            # The resident is told once, when the license is made (not on a re-run).
            await notify(
                session,
                application.owner_id,
                "task.issued",
                {"license_zh": license_type.name.zh, "license_en": license_type.name.en},
                application_id=application.id,
                now=now,
            )
        await _mark_issued(session, task, existing, now)
    return issued


async def _request_for_task(
    session: AsyncSession,
    ctx: LicensesContext,
    *,
    catalog: Catalog,
    application: Application,
    task: Task,
    answers: dict[str, Any],
) -> IssueRequest:
    service = catalog.services[task.service]
    license_type = catalog.license_types[str(service.produces.license)]
    output = (
        unseal(ctx.cipher, task.output_encrypted, table=OUTPUT_TABLE, row_id=task.id)
        if task.output_encrypted
        else {}
    )
    facts = faces.flatten(answers, output)
    holder = license_type.holder
    id_number = facts.get(f"{holder}.id_number")
    holder_user = await user_by_id_number(session, ctx, id_number) if id_number else None
    if holder_user is None and holder == "applicant":
        holder_user = application.owner_id
    guardians: list[uuid.UUID] = []
    if holder == "child":
        guardians.append(application.owner_id)
        for parent in ("mother", "father"):
            number = facts.get(f"{parent}.id_number")
            found = await user_by_id_number(session, ctx, number) if number else None
            if found is not None and found not in guardians:
                guardians.append(found)
    return IssueRequest(
        license_type=license_type,
        department=catalog.departments[service.department],
        holder=Holder(
            name=str(facts.get(f"{holder}.name", "")),
            id_number=str(id_number) if id_number else None,
            user_id=holder_user,
            guardian_ids=guardians,
        ),
        face=faces.face_values(catalog, license_type, facts),
        service=service.id,
        application_id=application.id,
        task_id=task.id,
    )


async def user_by_id_number(
    session: AsyncSession, ctx: LicensesContext, id_number: str
) -> uuid.UUID | None:
    index = ctx.indexer.index(ID_NUMBER_PURPOSE, normalise_id_number(id_number))
    found: uuid.UUID | None = (
        await session.execute(select(User.id).where(User.id_number_index == index))
    ).scalar_one_or_none()
    return found


async def _mark_issued(
    session: AsyncSession, task: Task, license_row: License, now: dt.datetime
) -> None:
    before = TaskState(task.state)
    task.state = transition(before, TaskEvent.ISSUE, Actor.SYSTEM).value
    task.updated_at = now
    record(
        session,
        application_id=task.application_id,
        task_id=task.id,
        kind=f"task.{TaskEvent.ISSUE.value}",
        from_state=before.value,
        to_state=task.state,
        actor_kind=Actor.SYSTEM,
        now=now,
        detail={"license": license_row.identifier},
    )
    await task_changed(session, task, now=now)


async def _next_index(session: AsyncSession, department: str) -> int:
    """The department's next status-list position (serialised per department)."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:d))"), {"d": f"licenses:{department}"}
    )
    highest = (
        await session.execute(
            select(func.max(License.status_index)).where(License.issuer_department == department)
        )
    ).scalar_one()
    return 0 if highest is None else int(highest) + 1


def metadata_of(row: License, request: IssueRequest) -> dict[str, Any]:
    """The GB/T 36903 metadata the signature covers (status is not in it: it changes)."""
    lt, dept = request.license_type, request.department
    return {
        "identifier": row.identifier,
        "name": lt.name.zh,
        "type_code": row.type_code,
        "number": row.number,
        "version": f"{row.version:03d}",
        "issued_on": row.issued_on.isoformat(),
        "issuer_name": dept.name.zh,
        "issuer_code": row.issuer_code,
        "defining_body_name": lt.defined_by.zh,
        "defining_body_code": row.type_code[:18],
        "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        "jurisdiction_code": row.jurisdiction_code,
        "holder_name": request.holder.name,
        "holder_code": request.holder.id_number,
        "holder_code_type": CITIZEN_ID if request.holder.id_number else None,
        "related_service": request.service,
        "face": {field: _signable(value) for field, (_, value) in request.face.items()},
    }


def _signable(value: Any) -> Any:
    # Signed documents carry no floats; integers and text stay as they are.
    return str(value) if isinstance(value, float) else value


async def issue(
    session: AsyncSession, ctx: LicensesContext, request: IssueRequest, *, now: dt.datetime
) -> License:
    """Build, render, store, sign and record one license (in the caller's transaction; the
    object is stored before the row, so a row never points at a missing file)."""
    lt, dept = request.license_type, request.department
    index = await _next_index(session, dept.id)
    today = china_date(now)
    serial = f"{today.year}{index + 1:07d}"
    row = License(
        id=uuid.uuid4(),
        identifier=make_license_identifier(lt.type_code, dept.code, serial, FIRST_VERSION),
        license_type=lt.id,
        type_code=lt.type_code,
        serial=serial,
        version=FIRST_VERSION,
        issuer_department=dept.id,
        issuer_code=dept.code,
        jurisdiction_code=dept.code[2:8],
        issued_on=today,
        valid_from=today,
        valid_until=None,
        holder_code_type=CITIZEN_ID if request.holder.id_number else None,
        holder_user_id=request.holder.user_id,
        guardian_ids=list(request.holder.guardian_ids),
        service=request.service,
        application_id=request.application_id,
        task_id=request.task_id,
        status=LicenseStatus.VALID.value,
        status_index=index,
        issued_at=now,
    )
    given = request.face.get("certificate_number")
    row.number = str(given[1]) if given else f"{row.jurisdiction_code}{serial}"
    row.holder_name_encrypted = seal(
        ctx.cipher, {"name": request.holder.name}, table=HOLDER_TABLE, row_id=row.id
    )
    if request.holder.id_number:
        number = normalise_id_number(request.holder.id_number)
        row.holder_code_encrypted = seal(
            ctx.cipher, {"id_number": number}, table=HOLDER_TABLE, row_id=row.id
        )
        row.holder_index = ctx.indexer.index(ID_NUMBER_PURPOSE, number)
    signer = await issuer_key(session, ctx, dept.id, dept.code, now)
    row.kid = signer.kid
    row.qr_token = await sign_qr_token(
        signer,
        {
            "iss": dept.code,
            "lid": row.identifier,
            "typ": lt.type_code,
            "name": lt.name.zh,
            "hn": faces.mask_name(request.holder.name),
            "iat": int(now.timestamp()),
            "sl": index,
        },
    )
    certificate = Certificate(
        title_zh=lt.name.zh,
        title_en=lt.name.en,
        rows=faces.face_rows(ctx.catalog, request.face),
        issuer_name=dept.name.zh,
        issued_on=today,
        number=row.number,
        identifier=row.identifier,
        verify_url=ctx.verify_url(row.qr_token),
    )
    pdf = await anyio.to_thread.run_sync(render_certificate, certificate)
    row.sha256, row.size = sha256_hex(pdf), len(pdf)
    row.object_key = f"originals/{today:%Y/%m}/{uuid.uuid4().hex}.pdf"
    row.object_version = await ctx.storage.put_bytes(
        ctx.bucket, row.object_key, pdf, "application/pdf"
    )
    metadata = metadata_of(row, request)
    row.metadata_encrypted = seal(ctx.cipher, metadata, table=METADATA_TABLE, row_id=row.id)
    row.face_encrypted = seal(
        ctx.cipher,
        {field: [element, value] for field, (element, value) in request.face.items()},
        table=FACE_TABLE,
        row_id=row.id,
    )
    row.signature = await sign_detached(signer, metadata, row.sha256)
    session.add(row)
    session.add(
        LicenseEvent(
            license_id=row.id,
            at=now,
            kind="issued",
            detail={"service": request.service, "kid": signer.kid},
        )
    )
    await session.flush()
    return row


def unseal_metadata(ctx: LicensesContext, row: License) -> dict[str, Any]:
    return unseal(ctx.cipher, row.metadata_encrypted, table=METADATA_TABLE, row_id=row.id)


def unseal_face(ctx: LicensesContext, row: License) -> dict[str, tuple[str, Any]]:
    return unseal_face_with(ctx.cipher, row)


def unseal_face_with(cipher: FieldCipher, row: License) -> dict[str, tuple[str, Any]]:
    sealed = unseal(cipher, row.face_encrypted, table=FACE_TABLE, row_id=row.id)
    return {field: (pair[0], pair[1]) for field, pair in sealed.items()}


def holder_name(ctx: LicensesContext, row: License) -> str:
    return str(
        unseal(ctx.cipher, row.holder_name_encrypted, table=HOLDER_TABLE, row_id=row.id)["name"]
    )


def holder_id_number(ctx: LicensesContext, row: License) -> str | None:
    if row.holder_code_encrypted is None:
        return None
    sealed = unseal(ctx.cipher, row.holder_code_encrypted, table=HOLDER_TABLE, row_id=row.id)
    return str(sealed["id_number"])
