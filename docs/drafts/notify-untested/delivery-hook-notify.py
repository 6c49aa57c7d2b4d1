root='/work/wt-delivery/backend/onething/'
p=root+'delivery/parcels.py'
s=open(p).read()
old='''async def _notify(
    session: AsyncSession, parcel: Parcel, state: ParcelState, now: dt.datetime
) -> None:
    """Tell the resident (the notify domain picks the channels by their preferences)."""
    del session, parcel, state, now
'''
assert old in s
s=s.replace(old,'''_TOLD: Final = {
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
''')
old2='''        attempts=parcel.order_attempts,
    )
    return OrderOutcome.ORDERED'''
assert old2 in s
s=s.replace(old2,'''        attempts=parcel.order_attempts,
    )
    await _notify(session, parcel, ParcelState.ORDERED, now)
    return OrderOutcome.ORDERED''')
open(p,'w').write(s)
