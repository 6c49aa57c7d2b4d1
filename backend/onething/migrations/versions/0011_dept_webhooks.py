"""Departments: webhook endpoints and webhook events (outbox with dead letters).

Revision ID: 0011_dept_webhooks
Revises: 0050_delivery
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_dept_webhooks"
down_revision: str | Sequence[str] | None = "0050_delivery"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "department_endpoints",
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("department", name=op.f("pk_department_endpoints")),
    )
    op.create_table(
        "department_webhook_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("department", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=48), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_webhook_events")),
    )
    op.create_index(
        op.f("ix_department_webhook_events_department"),
        "department_webhook_events",
        ["department"],
        unique=False,
    )
    op.create_index(
        "ix_department_webhook_events_dead",
        "department_webhook_events",
        ["dead_at"],
        unique=False,
        postgresql_where=sa.text("dead_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_department_webhook_events_dead",
        table_name="department_webhook_events",
        postgresql_where=sa.text("dead_at IS NOT NULL"),
    )
    op.drop_index(
        op.f("ix_department_webhook_events_department"), table_name="department_webhook_events"
    )
    op.drop_table("department_webhook_events")
    op.drop_table("department_endpoints")
