"""Hall pick-up: parcels waiting at a service hall with a pickup code, the halls' staff, and
the service-hall actor on the timeline.

Revision ID: 0051_hall_pickup
Revises: 0082_scope_names
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0051_hall_pickup"
down_revision: str | Sequence[str] | None = "0082_scope_names"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARCEL_STATES = (
    "'collecting', 'ordering', 'ordered', 'picked_up', 'in_transit', 'out_for_delivery',"
    " 'delivered', 'returned'"
)
_ACTORS = "'resident', 'department', 'system'"


def _parcel_states(extra: str) -> None:
    op.drop_constraint(op.f("ck_delivery_parcels_state_known"), "delivery_parcels", type_="check")
    op.create_check_constraint(
        op.f("ck_delivery_parcels_state_known"),
        "delivery_parcels",
        f"state IN ({_PARCEL_STATES}{extra})",
    )


def _actors(extra: str) -> None:
    op.drop_constraint(
        op.f("ck_application_events_actor_known"), "application_events", type_="check"
    )
    op.create_check_constraint(
        op.f("ck_application_events_actor_known"),
        "application_events",
        f"actor_kind IN ({_ACTORS}{extra})",
    )


def upgrade() -> None:
    op.add_column("delivery_parcels", sa.Column("hall", sa.String(length=64), nullable=True))
    op.add_column("delivery_parcels", sa.Column("pickup_code_encrypted", sa.Text(), nullable=True))
    op.add_column(
        "delivery_parcels", sa.Column("pickup_code_index", sa.String(length=64), nullable=True)
    )
    op.create_unique_constraint(
        op.f("uq_delivery_parcels_pickup_code_index"), "delivery_parcels", ["pickup_code_index"]
    )
    _parcel_states(", 'at_hall', 'collected'")
    _actors(", 'service_hall'")
    op.create_table(
        "delivery_hall_staff",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("hall", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_delivery_hall_staff_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "hall", name=op.f("pk_delivery_hall_staff")),
    )


def downgrade() -> None:
    op.drop_table("delivery_hall_staff")
    op.execute("DELETE FROM application_events WHERE actor_kind = 'service_hall'")
    _actors("")
    op.execute("DELETE FROM delivery_parcels WHERE state IN ('at_hall', 'collected')")
    _parcel_states("")
    op.drop_constraint(
        op.f("uq_delivery_parcels_pickup_code_index"), "delivery_parcels", type_="unique"
    )
    op.drop_column("delivery_parcels", "pickup_code_index")
    op.drop_column("delivery_parcels", "pickup_code_encrypted")
    op.drop_column("delivery_parcels", "hall")
