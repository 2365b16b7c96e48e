"""Shared fixtures: a clean environment and migrated databases on SQLite and PostgreSQL.

PostgreSQL is the server at ``$STANDUP_TEST_PG_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Each test session creates a
database of its own there and drops it at the end. When the server cannot be
reached the PostgreSQL tests are skipped with the reason, except under
``CI=true``, where they fail.
"""

from __future__ import annotations

import os
import socket
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, event, text

from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.tables import metadata

PG_ADMIN_URL = os.environ.get("STANDUP_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REPO_ROOT = Path(__file__).resolve().parent.parent
_ENV_PREFIXES = ("ZULIP_", "STANDUP_")
_pg_state: dict[str, str | None] = {}


def _pg_unavailable_reason() -> str | None:
    if "reason" not in _pg_state:
        try:
            with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
                _pg_state["reason"] = None
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _pg_state["reason"] = f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {first}"
    return _pg_state["reason"]


def pytest_report_header() -> str:
    reason = _pg_unavailable_reason()
    if reason is None:
        return f"postgresql: using {PG_ADMIN_URL} (a fresh database per session)"
    if os.environ.get("CI") == "true":
        return f"postgresql: {reason} -- CI=true, so PostgreSQL tests will FAIL"
    return f"postgresql: {reason} -- PostgreSQL tests will be skipped"


def require_postgres() -> None:
    """Skip (or, under CI, fail) the calling test when PostgreSQL is absent."""
    reason = _pg_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL is required)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's Zulip or standup settings, nor their ~/.zuliprc."""
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name == "DATABASE_URL":
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session."""
    require_postgres()
    name = f"zs_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def pg_empty_url(pg_database_url: str) -> Iterator[str]:
    """The session's PostgreSQL database with no tables at all, restored empty afterwards."""
    engine = make_engine(pg_database_url)
    _drop_everything(engine)
    engine.dispose()
    yield pg_database_url
    engine = make_engine(pg_database_url)
    _drop_everything(engine)
    engine.dispose()


def _drop_everything(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that never answers: it listens but never accepts, so the kernel
    completes each TCP connection and then no byte ever comes back. Closing it at the end
    resets every connection still waiting, so a client without a timeout is freed too."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield int(listener.getsockname()[1])
        listener.setblocking(False)
        while True:
            try:
                waiting, _ = listener.accept()
            except BlockingIOError:
                break
            # Linger 0: close with a reset, so a client blocked on this connection wakes now.
            waiting.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            waiting.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'standup.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'standup.db'}"
    else:
        yield request.getfixturevalue("pg_empty_url")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database on SQLite and on PostgreSQL; the tests' main storage fixture."""
    eng = make_engine(database_url)
    migrate.upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def begins(sqlite_engine: Engine) -> Iterator[list[str]]:
    """The BEGIN statements the SQLite engine sends, in order."""
    seen: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(sqlite_engine, "before_cursor_execute", on_statement)
    yield seen
    event.remove(sqlite_engine, "before_cursor_execute", on_statement)


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    """A migrated SQLite database, for tests that need only the embedded store."""
    eng = make_engine(sqlite_url)
    migrate.upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


__all__ = ["REPO_ROOT", "metadata", "require_postgres"]
