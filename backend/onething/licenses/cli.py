"""`onething licenses …`: operator commands for the issuing departments' signing keys."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import click


@click.group()
def licenses() -> None:
    """E-license operations (issuer keys)."""


@licenses.command("use-kms-key")
@click.option("--department", required=True, help="Catalog id of the issuing department.")
@click.option("--key-ref", required=True, help="The key's id in the HSM/KMS.")
def use_kms_key_command(department: str, key_ref: str) -> None:
    """Make an HSM/KMS-held key the department's signing key (LICENSE_KMS_URL and
    LICENSE_KMS_TOKEN name the key service). Its public half is fetched and published; the
    previous key is retired, and stays published so what it signed still verifies."""
    from onething.core.db import create_engine, create_sessionmaker
    from onething.core.settings import Settings
    from onething.licenses.context import context_from_settings
    from onething.licenses.keyring import NoSigningKeyError, use_kms_key
    from onething.licenses.kms import KeyServiceRefusedError, KeyServiceUnavailableError

    settings = Settings.from_env()
    ctx = context_from_settings(settings)
    dept = ctx.catalog.departments.get(department)
    if dept is None:
        raise click.BadParameter(
            f"no department {department!r} in the catalog", param_hint="--department"
        )

    async def register() -> tuple[str, bool]:
        engine = create_engine(settings.database)
        try:
            async with create_sessionmaker(engine)() as session, session.begin():
                return await use_kms_key(
                    session, ctx, dept.id, dept.code, key_ref, now=datetime.now(UTC)
                )
        finally:
            await engine.dispose()

    try:
        kid, changed = asyncio.run(register())
    except (NoSigningKeyError, KeyServiceRefusedError, KeyServiceUnavailableError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{department}\t{kid}\t{'now current' if changed else 'already current'}")
