"""`onething halls …`: operator commands for the service halls' collection-window staff."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.identity.context import IdentityContext

T = TypeVar("T")


def _in_transaction(work: Callable[[AsyncSession, IdentityContext], Awaitable[T]]) -> T:
    from onething.core.db import create_engine, create_sessionmaker
    from onething.core.settings import Settings
    from onething.identity.context import IdentityContext

    settings = Settings.from_env()

    async def run() -> T:
        engine = create_engine(settings.database)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await work(session, IdentityContext.from_settings(settings))
        finally:
            await engine.dispose()

    return asyncio.run(run())


@click.group()
def halls() -> None:
    """Service halls (staff of the collection windows)."""


@halls.command("staff-add")
@click.option("--hall", required=True, help="The hall's id (GET /api/v1/service-halls).")
@click.option("--phone", required=True, help="The staff member's mobile number (their login).")
def staff_add(hall: str, phone: str) -> None:
    """Let the account with this number hand parcels over at the hall (an agent account is
    created when none exists; residents' accounts are refused)."""
    from onething.delivery.hall_staff import HallStaffError, add_staff

    try:
        user_id, added = _in_transaction(
            lambda s, i: add_staff(s, i, phone=phone, hall=hall, now=datetime.now(UTC))
        )
    except HallStaffError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{hall}\t{user_id}\t{'added' if added else 'already staff'}")


@halls.command("staff-remove")
@click.option("--hall", required=True)
@click.option("--phone", required=True)
def staff_remove(hall: str, phone: str) -> None:
    """Stop the account from working at the hall."""
    from onething.delivery.hall_staff import remove_staff

    removed = _in_transaction(lambda s, i: remove_staff(s, i, phone=phone, hall=hall))
    click.echo(f"{hall}\t{'removed' if removed else 'was not staff'}")


@halls.command("staff-list")
@click.option("--hall", required=True)
def staff_list(hall: str) -> None:
    """The accounts working at the hall (ids only: names and numbers stay sealed)."""
    from onething.delivery.hall_staff import staff_of

    for user_id in _in_transaction(lambda s, i: staff_of(s, hall)):
        click.echo(str(user_id))
