"""The `onething` command: run, worker, migrate, seed, openapi, devstack, jobs."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import click

from onething.catalog.cli import catalog
from onething.core.settings import REPO_ROOT, Settings
from onething.delivery.cli import halls
from onething.identity.cli_clients import clients
from onething.licenses.cli import licenses


@click.group()
def main() -> None:
    """OneThing (一件事) platform command line."""


main.add_command(catalog)
main.add_command(clients)
main.add_command(halls)
main.add_command(licenses)


@main.command()
@click.option("--var-dir", type=click.Path(path_type=Path), default=REPO_ROOT / "var")
def devstack(var_dir: Path) -> None:
    """Start everything locally: PostgreSQL and S3 (embedded unless configured), API, worker."""
    port = int(os.environ.get("PORT", "8000"))
    sys.exit(_run_devstack(var_dir.resolve(), port))


def _run_devstack(var_dir: Path, port: int) -> int:
    from onething.core.devstack import run_devstack

    return run_devstack(var_dir, port)


@main.command()
@click.option("--host", default=None, help="Bind address (default HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default PORT or 8000).")
@click.option("--workers", type=int, default=1, show_default=True)
def run(host: str | None, port: int | None, workers: int) -> None:
    """Serve the API with granian against the configured database and S3."""
    from granian import Granian
    from granian.constants import Interfaces

    settings = Settings.from_env()
    Granian(
        "onething.core.app:create_app",
        address=host or settings.app.host,
        port=port or settings.app.port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        websockets=False,
    ).serve()


@main.command("local-department-system")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8090, show_default=True)
def local_department_system(host: str, port: int) -> None:
    """A LOCAL STAND-IN for department systems: takes signed webhooks, acts once per event id
    (configured by LOCAL_DEPARTMENT_DATABASE_URL and LOCAL_DEPARTMENT_SECRETS)."""
    from granian import Granian
    from granian.constants import Interfaces

    Granian(
        "onething.departments.local_system:create_app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
        websockets=False,
    ).serve()


@main.command()
@click.option("--drain", is_flag=True, help="Exit once the queue is empty.")
def worker(drain: bool) -> None:
    """Process background jobs (departments, licenses, delivery, notifications)."""
    from onething.core.jobs import run_worker
    from onething.core.logging import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.app.log_level, json=settings.app.log_json)
    asyncio.run(run_worker(settings, drain=drain))


@main.command()
@click.option("--revision", default="head", show_default=True)
@click.option("--check", is_flag=True, help="Fail if the models differ from the migrated schema.")
def migrate(revision: str, check: bool) -> None:
    """Apply Alembic migrations (or, with --check, detect models without a migration)."""
    from onething.core.migrate import pending_model_changes, upgrade

    url = Settings.from_env().database.url
    if not url:
        raise click.ClickException("DATABASE_URL is not set")
    upgrade(url, revision)
    if check:
        diffs = asyncio.run(pending_model_changes(url))
        if diffs:
            for diff in diffs:
                click.echo(f"model change without a migration: {diff}", err=True)
            sys.exit(1)
        click.echo("models and migrations agree")


@main.command()
def seed() -> None:
    """Load reference data (idempotent)."""
    from onething.seed import run_seed

    for line in asyncio.run(run_seed()):
        click.echo(line)


@main.command()
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=REPO_ROOT / "openapi" / "openapi.json",
    show_default=True,
)
@click.option("--check", is_flag=True, help="Fail if the file differs from the app's spec.")
def openapi(output: Path, check: bool) -> None:
    """Write the OpenAPI 3.1 document generated from the app."""
    from onething.core.openapi import render_openapi

    rendered = render_openapi()
    if check:
        if not output.is_file() or output.read_bytes() != rendered:
            raise click.ClickException(f"{output} is stale: run `onething openapi`")
        click.echo(f"{output} is up to date")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(rendered)
    click.echo(f"wrote {output}")


@main.group()
def identity() -> None:
    """Identity housekeeping."""


@identity.command("purge-expired")
def identity_purge_expired() -> None:
    """Delete expired authorization codes, tokens, SSO sessions, login codes and rate-limit
    windows (the job `identity.purge_expired` does the same from the worker)."""
    import dataclasses
    from datetime import UTC, datetime

    from onething.core.db import create_engine, create_sessionmaker
    from onething.identity.cleanup import purge_expired

    async def purge() -> None:
        settings = Settings.from_env()
        engine = create_engine(settings.database)
        async with create_sessionmaker(engine)() as session, session.begin():
            purged = await purge_expired(session, settings.identity, now=datetime.now(UTC))
        await engine.dispose()
        for name, count in dataclasses.asdict(purged).items():
            click.echo(f"{name}\t{count}")

    asyncio.run(purge())


@main.group()
def jobs() -> None:
    """Inspect and replay dead-lettered background jobs."""


@jobs.command("failed")
def jobs_failed() -> None:
    """List jobs that failed their last attempt."""
    from onething.core.db import create_engine, create_sessionmaker
    from onething.core.jobs import failed_jobs

    async def show() -> None:
        engine = create_engine(Settings.from_env().database)
        async with create_sessionmaker(engine)() as session:
            for job in await failed_jobs(session):
                click.echo(f"{job.id}\t{job.entrypoint}\tattempts={job.attempts}\t{job.created}")
        await engine.dispose()

    asyncio.run(show())


@jobs.command("replay")
@click.argument("job_ids", type=int, nargs=-1, required=True)
def jobs_replay(job_ids: tuple[int, ...]) -> None:
    """Put failed jobs back in the queue."""
    from onething.core.db import create_engine, create_sessionmaker
    from onething.core.jobs import replay_failed_jobs

    async def replay() -> None:
        engine = create_engine(Settings.from_env().database)
        async with create_sessionmaker(engine)() as session, session.begin():
            await replay_failed_jobs(session, list(job_ids))
        await engine.dispose()

    asyncio.run(replay())
    click.echo(f"replayed {len(job_ids)} job(s)")
