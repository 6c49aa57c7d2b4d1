"""Applications: drafts, applications, tasks, timeline events, materials, idempotency keys.

Revision ID: 0010_applications
Revises: 0004_delegations
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_applications"
down_revision: str | Sequence[str] | None = "0004_delegations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "subject", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_expires_at"), "idempotency_keys", ["expires_at"], unique=False
    )
    op.create_table(
        "application_drafts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("bundle", sa.String(length=64), nullable=False),
        sa.Column("situation_answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("optional_services", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("answers_encrypted", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_application_drafts_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_drafts")),
    )
    op.create_index(
        op.f("ix_application_drafts_owner_id"), "application_drafts", ["owner_id"], unique=False
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("bundle", sa.String(length=64), nullable=False),
        sa.Column("catalog_version", sa.String(length=64), nullable=False),
        sa.Column("situation_answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("optional_services", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("answers_encrypted", sa.Text(), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["catalog_version"],
            ["catalog_releases.version"],
            name=op.f("fk_applications_catalog_version_catalog_releases"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_applications_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_index(
        op.f("ix_applications_catalog_version"), "applications", ["catalog_version"], unique=False
    )
    op.create_index(op.f("ix_applications_owner_id"), "applications", ["owner_id"], unique=False)
    op.create_table(
        "application_materials",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("bundle", sa.String(length=64), nullable=False),
        sa.Column("material", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("max_size", sa.Integer(), nullable=False),
        sa.Column("declared_sha256", sa.String(length=64), nullable=False),
        sa.Column("object_key", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("refusal", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("upload_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('requested', 'verifying', 'verified', 'refused')",
            name=op.f("ck_application_materials_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_materials_application_id_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_application_materials_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_materials")),
        sa.UniqueConstraint("object_key", name=op.f("uq_application_materials_object_key")),
    )
    op.create_index(
        op.f("ix_application_materials_application_id"),
        "application_materials",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_application_materials_owner_id"),
        "application_materials",
        ["owner_id"],
        unique=False,
    )
    op.create_table(
        "application_tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("waits_for", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("time_limit_days", sa.Integer(), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("output_encrypted", sa.Text(), nullable=True),
        sa.Column(
            "attachments",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("pending", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('waiting_upstream', 'submitted', 'accepted', 'accepted_pending_material', "
            "'refused', 'in_review', 'correction_requested', 'suspended', 'approved', 'issued', "
            "'done', 'withdrawn', 'cancelled')",
            name=op.f("ck_application_tasks_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_tasks_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_tasks")),
        sa.UniqueConstraint(
            "application_id", "service", name=op.f("uq_application_tasks_application_id")
        ),
    )
    op.create_index(
        op.f("ix_application_tasks_application_id"),
        "application_tasks",
        ["application_id"],
        unique=False,
    )
    op.create_index(
        "ix_application_tasks_inbox",
        "application_tasks",
        ["department", "state", "due_on"],
        unique=False,
    )
    op.create_table(
        "application_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("from_state", sa.String(length=32), nullable=True),
        sa.Column("to_state", sa.String(length=32), nullable=True),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_sub", sa.String(length=128), nullable=True),
        sa.Column("act_sub", sa.String(length=128), nullable=True),
        sa.Column("client_id", sa.String(length=128), nullable=True),
        sa.Column(
            "detail", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.CheckConstraint(
            "actor_kind IN ('resident', 'department', 'system')",
            name=op.f("ck_application_events_actor_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["application_tasks.id"],
            name=op.f("fk_application_events_task_id_application_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    op.create_index(
        "ix_application_events_application_id_id",
        "application_events",
        ["application_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_application_events_application_id_id", table_name="application_events")
    op.drop_table("application_events")
    op.drop_index("ix_application_tasks_inbox", table_name="application_tasks")
    op.drop_index(op.f("ix_application_tasks_application_id"), table_name="application_tasks")
    op.drop_table("application_tasks")
    op.drop_index(op.f("ix_application_materials_owner_id"), table_name="application_materials")
    op.drop_index(
        op.f("ix_application_materials_application_id"), table_name="application_materials"
    )
    op.drop_table("application_materials")
    op.drop_index(op.f("ix_applications_owner_id"), table_name="applications")
    op.drop_index(op.f("ix_applications_catalog_version"), table_name="applications")
    op.drop_table("applications")
    op.drop_index(op.f("ix_application_drafts_owner_id"), table_name="application_drafts")
    op.drop_table("application_drafts")
    op.drop_index(op.f("ix_idempotency_keys_expires_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
