"""Migrations reach the schema the tables describe, and can go down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.tables import metadata


def _schema_diff(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(database_url: str) -> None:
    """Head, then base (no tables left), then head again, with the head revision recorded."""
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())

        migrate.downgrade(engine)
        assert migrate.current_revision(engine) is None
        left = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert left == set()

        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrated_schema_equals_table_definitions(database_url: str) -> None:
    """Alembic finds no difference between the migrated database and ``tables.py``."""
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    engine.dispose()
    assert _schema_diff(database_url) == []


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    """Migrating an up-to-date database changes nothing (``run`` does it at every start)."""
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        before = sorted(inspect(engine).get_table_names())
        migrate.upgrade(engine)
        assert sorted(inspect(engine).get_table_names()) == before
    finally:
        engine.dispose()
