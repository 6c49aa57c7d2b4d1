"""Uploads go straight to S3 (SeaweedFS here) under a presigned POST policy; the worker checks
size, magic bytes and SHA-256 after the client confirms, and deletes what it refuses."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from typing import Any

import pytest
from application_helpers import People, Tokens, new_key, submission, submittable
from botocore.exceptions import ClientError
from litestar import Litestar
from litestar.testing import AsyncTestClient
from upload_helpers import (
    HEIC,
    JPEG,
    MAX,
    PDF,
    PNG,
    confirm_and_check,
    key_of,
    object_versions,
    sha,
    ticket_for,
    upload,
)

from onething.applications.magic import sniff
from onething.core.storage import ObjectStorage

Client = AsyncTestClient[Litestar]


def test_magic_bytes_identify_the_four_accepted_types() -> None:
    assert sniff(PDF) == "application/pdf"
    assert sniff(PNG) == "image/png"
    assert sniff(JPEG) == "image/jpeg"
    assert sniff(HEIC) == "image/heic"
    assert sniff(b"PK\x03\x04 an OFD or a zip") is None
    assert sniff(b"") is None


async def test_the_policy_binds_key_type_size_and_ten_minutes(
    api: Client, people: People, tokens: Tokens
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF)
    policy = json.loads(base64.b64decode(ticket["fields"]["policy"]))
    conditions = policy["conditions"]
    assert {"Content-Type": "application/pdf"} in conditions
    assert ["content-length-range", 1, MAX] in conditions
    assert {"key": key_of(ticket)} in conditions
    expires = dt.datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=10)
    assert ticket["max_size"] == MAX
    assert key_of(ticket).startswith("uploads/")
    assert str(people.resident.id) not in key_of(ticket)


async def test_a_valid_pdf_is_verified(
    api: Client, people: People, tokens: Tokens, drain: Any, storage: ObjectStorage
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF)
    uploaded = await upload(ticket, PDF, "application/pdf")
    assert uploaded.is_success, uploaded.text
    checked = await confirm_and_check(api, auth, ticket, drain)
    assert checked["status"] == "verified"
    assert checked["size"] == len(PDF)
    assert checked["sha256"] == sha(PDF)
    assert object_versions(storage, key_of(ticket)) == 1


async def test_wrong_magic_bytes_are_refused_and_the_object_deleted(
    api: Client, people: People, tokens: Tokens, drain: Any, storage: ObjectStorage
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF, content_type="image/png")  # a PDF dressed as PNG
    assert (await upload(ticket, PDF, "image/png")).is_success
    checked = await confirm_and_check(api, auth, ticket, drain)
    assert checked["status"] == "refused"
    assert checked["refusal"] == "content_mismatch"
    with pytest.raises(ClientError):
        storage.client.head_object(Bucket=storage.settings.materials_bucket, Key=key_of(ticket))
    assert object_versions(storage, key_of(ticket)) == 0
    again = await api.post(f"/api/v1/materials/{ticket['id']}/confirm", headers=auth)
    assert again.status_code == 409


async def test_a_checksum_other_than_declared_is_refused(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF)
    tampered = PDF + b"% changed on the way\n"
    assert (await upload(ticket, tampered, "application/pdf")).is_success
    checked = await confirm_and_check(api, auth, ticket, drain)
    assert (checked["status"], checked["refusal"]) == ("refused", "checksum_mismatch")


async def test_confirming_before_uploading_is_refused(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF)
    checked = await confirm_and_check(api, auth, ticket, drain)
    assert (checked["status"], checked["refusal"]) == ("refused", "not_uploaded")


async def test_an_oversize_file_is_refused_by_the_s3_policy(
    api: Client, people: People, tokens: Tokens, drain: Any, storage: ObjectStorage
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    big = PDF + b"0" * (MAX + 1 - len(PDF))
    ticket = await ticket_for(api, auth, big)
    uploaded = await upload(ticket, big, "application/pdf")
    assert uploaded.status_code in {400, 403}, (uploaded.status_code, uploaded.text[:300])
    assert "EntityTooLarge" in uploaded.text
    assert object_versions(storage, key_of(ticket)) == 0


async def test_a_wrong_content_type_is_refused_by_the_s3_policy(
    api: Client, people: People, tokens: Tokens, storage: ObjectStorage
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF)
    forged = {**ticket, "fields": {**ticket["fields"], "Content-Type": "text/html"}}
    uploaded = await upload(forged, PDF, "text/html")
    assert uploaded.status_code == 403, uploaded.text[:300]
    assert object_versions(storage, key_of(ticket)) == 0


async def test_an_expired_policy_is_refused_by_s3(storage: ObjectStorage) -> None:
    post = storage.client.generate_presigned_post(
        Bucket=storage.settings.materials_bucket,
        Key="uploads/expired-test",
        Fields={"Content-Type": "application/pdf"},
        Conditions=[{"Content-Type": "application/pdf"}, ["content-length-range", 1, 1024]],
        ExpiresIn=1,
    )
    await asyncio.sleep(2)
    uploaded = await upload(post, PDF, "application/pdf")
    assert uploaded.status_code == 403, uploaded.text[:300]


async def test_a_material_type_the_catalog_does_not_accept_is_refused(
    api: Client, people: People, tokens: Tokens
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    body = {
        "bundle": "newborn-birth",
        "material": "mother-id-card",
        "content_type": "image/heic",
        "sha256": sha(HEIC),
    }
    assert (await api.post("/api/v1/materials", json=body, headers=auth)).status_code == 422
    body["material"] = "no-such-material"
    assert (await api.post("/api/v1/materials", json=body, headers=auth)).status_code == 422


async def test_uploads_are_private_to_their_owner(
    api: Client, people: People, tokens: Tokens
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF)
    theirs = await tokens.issue(str(people.other_resident.id))
    assert (await api.get(f"/api/v1/materials/{ticket['id']}", headers=theirs)).status_code == 404
    confirm = await api.post(f"/api/v1/materials/{ticket['id']}/confirm", headers=theirs)
    assert confirm.status_code == 404


async def test_a_verified_material_is_handed_in_and_shown_to_the_services_needing_it(
    api: Client, people: People, tokens: Tokens, drain: Any
) -> None:
    auth = await tokens.issue(str(people.resident.id))
    ticket = await ticket_for(api, auth, PDF)
    await upload(ticket, PDF, "application/pdf")
    assert (await confirm_and_check(api, auth, ticket, drain))["status"] == "verified"
    body = await submittable(api, tokens, people, auth, submission(materials=[ticket["id"]]))
    submitted = await api.post("/api/v1/applications", json=body, headers={**auth, **new_key()})
    assert submitted.status_code == 201, submitted.text
    # Used once only.
    body = await submittable(api, tokens, people, auth, submission(materials=[ticket["id"]]))
    again = await api.post("/api/v1/applications", json=body, headers={**auth, **new_key()})
    assert again.status_code == 422
    # ... and without it the mother's ID card is missing.
    assert [(e["field"], e["code"]) for e in again.json()["errors"]] == [
        ("materials[0]", "material.unusable"),
        ("materials.mother-id-card", "material.missing"),
    ]
    await drain()
    hospital = await tokens.issue(str(people.clerks["health-commission"].id))
    inbox = (await api.get("/api/v1/department/tasks", headers=hospital)).json()["items"]
    by_service = {i["service"]: i["task_id"] for i in inbox}
    certificate = (
        await api.get(
            f"/api/v1/department/tasks/{by_service['birth-medical-certificate']}", headers=hospital
        )
    ).json()
    cards = [m["id"] for m in certificate["materials"] if m["material"] == "mother-id-card"]
    assert cards == [ticket["id"]]
    registration = (
        await api.get(
            f"/api/v1/department/tasks/{by_service['birth-registration']}", headers=hospital
        )
    ).json()
    # It needs no mother's ID card: it sees only its own material.
    assert [m["material"] for m in registration["materials"]] == ["marriage-certificate"]
