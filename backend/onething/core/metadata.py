"""All tables' metadata in one place (imports every models module), for Alembic and checks."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Final

from sqlalchemy import MetaData

import onething
from onething.core.db import Base


def _import_every_models_module() -> None:
    """Tables register on `Base.metadata` when their module is imported; without this, a check
    run before anything imported the app would compare the database with no tables at all."""
    for package in pkgutil.iter_modules(onething.__path__):
        if package.ispkg:
            try:
                importlib.import_module(f"onething.{package.name}.models")
            except ModuleNotFoundError as exc:
                if exc.name != f"onething.{package.name}.models":
                    raise


_import_every_models_module()
target_metadata: Final[MetaData] = Base.metadata

# Tables whose DDL the job queue library defines; our migrations install them verbatim.
EXTERNAL_TABLE_PREFIXES: Final = ("pgqueuer",)


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic autogenerate filter: ignore the queue's own tables and the version table."""
    del obj, reflected, compare_to
    if type_ == "table" and name is not None:
        return not name.startswith(EXTERNAL_TABLE_PREFIXES) and name != "alembic_version"
    return True
