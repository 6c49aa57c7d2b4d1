"""Delivery: the delivery choice of an application, parcels, parcel items, courier events.

Revision ID: 0050_delivery
Revises: 0010_applications
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0050_delivery"
down_revision: str | Sequence[str] | None = "0010_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_courier_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("courier", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("tracking_number", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_courier_events")),
        sa.UniqueConstraint("courier", "event_id", name=op.f("uq_delivery_courier_events_courier")),
    )
    op.create_index(
        op.f("ix_delivery_courier_events_tracking_number"),
        "delivery_courier_events",
        ["tracking_number"],
        unique=False,
    )
    op.create_table(
        "delivery_choices",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("address_encrypted", sa.Text(), nullable=True),
        sa.Column("hall", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(method = 'mail' AND address_encrypted IS NOT NULL AND region_code IS NOT NULL)"
            " OR (method = 'collect' AND hall IS NOT NULL)",
            name=op.f("ck_delivery_choices_complete"),
        ),
        sa.CheckConstraint(
            "method IN ('mail', 'collect')", name=op.f("ck_delivery_choices_method_known")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_delivery_choices_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_delivery_choices")),
    )
    op.create_table(
        "delivery_parcels",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("ship_on", sa.Date(), nullable=False),
        sa.Column("courier", sa.String(length=32), nullable=True),
        sa.Column("tracking_number", sa.String(length=64), nullable=True),
        sa.Column(
            "orders", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        sa.Column("order_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('collecting', 'ordering', 'ordered', 'picked_up', 'in_transit',"
            " 'out_for_delivery', 'delivered', 'returned')",
            name=op.f("ck_delivery_parcels_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_delivery_parcels_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_parcels")),
        sa.UniqueConstraint(
            "application_id", "number", name=op.f("uq_delivery_parcels_application_id")
        ),
        sa.UniqueConstraint("tracking_number", name=op.f("uq_delivery_parcels_tracking_number")),
    )
    op.create_index(
        op.f("ix_delivery_parcels_application_id"),
        "delivery_parcels",
        ["application_id"],
        unique=False,
    )
    op.create_index(op.f("ix_delivery_parcels_state"), "delivery_parcels", ["state"], unique=False)
    op.create_table(
        "delivery_parcel_items",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("parcel_id", sa.Uuid(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parcel_id"],
            ["delivery_parcels.id"],
            name=op.f("fk_delivery_parcel_items_parcel_id_delivery_parcels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["application_tasks.id"],
            name=op.f("fk_delivery_parcel_items_task_id_application_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_delivery_parcel_items")),
    )
    op.create_index(
        op.f("ix_delivery_parcel_items_parcel_id"),
        "delivery_parcel_items",
        ["parcel_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_delivery_parcel_items_parcel_id"), table_name="delivery_parcel_items")
    op.drop_table("delivery_parcel_items")
    op.drop_index(op.f("ix_delivery_parcels_state"), table_name="delivery_parcels")
    op.drop_index(op.f("ix_delivery_parcels_application_id"), table_name="delivery_parcels")
    op.drop_table("delivery_parcels")
    op.drop_table("delivery_choices")
    op.drop_index(
        op.f("ix_delivery_courier_events_tracking_number"), table_name="delivery_courier_events"
    )
    op.drop_table("delivery_courier_events")
