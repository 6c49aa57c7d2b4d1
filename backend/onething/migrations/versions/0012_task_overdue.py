"""Applications: the day a task was flagged overdue (by the scheduled overdue job).

Revision ID: 0012_task_overdue
Revises: 0011_dept_webhooks
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_task_overdue"
down_revision: str | Sequence[str] | None = "0011_dept_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("application_tasks", sa.Column("overdue_since", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("application_tasks", "overdue_since")
