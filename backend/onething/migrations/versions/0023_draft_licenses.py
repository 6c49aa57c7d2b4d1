"""Licenses linked to a draft's materials before submission ("use my e-license instead").

Revision ID: 0023_draft_licenses
Revises: 0083_launches
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_draft_licenses"
down_revision: str | Sequence[str] | None = "0083_launches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "draft_licenses",
        sa.Column("draft_id", sa.Uuid(), nullable=False),
        sa.Column("material", sa.String(length=64), nullable=False),
        sa.Column("license_id", sa.Uuid(), nullable=False),
        sa.Column("actor_sub", sa.String(length=128), nullable=False),
        sa.Column("act_sub", sa.String(length=128), nullable=True),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"],
            ["application_drafts.id"],
            name=op.f("fk_draft_licenses_draft_id_application_drafts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            name=op.f("fk_draft_licenses_license_id_licenses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("draft_id", "material", name=op.f("pk_draft_licenses")),
    )
    op.create_index(
        op.f("ix_draft_licenses_license_id"), "draft_licenses", ["license_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_draft_licenses_license_id"), table_name="draft_licenses")
    op.drop_table("draft_licenses")
