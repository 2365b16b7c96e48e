"""Reads on SQLite do not queue behind a writer: the stores' read-only work begins a deferred
transaction (it reads its WAL snapshot), while every transaction that may write still takes
the write lock up front with BEGIN IMMEDIATE."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, update

from storage.scheduling_rows import CREATED, add_realm, add_standup
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.tables import jobs

DAY = dt.date(2026, 3, 24)
DUE = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)

# Generous: only reached when the read wrongly waits for the writer (busy_timeout is 5 s).
_GUARD_S = 30


class Writer:
    """Another connection holding the write lock: it moves the job an hour later, then waits."""

    def __init__(self, engine: Engine) -> None:
        self.holding = threading.Event()
        self.release = threading.Event()
        self.errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._write, args=(engine,))

    def _write(self, engine: Engine) -> None:
        try:
            with engine.begin() as conn:
                conn.execute(update(jobs).values(due_at=DUE + HOUR))
                self.holding.set()
                assert self.release.wait(_GUARD_S)
        except BaseException as exc:
            self.errors.append(exc)
            self.holding.set()

    def __enter__(self) -> Writer:
        self._thread.start()
        assert self.holding.wait(_GUARD_S)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release.set()
        self._thread.join(_GUARD_S)
        assert not self.errors


def test_store_reads_proceed_while_another_connection_writes(
    sqlite_engine: Engine, begins: list[str]
) -> None:
    """While a writer holds the lock, the next due job and a standup's jobs read at once, from
    the snapshot before the writer's uncommitted move; after its commit the move shows."""
    sid = add_standup(sqlite_engine, add_realm(sqlite_engine))
    store = JobStore(sqlite_engine)
    store.insert([Occurrence(sid, JobKind.PROMPT, DAY, 1, DUE, DUE + HOUR)])
    with Writer(sqlite_engine):
        begins.clear()
        assert store.next_due_at() == DUE
        assert [row["due_at"] for row in store.rows_for_standup(sid)] == [DUE]
        assert begins == ["BEGIN DEFERRED", "BEGIN DEFERRED"]
    assert store.next_due_at() == DUE + HOUR


def test_writes_still_take_the_write_lock_first(sqlite_engine: Engine, begins: list[str]) -> None:
    """A claim reads then writes: it begins IMMEDIATE, so it never has to upgrade a read lock."""
    JobStore(sqlite_engine).claim_due(CREATED, 10, "worker-1")
    assert begins == ["BEGIN IMMEDIATE"]
