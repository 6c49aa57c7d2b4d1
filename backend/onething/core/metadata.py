"""All tables' metadata in one place (imports every models module), for Alembic and checks."""

from __future__ import annotations

from typing import Final

from sqlalchemy import MetaData

from onething.core.db import Base

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
