"""Licenses: issuers' signing keys, e-licenses, their events and sharing grants.

Revision ID: 0020_licenses
Revises: 0012_task_overdue
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020_licenses"
down_revision: str | Sequence[str] | None = "0012_task_overdue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "license_signing_keys",
        sa.Column("kid", sa.String(length=96), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("issuer_code", sa.String(length=18), nullable=False),
        sa.Column("alg", sa.String(length=16), nullable=False),
        sa.Column("private_jwk_encrypted", sa.Text(), nullable=False),
        sa.Column("public_jwk", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_license_signing_keys")),
    )
    op.create_index(
        op.f("ix_license_signing_keys_department"),
        "license_signing_keys",
        ["department"],
        unique=False,
    )
    op.create_table(
        "licenses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=128), nullable=False),
        sa.Column("license_type", sa.String(length=64), nullable=False),
        sa.Column("type_code", sa.String(length=21), nullable=False),
        sa.Column("serial", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issuer_department", sa.String(length=64), nullable=False),
        sa.Column("issuer_code", sa.String(length=18), nullable=False),
        sa.Column("jurisdiction_code", sa.String(length=6), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("holder_name_encrypted", sa.Text(), nullable=False),
        sa.Column("holder_code_encrypted", sa.Text(), nullable=True),
        sa.Column("holder_code_type", sa.String(length=8), nullable=True),
        sa.Column("holder_index", sa.String(length=64), nullable=True),
        sa.Column("holder_user_id", sa.Uuid(), nullable=True),
        sa.Column("guardian_ids", postgresql.ARRAY(sa.UUID()), server_default="{}", nullable=False),
        sa.Column("service", sa.String(length=64), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("face_encrypted", sa.Text(), nullable=False),
        sa.Column("metadata_encrypted", sa.Text(), nullable=False),
        sa.Column("object_key", sa.String(length=255), nullable=False),
        sa.Column("object_version", sa.String(length=255), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=96), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("qr_token", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status_reason", sa.String(length=200), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('valid', 'suspended', 'annulled', 'cancelled', 'expired', 'revoked')",
            name=op.f("ck_licenses_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_licenses_application_id_applications"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["holder_user_id"],
            ["users.id"],
            name=op.f("fk_licenses_holder_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["kid"], ["license_signing_keys.kid"], name=op.f("fk_licenses_kid_license_signing_keys")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["application_tasks.id"],
            name=op.f("fk_licenses_task_id_application_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licenses")),
        sa.UniqueConstraint("identifier", name=op.f("uq_licenses_identifier")),
        sa.UniqueConstraint(
            "issuer_code", "type_code", "serial", "version", name=op.f("uq_licenses_issuer_code")
        ),
        sa.UniqueConstraint(
            "issuer_department", "status_index", name=op.f("uq_licenses_issuer_department")
        ),
        sa.UniqueConstraint("object_key", name=op.f("uq_licenses_object_key")),
        sa.UniqueConstraint("task_id", name=op.f("uq_licenses_task_id")),
    )
    op.create_index(
        op.f("ix_licenses_application_id"), "licenses", ["application_id"], unique=False
    )
    op.create_index(op.f("ix_licenses_holder_index"), "licenses", ["holder_index"], unique=False)
    op.create_index(
        op.f("ix_licenses_holder_user_id"), "licenses", ["holder_user_id"], unique=False
    )
    op.create_table(
        "license_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("license_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_sub", sa.String(length=128), nullable=True),
        sa.Column("client_id", sa.String(length=128), nullable=True),
        sa.Column(
            "detail", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            name=op.f("fk_license_events_license_id_licenses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_events")),
    )
    op.create_index(
        "ix_license_events_license_id_id", "license_events", ["license_id", "id"], unique=False
    )
    op.create_table(
        "license_grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("license_id", sa.Uuid(), nullable=False),
        sa.Column("grantor_id", sa.Uuid(), nullable=False),
        sa.Column("grantee_user_id", sa.Uuid(), nullable=True),
        sa.Column("grantee_client_id", sa.String(length=128), nullable=True),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(grantee_user_id IS NULL) <> (grantee_client_id IS NULL)",
            name=op.f("ck_license_grants_one_grantee"),
        ),
        sa.CheckConstraint(
            "valid_until > valid_from", name=op.f("ck_license_grants_period_positive")
        ),
        sa.ForeignKeyConstraint(
            ["grantee_client_id"],
            ["oauth_clients.client_id"],
            name=op.f("fk_license_grants_grantee_client_id_oauth_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grantee_user_id"],
            ["users.id"],
            name=op.f("fk_license_grants_grantee_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grantor_id"],
            ["users.id"],
            name=op.f("fk_license_grants_grantor_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            name=op.f("fk_license_grants_license_id_licenses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_grants")),
    )
    op.create_index(
        op.f("ix_license_grants_grantee_user_id"),
        "license_grants",
        ["grantee_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_license_grants_grantor_id"), "license_grants", ["grantor_id"], unique=False
    )
    op.create_index(
        op.f("ix_license_grants_license_id"), "license_grants", ["license_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_license_grants_license_id"), table_name="license_grants")
    op.drop_index(op.f("ix_license_grants_grantor_id"), table_name="license_grants")
    op.drop_index(op.f("ix_license_grants_grantee_user_id"), table_name="license_grants")
    op.drop_table("license_grants")
    op.drop_index("ix_license_events_license_id_id", table_name="license_events")
    op.drop_table("license_events")
    op.drop_index(op.f("ix_licenses_holder_user_id"), table_name="licenses")
    op.drop_index(op.f("ix_licenses_holder_index"), table_name="licenses")
    op.drop_index(op.f("ix_licenses_application_id"), table_name="licenses")
    op.drop_table("licenses")
    op.drop_index(op.f("ix_license_signing_keys_department"), table_name="license_signing_keys")
    op.drop_table("license_signing_keys")
