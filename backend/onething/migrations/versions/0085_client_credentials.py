"""Registered mini-apps may use client_credentials (as themselves: `bundles:read`, their
webhook subscription); clients registered before get the grant too.

Revision ID: 0085_client_credentials
Revises: 0061_resident_profiles
Create Date: 2026-12-02
"""

# ruff: noqa: S608 — the SQL is made of the constants below only
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0085_client_credentials"
down_revision: str | Sequence[str] | None = "0061_resident_profiles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGISTERED = "first_party = false AND department IS NULL"


def upgrade() -> None:
    op.execute(
        "UPDATE oauth_clients SET grant_types = array_append(grant_types, 'client_credentials') "
        f"WHERE {REGISTERED} AND NOT 'client_credentials' = ANY(grant_types)"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE oauth_clients SET grant_types = array_remove(grant_types, 'client_credentials') "
        f"WHERE {REGISTERED}"
    )
