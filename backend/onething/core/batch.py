"""Many rows of several tables written in one statement: one round trip instead of the ORM's
unit of work (a flush per table, statement compilation, identity bookkeeping).

A `WriteBatch` collects new rows — transient ORM objects (`add`, as on a session: code that
records rows through `session.add` can record them here instead) or plain values by attribute
(`insert`, cheaper than building ORM objects) — and data-changing statements (`also`), then
`write` sends them as one statement of data-modifying CTEs:

    WITH w0 AS (INSERT INTO application_tasks (id, …) SELECT r.id, …
                FROM jsonb_populate_recordset(NULL::application_tasks, $1::text::jsonb)
                WITH ORDINALITY AS r ORDER BY r.ordinality),
         a0 AS (UPDATE application_materials SET application_id = $2 WHERE id = ANY($3)), …
    SELECT 1

Each table's rows travel as one JSON array (encoded by msgspec), decoded by the table's own
row type, so column types come from the schema. Only the attributes set on an object are
written: a column left unset gets its server default (a bigserial id, `'{}'`), as with the ORM.
Rows are inserted in the order added (timeline events keep their order by id). Foreign keys
between rows of one batch hold: PostgreSQL checks them at the end of the statement.

The statement runs on the session's own connection inside its transaction, so it commits or
rolls back with everything else the session did. The SQL text depends only on the tables and
columns, so asyncpg prepares it once per connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import LargeBinary, inspect

from onething.core.db import Base, driver_connection

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.ext.asyncio import AsyncSession


@cache
def _columns(model: type[Base]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The table's name and its (attribute, column) pairs."""
    mapper = inspect(model)
    pairs = tuple((prop.key, prop.columns[0].name) for prop in mapper.column_attrs)
    return str(model.__tablename__), pairs


@cache
def _verbatim(model: type[Base]) -> bool:
    """Whether a row's values go into the JSON as they are: every column named as its
    attribute, and none binary (bytea needs its text form; msgspec would write base64)."""
    mapper = inspect(model)
    return all(
        prop.key == prop.columns[0].name and not isinstance(prop.columns[0].type, LargeBinary)
        for prop in mapper.column_attrs
    )


def _json_value(value: object) -> object:
    if isinstance(value, bytes):
        return "\\x" + value.hex()  # bytea's text form
    return value


@dataclass
class WriteBatch:
    """New rows and changes for one statement; see the module's docstring."""

    _rows: dict[type[Base], list[dict[str, object]]] = field(default_factory=dict)
    _also: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)

    def add(self, row: Base) -> None:
        """A new ORM object's row (the attributes set on it)."""
        values = row.__dict__
        _, pairs = _columns(type(row))
        self.insert(type(row), {attr: values[attr] for attr, _ in pairs if attr in values})

    def add_all(self, rows: Iterable[Base]) -> None:
        for row in rows:
            self.add(row)

    def insert(self, model: type[Base], values: dict[str, object]) -> None:
        """A row of `model`'s table by attribute name, without building an ORM object
        (cheaper when there are many)."""
        self._rows.setdefault(model, []).append(values)

    def also(self, sql: str, *params: object) -> str:
        """A data-changing statement (UPDATE, DELETE, an INSERT of its own) in the same round
        trip; its parameters are written `{0}`, `{1}`, … and numbered into the whole
        statement. Returns the name of its CTE, for a later one to select its RETURNING rows
        from."""
        self._also.append((sql, params))
        return f"a{len(self._also) - 1}"

    def statement(self) -> tuple[str, list[object]]:
        parts: list[str] = []
        params: list[object] = []
        for model, rows in self._rows.items():
            table, pairs = _columns(model)
            present = [(attr, column) for attr, column in pairs if attr in rows[0]]
            keys = rows[0].keys()
            if len(keys) != len(present) or any(values.keys() != keys for values in rows):
                msg = f"rows of {table} in one batch must set the same mapped attributes"
                raise ValueError(msg)
            payload: list[dict[str, object]] = (
                rows
                if _verbatim(model)
                else [{c: _json_value(values[a]) for a, c in present} for values in rows]
            )
            params.append(msgspec.json.encode(payload).decode())
            columns = ", ".join(f'"{column}"' for _, column in present)
            selected = ", ".join(f'r."{column}"' for _, column in present)
            parts.append(
                # Names from the mapped tables only; every value is a bound parameter.
                f"INSERT INTO {table} ({columns}) SELECT {selected} FROM "  # noqa: S608
                f"jsonb_populate_recordset(NULL::{table}, ${len(params)}::text::jsonb) "
                "WITH ORDINALITY AS r ORDER BY r.ordinality"
            )
        ctes = [f"w{n} AS ({part})" for n, part in enumerate(parts)]
        for n, (sql, arguments) in enumerate(self._also):
            first = len(params) + 1
            placeholders = (f"${first + k}" for k in range(len(arguments)))
            ctes.append(f"a{n} AS ({sql.format(*placeholders)})")
            params.extend(arguments)
        return "WITH " + ",\n".join(ctes) + "\nSELECT 1", params

    async def write(self, session: AsyncSession) -> None:
        """Send it all in one statement, in the session's transaction."""
        if not self._rows and not self._also:
            return
        sql, params = self.statement()
        connection = await driver_connection(session)
        await connection.execute(sql, *params)
        self._rows.clear()
        self._also.clear()
