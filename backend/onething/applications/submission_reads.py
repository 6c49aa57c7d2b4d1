"""What a submission reads before it decides, in one statement on the session's connection
(inside its transaction, after the idempotency lock): the draft being submitted, whether the
running catalog is published, the draft's co-applicant requests not yet attached (locked) and
the uploads named (locked). The e-licenses linked to the draft are read with their usability
rule (`licenses.grants.usable_condition`) by `hand_in.check_hand_in`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final

import msgspec

from onething.core.db import driver_connection

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class DraftRow(msgspec.Struct, frozen=True):
    id: uuid.UUID
    answers_encrypted: str
    launched_by: str | None
    prefill_sources: dict[str, str]


class RequestRow(msgspec.Struct, frozen=True):
    """A co-applicant request as the submission needs it (`co_applicants.confirmation_for`,
    `co_applicants.attach`)."""

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


@dataclass(frozen=True, slots=True)
class SubmissionReads:
    published: bool
    draft: DraftRow | None  # None: no draft named, or not the caller's
    requests: list[RequestRow]  # oldest first
    uploads: dict[uuid.UUID, UploadRow]


# $1 draft id (or NULL), $2 owner, $3 upload ids, $4 whether co-applicant requests matter,
# $5 the running catalog's version. Locks in the order the ORM code took them.
_READ: Final = """
WITH draft AS (
    SELECT id, answers_encrypted, launched_by, prefill_sources FROM application_drafts
    WHERE id = $1 AND owner_id = $2),
requests AS (
    SELECT id, status, reason, facts_digest, services, created_at, requested_by,
        requested_act, requested_client, decided_at, decided_by, decided_act, decided_client,
        superseded_at
    FROM co_applicant_requests
    WHERE $4 AND draft_id = $1 AND application_id IS NULL AND EXISTS (SELECT 1 FROM draft)
    ORDER BY created_at FOR UPDATE),
uploads AS (
    SELECT id, status, application_id, bundle, material FROM application_materials
    WHERE id = ANY($3::uuid[]) AND owner_id = $2 FOR UPDATE)
SELECT EXISTS (SELECT 1 FROM catalog_releases WHERE version = $5) AS published,
    (SELECT to_jsonb(draft) FROM draft)::text AS draft,
    (SELECT coalesce(jsonb_agg(to_jsonb(requests) ORDER BY created_at), '[]')
        FROM requests)::text AS requests,
    (SELECT coalesce(jsonb_agg(to_jsonb(uploads)), '[]') FROM uploads)::text AS uploads"""

_requests = msgspec.json.Decoder(list[RequestRow])
_uploads = msgspec.json.Decoder(list[UploadRow])
_draft = msgspec.json.Decoder(DraftRow)


async def read_for_submission(
    session: AsyncSession,
    *,
    draft_id: uuid.UUID | None,
    owner_id: uuid.UUID,
    upload_ids: list[uuid.UUID],
    co_signed: bool,
    catalog_version: str,
) -> SubmissionReads:
    connection = await driver_connection(session)
    row = await connection.fetchrow(
        _READ, draft_id, owner_id, upload_ids, co_signed, catalog_version
    )
    assert row is not None
    uploads = _uploads.decode(row["uploads"])
    return SubmissionReads(
        published=bool(row["published"]),
        draft=_draft.decode(row["draft"]) if row["draft"] is not None else None,
        requests=_requests.decode(row["requests"]),
        uploads={u.id: u for u in uploads},
    )
