"""Engine safety settings: SQLite file mode, WAL, foreign keys, directory checks; aware instants."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select, text

from zulip_standup.storage.engine import DatabaseConfigError, make_engine, redacted_url
from zulip_standup.storage.tables import realms


def test_sqlite_file_is_private_and_in_wal_mode_after_first_start(tmp_path: Path) -> None:
    """The database file is created with mode 0600 and journal_mode is WAL."""
    path = tmp_path / "fresh" / "standup.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            mode = conn.execute(text("PRAGMA journal_mode")).scalar_one()
            foreign_keys = conn.execute(text("PRAGMA foreign_keys")).scalar_one()
            busy = conn.execute(text("PRAGMA busy_timeout")).scalar_one()
        assert mode == "wal"
        assert foreign_keys == 1
        assert busy >= 1000
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    finally:
        engine.dispose()


def test_sqlite_refuses_world_writable_directory(tmp_path: Path) -> None:
    """A directory anyone can write to is refused with the fix in the message."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)  # noqa: S103 - the point of the test
    with pytest.raises(DatabaseConfigError, match=r"world-writable.*chmod o-w"):
        make_engine(f"sqlite:///{shared / 'standup.db'}")


def test_sqlite_refuses_a_file_where_the_directory_should_be(tmp_path: Path) -> None:
    """A parent path that is a file is refused, naming it."""
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(DatabaseConfigError, match="is not a directory"):
        make_engine(f"sqlite:///{blocker / 'standup.db'}")


def test_unsupported_backend_is_refused() -> None:
    """Only SQLite and PostgreSQL are supported, and the error says so."""
    with pytest.raises(DatabaseConfigError, match="use sqlite"):
        make_engine("mysql://root@localhost/db")


def test_redacted_url_hides_the_password() -> None:
    """Printed URLs never show the password."""
    shown = redacted_url(
        "postgresql://standup:hunter2secret@db.example.com/standup?sslmode=require"
    )
    assert "hunter2secret" not in shown
    assert "sslmode=require" in shown


def test_postgres_url_options_pass_through() -> None:
    """libpq options such as sslmode stay in the URL given to the driver; a timeout is added."""
    engine = make_engine("postgresql://u@db.example.com/x?sslmode=verify-full&sslrootcert=/ca.pem")
    try:
        query = engine.url.query
        assert query["sslmode"] == "verify-full"
        assert query["sslrootcert"] == "/ca.pem"
        assert "connect_timeout" in query
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.pool.size() == 5  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_instants_stay_aware_and_naive_ones_are_rejected(engine: Engine) -> None:
    """UTC instants round-trip as aware datetimes on both backends; naive ones raise."""
    instant = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    with engine.begin() as conn:
        conn.execute(insert(realms).values(site="https://a", bot_email="b@a", created_at=instant))
        stored = conn.execute(select(realms.c.created_at)).scalar_one()
    assert stored == instant
    assert stored.utcoffset() == dt.timedelta(0)
    with pytest.raises(Exception, match="naive datetime"), engine.begin() as conn:
        conn.execute(
            insert(realms).values(
                site="https://c",
                bot_email="d@c",
                created_at=dt.datetime(2026, 1, 1),  # noqa: DTZ001
            )
        )
