"""Consolidation and shipping: paper outputs ready within the window travel in one parcel,
unless waiting would break the bundle's promised date; courier orders (retried with backoff
while the courier is down); tracking callbacks move the parcel, delivered closes its tasks,
returned asks the resident for a corrected address and the parcel is re-sent.

A parcel for a resident who collects is consolidated the same way and, once closed, goes to
their service hall instead of the courier (pickups.py).

Called by worker jobs (jobs.py) and by the webhook; each step is idempotent."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import func, select

from onething.applications.calendar import CHINA_TZ, WorkingCalendar, china_date
from onething.applications.catalogs import catalog_for
from onething.applications.client_events import task_changed
from onething.applications.models import Application, Task
from onething.applications.sealing import unseal
from onething.applications.states import (
    OUTPUT_EXISTS,
    TERMINAL,
    Actor,
    TaskEvent,
    TaskState,
    allowed,
    transition,
)
from onething.applications.timeline import record
from onething.delivery.courier import (
    CourierOrder,
    CourierRefusedError,
    CourierUnavailableError,
    Recipient,
    TrackingUpdate,
)
from onething.delivery.models import CourierEvent, DeliveryChoice, Parcel, ParcelItem
from onething.delivery.services import ADDRESS_TABLE
from onething.delivery.states import ParcelState, after_tracking

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.applications.context import ApplicationsContext
    from onething.catalog.model import Catalog
    from onething.core.settings import DeliverySettings
    from onething.delivery.courier import Courier

MAX_BACKOFF_SECONDS: Final = 300


def latest_ship_day(calendar: WorkingCalendar, promised_on: dt.date, transit_days: int) -> dt.date:
    """The last working day a parcel can leave and still arrive by the promised date."""
    day = promised_on
    while day > promised_on - dt.timedelta(days=60):
        arrives = calendar.add_working_days(day, transit_days).date
        if calendar.is_working_day(day) and arrives <= promised_on:
            return day
        day -= dt.timedelta(days=1)
    return day


def ship_day(
    calendar: WorkingCalendar,
    today: dt.date,
    promised_on: dt.date,
    settings: DeliverySettings,
    *,
    to_hall: bool = False,
) -> dt.date:
    """When a parcel opened today ships at the latest: the window's end, or earlier when the
    promise needs it (never before today). A parcel for a hall needs no transit days: the
    departments' outputs reach the hall's window the day they are closed."""
    window_end = calendar.add_working_days(today, settings.window_days).date
    transit = 0 if to_hall else settings.transit_days
    return max(today, min(window_end, latest_ship_day(calendar, promised_on, transit)))


def backoff_seconds(attempts: int) -> int:
    """1 s, 2 s, 4 s … capped at 5 minutes (after `attempts` failed calls)."""
    return int(min(2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS))


def _event(
    session: AsyncSession, parcel: Parcel, kind: str, now: dt.datetime, **detail: Any
) -> None:
    record(
        session,
        application_id=parcel.application_id,
        kind=kind,
        actor_kind=Actor.SYSTEM,
        now=now,
        detail={"parcel": parcel.number, **detail},
    )


async def _open_parcel(
    session: AsyncSession, application: Application, ship_on: dt.date, now: dt.datetime
) -> Parcel:
    numbers = await session.scalar(
        select(func.coalesce(func.max(Parcel.number), 0)).where(
            Parcel.application_id == application.id
        )
    )
    parcel = Parcel(
        id=uuid.uuid4(),
        application_id=application.id,
        number=int(numbers or 0) + 1,
        state=ParcelState.COLLECTING.value,
        ship_on=ship_on,
        orders=[],
        order_attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(parcel)
    await session.flush()
    return parcel


@dataclass(frozen=True, slots=True)
class Collected:
    closed: list[uuid.UUID]  # parcels closed now: their courier orders are to be created
    opened: Parcel | None  # a parcel opened now and left collecting until its day


async def collect_ready_outputs(
    session: AsyncSession,
    ctx: ApplicationsContext,
    settings: DeliverySettings,
    application_id: uuid.UUID,
    *,
    now: dt.datetime,
) -> Collected:
    """Put the application's newly ready paper outputs into its open parcel (opening one if
    needed) and close it when nothing else is expected or its day has come."""
    application = (
        await session.execute(
            select(Application).where(Application.id == application_id).with_for_update()
        )
    ).scalar_one_or_none()
    choice = await session.get(DeliveryChoice, application_id)
    if application is None or choice is None:
        return Collected(closed=[], opened=None)
    catalog = await catalog_for(session, application.catalog_version, ctx.catalog)
    tasks = (
        (await session.execute(select(Task).where(Task.application_id == application_id)))
        .scalars()
        .all()
    )
    paper = [t for t in tasks if catalog.services[t.service].produces.mail_paper]
    packed = set(
        (
            await session.execute(
                select(ParcelItem.task_id).where(ParcelItem.task_id.in_([t.id for t in paper]))
            )
        )
        .scalars()
        .all()
    )
    ready = [t for t in paper if _paper_ready(catalog, t) and t.id not in packed]
    expected = [
        t
        for t in paper
        if t.id not in packed and t not in ready and TaskState(t.state) not in TERMINAL
    ]
    today = china_date(now)
    parcel = (
        await session.execute(
            select(Parcel).where(
                Parcel.application_id == application_id,
                Parcel.state == ParcelState.COLLECTING.value,
            )
        )
    ).scalar_one_or_none()
    opened = None
    if ready:
        latest = ship_day(
            ctx.calendar,
            today,
            application.promised_on,
            settings,
            to_hall=choice.method == "collect",
        )
        if parcel is None:
            parcel = opened = await _open_parcel(session, application, latest, now)
            _event(session, parcel, "parcel.opened", now, ship_on=str(latest))
        else:
            parcel.ship_on = min(parcel.ship_on, latest)
        for task in sorted(ready, key=lambda t: t.service):
            session.add(
                ParcelItem(task_id=task.id, parcel_id=parcel.id, service=task.service, ready_at=now)
            )
            _event(session, parcel, "parcel.item_added", now, service=task.service)
        parcel.updated_at = now
        await session.flush()
    if parcel is not None and (not expected or parcel.ship_on <= today):
        _close(session, parcel, now, reason="all_ready" if not expected else "time_limit")
        return Collected(closed=[parcel.id], opened=None)
    return Collected(closed=[], opened=opened)


def _paper_ready(catalog: Catalog, task: Task) -> bool:
    """The paper copy exists: printed from the issued e-license, or, for a service without
    one, from the decision itself."""
    state = TaskState(task.state)
    if catalog.services[task.service].produces.license is not None:
        return state == TaskState.ISSUED
    return state in OUTPUT_EXISTS


def _close(session: AsyncSession, parcel: Parcel, now: dt.datetime, *, reason: str) -> None:
    parcel.state = ParcelState.ORDERING.value
    parcel.updated_at = now
    _event(session, parcel, "parcel.closed", now, reason=reason)


async def ship_due_parcels(session: AsyncSession, *, now: dt.datetime) -> list[uuid.UUID]:
    """Close every collecting parcel whose day has come (the window ended, or the promise
    needs it to leave now). Returns their ids."""
    due = (
        (
            await session.execute(
                select(Parcel)
                .where(
                    Parcel.state == ParcelState.COLLECTING.value,
                    Parcel.ship_on <= china_date(now),
                )
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    for parcel in due:
        _close(session, parcel, now, reason="window_ended")
    return [p.id for p in due]


def ship_due_at(ship_on: dt.date) -> dt.datetime:
    """When the worker looks at a collecting parcel again: 09:00 China time on its day."""
    return dt.datetime.combine(ship_on, dt.time(9), tzinfo=CHINA_TZ)


class OrderOutcome:
    ORDERED: Final = "ordered"
    AT_HALL: Final = "at_hall"  # the resident collects: the parcel went to their hall
    RETRY: Final = "retry"
    NOTHING: Final = "nothing"
    REFUSED: Final = "refused"


async def order_parcel(
    session: AsyncSession,
    ctx: ApplicationsContext,
    courier: Courier,
    parcel_id: uuid.UUID,
    *,
    now: dt.datetime,
) -> str:
    """Send a closed parcel on: to the resident's service hall when they collect, else a
    courier order. The courier down: the attempt is counted and RETRY returned (the caller
    schedules the next try with `backoff_seconds`)."""
    from onething.delivery.pickups import place_at_hall

    parcel = (
        await session.execute(select(Parcel).where(Parcel.id == parcel_id).with_for_update())
    ).scalar_one_or_none()
    if parcel is None or parcel.state != ParcelState.ORDERING.value:
        return OrderOutcome.NOTHING
    choice = await session.get(DeliveryChoice, parcel.application_id)
    if choice is not None and choice.method == "collect" and choice.hall is not None:
        await place_at_hall(session, ctx, parcel, choice.hall, now=now)
        return OrderOutcome.AT_HALL
    if choice is None or choice.address_encrypted is None or choice.region_code is None:
        return OrderOutcome.NOTHING
    address = unseal(
        ctx.cipher, choice.address_encrypted, table=ADDRESS_TABLE, row_id=choice.application_id
    )
    items = (
        (await session.execute(select(ParcelItem.service).where(ParcelItem.parcel_id == parcel.id)))
        .scalars()
        .all()
    )
    order = CourierOrder(
        reference=f"{parcel.id}/{len(parcel.orders) + 1}",
        recipient=Recipient(
            name=address["recipient"],
            phone=address["phone"],
            region_code=choice.region_code,
            address=address["address"],
        ),
        items=sorted(items),
    )
    parcel.order_attempts += 1
    parcel.updated_at = now
    try:
        receipt = await courier.create_order(order)
    except CourierUnavailableError as exc:
        parcel.last_error = str(exc)[:200]
        return OrderOutcome.RETRY
    except CourierRefusedError as exc:
        parcel.last_error = str(exc)[:200]
        _event(session, parcel, "parcel.order_refused", now)
        return OrderOutcome.REFUSED
    parcel.state = ParcelState.ORDERED.value
    parcel.courier = receipt.courier
    parcel.tracking_number = receipt.tracking_number
    parcel.last_error = None
    parcel.orders = [
        *parcel.orders,
        {
            "reference": order.reference,
            "tracking_number": receipt.tracking_number,
            "at": now.isoformat(),
        },
    ]
    _event(
        session,
        parcel,
        "parcel.ordered",
        now,
        courier=receipt.courier,
        tracking_number=receipt.tracking_number,
        attempts=parcel.order_attempts,
    )
    await _notify(session, parcel, ParcelState.ORDERED, now)
    return OrderOutcome.ORDERED


async def apply_tracking(session: AsyncSession, update: TrackingUpdate, *, now: dt.datetime) -> str:
    """Record a verified tracking callback and move the parcel; delivered completes the
    parcel's tasks, returned asks the resident for a corrected address. Returns the outcome
    (applied, duplicate, unknown, ignored)."""
    seen = await session.scalar(
        select(CourierEvent.id).where(
            CourierEvent.courier == update.courier, CourierEvent.event_id == update.event_id
        )
    )
    if seen is not None:
        return "duplicate"
    parcel = (
        await session.execute(
            select(Parcel).where(Parcel.tracking_number == update.tracking_number).with_for_update()
        )
    ).scalar_one_or_none()
    target = after_tracking(ParcelState(parcel.state), update.status) if parcel else None
    outcome = "unknown" if parcel is None else ("applied" if target else "ignored")
    session.add(
        CourierEvent(
            courier=update.courier,
            event_id=update.event_id,
            tracking_number=update.tracking_number,
            status=update.status.value,
            occurred_at=update.occurred_at,
            received_at=now,
            outcome=outcome,
        )
    )
    if parcel is None or target is None:
        return outcome
    parcel.state = target.value
    parcel.updated_at = now
    _event(
        session,
        parcel,
        f"parcel.{update.status.value}",
        now,
        tracking_number=update.tracking_number,
        occurred_at=update.occurred_at.isoformat(),
    )
    if target == ParcelState.DELIVERED:
        await complete_parcel_tasks(
            session, parcel, now, detail={"delivered_in_parcel": parcel.number}
        )
    elif target == ParcelState.RETURNED:
        _event(session, parcel, "delivery.address_correction_requested", now)
    await _notify(session, parcel, target, now)
    return outcome


async def complete_parcel_tasks(
    session: AsyncSession, parcel: Parcel, now: dt.datetime, *, detail: dict[str, Any]
) -> None:
    """The parcel reached the resident (delivered, or collected at the hall): its tasks are
    done."""
    tasks = (
        (
            await session.execute(
                select(Task)
                .join(ParcelItem, ParcelItem.task_id == Task.id)
                .where(ParcelItem.parcel_id == parcel.id)
                .with_for_update(of=Task)
            )
        )
        .scalars()
        .all()
    )
    for task in tasks:
        before = TaskState(task.state)
        if not allowed(before, TaskEvent.COMPLETE, Actor.SYSTEM):
            continue  # cancelled meanwhile, or already done
        task.state = transition(before, TaskEvent.COMPLETE, Actor.SYSTEM).value
        task.updated_at = now
        record(
            session,
            application_id=task.application_id,
            task_id=task.id,
            kind="task.complete",
            from_state=before.value,
            to_state=task.state,
            actor_kind=Actor.SYSTEM,
            now=now,
            detail=detail,
        )
        await task_changed(session, task, now=now)


_TOLD: Final = {
    ParcelState.ORDERED: "parcel.ordered",
    ParcelState.OUT_FOR_DELIVERY: "parcel.out_for_delivery",
    ParcelState.DELIVERED: "parcel.delivered",
    ParcelState.RETURNED: "parcel.returned",
}


async def _notify(
    session: AsyncSession, parcel: Parcel, state: ParcelState, now: dt.datetime
) -> None:
    """Tell the resident (the notify domain picks the channels by their preferences)."""
    template = _TOLD.get(state)
    application = await session.get(Application, parcel.application_id)
    if template is None or application is None:
        return
    from onething.notify.services import notify

    await notify(
        session,
        application.owner_id,
        template,
        {"parcel": parcel.number, "tracking_number": parcel.tracking_number or ""},
        application_id=application.id,
        now=now,
    )


async def reroute(
    session: AsyncSession, application_id: uuid.UUID, *, now: dt.datetime
) -> list[uuid.UUID]:
    """After the resident changed the choice: returned parcels go out again (to the corrected
    address under a new tracking number, or to the hall now chosen), and parcels waiting at a
    hall go where the new choice says (their pickup code void). Returns the parcels to send."""
    moved = (
        (
            await session.execute(
                select(Parcel)
                .where(
                    Parcel.application_id == application_id,
                    Parcel.state.in_([ParcelState.RETURNED.value, ParcelState.AT_HALL.value]),
                )
                .with_for_update()
            )
        )
        .scalars()
        .all()
    )
    for parcel in moved:
        kind = "parcel.resent" if parcel.state == ParcelState.RETURNED.value else "parcel.rerouted"
        parcel.state = ParcelState.ORDERING.value
        parcel.tracking_number = None
        parcel.order_attempts = 0
        parcel.pickup_code_encrypted = parcel.pickup_code_index = None
        parcel.updated_at = now
        _event(session, parcel, kind, now)
    return [p.id for p in moved]
