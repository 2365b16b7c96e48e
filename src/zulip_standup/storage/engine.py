"""Database engines: a validated SQLite file or a pooled PostgreSQL connection."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SQLITE_BUSY_TIMEOUT_MS = 5000
PG_POOL_SIZE = 5
PG_MAX_OVERFLOW = 5
PG_POOL_TIMEOUT_S = 10.0
PG_CONNECT_TIMEOUT_S = 10
# The execution option that marks a connection as read-only work (see ``reading``).
_READ_ONLY = "zulip_standup_read_only"


class DatabaseConfigError(ValueError):
    """A database URL or location that cannot be used; the message says why and how to fix it."""


def sqlite_path(url: URL) -> Path | None:
    """The file behind an SQLite URL, or None for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database).expanduser()


def validate_sqlite_directory(path: Path) -> None:
    """Create the parent directory if missing; refuse a non-directory or a world-writable one."""
    directory = path.parent
    if directory.exists() and not directory.is_dir():
        msg = f"database directory {directory} exists but is not a directory"
        raise DatabaseConfigError(msg)
    if not directory.exists():
        try:
            directory.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            msg = f"database directory {directory} cannot be created ({exc.strerror})"
            raise DatabaseConfigError(msg) from exc
    mode = directory.stat().st_mode
    if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
        msg = (
            f"database directory {directory} is world-writable; "
            f"run `chmod o-w {directory}` or choose another directory"
        )
        raise DatabaseConfigError(msg)
    if not os.access(directory, os.W_OK | os.X_OK):
        msg = f"database directory {directory} is not writable by this user"
        raise DatabaseConfigError(msg)
    if path.exists() and path.is_dir():
        msg = f"database path {path} is a directory; give a file name such as {path / 'standup.db'}"
        raise DatabaseConfigError(msg)


def _create_private_file(path: Path) -> None:
    """Create the SQLite file with mode 0600 before SQLite does, so no other user can read it."""
    if path.exists():
        return
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(conn: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN; an explicit BEGIN
    # IMMEDIATE takes the write lock up front so writers queue instead of
    # failing with "database is locked" halfway through a transaction (a
    # deferred read-then-write cannot upgrade while another writer waits).
    # Read-only work (``reading``) takes no lock: under WAL it reads its
    # snapshot while a writer holds the lock, instead of queueing behind it.
    if conn.get_execution_options().get(_READ_ONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for read-only work: one consistent snapshot that, on SQLite, does not
    wait for the write lock. Never write on it (write in ``engine.begin()``); on
    PostgreSQL it is an ordinary connection."""
    with engine.connect() as conn:
        conn.execution_options(**{_READ_ONLY: True})
        yield conn


def make_engine(
    url: str | URL, *, pool_size: int = PG_POOL_SIZE, pool_timeout_s: float = PG_POOL_TIMEOUT_S
) -> Engine:
    """An engine for ``url`` with the project's safety settings applied.

    ``pool_timeout_s`` is how long a PostgreSQL checkout waits for a free connection
    when the pool and its overflow are all in use before failing.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _make_sqlite_engine(parsed)
    if backend == "postgresql":
        return _make_postgres_engine(parsed, pool_size, pool_timeout_s)
    msg = f"unsupported database {backend!r}; use sqlite:///PATH or postgresql://USER@HOST/DB"
    raise DatabaseConfigError(msg)


def _make_sqlite_engine(url: URL) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        validate_sqlite_directory(path)
        _create_private_file(path)
        url = url.set(database=str(path))
    engine = create_engine(
        url.set(drivername="sqlite+pysqlite"),
        connect_args={"check_same_thread": False, "isolation_level": None},
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _make_postgres_engine(url: URL, pool_size: int, pool_timeout_s: float) -> Engine:
    # libpq options (sslmode, sslrootcert, ...) stay in the URL's query and
    # are passed through to psycopg unchanged.
    query = dict(url.query)
    query.setdefault("connect_timeout", str(PG_CONNECT_TIMEOUT_S))
    url = url.set(drivername="postgresql+psycopg", query=query)
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=PG_MAX_OVERFLOW,
        pool_timeout=pool_timeout_s,
        pool_pre_ping=True,
    )


def validate_database_url(text: str) -> None:
    """Check a database URL without connecting: known backend, usable SQLite directory."""
    try:
        url = make_url(text)
    except ArgumentError as exc:
        msg = "not a database URL"
        raise DatabaseConfigError(msg) from exc
    backend = url.get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        msg = f"database {backend!r} is not supported; use sqlite or postgresql"
        raise DatabaseConfigError(msg)
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            validate_sqlite_directory(path)


def url_password(text: str) -> str | None:
    """The password inside a database URL, so logs can scrub it."""
    try:
        password = make_url(text).password
    except ArgumentError:
        return None
    return None if password is None else str(password)


def redacted_url(url: str | URL) -> str:
    """The URL with any password hidden, for logs and ``check`` output."""
    return make_url(url).render_as_string(hide_password=True)
