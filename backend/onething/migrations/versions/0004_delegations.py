"""Delegations (帮办代办): agent, resident, bundles, validity ≤ 30 days, evidence, revocation.

Revision ID: 0004_delegations
Revises: 0003_identity
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_delegations"
down_revision: str | Sequence[str] | None = "0003_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agent_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("bundles", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_kind", sa.String(length=32), nullable=True),
        sa.Column(
            "evidence", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("confirmation_code_hash", sa.String(length=64), nullable=True),
        sa.Column("confirmation_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmation_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "evidence_kind IS NULL OR evidence_kind IN ('sms_confirmation', 'in_person')",
            name=op.f("ck_delegations_evidence_kind_known"),
        ),
        sa.CheckConstraint(
            "valid_until <= valid_from + interval '30 days'",
            name=op.f("ck_delegations_validity_at_most_30_days"),
        ),
        sa.CheckConstraint("agent_id <> resident_id", name=op.f("ck_delegations_not_self")),
        sa.CheckConstraint(
            "valid_until > valid_from", name=op.f("ck_delegations_validity_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["users.id"],
            name=op.f("fk_delegations_agent_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
            name=op.f("fk_delegations_resident_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    op.create_index(
        "ix_delegations_agent_resident", "delegations", ["agent_id", "resident_id"], unique=False
    )
    op.create_index(
        op.f("ix_delegations_resident_id"), "delegations", ["resident_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_delegations_resident_id"), table_name="delegations")
    op.drop_index("ix_delegations_agent_resident", table_name="delegations")
    op.drop_table("delegations")
