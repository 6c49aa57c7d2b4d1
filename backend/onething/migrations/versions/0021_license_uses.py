"""Licenses used in place of application materials (材料免提交).

Revision ID: 0021_license_uses
Revises: 0041_passkeys
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_license_uses"
down_revision: str | Sequence[str] | None = "0041_passkeys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "license_uses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("license_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("material", sa.String(length=64), nullable=False),
        sa.Column("used_by", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_license_uses_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["license_id"],
            ["licenses.id"],
            name=op.f("fk_license_uses_license_id_licenses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["used_by"],
            ["users.id"],
            name=op.f("fk_license_uses_used_by_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_license_uses")),
    )
    op.create_index(
        op.f("ix_license_uses_application_id"), "license_uses", ["application_id"], unique=False
    )
    op.create_index(
        op.f("ix_license_uses_license_id"), "license_uses", ["license_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_license_uses_license_id"), table_name="license_uses")
    op.drop_index(op.f("ix_license_uses_application_id"), table_name="license_uses")
    op.drop_table("license_uses")
