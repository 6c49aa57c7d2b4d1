"""`onething clients …`: register and manage third-party clients from a shell (the same
service as `/api/v1/admin/clients`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click
import msgspec

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from onething.core.settings import Settings

T = TypeVar("T")
OPERATOR = "cli"


def _run(work: Callable[[AsyncSession, Settings], Awaitable[T]]) -> T:
    from onething.core.db import create_engine, create_sessionmaker
    from onething.core.errors import ProblemError
    from onething.core.settings import Settings

    settings = Settings.from_env()

    async def go() -> T:
        engine = create_engine(settings.database)
        try:
            async with create_sessionmaker(engine)() as session:
                return await work(session, settings)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go())
    except ProblemError as exc:
        problem = exc.problem
        lines = [f"{problem.status} {problem.title_en}: {exc.detail_en or ''}".rstrip(": ")]
        lines += [f"  {e.field}: {e.message_en} / {e.message_zh}" for e in exc.errors or []]
        raise click.ClickException("\n".join(lines)) from exc


def _echo(value: object) -> None:
    click.echo(json.dumps(msgspec.to_builtins(value), ensure_ascii=False, indent=2))


@click.group()
def clients() -> None:
    """Third-party clients (mini-apps): register, list, show, disable."""


@clients.command("register")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def register(file: Path) -> None:
    """Register the client described by FILE (the JSON body of `POST /api/v1/admin/clients`).
    Prints the client, with its webhook secret, which is shown this once."""
    from onething.identity import client_registry as registry
    from onething.identity.context import IdentityContext

    try:
        data = msgspec.json.decode(file.read_bytes(), type=registry.ClientRegistration)
    except msgspec.ValidationError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc

    async def work(session: AsyncSession, settings: Settings) -> registry.ClientView:
        from onething.catalog.loader import load_catalog

        cipher = IdentityContext.from_settings(settings).cipher
        catalog = load_catalog(settings.app.catalog_dir)
        return await registry.register_client(
            session,
            cipher,
            settings.api_limits,
            data,
            elements=catalog.elements.keys(),
            by=OPERATOR,
            now=datetime.now(UTC),
        )

    _echo(_run(work))


@clients.command("list")
def list_command() -> None:
    """Every registered client (JSON)."""
    from onething.identity import client_registry as registry

    async def work(session: AsyncSession, settings: Settings) -> list[registry.ClientView]:
        del settings
        return await registry.list_clients(session)

    _echo(_run(work))


@clients.command("disable")
@click.argument("client_id")
def disable(client_id: str) -> None:
    """Disable CLIENT_ID: it can no longer authenticate; its tokens and codes are revoked."""
    from onething.identity import client_registry as registry

    async def work(session: AsyncSession, settings: Settings) -> registry.ClientView:
        del settings
        return await registry.disable_client(session, client_id, now=datetime.now(UTC))

    _echo(_run(work))
