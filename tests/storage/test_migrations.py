"""Migrations reach the schema the tables describe, and can go down and up again."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from zulip_standup.domain.reports.topic import MAX_TOPIC_CHARS, run_topic
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.standups import StandupStore
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


def test_standups_on_the_first_default_topic_get_one_of_their_own(database_url: str) -> None:
    """A database from before 0005: the default standup and ``retro`` of one channel both
    kept "standup {date}", so they posted into one topic; ``leads`` has its own template.
    After the upgrade retro posts into "retro <date>", the default standup's topic reads as
    before, and leads' template is untouched."""
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine, "0004")
        store = StandupStore(engine)
        now = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
        realm = store.realm_id("https://chat.example.org", "bot@example.org", 1, now)
        made = {
            name: store.create(
                realm, 3, "dev", 10, StandupSettings(name=name, topic_template=template), now
            ).id
            for name, template in (
                ("standup", "standup {date}"),
                ("retro", "standup {date}"),
                ("leads", "leads sync {date}"),
            )
        }
        day = dt.date(2026, 12, 2)

        def topic(name: str) -> str:
            standup = store.get(made[name])
            assert standup is not None
            return run_topic(standup.settings, day, MAX_TOPIC_CHARS)

        assert topic("retro") == topic("standup") == "standup 2026-12-02"
        migrate.upgrade(engine)
        assert [topic(n) for n in ("standup", "retro", "leads")] == [
            "standup 2026-12-02",
            "retro 2026-12-02",
            "leads sync 2026-12-02",
        ]
    finally:
        engine.dispose()
