"""Backing up an SQLite database while the bot runs, and restoring one in its place atomically.

A backup is SQLite's online backup API run in one step: one read transaction, so under WAL
the copy is the database as of one commit while the bot goes on writing. The copy is a
single self-contained file (rollback journal mode, no -wal beside it), mode 0600 like the
database. A restore checks the file first (an SQLite database of this product, at a schema
revision this code knows), refuses while a process serves or holds the database, writes a
private copy next to it, fsyncs it, renames it over the database and removes the old
database's -wal/-shm; then the caller upgrades the schema. PostgreSQL has ``pg_dump`` for
this (docs/backup.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine, reading, sqlite_path
from zulip_standup.storage.tables import realms

# How long the restore waits for another connection to let go of the database before it
# says the database is in use.
IN_USE_TIMEOUT_S = 2.0
# Tables every revision of the schema has: a file without them is not this product's.
PRODUCT_TABLES = frozenset({migrate.VERSION_TABLE, "realms", "standups"})


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message is one line saying why."""


class NotSQLiteError(BackupError):
    """The database is PostgreSQL (pg_dump's job) or in memory: there is no file to copy."""


@dataclass(frozen=True, slots=True)
class BackupWritten:
    """A backup file as written: where, how many bytes, and its schema revision."""

    path: Path
    size_bytes: int
    revision: str | None


@dataclass(frozen=True, slots=True)
class Restored:
    """A database put in place from a backup: the backup's revision and the one it is at now."""

    path: Path
    revision: str
    upgraded_to: str
    leases_cleared: int


def backup_database(url: str, target: Path, *, force: bool = False) -> BackupWritten:
    """Copy the SQLite database at ``url`` to ``target``, consistent while the bot writes;
    refuse an existing ``target`` unless ``force``."""
    _require_sqlite_file(url)
    live = sqlite_path(make_url(url))
    if live is not None and not live.exists():
        msg = f"there is no database at {live}; check DATABASE_URL"
        raise BackupError(msg)
    engine = _sqlite_engine(url)
    try:
        return _backup(engine, target, force=force)
    except SQLAlchemyError as exc:
        raise BackupError(_reason(exc)) from exc
    finally:
        engine.dispose()


def restore_database(url: str, source: Path, now: dt.datetime) -> Restored:
    """Replace the SQLite database at ``url`` with the backup ``source`` and upgrade it to
    the newest schema; refused while a process holds a lease (``now`` decides expiry)."""
    _require_sqlite_file(url)
    source = source.expanduser().resolve()
    revision = check_backup_file(source)
    engine = _sqlite_engine(url)
    try:
        live, cleared = _restore(engine, source, now)
        try:
            migrate.upgrade(engine)
        except SQLAlchemyError as exc:
            msg = (
                f"{live} was restored from {source} (schema revision {revision}), but "
                f"upgrading it failed: {_reason(exc)}; run `zulip-standup migrate`"
            )
            raise BackupError(msg) from exc
        return Restored(live, revision, migrate.head_revision(), cleared)
    except SQLAlchemyError as exc:
        raise BackupError(_reason(exc)) from exc
    finally:
        engine.dispose()


def _require_sqlite_file(url: str) -> None:
    """NotSQLiteError unless ``url`` names an SQLite file (checked before anything is opened)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        msg = "this command is for SQLite"
        raise NotSQLiteError(msg)
    if sqlite_path(parsed) is None:
        msg = "the database is in memory; there is no file to back up or restore"
        raise NotSQLiteError(msg)


def _sqlite_engine(url: str) -> Engine:
    _require_sqlite_file(url)
    return make_engine(url)


def database_file(engine: Engine) -> Path:
    """The SQLite file behind ``engine`` (an SQLite engine on a file: see ``_sqlite_engine``)."""
    path = sqlite_path(engine.url)
    assert path is not None
    return path.resolve()


def _backup(engine: Engine, target: Path, *, force: bool) -> BackupWritten:
    live = database_file(engine)
    target = target.expanduser().resolve()
    if target == live:
        msg = f"{target} is the database itself; give another file name"
        raise BackupError(msg)
    if not target.parent.is_dir():
        msg = f"directory {target.parent} does not exist"
        raise BackupError(msg)
    if target.exists() and not force:
        msg = f"{target} exists; give --force to overwrite it"
        raise BackupError(msg)
    with _private_temp(target) as temp:
        raw = engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            with contextlib.closing(sqlite3.connect(temp)) as copy:
                source.backup(copy)  # one step: one read transaction, one commit's state
                _make_self_contained(copy)
                revision = _revision(copy)
        except sqlite3.Error as exc:
            msg = f"the backup failed: {exc}"
            raise BackupError(msg) from exc
        finally:
            raw.close()
        _fsync(temp)
        _place(temp, target, overwrite=force)
    _fsync(target.parent)
    return BackupWritten(target, target.stat().st_size, revision)


def _restore(engine: Engine, source: Path, now: dt.datetime) -> tuple[Path, int]:
    """Put a copy of the checked backup ``source`` in place of the live database; clear the
    leases it recorded (no process serves the restored file yet). Return the database's
    path and how many leases were cleared."""
    live = database_file(engine)
    if source == live:
        msg = f"{source} is the database itself; give a backup file"
        raise BackupError(msg)
    _refuse_while_served(engine, now)
    engine.dispose()  # no pooled connection may keep the old file open
    with _private_temp(live) as temp:
        try:
            with (
                contextlib.closing(_open_read_only(source)) as original,
                contextlib.closing(sqlite3.connect(temp)) as copy,
            ):
                original.backup(copy)
                _make_self_contained(copy)
                _check_integrity(copy, source)
                cleared = copy.execute(
                    "UPDATE realms SET lease_owner = NULL, lease_expires_at = NULL "
                    "WHERE lease_owner IS NOT NULL"
                ).rowcount
                copy.commit()
        except sqlite3.Error as exc:
            msg = f"cannot copy {source}: {exc}"
            raise BackupError(msg) from exc
        _fsync(temp)
        if live.exists():
            _let_go_of(live)
        os.replace(temp, live)
    for stale in (Path(f"{live}-wal"), Path(f"{live}-shm")):
        stale.unlink(missing_ok=True)
    _fsync(live.parent)
    return live, max(cleared, 0)


def check_backup_file(path: Path) -> str:
    """The schema revision of a backup file, after checking it is an SQLite database of this
    product at a revision this code knows; BackupError saying what is wrong otherwise."""
    if not path.is_file():
        msg = f"{path} does not exist" if not path.exists() else f"{path} is not a file"
        raise BackupError(msg)
    try:
        with contextlib.closing(_open_read_only(path)) as conn:
            names = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
            if not names >= PRODUCT_TABLES:
                msg = f"{path} is an SQLite database, but not one of zulip-standup"
                raise BackupError(msg)
            revision = _revision(conn)
    except sqlite3.DatabaseError as exc:
        msg = f"{path} is not an SQLite database ({exc})"
        raise BackupError(msg) from exc
    head = migrate.head_revision()
    if revision is None:
        msg = f"{path} records no schema revision; it is not a zulip-standup backup"
        raise BackupError(msg)
    if revision not in migrate.known_revisions():
        msg = (
            f"{path} is at schema revision {revision}, newer than this zulip-standup knows "
            f"(its newest is {head}); upgrade zulip-standup first"
        )
        raise BackupError(msg)
    return revision


def _refuse_while_served(engine: Engine, now: dt.datetime) -> None:
    """BackupError naming the holder when a process holds a lease on the database."""
    with reading(engine) as conn:
        if not inspect(conn).has_table("realms"):
            return
        held = conn.execute(
            select(realms.c.bot_email, realms.c.lease_owner, realms.c.lease_expires_at)
            .where(realms.c.lease_owner.is_not(None), realms.c.lease_expires_at > now)
            .order_by(realms.c.id)
        ).first()
    engine.dispose()
    if held is not None:
        msg = (
            f"the database is in use: {held.lease_owner} serves {held.bot_email} (lease until "
            f"{held.lease_expires_at:%Y-%m-%d %H:%M:%S} UTC); stop that process first"
        )
        raise BackupError(msg)


def _let_go_of(live: Path) -> None:
    """Fold the live database's WAL into it and leave WAL mode, which SQLite allows only when
    no other connection has it open: a process that does (a bot starting, `migrate`) is
    refused here instead of finding its database replaced under it."""
    try:
        with contextlib.closing(sqlite3.connect(live, timeout=IN_USE_TIMEOUT_S)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.OperationalError as exc:
        msg = f"the database {live} is open in another process ({exc}); stop it first"
        raise BackupError(msg) from exc


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)


def _make_self_contained(conn: sqlite3.Connection) -> None:
    """The backup API copies the source's WAL mode; a backup file is better one plain file."""
    conn.execute("PRAGMA journal_mode=DELETE")


def _revision(conn: sqlite3.Connection) -> str | None:
    found = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?",
        (migrate.VERSION_TABLE,),
    ).fetchone()
    if found is None:
        return None
    rows = conn.execute(f"SELECT version_num FROM {migrate.VERSION_TABLE}").fetchall()  # noqa: S608 - a constant
    return str(rows[0][0]) if len(rows) == 1 else None


def _check_integrity(conn: sqlite3.Connection, source: Path) -> None:
    result = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        msg = f"{source} is damaged (integrity check: {result[0]})"
        raise BackupError(msg)


@contextlib.contextmanager
def _private_temp(beside: Path) -> Iterator[Path]:
    """A new empty file, mode 0600, in the directory of ``beside``; removed unless renamed."""
    temp = beside.with_name(f".{beside.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        msg = f"cannot create {temp} ({exc.strerror})"
        raise BackupError(msg) from exc
    os.close(fd)
    try:
        yield temp
    finally:
        for leftover in (temp, Path(f"{temp}-journal"), Path(f"{temp}-wal"), Path(f"{temp}-shm")):
            leftover.unlink(missing_ok=True)


def _place(temp: Path, target: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # fails if the target appeared meanwhile: never overwrite
    except FileExistsError:
        msg = f"{target} exists; give --force to overwrite it"
        raise BackupError(msg) from None


def _fsync(path: Path) -> None:
    """Flush a file, or a directory's entries (a rename), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reason(exc: SQLAlchemyError) -> str:
    """The first line of the driver's words for a database error."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0][:300] if lines else type(exc).__name__
