"""msgspec Structs in and out of the licenses API."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec

from onething.licenses.models import LicenseStatus

Reason = Annotated[str, msgspec.Meta(min_length=2, max_length=100)]


class LocalText(msgspec.Struct, frozen=True, kw_only=True):
    zh: str
    en: str


class Issuer(msgspec.Struct, frozen=True, kw_only=True):
    department: str
    code: str  # 统一社会信用代码
    name: LocalText


class VerificationResult(msgspec.Struct, frozen=True, kw_only=True):
    """What anyone scanning the QR learns: validity, status, issuer, minimal facts."""

    valid: bool  # signature verified and status 有效
    signature_valid: bool
    status: LicenseStatus
    status_label: LocalText
    identifier: str
    license_type: str
    name: LocalText
    issuer: Issuer
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None
    holder: str  # masked name (李**), never the ID number
    checked_at: dt.datetime


class StatusChange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    status: LicenseStatus
    reason: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]


class StatusView(msgspec.Struct, frozen=True, kw_only=True):
    identifier: str
    status: LicenseStatus
    status_label: LocalText
    changed_at: dt.datetime | None
    reason: str | None
    status_list: str  # the list credential that now carries it
    status_index: int


class WalletItem(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    identifier: str
    license_type: str
    name: LocalText
    number: str
    holder_name: str
    relation: Literal["holder", "guardian", "grantee"]
    issuer: Issuer
    issued_on: dt.date
    valid_until: dt.date | None
    status: LicenseStatus
    status_label: LocalText


class FaceField(msgspec.Struct, frozen=True, kw_only=True):
    field: str
    label: str
    value: str


class LicenseDetail(msgspec.Struct, frozen=True, kw_only=True):
    item: WalletItem
    face: list[FaceField]
    qr_token: str
    verify_url: str
    sha256: str
    signature: str  # detached JWS over the metadata and the file's SHA-256
    metadata: dict[str, Any]


class CopyRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """事由: why the holder needs a copy (printed on it); the copy counts for `valid_days`."""

    reason: Reason
    valid_days: Annotated[int, msgspec.Meta(ge=1, le=90)] = 30


class AnnotatedCopy(msgspec.Struct, frozen=True, kw_only=True):
    url: str  # presigned GET
    url_expires_at: dt.datetime
    reason: str
    copy_expires_on: dt.date
    sha256: str


class GrantCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Let one person (by ID number, of an existing account) or one mini-app client use the
    license for one bundle until `valid_until`."""

    purpose: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    valid_until: dt.datetime
    grantee_id_number: str | None = None
    grantee_client_id: str | None = None


class GrantView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    license_id: uuid.UUID
    purpose: str
    grantee_user_id: uuid.UUID | None
    grantee_client_id: str | None
    grantee_name: str | None  # masked
    valid_from: dt.datetime
    valid_until: dt.datetime
    revoked_at: dt.datetime | None
    active: bool


class LicenseUseCreate(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Use this license in place of a material of one of my applications."""

    application_id: uuid.UUID
    material: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class LicenseUseView(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    license_id: uuid.UUID
    identifier: str
    application_id: uuid.UUID
    material: str
    at: dt.datetime


class TaskLicense(msgspec.Struct, frozen=True, kw_only=True):
    """A license a department receives with a task: standing in for a material, or issued
    upstream in the same application (`from_service`)."""

    id: uuid.UUID
    identifier: str
    license_type: str
    name: str
    material: str | None
    from_service: str | None
    issuer: Issuer
    status: LicenseStatus
    status_label: LocalText
    signature_valid: bool
    face: list[FaceField]


class DraftLicenseLink(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Use this e-license in place of uploading the material (one from `choices`)."""

    license_id: uuid.UUID


class StandIn(msgspec.Struct, frozen=True, kw_only=True):
    """A license that may stand in for a material, as the draft's materials list shows it:
    name and identifier, whose it is (the holder's name masked when an agent asks)."""

    id: uuid.UUID
    identifier: str
    license_type: str
    name: LocalText
    holder_name: str
    relation: Literal["holder", "guardian", "grantee"]
    status: LicenseStatus
    status_label: LocalText


class DraftMaterial(msgspec.Struct, frozen=True, kw_only=True):
    """One material the draft's form asks for: upload it, or use an e-license instead."""

    material: str
    name: LocalText
    required: bool
    replaced_by: list[str]  # license types that may stand in for it
    license: StandIn | None  # the e-license linked to stand in for it
    # False when the linked license may no longer be used (revoked, grant ended): the
    # submission would refuse it.
    license_usable: bool
    choices: list[StandIn]  # the licenses I may use for it now (own, my children's, shared)
