"""Worker jobs of the delivery domain (each idempotent: a crashed worker's job reruns)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

import msgspec

from onething.core.jobs import JobContext, enqueue, enqueue_many, job, periodic

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.core.settings import Settings

COLLECT: Final = "delivery.collect"
SHIP_DUE: Final = "delivery.ship_due"
ORDER: Final = "delivery.order"


class ApplicationRef(msgspec.Struct, frozen=True):
    application_id: uuid.UUID


class ParcelRef(msgspec.Struct, frozen=True):
    parcel_id: uuid.UUID


@job(COLLECT)
async def collect_ready_outputs(ctx: JobContext, payload: bytes) -> None:
    """Enqueued by the applications domain whenever a task is decided."""
    from onething.applications.context import context_from_settings
    from onething.delivery.parcels import collect_ready_outputs as collect

    ref = msgspec.json.decode(payload, type=ApplicationRef)
    now = datetime.now(UTC)
    async with ctx.sessionmaker() as session, session.begin():
        collected = await collect(
            session,
            context_from_settings(ctx.settings),
            ctx.settings.delivery,
            ref.application_id,
            now=now,
        )
        await enqueue_many(session, ORDER, [ParcelRef(parcel_id=p) for p in collected.closed])


@job(SHIP_DUE)
async def ship_due_parcels(ctx: JobContext, payload: bytes) -> None:
    """Close collecting parcels whose day has come (payload unused); scheduled hourly
    (`DELIVERY_SHIP_SCHEDULE`). A deferred job per parcel would do it too, but a queue
    holding jobs days ahead never drains."""
    del payload
    async with ctx.sessionmaker() as session, session.begin():
        await close_due_parcels(session, now=datetime.now(UTC))


async def close_due_parcels(session: AsyncSession, *, now: datetime) -> list[uuid.UUID]:
    """Close the parcels whose day has come and queue their courier orders (same transaction)."""
    from onething.delivery.parcels import ship_due_parcels as ship_due

    closed = await ship_due(session, now=now)
    await enqueue_many(session, ORDER, [ParcelRef(parcel_id=p) for p in closed])
    return closed


@job(ORDER)
async def order_parcel(ctx: JobContext, payload: bytes) -> None:
    """Create the courier order; while the courier is down, try again with backoff."""
    from onething.applications.context import context_from_settings
    from onething.delivery.courier import courier_for
    from onething.delivery.models import Parcel
    from onething.delivery.parcels import OrderOutcome, backoff_seconds
    from onething.delivery.parcels import order_parcel as order

    ref = msgspec.json.decode(payload, type=ParcelRef)
    async with ctx.sessionmaker() as session, session.begin():
        outcome = await order(
            session,
            context_from_settings(ctx.settings),
            courier_for(ctx.settings.delivery),
            ref.parcel_id,
            now=datetime.now(UTC),
        )
        if outcome == OrderOutcome.RETRY:
            parcel = await session.get(Parcel, ref.parcel_id)
            attempts = parcel.order_attempts if parcel else 1
            await enqueue(session, ORDER, ref, delay=timedelta(seconds=backoff_seconds(attempts)))


def _ship_schedule(settings: Settings) -> str:
    return settings.delivery.ship_schedule


periodic(SHIP_DUE, _ship_schedule)
