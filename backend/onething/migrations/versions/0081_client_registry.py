"""Registered third-party clients: English name, JWKS URL, webhook, registrar, disabling.

Revision ID: 0081_client_registry
Revises: 0080_client_rate_tier
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0081_client_registry"
down_revision: str | Sequence[str] | None = "0080_client_rate_tier"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("name_en", "jwks_uri", "webhook_url", "webhook_secret_encrypted", "registered_by")


def upgrade() -> None:
    op.add_column("oauth_clients", sa.Column("name_en", sa.String(length=200)))
    op.add_column("oauth_clients", sa.Column("jwks_uri", sa.Text()))
    op.add_column("oauth_clients", sa.Column("webhook_url", sa.Text()))
    op.add_column("oauth_clients", sa.Column("webhook_secret_encrypted", sa.Text()))
    op.add_column("oauth_clients", sa.Column("registered_by", sa.String(length=64)))
    op.add_column("oauth_clients", sa.Column("disabled_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("oauth_clients", "disabled_at")
    for column in reversed(COLUMNS):
        op.drop_column("oauth_clients", column)
