"""Prefilled launches by mini-apps: what each client may assert, which client launched a draft
or an application, and which prefilled facts came from it.

Revision ID: 0083_launches
Revises: 0051_hall_pickup
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0083_launches"
down_revision: str | Sequence[str] | None = "0051_hall_pickup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "oauth_clients",
        sa.Column(
            "asserts", postgresql.ARRAY(sa.String(length=128)), server_default="{}", nullable=False
        ),
    )
    for table in ("application_drafts", "applications"):
        op.add_column(table, sa.Column("launched_by", sa.String(length=128), nullable=True))
        op.add_column(
            table,
            sa.Column(
                "prefill_sources",
                postgresql.JSONB(astext_type=sa.Text()),
                server_default="{}",
                nullable=False,
            ),
        )
        op.create_foreign_key(
            op.f(f"fk_{table}_launched_by_oauth_clients"),
            table,
            "oauth_clients",
            ["launched_by"],
            ["client_id"],
            ondelete="SET NULL" if table == "application_drafts" else None,
        )


def downgrade() -> None:
    for table in ("applications", "application_drafts"):
        op.drop_constraint(op.f(f"fk_{table}_launched_by_oauth_clients"), table, type_="foreignkey")
        op.drop_column(table, "prefill_sources")
        op.drop_column(table, "launched_by")
    op.drop_column("oauth_clients", "asserts")
