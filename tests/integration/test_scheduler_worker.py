"""Worker and planner behaviour against a real SQLite store: lateness, retries, errors, cost."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.engine import make_url

from storage.scheduling_rows import CREATED, add_realm, add_standup, update_standup
from zulip_standup.app import is_transient_failure
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import DueJob, JobKind, RetryPolicy
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.services.planner import Planner
from zulip_standup.services.scheduler import TransientJobError, Worker
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.tables import participants, people

T0 = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
DAY = dt.date(2026, 3, 24)


class Recorder:
    """The chat edge: records jobs, optionally failing for chosen users."""

    def __init__(self, clock: FakeClock, fail_for: dict[int, BaseException] | None = None) -> None:
        self.clock = clock
        self.fail_for = fail_for or {}
        self.seen: list[tuple[DueJob, dt.datetime]] = []

    async def __call__(self, job: DueJob) -> None:
        self.seen.append((job, self.clock.now()))
        if job.user_id in self.fail_for:
            raise self.fail_for[job.user_id]


def day_jobs(sid: int, day: dt.date, prompt_at: dt.datetime) -> list[Occurrence]:
    """A prompt, a reminder 2h15 later and the digest 3h15 later (= the deadline)."""
    deadline = prompt_at + dt.timedelta(hours=3, minutes=15)
    return [
        Occurrence(sid, JobKind.PROMPT, day, 1, prompt_at, deadline),
        Occurrence(
            sid,
            JobKind.REMINDER,
            day,
            1,
            prompt_at + dt.timedelta(hours=2, minutes=15),
            deadline,
            1,
        ),
        Occurrence(sid, JobKind.DIGEST, day, None, deadline),
    ]


@pytest.fixture
def sid(sqlite_engine: Engine) -> int:
    return add_standup(sqlite_engine, add_realm(sqlite_engine))


async def test_lateness_policy_after_downtime(sqlite_engine: Engine, sid: int) -> None:
    """Back before the cutoff: the missed prompt and reminder go out flagged late. Back after the
    cutoff: prompt and reminder are dropped, the digest still runs, flagged late."""
    store = JobStore(sqlite_engine)
    store.insert(day_jobs(sid, DAY, T0))
    next_day = T0 + dt.timedelta(days=1)
    store.insert(day_jobs(sid, DAY + dt.timedelta(days=1), next_day))
    clock = FakeClock(T0 + dt.timedelta(hours=3))  # 11:30, before the 11:45 deadline
    recorder = Recorder(clock)
    worker = Worker(clock, store, recorder)
    report = await worker.tick()
    assert (report.claimed, report.done, report.late, report.dropped) == (2, 2, 2, 0)
    assert [(j.kind, j.late) for j, _ in recorder.seen] == [
        (JobKind.PROMPT, True),
        (JobKind.REMINDER, True),
    ]
    clock.set(T0 + dt.timedelta(hours=3, minutes=15))
    report = await worker.tick()
    assert (report.claimed, report.done, report.late) == (1, 1, 0)  # digest on time
    clock.set(next_day + dt.timedelta(hours=4))  # back after the deadline
    report = await worker.tick()
    assert (report.claimed, report.done, report.late, report.dropped) == (3, 1, 1, 2)
    assert [(j.kind, j.late) for j, _ in recorder.seen[3:]] == [(JobKind.DIGEST, True)]


async def test_transient_errors_retry_with_backoff_until_attempts_run_out(
    sqlite_engine: Engine, sid: int
) -> None:
    """A handler that keeps raising TransientJobError is retried after 30 s and 60 s, then the
    job fails; it never runs before its retry instant."""
    store = JobStore(sqlite_engine)
    store.insert(day_jobs(sid, DAY, T0)[:1])
    clock = FakeClock(T0)
    recorder = Recorder(clock, {1: TransientJobError("Zulip answered 502")})
    retry = RetryPolicy(max_attempts=3, base_delay=dt.timedelta(seconds=30))
    worker = Worker(clock, store, recorder, retry=retry)
    assert (await worker.tick()).retried == 1
    clock.advance(29)
    assert (await worker.tick()).claimed == 0
    clock.advance(1)
    assert (await worker.tick()).retried == 1
    clock.advance(59)
    assert (await worker.tick()).claimed == 0
    clock.advance(1)
    assert (await worker.tick()).failed == 1
    clock.advance(3600)
    assert (await worker.tick()).claimed == 0
    assert [(job.attempt, at - T0) for job, at in recorder.seen] == [
        (1, dt.timedelta(0)),
        (2, dt.timedelta(seconds=30)),
        (3, dt.timedelta(seconds=90)),
    ]
    (row,) = store.rows_for_standup(sid)
    assert (row["status"], row["last_error"]) == (
        "failed",
        "TransientJobError('Zulip answered 502')",
    )


async def test_transient_error_then_success(sqlite_engine: Engine, sid: int) -> None:
    """One transient failure, then the retry succeeds and the job is done."""
    store = JobStore(sqlite_engine)
    store.insert(day_jobs(sid, DAY, T0)[:1])
    clock = FakeClock(T0)
    recorder = Recorder(clock, {1: TransientJobError("reset")})
    worker = Worker(clock, store, recorder)
    await worker.tick()
    recorder.fail_for.clear()
    clock.advance(30)
    assert (await worker.tick()).done == 1
    (row,) = store.rows_for_standup(sid)
    assert (row["status"], row["attempts"]) == ("done", 2)


async def test_other_errors_fail_at_once_without_stopping_the_batch(
    sqlite_engine: Engine, sid: int, caplog: pytest.LogCaptureFixture
) -> None:
    """An unexpected exception fails that job for good and is logged; the rest still run."""
    store = JobStore(sqlite_engine)
    deadline = T0 + dt.timedelta(hours=3)
    store.insert([Occurrence(sid, JobKind.PROMPT, DAY, u, T0, deadline) for u in (1, 2, 3)])
    clock = FakeClock(T0)
    recorder = Recorder(clock, {2: ValueError("bug")})
    with caplog.at_level(logging.ERROR, logger="zulip_standup.services.scheduler"):
        report = await Worker(clock, store, recorder).tick()
    assert (report.claimed, report.failed, report.done) == (3, 1, 2)
    assert [r.getMessage() for r in caplog.records] == ["job_failed"]
    statuses = [(r["user_id"], r["status"]) for r in store.rows_for_standup(sid)]
    assert statuses == [(1, "done"), (2, "failed"), (3, "done")]


async def test_run_loop_performs_jobs_on_time_and_stops(sqlite_engine: Engine, sid: int) -> None:
    """The loop sleeps on the clock between polls, runs each job within one poll of its due
    instant and returns when asked to stop."""
    store = JobStore(sqlite_engine)
    store.insert(day_jobs(sid, DAY, T0 + dt.timedelta(hours=1)))
    clock = FakeClock(T0)
    stop = asyncio.Event()
    recorder = Recorder(clock)

    async def handler(job: DueJob) -> None:
        await recorder(job)
        if len(recorder.seen) == 3:
            stop.set()

    await asyncio.wait_for(Worker(clock, store, handler).run(stop, poll_seconds=60), timeout=30)
    assert [(j.kind, j.late) for j, _ in recorder.seen] == [
        (JobKind.PROMPT, False),
        (JobKind.REMINDER, False),
        (JobKind.DIGEST, False),
    ]
    assert all(dt.timedelta(0) <= at - j.due_at < MINUTE for j, at in recorder.seen)


async def test_planner_is_incremental_and_ticks_cost_what_is_due(sqlite_engine: Engine) -> None:
    """With 300 standups, only the first tick plans them all; later ticks plan nothing until the
    horizon needs extending, and a worker tick touches only the due rows, not the table."""
    realm = add_realm(sqlite_engine)
    ids = [add_standup(sqlite_engine, realm, f"s{n}", stream_id=n) for n in range(300)]
    with sqlite_engine.begin() as conn:
        conn.execute(
            insert(people).values(
                realm_id=realm, user_id=1, display_name="p", zulip_away=False, updated_at=CREATED
            )
        )
        conn.execute(
            insert(participants),
            [
                {"standup_id": i, "user_id": 1, "display_name": "p", "active": True}
                | {"added_at": CREATED}
                for i in ids
            ],
        )
    clock = FakeClock(dt.datetime(2026, 3, 24, 0, 0, tzinfo=dt.UTC))
    store = JobStore(sqlite_engine)
    planner = Planner(clock, store, ScheduleReader(sqlite_engine), batch_size=64)
    first = await planner.tick()
    assert (first.standups, first.errors) == (300, 0)
    for hours in (0, 1, 11):
        clock.set(dt.datetime(2026, 3, 24, hours, 5, tzinfo=dt.UTC))
        assert (await planner.tick()).standups == 0
    clock.set(dt.datetime(2026, 3, 24, 12, 5, tzinfo=dt.UTC))
    assert (await planner.tick()).standups == 300
    # 08:30 UTC is 09:30 in Berlin: exactly the 300 prompts are due among thousands of rows.
    clock.set(dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC))
    worker = Worker(clock, store, Recorder(clock), batch_size=1000)
    report = await worker.tick()
    assert report.claimed == 300
    assert report.rows == 2 * 300  # one row claimed and one row completed per job
    assert (await worker.tick()).rows == 0


async def test_clearing_the_horizon_replans_only_that_standup(sqlite_engine: Engine) -> None:
    """A settings change that clears ``planned_until`` makes the next tick move that standup's
    pending prompts to the new time, remove dates that no longer run and leave the other
    standup's jobs exactly as they were."""
    realm = add_realm(sqlite_engine)
    daily = add_standup(sqlite_engine, realm, "daily")
    other = add_standup(sqlite_engine, realm, "other", stream_id=11)
    with sqlite_engine.begin() as conn:
        conn.execute(
            insert(people).values(
                realm_id=realm, user_id=1, display_name="p", zulip_away=False, updated_at=CREATED
            )
        )
        for standup in (daily, other):
            conn.execute(
                insert(participants).values(
                    standup_id=standup, user_id=1, display_name="p", active=True, added_at=CREATED
                )
            )
    clock = FakeClock(dt.datetime(2026, 3, 24, 0, 0, tzinfo=dt.UTC))  # Tuesday
    store = JobStore(sqlite_engine)
    planner = Planner(clock, store, ScheduleReader(sqlite_engine))
    await planner.tick()
    before_other = store.rows_for_standup(other)
    update_standup(
        sqlite_engine, daily, prompt_time="10:00", weekdays=[0, 1, 3, 4], planned_until=None
    )
    report = await planner.tick()
    assert report.standups == 1
    prompts = [
        (r["run_date"].isoformat(), f"{r['due_at']:%H:%M}")
        for r in store.rows_for_standup(daily)
        if r["kind"] == "prompt"
    ]
    # 10:00 CET is 09:00 UTC; Wednesday 25 March no longer runs.
    assert prompts == [("2026-03-24", "09:00")]
    assert store.rows_for_standup(other) == before_other


async def test_a_locked_sqlite_database_is_retried_not_failed(
    sqlite_engine: Engine, sqlite_url: str, sid: int
) -> None:
    """Finding 6. While another process holds SQLite's write lock past the busy timeout, a
    prompt job's write fails with "database is locked": the worker the bot builds treats
    that as transient and schedules a retry; it does not fail the job for good."""
    store = JobStore(sqlite_engine)
    store.insert(day_jobs(sid, DAY, T0)[:1])
    clock = FakeClock(T0)
    path = make_url(sqlite_url).database
    assert path is not None
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)

    async def write_under_a_lock(job: DueJob) -> None:
        other.execute("BEGIN EXCLUSIVE")  # another process takes the write lock
        try:

            def write() -> None:
                with sqlite_engine.begin() as conn:
                    conn.execute(
                        insert(people).values(
                            realm_id=1,
                            user_id=job.user_id,
                            display_name="x",
                            zulip_away=False,
                            updated_at=CREATED,
                        )
                    )

            await asyncio.to_thread(write)
        finally:
            other.execute("ROLLBACK")

    worker = Worker(clock, store, write_under_a_lock, is_transient=is_transient_failure)
    report = await worker.tick()
    other.close()
    assert (report.claimed, report.retried, report.failed) == (1, 1, 0)
    (row,) = store.rows_for_standup(sid)
    assert row["status"] == "pending"
    assert "database is locked" in row["last_error"]


async def test_each_claimed_batch_is_prepared_before_its_jobs_run(
    sqlite_engine: Engine, sid: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker hands each claimed batch to ``prepare`` before running any of its jobs;
    a prepare that fails is logged and the jobs still run (it only saves reads)."""
    store = JobStore(sqlite_engine)
    store.insert(day_jobs(sid, DAY, T0))
    clock = FakeClock(T0 + dt.timedelta(hours=3))
    recorder = Recorder(clock)
    batches: list[tuple[list[JobKind], int]] = []

    async def prepare(jobs: list[DueJob]) -> None:
        batches.append(([j.kind for j in jobs], len(recorder.seen)))
        raise RuntimeError("the people could not be read")

    worker = Worker(clock, store, recorder, prepare=prepare)
    with caplog.at_level(logging.WARNING):
        report = await worker.tick()
    assert batches == [([JobKind.PROMPT, JobKind.REMINDER], 0)]
    assert (report.claimed, report.done) == (2, 2)
    assert "job_batch_prepare_failed" in caplog.text
