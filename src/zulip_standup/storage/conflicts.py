"""INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: a row created once, race-safe,
in one statement (with RETURNING, the caller learns whether it was the one to create it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Insert, Row, Table, select
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring_duplicates(conn: Connection, table: Table, *key: str) -> Insert:
    """An INSERT into ``table`` that skips rows whose ``key`` columns already exist."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(key))
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(key))
    msg = f"the stores do not support {conn.dialect.name}"
    raise NotImplementedError(msg)


def found_or_inserted(
    conn: Connection,
    table: Table,
    key: dict[str, Any],
    values: dict[str, Any],
    *,
    likely_new: bool = False,
) -> tuple[Row[Any], bool]:
    """The row of ``table`` whose columns equal ``key``, inserted with ``values`` when
    missing; True when this call inserted it. Race-safe: when another transaction inserts
    it first, that row is read (the key columns have a unique index). ``likely_new``: try
    the insert first (one statement for a new row, two for an existing one)."""
    found = select(table).where(*(table.c[name] == value for name, value in key.items()))
    row = None if likely_new else conn.execute(found).first()
    if row is not None:
        return row, False
    inserted = conn.execute(
        insert_ignoring_duplicates(conn, table, *key).values(**key, **values).returning(*table.c)
    ).first()
    if inserted is not None:
        return inserted, True
    return conn.execute(found).one(), False
