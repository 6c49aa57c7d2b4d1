"""What a submission reads before it decides, in one statement on the session's connection
(inside its transaction, after the idempotency lock): the response stored for its
Idempotency-Key, the draft being submitted, whether the running catalog is published, the
draft's co-applicant requests not yet attached (locked), the uploads named (locked) and the
e-licenses linked to the draft, each with its usability (`licenses.grants.usable_condition`,
compiled once into this statement). A replay found here rolls back and releases the locks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

import msgspec
from sqlalchemy import DateTime, String, Uuid, bindparam, select

from onething.applications.models import Draft
from onething.core.db import compile_for_asyncpg, driver_connection
from onething.licenses.grants import usable_condition
from onething.licenses.models import DraftLicense, License

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class DraftRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    answers_encrypted: str
    launched_by: str | None
    prefill_sources: dict[str, str]


class RequestRow(msgspec.Struct, frozen=True):
    """A co-applicant request as the submission needs it (`confirmations.confirmation_for`,
    `confirmations.attach`)."""

    id: uuid.UUID
    status: str
    reason: str | None
    facts_digest: str
    services: list[str]
    created_at: datetime
    requested_by: str
    requested_act: str | None
    requested_client: str
    decided_at: datetime | None
    decided_by: str | None
    decided_act: str | None
    decided_client: str | None
    superseded_at: datetime | None


class UploadRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    status: str
    application_id: uuid.UUID | None
    bundle: str
    material: str


class LinkedLicense(msgspec.Struct, frozen=True):
    """An e-license linked to the draft in place of a material, and whether the applicant
    may still use it for this bundle."""

    material: str
    license_id: uuid.UUID
    license_type: str
    holder_index: str | None
    usable: bool


class StoredKey(msgspec.Struct, frozen=True):
    """The Idempotency-Key's row, when the key was used before."""

    operation: str
    request_hash: str
    response_hex: str  # the stored response body, hex-encoded (bytea in JSON)
    expires_at: datetime

    @property
    def response_body(self) -> bytes:
        return bytes.fromhex(self.response_hex)


@dataclass(frozen=True, slots=True)
class SubmissionReads:
    stored: StoredKey | None
    published: bool
    draft: DraftRow | None  # None: no draft named, or not the caller's
    requests: list[RequestRow]  # oldest first
    uploads: dict[uuid.UUID, UploadRow]
    linked: list[LinkedLicense]  # by material


_OWNER = bindparam("owner", type_=Uuid)
_LINKED = compile_for_asyncpg(
    select(
        DraftLicense.material,
        DraftLicense.license_id,
        License.license_type,
        License.holder_index,
        usable_condition(
            _OWNER,
            purpose=bindparam("purpose", type_=String),
            now=bindparam("now", type_=DateTime(timezone=True)),
        ).label("usable"),
    )
    .join(License, License.id == DraftLicense.license_id)
    .join(Draft, Draft.id == DraftLicense.draft_id)
    .where(DraftLicense.draft_id == bindparam("draft", type_=Uuid), Draft.owner_id == _OWNER),
    first=8,
)


# $1 draft id (or NULL), $2 owner, $3 upload ids, $4 the running catalog's version, $5-$7 the
# Idempotency-Key's client, subject and key; the licenses' statement numbers its own from $8.
_READ: Final = f"""
WITH stored AS (
    SELECT operation, request_hash, encode(response_body, 'hex') AS response_hex, expires_at
    FROM idempotency_keys WHERE client_id = $5 AND subject = $6 AND key = $7),
draft AS (
    SELECT id, answers_encrypted, launched_by, prefill_sources FROM application_drafts
    WHERE id = $1 AND owner_id = $2),
requests AS (
    SELECT id, status, reason, facts_digest, services, created_at, requested_by,
        requested_act, requested_client, decided_at, decided_by, decided_act, decided_client,
        superseded_at
    FROM co_applicant_requests
    WHERE draft_id = $1 AND application_id IS NULL AND EXISTS (SELECT 1 FROM draft)
    ORDER BY created_at FOR UPDATE),
uploads AS (
    SELECT id, status, application_id, bundle, material FROM application_materials
    WHERE id = ANY($3::uuid[]) AND owner_id = $2 FOR UPDATE),
linked AS ({_LINKED.sql})
SELECT EXISTS (SELECT 1 FROM catalog_releases WHERE version = $4) AS published,
    (SELECT to_jsonb(stored) FROM stored)::text AS stored,
    (SELECT to_jsonb(draft) FROM draft)::text AS draft,
    (SELECT coalesce(jsonb_agg(to_jsonb(requests) ORDER BY created_at), '[]')
        FROM requests)::text AS requests,
    (SELECT coalesce(jsonb_agg(to_jsonb(uploads)), '[]') FROM uploads)::text AS uploads,
    (SELECT coalesce(jsonb_agg(to_jsonb(linked) ORDER BY material), '[]')
        FROM linked)::text AS linked"""  # noqa: S608 - constants and a compiled statement

_requests = msgspec.json.Decoder(list[RequestRow])
_uploads = msgspec.json.Decoder(list[UploadRow])
_draft = msgspec.json.Decoder(DraftRow)
_linked = msgspec.json.Decoder(list[LinkedLicense])
_stored = msgspec.json.Decoder(StoredKey)


async def read_for_submission(
    session: AsyncSession,
    *,
    draft_id: uuid.UUID | None,
    owner_id: uuid.UUID,
    upload_ids: list[uuid.UUID],
    catalog_version: str,
    key: tuple[str, str, str],
    purpose: str,
    now: datetime,
) -> SubmissionReads:
    """`key` is the Idempotency-Key's (client, subject, key); `purpose` the bundle."""
    connection = await driver_connection(session)
    row = await connection.fetchrow(
        _READ,
        draft_id,
        owner_id,
        upload_ids,
        catalog_version,
        *key,
        *_LINKED.args(owner=owner_id, purpose=purpose, now=now, draft=draft_id),
    )
    assert row is not None
    return SubmissionReads(
        stored=_stored.decode(row["stored"]) if row["stored"] is not None else None,
        published=bool(row["published"]),
        draft=_draft.decode(row["draft"]) if row["draft"] is not None else None,
        requests=_requests.decode(row["requests"]),
        uploads={u.id: u for u in _uploads.decode(row["uploads"])},
        linked=_linked.decode(row["linked"]),
    )
