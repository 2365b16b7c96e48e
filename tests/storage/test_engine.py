"""Engine safety settings: SQLite file mode, WAL, foreign keys, directory checks; aware instants;
the PostgreSQL pool's bounds, timeouts and pre-ping (SECURITY.md 15-17)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from pydantic import SecretStr
from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import QueuePool

from zulip_standup.app import BotProcess
from zulip_standup.settings import Settings
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


def _backend_pids(database_url: str, application_name: str) -> set[int]:
    """The server-side connections open under ``application_name``, seen by PostgreSQL."""
    with psycopg.connect(database_url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (application_name,)
        ).fetchall()
    return {int(pid) for (pid,) in rows}


def _tagged(database_url: str) -> tuple[str, str]:
    """The URL with an application_name of its own, and that name."""
    name = f"zs-pool-{uuid.uuid4().hex[:10]}"
    return f"{database_url}?application_name={name}", name


def _pid(conn: Connection) -> int:
    return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_the_bots_engine_has_the_pool_limits_and_timeouts() -> None:
    """The engine the bot builds from its settings, with nothing configured, pools 5
    connections, waits at most 10 s for a free one, pings before use and gives libpq a
    10 s connect_timeout."""
    settings = Settings(
        zulip_email="bot@example.com",
        zulip_api_key=SecretStr("0123456789abcdef0123456789abcdef"),
        zulip_site="http://127.0.0.1:9",
        database_url=SecretStr("postgresql://standup@db.example.com/standup"),
        http_bind=None,
    )
    engine = BotProcess(settings).engine
    try:
        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.size() == 5
        assert engine.pool.timeout() == 10.0
        assert engine.url.query["connect_timeout"] == "10"
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_pool_overflow_is_bounded_and_the_extra_checkout_times_out(
    pg_database_url: str,
) -> None:
    """With 5 pooled plus 5 overflow connections in use, an 11th checkout fails with the
    pool's timeout error instead of opening another connection: PostgreSQL sees exactly 10.
    Once they are returned the overflow ones are closed, leaving the 5 pooled ones."""
    url, name = _tagged(pg_database_url)
    engine = make_engine(url, pool_timeout_s=0.2)
    held: list[Connection] = []
    try:
        for _ in range(10):
            conn = engine.connect()
            _pid(conn)
            held.append(conn)
        with pytest.raises(PoolTimeoutError, match="limit of size 5 overflow 5 reached"):
            engine.connect()
        assert len(_backend_pids(pg_database_url, name)) == 10
        for conn in held:
            conn.close()
        held.clear()
        with engine.connect() as conn:
            _pid(conn)
        assert len(_backend_pids(pg_database_url, name)) == 5
    finally:
        for conn in held:
            conn.close()
        engine.dispose()


@pytest.mark.postgres
def test_postgres_pre_ping_replaces_terminated_connections(pg_database_url: str) -> None:
    """After the server kills every pooled connection (pg_terminate_backend, as a restart or
    failover would), the next checkouts work without an error, on fresh connections."""
    url, name = _tagged(pg_database_url)
    engine = make_engine(url)
    try:
        first = [engine.connect() for _ in range(3)]
        old = {_pid(conn) for conn in first}
        for conn in first:
            conn.close()
        assert _backend_pids(pg_database_url, name) == old
        with psycopg.connect(pg_database_url, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = %s",
                (name,),
            ).fetchall()
        assert killed == [(True,)] * 3
        deadline = time.monotonic() + 10
        while _backend_pids(pg_database_url, name) & old:
            assert time.monotonic() < deadline, "the terminated backends did not exit"
            time.sleep(0.02)
        second = [engine.connect() for _ in range(3)]
        new = {_pid(conn) for conn in second}
        for conn in second:
            conn.close()
        assert len(new) == 3
        assert not new & old
    finally:
        engine.dispose()
