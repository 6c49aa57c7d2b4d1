"""Upload helpers: ask the API for a presigned POST, send the file to S3, confirm and check."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient

from onething.core.storage import ObjectStorage

Client = AsyncTestClient[Litestar]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"
MAX = 10240 * 1024  # mother-id-card: the catalog's default 10 MB


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def ticket_for(
    api: Client,
    auth: dict[str, str],
    data: bytes,
    content_type: str = "application/pdf",
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "bundle": "newborn-birth",
        "material": "mother-id-card",
        "content_type": content_type,
        "sha256": sha(data),
        **extra,
    }
    answer = await api.post("/api/v1/materials", json=body, headers=auth)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def upload(ticket: dict[str, Any], data: bytes, content_type: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as s3:
        return await s3.post(
            ticket["url"], data=ticket["fields"], files={"file": ("scan", data, content_type)}
        )


async def confirm_and_check(
    api: Client, auth: dict[str, str], ticket: dict[str, Any], drain: Any
) -> dict[str, Any]:
    confirmed = await api.post(f"/api/v1/materials/{ticket['id']}/confirm", headers=auth)
    assert confirmed.status_code == 202, confirmed.text
    assert confirmed.json()["status"] == "verifying"
    await drain()
    return dict((await api.get(f"/api/v1/materials/{ticket['id']}", headers=auth)).json())


def object_versions(storage: ObjectStorage, key: str) -> int:
    listed = storage.client.list_object_versions(
        Bucket=storage.settings.materials_bucket, Prefix=key
    )
    return len(listed.get("Versions", [])) + len(listed.get("DeleteMarkers", []))


def key_of(ticket: dict[str, Any]) -> str:
    return str(ticket["fields"]["key"])


async def verified_upload(
    api: Client,
    sessionmaker: Any,
    auth: dict[str, str],
    material: str,
    *,
    bundle: str = "newborn-birth",
) -> str:
    """A material uploaded the way the PWA does it (presigned POST straight to S3, confirm),
    then checked by the worker's own check (`verify_upload`, run here rather than through
    the queue so a test's queue holds only what it looks at); returns the upload's id."""
    from datetime import UTC, datetime

    from onething.applications.materials import verify_upload

    ticket = await ticket_for(api, auth, PDF, material=material, bundle=bundle)
    sent = await upload(ticket, PDF, "application/pdf")
    assert sent.status_code in {200, 201, 204}, sent.text
    confirmed = await api.post(f"/api/v1/materials/{ticket['id']}/confirm", headers=auth)
    assert confirmed.status_code == 202, confirmed.text
    await verify_upload(
        sessionmaker, api.app.state.storage, uuid.UUID(ticket["id"]), now=datetime.now(UTC)
    )
    return str(ticket["id"])
