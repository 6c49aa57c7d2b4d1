"""Scope names of the open platform: `applications` → `applications:read applications:write`,
`licenses` → `licenses:read`, in registered clients, consents, codes and tokens.

Revision ID: 0082_scope_names
Revises: 0060_notify
Create Date: 2026-12-02

Access tokens are signed JWTs living ten minutes at most: a token issued before this
migration still carries the old names in its claims and is refused by the new guards until
the client gets a fresh one (refresh tokens are renamed here, so refreshing works).
Security events keep the names they were recorded with (the log is append-only).
"""

# ruff: noqa: S608 — the SQL is built from the constants below only, never from input
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0082_scope_names"
down_revision: str | Sequence[str] | None = "0060_notify"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Space-separated scope strings, and the one array of scopes.
TEXT_COLUMNS = (
    ("oauth_clients", "scope"),
    ("authorization_codes", "scope"),
    ("refresh_tokens", "scope"),
    ("access_tokens", "scope"),
)
ARRAY_COLUMN = ("consents", "scopes")

UPGRADE = {
    "applications": ["applications:read", "applications:write"],
    "licenses": ["licenses:read"],
}
DOWNGRADE = {
    "applications:read": ["applications"],
    "applications:write": ["applications"],
    "licenses:read": ["licenses"],
    "bundles:read": [],
}


def _rename(mapping: dict[str, list[str]]) -> None:
    # A session-local SQL function: every name mapped, order kept, duplicates dropped (both
    # new application scopes fall back to the one old name).
    cases = " ".join(
        f"WHEN '{old}' THEN ARRAY[{', '.join(repr(n) for n in new)}]::text[]"
        for old, new in mapping.items()
    )
    op.execute(
        f"""
        CREATE FUNCTION pg_temp.rename_scopes(scopes text[]) RETURNS text[] LANGUAGE sql
        IMMUTABLE AS $$
          SELECT coalesce(array_agg(name ORDER BY first), '{{}}')
          FROM (
            SELECT n.name, min(s.ord * 10 + n.sub) AS first
            FROM unnest(scopes) WITH ORDINALITY AS s(scope, ord)
            CROSS JOIN LATERAL unnest(CASE s.scope {cases} ELSE ARRAY[s.scope] END)
              WITH ORDINALITY AS n(name, sub)
            GROUP BY n.name
          ) renamed
        $$
        """
    )
    olds = ", ".join(f"'{old}'" for old in mapping)
    for table, column in TEXT_COLUMNS:
        op.execute(
            f"UPDATE {table} SET {column} = array_to_string("
            f"pg_temp.rename_scopes(regexp_split_to_array(trim({column}), '\\s+')), ' ') "
            f"WHERE regexp_split_to_array(trim({column}), '\\s+') && ARRAY[{olds}]::text[]"
        )
    table, column = ARRAY_COLUMN
    op.execute(
        f"UPDATE {table} SET {column} = pg_temp.rename_scopes({column}::text[]) "
        f"WHERE {column}::text[] && ARRAY[{olds}]::text[]"
    )
    op.execute("DROP FUNCTION pg_temp.rename_scopes(text[])")


def upgrade() -> None:
    _rename(UPGRADE)


def downgrade() -> None:
    _rename(DOWNGRADE)
