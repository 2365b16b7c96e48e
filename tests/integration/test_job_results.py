"""Jobs recorded as done in shared transactions (``services.job_results``), on SQLite: a
burst of finishing jobs costs fewer "done" transactions than jobs, and each job still
learns whether its claim held."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import Engine, event

from storage.scheduling_rows import add_realm, add_standup
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.services.job_results import FinishedJobs
from zulip_standup.storage.jobs import JobStore

T0 = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 24)
JOBS = 20


async def test_jobs_finishing_together_share_their_done_transactions(
    sqlite_engine: Engine,
) -> None:
    """Twenty jobs finish at once (in one turn of the event loop): one statement records
    all twenty; the job whose claim another worker took over learns it (False), the others
    True, and the rows say done."""
    sid = add_standup(sqlite_engine, add_realm(sqlite_engine))
    store = JobStore(sqlite_engine)
    deadline = T0 + dt.timedelta(hours=3)
    store.insert([Occurrence(sid, JobKind.PROMPT, DAY, uid, T0, deadline) for uid in range(JOBS)])
    claimed = store.claim_due(T0, JOBS, "w1")
    stolen = claimed[-1]
    with sqlite_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE jobs SET claimed_by = 'w2' WHERE id = ?", (stolen.id,))
    writes: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE jobs"):
            writes.append(statement)

    results = FinishedJobs(store, "w1", FakeClock(T0))
    event.listen(sqlite_engine, "before_cursor_execute", count)
    try:
        outcomes = await asyncio.gather(*(results.done(job.id) for job in claimed))
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", count)
    assert outcomes == [True] * (JOBS - 1) + [False]
    assert len(writes) == 1
    status = {row["id"]: row["status"] for row in store.rows_for_standup(sid)}
    assert [status[job.id] for job in claimed] == ["done"] * (JOBS - 1) + ["claimed"]


async def test_a_failed_done_write_fails_each_job_waiting_for_it(sqlite_engine: Engine) -> None:
    """When the database refuses the write, every job of that write raises, as its own
    write would have; the next job is written afresh."""
    sid = add_standup(sqlite_engine, add_realm(sqlite_engine))
    store = JobStore(sqlite_engine)
    deadline = T0 + dt.timedelta(hours=3)
    store.insert([Occurrence(sid, JobKind.PROMPT, DAY, uid, T0, deadline) for uid in range(3)])
    first, second, third = store.claim_due(T0, 3, "w1")
    results = FinishedJobs(store, "w1", FakeClock(T0))

    def refuse(*_args: Any) -> None:
        raise RuntimeError("database is locked")

    event.listen(sqlite_engine, "before_cursor_execute", refuse)
    try:
        outcomes = await asyncio.gather(
            results.done(first.id), results.done(second.id), return_exceptions=True
        )
    finally:
        event.remove(sqlite_engine, "before_cursor_execute", refuse)
    assert [type(o) for o in outcomes] == [RuntimeError, RuntimeError]
    assert await results.done(third.id)
