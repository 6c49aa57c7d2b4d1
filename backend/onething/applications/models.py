"""Tables of the applications domain: drafts, applications, tasks, timeline, materials, and the
idempotency keys of POSTs that create something.

Personal data: answers and task outputs are stored only AES-GCM-encrypted (one sealed JSON per
row, bound to the row's id), so national ID and bank numbers never sit in plain text. The
application's status is derived from its tasks and has no column.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from onething.applications.states import Actor, TaskState
from onething.core.db import Base

_TZ: Final = DateTime(timezone=True)
_ID: Final = String(64)  # catalog ids (bundles, services, departments, materials)
_SUB: Final = String(128)  # token subjects: user ids or client ids


def _one_of(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


MATERIAL_STATUSES: Final = ["requested", "verifying", "verified", "refused"]
CO_APPLICANT_STATUSES: Final = ["pending", "confirmed", "declined"]


class Draft(Base):
    """A resident's unfinished application; `version` is the ETag of optimistic concurrency."""

    __tablename__ = "application_drafts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    bundle: Mapped[str] = mapped_column(_ID)
    situation_answers: Mapped[dict[str, str]] = mapped_column(JSONB)
    optional_services: Mapped[list[str]] = mapped_column(ARRAY(_ID))
    answers_encrypted: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    updated_at: Mapped[datetime] = mapped_column(_TZ)
    # A mini-app that started the draft for the resident (launches.py), and which answers
    # came from it unchanged: element id → client id. No values here (they are sealed).
    launched_by: Mapped[str | None] = mapped_column(
        _SUB, ForeignKey("oauth_clients.client_id", ondelete="SET NULL")
    )
    prefill_sources: Mapped[dict[str, str]] = mapped_column(JSONB, server_default="{}")


class Application(Base):
    """One resident's submission of one bundle (办件), pinned to a catalog release."""

    __tablename__ = "applications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    bundle: Mapped[str] = mapped_column(_ID)
    catalog_version: Mapped[str] = mapped_column(ForeignKey("catalog_releases.version"), index=True)
    # Gating answers only (which services apply); in-form situations are inside the answers.
    situation_answers: Mapped[dict[str, str]] = mapped_column(JSONB)
    optional_services: Mapped[list[str]] = mapped_column(ARRAY(_ID))
    answers_encrypted: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(_SUB)
    submitted_at: Mapped[datetime] = mapped_column(_TZ)
    promised_on: Mapped[date] = mapped_column(Date)
    # Carried from the draft: the mini-app that launched it (it may follow the application
    # while the resident's consent stands) and the submitted facts that came from it.
    launched_by: Mapped[str | None] = mapped_column(_SUB, ForeignKey("oauth_clients.client_id"))
    prefill_sources: Mapped[dict[str, str]] = mapped_column(JSONB, server_default="{}")


class Task(Base):
    """The part of an application one department handles for one service (子办件)."""

    __tablename__ = "application_tasks"
    __table_args__ = (
        UniqueConstraint("application_id", "service"),
        CheckConstraint(_one_of("state", [s.value for s in TaskState]), name="state_known"),
        # The department inbox: my department's dispatched tasks by state and due date.
        Index("ix_application_tasks_inbox", "department", "state", "due_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[str] = mapped_column(_ID)
    department: Mapped[str] = mapped_column(_ID)
    state: Mapped[str] = mapped_column(String(32))
    # Services of the same application whose output this task needs first.
    waits_for: Mapped[list[str]] = mapped_column(ARRAY(_ID))
    # The service's promise in working days, as the pinned catalog said; the clock starts at
    # dispatch.
    time_limit_days: Mapped[int] = mapped_column(Integer)
    dispatched_at: Mapped[datetime | None] = mapped_column(_TZ)
    due_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(_TZ)
    # Produced data (e.g. child.id_number), sealed like the answers.
    output_encrypted: Mapped[str | None] = mapped_column(Text)
    # Upstream outputs handed to this task:
    # [{service, task_id, elements, license_type, license_id, license_identifier}].
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    # What the department waits for (a correction, a promised material), without personal data.
    pending: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The day the overdue job found the task past its due date undecided (flagged once).
    overdue_since: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(_TZ)


class TimelineEvent(Base):
    """Append-only history of an application: who did what to which task, and when."""

    __tablename__ = "application_events"
    __table_args__ = (
        CheckConstraint(_one_of("actor_kind", [a.value for a in Actor]), name="actor_known"),
        Index("ix_application_events_application_id_id", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE")
    )
    task_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("application_tasks.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(_TZ)
    kind: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_sub: Mapped[str | None] = mapped_column(_SUB)  # the token's `sub`
    act_sub: Mapped[str | None] = mapped_column(_SUB)  # the agent, when `act` was present
    client_id: Mapped[str | None] = mapped_column(_SUB)
    # Reasons, named fields, dates: never the answers or outputs themselves.
    detail: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")


class Material(Base):
    """An uploaded document: requested (presigned POST issued), then verified or refused."""

    __tablename__ = "application_materials"
    __table_args__ = (CheckConstraint(_one_of("status", MATERIAL_STATUSES), name="status_known"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    bundle: Mapped[str] = mapped_column(_ID)  # what it is for (an agent's delegation names it)
    material: Mapped[str] = mapped_column(_ID)  # the declared catalog material type
    content_type: Mapped[str] = mapped_column(String(100))
    max_size: Mapped[int] = mapped_column(Integer)
    declared_sha256: Mapped[str] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    refusal: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(_TZ)
    upload_expires_at: Mapped[datetime] = mapped_column(_TZ)
    checked_at: Mapped[datetime | None] = mapped_column(_TZ)


class CoApplicantRequest(Base):
    """The applicant asks the other parent (共同申请人) to confirm the facts of the services they
    co-sign, from the other parent's own account. The facts are a sealed snapshot of the draft's
    answers; `facts_digest` (a keyed HMAC of them) binds a confirmation to exactly those facts:
    a submission whose facts differ needs a new confirmation."""

    __tablename__ = "co_applicant_requests"
    __table_args__ = (
        CheckConstraint(_one_of("status", CO_APPLICANT_STATUSES), name="status_known"),
        CheckConstraint("owner_id <> co_applicant_id", name="someone_else"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    co_applicant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    draft_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("application_drafts.id", ondelete="SET NULL"), index=True
    )
    # Set when a submission used this confirmation (the draft is deleted then).
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    bundle: Mapped[str] = mapped_column(_ID)
    # Masked mobile numbers (138****5678): enough for each side to recognise the other.
    applicant_hint: Mapped[str] = mapped_column(String(16))
    co_applicant_hint: Mapped[str] = mapped_column(String(16))
    services: Mapped[list[str]] = mapped_column(ARRAY(_ID))
    draft_version: Mapped[int] = mapped_column(Integer)
    facts_encrypted: Mapped[str] = mapped_column(Text)
    facts_digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(_TZ)
    requested_by: Mapped[str] = mapped_column(_SUB)
    requested_act: Mapped[str | None] = mapped_column(_SUB)
    requested_client: Mapped[str] = mapped_column(_SUB)
    decided_at: Mapped[datetime | None] = mapped_column(_TZ)
    decided_by: Mapped[str | None] = mapped_column(_SUB)
    decided_act: Mapped[str | None] = mapped_column(_SUB)
    decided_client: Mapped[str | None] = mapped_column(_SUB)
    # When the applicant asked again (a newer request replaces this one, whatever its answer).
    superseded_at: Mapped[datetime | None] = mapped_column(_TZ)


class IdempotencyKey(Base):
    """A POST's `Idempotency-Key`, scoped to client and user, with the response to replay."""

    __tablename__ = "idempotency_keys"

    client_id: Mapped[str] = mapped_column(_SUB, primary_key=True)
    subject: Mapped[str] = mapped_column(_SUB, primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    operation: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(_TZ)
    expires_at: Mapped[datetime] = mapped_column(_TZ, index=True)
