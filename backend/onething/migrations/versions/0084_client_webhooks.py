"""Webhooks to mini-apps through the department webhooks' outbox: an event is for a department
or for a registered client; each client's subscribed event types.

Revision ID: 0084_client_webhooks
Revises: 0023_draft_licenses
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0084_client_webhooks"
down_revision: str | Sequence[str] | None = "0023_draft_licenses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENTS = "department_webhook_events"


def upgrade() -> None:
    op.alter_column(EVENTS, "department", existing_type=sa.String(length=64), nullable=True)
    op.add_column(EVENTS, sa.Column("client_id", sa.String(length=128), nullable=True))
    op.create_index(op.f(f"ix_{EVENTS}_client_id"), EVENTS, ["client_id"], unique=False)
    op.create_check_constraint(
        op.f(f"ck_{EVENTS}_one_recipient"),
        EVENTS,
        "(department IS NULL) <> (client_id IS NULL)",
    )
    op.add_column(
        "oauth_clients",
        sa.Column(
            "webhook_events",
            postgresql.ARRAY(sa.String(length=48)),
            server_default="{}",
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("oauth_clients", "webhook_events")
    op.execute(f"DELETE FROM {EVENTS} WHERE client_id IS NOT NULL")  # noqa: S608 — a constant
    op.drop_constraint(op.f(f"ck_{EVENTS}_one_recipient"), EVENTS, type_="check")
    op.drop_index(op.f(f"ix_{EVENTS}_client_id"), table_name=EVENTS)
    op.drop_column(EVENTS, "client_id")
    op.alter_column(EVENTS, "department", existing_type=sa.String(length=64), nullable=False)
