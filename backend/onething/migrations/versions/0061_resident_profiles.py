"""Remembered profile facts: what a resident asked us to keep for their next application.

Revision ID: 0061_resident_profiles
Revises: 0084_client_webhooks
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0061_resident_profiles"
down_revision: str | Sequence[str] | None = "0084_client_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resident_profiles",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("facts_encrypted", sa.Text(), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_resident_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_resident_profiles")),
    )


def downgrade() -> None:
    op.drop_table("resident_profiles")
