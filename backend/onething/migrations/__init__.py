"""Alembic migrations: the only way the schema changes, in production and in tests."""
