"""SQLite backup and restore: a consistent copy while rows are written, and a restore that
refuses what it must (a served database, a file that is not a backup of this product, a
newer schema) and upgrades an older backup."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from zulip_standup.storage import migrate
from zulip_standup.storage.backup import (
    BackupError,
    NotSQLiteError,
    backup_database,
    restore_database,
)
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.inbox import InboxStore
from zulip_standup.storage.leases import LeaseStore

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
TTL = dt.timedelta(seconds=30)
SITE, BOT = "https://chat.example.org", "standup-bot@example.org"


@contextlib.contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        yield conn


def inbox_ids(path: Path) -> list[int]:
    with opened(path) as conn:
        return [int(r[0]) for r in conn.execute("SELECT message_id FROM inbox ORDER BY 1")]


def realm_with_inbox(engine: Engine, message_ids: list[int]) -> int:
    realm = LeaseStore(engine).realm(SITE, BOT, NOW)
    InboxStore(engine).receive(realm, message_ids, NOW)
    return realm


class Writer(threading.Thread):
    """Records one inbox row per transaction, 1, 2, 3, ..., until told to stop."""

    def __init__(self, engine: Engine, realm: int) -> None:
        super().__init__(daemon=True)
        self.inbox, self.realm = InboxStore(engine), realm
        self.committed = 0
        self.started_writing = threading.Event()
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.inbox.receive(self.realm, [self.committed + 1], NOW)
            self.committed += 1
            if self.committed == 20:
                self.started_writing.set()


def test_backup_while_rows_are_written_is_a_consistent_copy(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    """A thread commits inbox rows through the store while `backup` runs: the copy passes
    SQLite's integrity check and holds every row committed before the backup began and
    after that an unbroken run of later ones (one commit's state, nothing half-written).
    It is one file, mode 0600, with no -wal beside it."""
    realm = LeaseStore(sqlite_engine).realm(SITE, BOT, NOW)
    writer = Writer(sqlite_engine, realm)
    writer.start()
    try:
        assert writer.started_writing.wait(30), "the writer never got going"
        before = writer.committed
        written = backup_database(sqlite_url, tmp_path / "copy.db")
        after = writer.committed
    finally:
        writer.halt.set()
        writer.join(30)
    copy = tmp_path / "copy.db"
    assert written.path == copy.resolve()
    assert written.revision == migrate.head_revision()
    assert written.size_bytes == copy.stat().st_size
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert not Path(f"{copy}-wal").exists()
    with opened(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    ids = inbox_ids(copy)
    assert before <= len(ids) <= after
    assert ids == list(range(1, len(ids) + 1))


def test_backup_refuses_an_existing_file_unless_forced(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    """An existing file is left alone unless `force`; then it is replaced, still 0600."""
    realm_with_inbox(sqlite_engine, [1])
    target = tmp_path / "copy.db"
    target.write_text("an earlier file")
    with pytest.raises(BackupError, match="exists; give --force to overwrite it"):
        backup_database(sqlite_url, target)
    assert target.read_text() == "an earlier file"
    backup_database(sqlite_url, target, force=True)
    assert inbox_ids(target) == [1]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_backup_of_a_database_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    """A DATABASE_URL naming no file is a mistake: refused, and no empty database is made."""
    missing = tmp_path / "nowhere" / "standup.db"
    with pytest.raises(BackupError, match=f"there is no database at {missing}"):
        backup_database(f"sqlite:///{missing}", tmp_path / "copy.db")
    assert not missing.exists()
    assert not (tmp_path / "copy.db").exists()


def test_postgres_and_memory_databases_are_not_for_these_commands(tmp_path: Path) -> None:
    """PostgreSQL has pg_dump; an in-memory database has no file."""
    with pytest.raises(NotSQLiteError, match="for SQLite"):
        backup_database("postgresql://postgres@127.0.0.1:5432/none", tmp_path / "x.db")
    with pytest.raises(NotSQLiteError, match="in memory"):
        restore_database("sqlite://", tmp_path / "x.db", NOW)


def test_restore_refuses_while_a_lease_is_live_and_works_after_it_expires(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    """A process holding an unexpired lease serves the database: restore names it and says
    to stop it, and changes nothing. Once the lease has expired the backup replaces the
    database, and the lease it recorded (the bot was running when it was taken) is gone."""
    leases = LeaseStore(sqlite_engine)
    realm = realm_with_inbox(sqlite_engine, [1, 2])
    assert leases.acquire(realm, "standup-1", NOW, TTL) is not None
    backup = backup_database(sqlite_url, tmp_path / "copy.db").path
    InboxStore(sqlite_engine).receive(realm, [3], NOW)
    sqlite_engine.dispose()
    live = Path(sqlite_engine.url.database or "")

    with pytest.raises(BackupError) as refused:
        restore_database(sqlite_url, backup, NOW + TTL / 2)
    assert str(refused.value) == (
        f"the database is in use: standup-1 serves {BOT} (lease until 2026-12-07 09:00:30 UTC); "
        "stop that process first"
    )
    assert inbox_ids(live) == [1, 2, 3]

    restored = restore_database(sqlite_url, backup, NOW + TTL * 2)
    assert (restored.revision, restored.upgraded_to) == ("0008", migrate.head_revision())
    assert restored.leases_cleared == 1
    assert sorted(p.name for p in live.parent.iterdir()) == ["standup.db"]
    assert stat.S_IMODE(live.stat().st_mode) == 0o600
    assert inbox_ids(live) == [1, 2]
    assert [(r.holder, r.expires_at) for r in leases.rows()] == [(None, None)]


def test_restore_refuses_while_another_connection_has_the_database_open(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    """No lease, but a connection is open (a bot starting up, `migrate`): refused, unchanged."""
    realm_with_inbox(sqlite_engine, [1])
    backup = backup_database(sqlite_url, tmp_path / "copy.db").path
    InboxStore(sqlite_engine).receive(1, [2], NOW)
    live = Path(sqlite_engine.url.database or "")
    with sqlite_engine.connect(), pytest.raises(BackupError, match="is open in another process"):
        restore_database(sqlite_url, backup, NOW)
    sqlite_engine.dispose()
    assert inbox_ids(live) == [1, 2]
    assert [p.name for p in live.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"name,answer\ncarol,shipped it\n", "is not an SQLite database"),
        (None, "is an SQLite database, but not one of zulip-standup"),
    ],
    ids=["not-sqlite", "another-sqlite-database"],
)
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_product(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path, content: bytes | None, reason: str
) -> None:
    """A CSV file and somebody else's SQLite database are refused; the database is untouched."""
    realm_with_inbox(sqlite_engine, [1])
    sqlite_engine.dispose()
    source = tmp_path / "other.db"
    if content is None:
        with contextlib.closing(sqlite3.connect(source)) as other:
            other.execute("CREATE TABLE notes (body TEXT)")
    else:
        source.write_bytes(content)
    with pytest.raises(BackupError, match=reason):
        restore_database(sqlite_url, source, NOW)
    assert inbox_ids(Path(sqlite_engine.url.database or "")) == [1]


def test_restore_refuses_a_backup_from_a_newer_schema(
    sqlite_engine: Engine, sqlite_url: str, tmp_path: Path
) -> None:
    """A backup written by a newer zulip-standup (a revision this code has no migration for)
    would be misread: refused, saying to upgrade zulip-standup first."""
    realm_with_inbox(sqlite_engine, [1])
    backup = backup_database(sqlite_url, tmp_path / "copy.db").path
    with contextlib.closing(sqlite3.connect(backup)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042'")
        conn.commit()
    sqlite_engine.dispose()
    with pytest.raises(BackupError) as refused:
        restore_database(sqlite_url, backup, NOW)
    assert str(refused.value) == (
        f"{backup} is at schema revision 0042, newer than this zulip-standup knows "
        f"(its newest is {migrate.head_revision()}); upgrade zulip-standup first"
    )


def test_restore_upgrades_a_backup_of_an_older_schema(sqlite_url: str, tmp_path: Path) -> None:
    """A backup taken at 0006 (before web access and webhooks) replaces a newer database and
    is brought up to the newest revision, its rows kept."""
    old_url = f"sqlite:///{tmp_path / 'old' / 'standup.db'}"
    old = make_engine(old_url)
    migrate.upgrade(old, "0006")
    realm_with_inbox(old, [7, 8])
    old.dispose()
    backup = backup_database(old_url, tmp_path / "old-0006.db")
    assert backup.revision == "0006"

    current = make_engine(sqlite_url)
    migrate.upgrade(current)
    realm_with_inbox(current, [99])
    current.dispose()
    restored = restore_database(sqlite_url, backup.path, NOW)
    assert (restored.revision, restored.upgraded_to) == ("0006", migrate.head_revision())
    assert inbox_ids(Path(current.url.database or "")) == [7, 8]
    assert migrate.current_revision(current) == migrate.head_revision()
    assert {"web_sessions", "webhooks"} <= set(inspect(current).get_table_names())
    with current.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    current.dispose()
