"""API rate limits: each OAuth client's tier (`oauth_clients.rate_limit_tier`).

Revision ID: 0080_client_rate_tier
Revises: 0013_co_applicants
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0080_client_rate_tier"
down_revision: str | Sequence[str] | None = "0013_co_applicants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "oauth_clients",
        sa.Column(
            "rate_limit_tier", sa.String(length=32), server_default="standard", nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("oauth_clients", "rate_limit_tier")
