"""Issuer keys held by an HSM/KMS: `license_signing_keys.key_ref`, the private half optional.

Revision ID: 0022_license_key_refs
Revises: 0042_federation
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_license_key_refs"
down_revision: str | Sequence[str] | None = "0042_federation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("license_signing_keys", sa.Column("key_ref", sa.String(length=200)))
    op.alter_column("license_signing_keys", "private_jwk_encrypted", nullable=True)
    op.create_check_constraint(
        op.f("ck_license_signing_keys_sealed_or_referenced"),
        "license_signing_keys",
        "(private_jwk_encrypted IS NULL) <> (key_ref IS NULL)",
    )


def downgrade() -> None:
    # Keys held by a key service cannot be kept without a private half: refuse to lose them.
    op.execute(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM license_signing_keys WHERE key_ref IS NOT NULL)"
        " THEN RAISE EXCEPTION 'issuer keys held by an HSM/KMS exist: a downgrade would lose them';"
        " END IF; END $$"
    )
    op.drop_constraint(
        op.f("ck_license_signing_keys_sealed_or_referenced"),
        "license_signing_keys",
        type_="check",
    )
    op.alter_column("license_signing_keys", "private_jwk_encrypted", nullable=False)
    op.drop_column("license_signing_keys", "key_ref")
