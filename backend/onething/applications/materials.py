"""Materials: a presigned S3 POST per upload (server-chosen key, size range, content type,
10 minutes), then a worker check of size, magic bytes and SHA-256; refused objects are deleted
(every version: the bucket is versioned)."""

from __future__ import annotations

import functools
import hashlib
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import anyio.to_thread
from botocore.exceptions import ClientError
from sqlalchemy import select

from onething.applications import jobs
from onething.applications.access import READ, WRITE, require_applicant, require_owner
from onething.applications.magic import SNIFF_BYTES, sniff
from onething.applications.models import Material
from onething.applications.schemas import MaterialView, UploadRequest, UploadTicket
from onething.core.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError
from onething.core.jobs import enqueue

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from onething.applications.context import ApplicationsContext
    from onething.core.storage import ObjectStorage
    from onething.identity.access import Caller

UPLOAD_WINDOW: Final = timedelta(minutes=10)
_CHUNK: Final = 1024 * 1024


def _bucket(storage: ObjectStorage) -> str:
    return storage.settings.materials_bucket


def view(material: Material) -> MaterialView:
    return MaterialView(
        id=material.id,
        material=material.material,
        content_type=material.content_type,
        status=material.status,
        size=material.size,
        sha256=material.sha256,
        refusal=material.refusal,
    )


async def request_upload(
    session: AsyncSession,
    ctx: ApplicationsContext,
    storage: ObjectStorage,
    caller: Caller,
    data: UploadRequest,
    *,
    now: datetime,
) -> UploadTicket:
    owner_id = require_applicant(caller, data.bundle)
    material_type = ctx.catalog.materials.get(data.material)
    if material_type is None or data.content_type not in material_type.mime_types:
        raise ProblemError(
            VALIDATION,
            errors=[
                FieldError(
                    field="material" if material_type is None else "content_type",
                    code="material.type",
                    message_zh="未知的材料类型，或该材料不接受这种文件格式",
                    message_en="Unknown material, or this file type is not accepted for it",
                )
            ],
        )
    max_size = material_type.max_size_kb * 1024
    material = Material(
        id=uuid.uuid4(),
        owner_id=owner_id,
        bundle=data.bundle,
        material=data.material,
        content_type=data.content_type,
        max_size=max_size,
        declared_sha256=data.sha256,
        # Nothing personal in the key: it appears in S3 logs and URLs.
        object_key=f"uploads/{uuid.uuid4()}",
        status="requested",
        created_at=now,
        upload_expires_at=now + UPLOAD_WINDOW,
    )
    post = await anyio.to_thread.run_sync(
        functools.partial(
            storage.client.generate_presigned_post,
            Bucket=_bucket(storage),
            Key=material.object_key,
            Fields={"Content-Type": data.content_type},
            Conditions=[
                {"Content-Type": data.content_type},
                ["content-length-range", 1, max_size],
            ],
            ExpiresIn=int(UPLOAD_WINDOW.total_seconds()),
        )
    )
    session.add(material)
    await session.commit()
    return UploadTicket(
        id=material.id,
        url=post["url"],
        fields={k: str(v) for k, v in post["fields"].items()},
        max_size=max_size,
        expires_at=material.upload_expires_at,
    )


async def _own_material(
    session: AsyncSession, caller: Caller, material_id: uuid.UUID, *, scope: str
) -> Material:
    material = (
        await session.execute(select(Material).where(Material.id == material_id).with_for_update())
    ).scalar_one_or_none()
    if material is None:
        raise ProblemError(NOT_FOUND)
    require_owner(caller, material.owner_id, material.bundle, scope=scope)
    return material


async def get_material(
    session: AsyncSession, caller: Caller, material_id: uuid.UUID
) -> MaterialView:
    return view(await _own_material(session, caller, material_id, scope=READ))


async def confirm_upload(
    session: AsyncSession, caller: Caller, material_id: uuid.UUID
) -> MaterialView:
    """The client says the upload is done: check it in the worker (idempotent)."""
    material = await _own_material(session, caller, material_id, scope=WRITE)
    if material.status == "requested":
        material.status = "verifying"
        await enqueue(session, jobs.VERIFY_MATERIAL, jobs.MaterialRef(material_id=material.id))
    elif material.status == "refused":
        raise ProblemError(
            CONFLICT,
            detail_zh="该材料未通过校验，请重新上传。",
            detail_en="This upload was refused; upload the file again.",
        )
    result = view(material)
    await session.commit()
    return result


def _inspect(storage: ObjectStorage, bucket: str, key: str, max_size: int) -> dict[str, Any]:
    """Blocking: size, first bytes and SHA-256 of the object, reading at most `max_size`."""
    try:
        head = storage.client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            return {"missing": True}
        raise
    size = int(head["ContentLength"])
    if size > max_size:
        return {"size": size}
    body = storage.client.get_object(Bucket=bucket, Key=key)["Body"]
    digest, first, read = hashlib.sha256(), b"", 0
    try:
        for chunk in body.iter_chunks(_CHUNK):
            read += len(chunk)
            if read > max_size:
                return {"size": read}
            if len(first) < SNIFF_BYTES:
                first += chunk[: SNIFF_BYTES - len(first)]
            digest.update(chunk)
    finally:
        body.close()
    return {"size": read, "head": first, "sha256": digest.hexdigest()}


def _delete_all_versions(storage: ObjectStorage, bucket: str, key: str) -> None:
    """Delete every version and delete marker of `key` (a plain delete in a versioned bucket
    would only hide the file behind a marker)."""
    listed = storage.client.list_object_versions(Bucket=bucket, Prefix=key)
    for item in listed.get("Versions", []) + listed.get("DeleteMarkers", []):
        if item["Key"] == key:
            storage.client.delete_object(Bucket=bucket, Key=key, VersionId=item["VersionId"])


def _refusal(found: dict[str, Any], material: Material) -> str | None:
    if found.get("missing"):
        return "not_uploaded"
    if found["size"] > material.max_size:
        return "too_large"
    if sniff(found["head"]) != material.content_type:
        return "content_mismatch"
    if found["sha256"] != material.declared_sha256:
        return "checksum_mismatch"
    return None


async def verify_upload(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: ObjectStorage,
    material_id: uuid.UUID,
    *,
    now: datetime,
) -> None:
    """The worker's check; a refused object is deleted so it can never be used."""
    async with sessionmaker() as session, session.begin():
        material = await session.get(Material, material_id, with_for_update=True)
        if material is None or material.status != "verifying":
            return
        bucket = _bucket(storage)
        found = await anyio.to_thread.run_sync(
            _inspect, storage, bucket, material.object_key, material.max_size
        )
        refusal = _refusal(found, material)
        material.checked_at = now
        if refusal is None:
            material.status = "verified"
            material.size = found["size"]
            material.sha256 = found["sha256"]
        else:
            material.status = "refused"
            material.refusal = refusal
            if not found.get("missing"):
                await anyio.to_thread.run_sync(
                    _delete_all_versions, storage, bucket, material.object_key
                )
