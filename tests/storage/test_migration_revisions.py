"""The revisions read without Alembic (the version table, the revision files) are Alembic's."""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def _alembic_current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def test_head_read_from_the_files_is_alembics_head() -> None:
    assert migrate.head_revision() == _scripts().get_current_head()


def test_current_revision_is_alembics_at_every_step(database_url: str) -> None:
    """Empty, then each revision in turn up to the head, then down to base again."""
    engine = make_engine(database_url)
    try:
        assert migrate.current_revision(engine) is None
        steps = [script.revision for script in reversed(list(_scripts().walk_revisions()))]
        assert steps[-1] == migrate.head_revision()
        for revision in steps:
            migrate.upgrade(engine, revision)
            assert migrate.current_revision(engine) == revision
            assert _alembic_current(database_url) == revision
        migrate.downgrade(engine)
        assert migrate.current_revision(engine) is None
        assert _alembic_current(database_url) is None
    finally:
        engine.dispose()


def test_upgrade_brings_a_database_one_revision_behind_to_the_head(database_url: str) -> None:
    """The up-to-date check must not stop an upgrade that is needed."""
    engine = make_engine(database_url)
    try:
        steps = [script.revision for script in reversed(list(_scripts().walk_revisions()))]
        migrate.upgrade(engine, steps[-2])
        migrate.upgrade(engine)
        assert _alembic_current(database_url) == migrate.head_revision()
    finally:
        engine.dispose()
