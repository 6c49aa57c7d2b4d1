"""Co-applicant confirmation requests (the other parent confirms from their own account).

Revision ID: 0013_co_applicants
Revises: 0022_license_key_refs
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_co_applicants"
down_revision: str | Sequence[str] | None = "0022_license_key_refs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "co_applicant_requests"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("co_applicant_id", sa.Uuid(), nullable=False),
        sa.Column("draft_id", sa.Uuid(), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("bundle", sa.String(length=64), nullable=False),
        sa.Column("applicant_hint", sa.String(length=16), nullable=False),
        sa.Column("co_applicant_hint", sa.String(length=16), nullable=False),
        sa.Column("services", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("draft_version", sa.Integer(), nullable=False),
        sa.Column("facts_encrypted", sa.Text(), nullable=False),
        sa.Column("facts_digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("requested_act", sa.String(length=128), nullable=True),
        sa.Column("requested_client", sa.String(length=128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=128), nullable=True),
        sa.Column("decided_act", sa.String(length=128), nullable=True),
        sa.Column("decided_client", sa.String(length=128), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'declined')",
            name=op.f("ck_co_applicant_requests_status_known"),
        ),
        sa.CheckConstraint(
            "owner_id <> co_applicant_id", name=op.f("ck_co_applicant_requests_someone_else")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_co_applicant_requests_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["co_applicant_id"],
            ["users.id"],
            name=op.f("fk_co_applicant_requests_co_applicant_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["application_drafts.id"],
            name=op.f("fk_co_applicant_requests_draft_id_application_drafts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_co_applicant_requests_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_co_applicant_requests")),
    )
    for column in ("application_id", "co_applicant_id", "draft_id", "owner_id"):
        op.create_index(op.f(f"ix_{_TABLE}_{column}"), _TABLE, [column], unique=False)


def downgrade() -> None:
    for column in ("owner_id", "draft_id", "co_applicant_id", "application_id"):
        op.drop_index(op.f(f"ix_{_TABLE}_{column}"), table_name=_TABLE)
    op.drop_table(_TABLE)
