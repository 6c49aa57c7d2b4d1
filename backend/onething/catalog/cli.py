"""`onething catalog ...`: check the catalog files, report merge statistics, regenerate schemas."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import msgspec

from onething.catalog.file_schemas import stale_file_schemas, write_file_schemas
from onething.catalog.loader import check_catalog, default_catalog_dir
from onething.catalog.model import Catalog
from onething.catalog.stats import catalog_stats

_dir_option = click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    envvar="CATALOG_DIR",
    default=None,
    help="Catalog directory (default: CATALOG_DIR, else the repository's catalog/).",
)


@click.group()
def catalog() -> None:
    """Bundles, services and data elements declared under catalog/."""


def _load_or_exit(directory: Path | None) -> Catalog:
    loaded, errors = check_catalog(directory)
    if loaded is None:
        for error in errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(errors)} error(s) in the catalog", err=True)
        sys.exit(1)
    return loaded


@catalog.command()
@_dir_option
def check(directory: Path | None) -> None:
    """Load and cross-check every catalog file; list every error as file:line: message."""
    loaded = _load_or_exit(directory)
    click.echo(
        f"catalog OK: {len(loaded.bundles)} bundles, {len(loaded.services)} services, "
        f"{len(loaded.elements)} data elements, {len(loaded.departments)} departments "
        f"(version {loaded.version[:12]})"
    )


@catalog.command()
@_dir_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def stats(directory: Path | None, as_json: bool) -> None:
    """Per bundle: services, fields per department form vs. the merged form, and the ratio."""
    loaded = _load_or_exit(directory)
    figures = catalog_stats(loaded)
    if as_json:
        document = {"catalog_version": loaded.version, "bundles": msgspec.to_builtins(figures)}
        click.echo(json.dumps(document, indent=2))
        return
    columns = ("services", "individual_fields", "merged_fields", "produced_fields")
    click.echo(f"{'bundle':<22}" + "".join(f"{c:>19}" for c in columns) + f"{'ratio':>8}")
    for bundle_id, row in figures.items():
        cells = "".join(f"{getattr(row, c):>19}" for c in columns)
        click.echo(f"{bundle_id:<22}{cells}{row.ratio:>8.3f}")


@catalog.command()
@_dir_option
@click.option("--check", "check_only", is_flag=True, help="Fail if the files are out of date.")
def schema(directory: Path | None, check_only: bool) -> None:
    """Write catalog/schema/*.schema.json, the JSON Schemas of the catalog files."""
    target = (directory or default_catalog_dir()) / "schema"
    if check_only:
        stale = stale_file_schemas(target)
        if stale:
            raise click.ClickException(
                f"out of date in {target}: {', '.join(stale)} (run `onething catalog schema`)"
            )
        click.echo(f"{target} is up to date")
        return
    for name in write_file_schemas(target):
        click.echo(f"wrote {target / name}")
