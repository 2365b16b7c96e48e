"""INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: a row created once, race-safe,
in one statement (with RETURNING, the caller learns whether it was the one to create it)."""

from __future__ import annotations

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_duplicates(conn: Connection, table: Table, *key: str) -> Insert:
    """An INSERT into ``table`` that skips rows whose ``key`` columns already exist."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(key))
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(key))
    msg = f"the stores do not support {conn.dialect.name}"
    raise NotImplementedError(msg)
