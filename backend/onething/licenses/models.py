"""Tables of the licenses domain: e-licenses, their issuers' signing keys, their history
(issuance, status changes, verifications, downloads) and the holders' sharing grants.

Personal data: the holder's name and ID number, the face fields and the signed metadata are
stored only AES-GCM-sealed, bound to the row; the ID number is found by its blind index.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onething.core.db import Base

_TZ: Final = DateTime(timezone=True)
_ID: Final = String(64)


class LicenseStatus(StrEnum):
    """GB/T 36903 practice: 有效, 暂扣, 撤销, 注销, 失效, 吊销."""

    VALID = "valid"  # 有效
    SUSPENDED = "suspended"  # 暂扣
    ANNULLED = "annulled"  # 撤销 (issued in error)
    CANCELLED = "cancelled"  # 注销
    EXPIRED = "expired"  # 失效
    REVOKED = "revoked"  # 吊销 (withdrawn as a penalty)


STATUS_LABELS: Final[dict[LicenseStatus, tuple[str, str]]] = {
    LicenseStatus.VALID: ("有效", "Valid"),
    LicenseStatus.SUSPENDED: ("暂扣", "Suspended"),
    LicenseStatus.ANNULLED: ("撤销", "Annulled"),
    LicenseStatus.CANCELLED: ("注销", "Cancelled"),
    LicenseStatus.EXPIRED: ("失效", "Expired"),
    LicenseStatus.REVOKED: ("吊销", "Revoked"),
}


def _one_of(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class LicenseSigningKey(Base):
    """An issuing department's Ed25519 key, the public half published; the private half either
    sealed here (generated dev keys) or held by an HSM/KMS under `key_ref`."""

    __tablename__ = "license_signing_keys"
    __table_args__ = (
        CheckConstraint(
            "(private_jwk_encrypted IS NULL) <> (key_ref IS NULL)", name="sealed_or_referenced"
        ),
    )

    kid: Mapped[str] = mapped_column(String(96), primary_key=True)
    department: Mapped[str] = mapped_column(_ID, index=True)
    issuer_code: Mapped[str] = mapped_column(String(18))
    alg: Mapped[str] = mapped_column(String(16))
    private_jwk_encrypted: Mapped[str | None] = mapped_column(Text)
    key_ref: Mapped[str | None] = mapped_column(String(200))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    retired_at: Mapped[datetime | None] = mapped_column(_TZ)


class License(Base):
    """One issued e-license (电子证照): identity, GB/T 36903 metadata, file, signature, status."""

    __tablename__ = "licenses"
    __table_args__ = (
        CheckConstraint(_one_of("status", [s.value for s in LicenseStatus]), name="status_known"),
        UniqueConstraint("issuer_department", "status_index"),
        UniqueConstraint("issuer_code", "type_code", "serial", "version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(128), unique=True)  # GB/T 36904
    license_type: Mapped[str] = mapped_column(_ID)  # catalog license type id
    type_code: Mapped[str] = mapped_column(String(21))
    serial: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))  # 证照编号, printed on the face
    issuer_department: Mapped[str] = mapped_column(_ID)
    issuer_code: Mapped[str] = mapped_column(String(18))
    jurisdiction_code: Mapped[str] = mapped_column(String(6))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    holder_name_encrypted: Mapped[str] = mapped_column(Text)
    holder_code_encrypted: Mapped[str | None] = mapped_column(Text)
    holder_code_type: Mapped[str | None] = mapped_column(String(8))  # 111: citizen ID number
    holder_index: Mapped[str | None] = mapped_column(String(64), index=True)
    holder_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Accounts that hold this license for the holder (a child's parents).
    guardian_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(postgresql.UUID(as_uuid=True)), server_default="{}"
    )
    service: Mapped[str | None] = mapped_column(_ID)  # the related service (相关事项)
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    task_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("application_tasks.id", ondelete="SET NULL"), unique=True
    )
    # Sealed JSON: the face fields, and the exact metadata the signature covers.
    face_encrypted: Mapped[str] = mapped_column(Text)
    metadata_encrypted: Mapped[str] = mapped_column(Text)
    object_key: Mapped[str] = mapped_column(String(255), unique=True)
    object_version: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    kid: Mapped[str] = mapped_column(ForeignKey("license_signing_keys.kid"))
    signature: Mapped[str] = mapped_column(Text)  # detached JWS over metadata + sha256
    qr_token: Mapped[str] = mapped_column(Text)  # compact JWS printed as the QR code
    status: Mapped[str] = mapped_column(String(16))
    status_index: Mapped[int] = mapped_column(Integer)  # position in the issuer's status lists
    status_changed_at: Mapped[datetime | None] = mapped_column(_TZ)
    status_reason: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(_TZ)


class LicenseEvent(Base):
    """Append-only history of a license: issued, status changes, verifications, copies."""

    __tablename__ = "license_events"
    __table_args__ = (Index("ix_license_events_license_id_id", "license_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    license_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("licenses.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(_TZ)
    kind: Mapped[str] = mapped_column(String(32))
    actor_sub: Mapped[str | None] = mapped_column(String(128))
    client_id: Mapped[str | None] = mapped_column(String(128))
    # Reasons, statuses, results: never the holder's personal data.
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class LicenseGrant(Base):
    """A holder lets another person, or a mini-app client, use one license for a purpose (a
    bundle) during a period; revocable at any time."""

    __tablename__ = "license_grants"
    __table_args__ = (
        CheckConstraint(
            "(grantee_user_id IS NULL) <> (grantee_client_id IS NULL)", name="one_grantee"
        ),
        CheckConstraint("valid_until > valid_from", name="period_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    license_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), index=True
    )
    grantor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    grantee_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    grantee_client_id: Mapped[str | None] = mapped_column(
        ForeignKey("oauth_clients.client_id", ondelete="CASCADE")
    )
    purpose: Mapped[str] = mapped_column(_ID)  # the bundle it may be used for
    valid_from: Mapped[datetime] = mapped_column(_TZ)
    valid_until: Mapped[datetime] = mapped_column(_TZ)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    revoked_at: Mapped[datetime | None] = mapped_column(_TZ)


class LicenseUse(Base):
    """A license used in place of a material of an application (材料免提交)."""

    __tablename__ = "license_uses"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    license_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    material: Mapped[str] = mapped_column(_ID)
    used_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(_TZ)


class DraftLicense(Base):
    """Before submission: a license the applicant chose to stand in for one material of their
    draft ("use my e-license instead"). It becomes a `LicenseUse` when the draft is submitted,
    if it is still usable then."""

    __tablename__ = "draft_licenses"

    draft_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("application_drafts.id", ondelete="CASCADE"), primary_key=True
    )
    material: Mapped[str] = mapped_column(_ID, primary_key=True)
    license_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("licenses.id", ondelete="CASCADE"), index=True
    )
    # Who linked it: the token's subject, the agent when one acted, the client.
    actor_sub: Mapped[str] = mapped_column(String(128))
    act_sub: Mapped[str | None] = mapped_column(String(128))
    client_id: Mapped[str] = mapped_column(String(128))
    linked_at: Mapped[datetime] = mapped_column(_TZ)
