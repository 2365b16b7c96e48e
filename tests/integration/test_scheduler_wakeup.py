"""The worker's idle sleep: it lasts until the next due job and ends when the planner it runs
writes jobs due sooner (a setup or a replan), so no job waits for the poll interval."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import Engine

from storage.scheduling_rows import add_person, add_realm, add_standup, update_standup
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import DueJob, JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.services.planner import Planner
from zulip_standup.services.scheduler import Worker
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.schedules import ScheduleReader

TUESDAY = dt.date(2026, 3, 24)
EIGHT = dt.datetime(2026, 3, 24, 8, 0, tzinfo=dt.UTC)  # 09:00 in Berlin


class HeldClock:
    """Time stands still and a sleep never ends by itself: only a wake (or stop) ends it."""

    def __init__(self, now: dt.datetime) -> None:
        self._now = now
        self.sleeps: list[float] = []
        self.asleep = asyncio.Event()

    def now(self) -> dt.datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.asleep.set()
        await asyncio.Event().wait()


async def test_a_replan_moving_a_prompt_to_now_wakes_the_sleeping_worker(
    sqlite_engine: Engine,
) -> None:
    """Asleep until the 09:30 prompt (half an hour, the poll is an hour), the worker runs the
    prompt the moment a replan moves it to 09:00, without any time passing."""
    realm = add_realm(sqlite_engine)
    sid = add_standup(sqlite_engine, realm)
    add_person(sqlite_engine, realm, 1, (sid,))
    clock = HeldClock(EIGHT)
    store = JobStore(sqlite_engine)
    planner = Planner(clock, store, ScheduleReader(sqlite_engine))
    ran: list[DueJob] = []
    done = asyncio.Event()

    async def handler(job: DueJob) -> None:
        ran.append(job)
        done.set()

    stop = asyncio.Event()
    worker = Worker(clock, store, handler)
    running = asyncio.create_task(worker.run(stop, planner=planner, poll_seconds=3600))
    await clock.asleep.wait()
    assert clock.sleeps == [1800.0]  # until 08:30 UTC, the prompt's instant
    update_standup(sqlite_engine, sid, prompt_time="09:00", planned_until=None)
    moved = await planner.replan(sid)
    assert moved.updated >= 1
    await asyncio.wait_for(done.wait(), timeout=30)
    stop.set()
    await asyncio.wait_for(running, timeout=30)
    assert [(j.kind, j.user_id, j.due_at) for j in ran] == [(JobKind.PROMPT, 1, EIGHT)]
    assert clock.now() == EIGHT


async def test_the_first_claim_happens_at_the_due_instant_not_a_whole_second_later(
    sqlite_engine: Engine,
) -> None:
    """From 08:29:59.250 the worker sleeps exactly the 0.75 s left and claims at 08:30:00."""
    sid = add_standup(sqlite_engine, add_realm(sqlite_engine))
    due = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)
    store = JobStore(sqlite_engine)
    store.insert([Occurrence(sid, JobKind.PROMPT, TUESDAY, 1, due, due + dt.timedelta(hours=3))])
    clock = FakeClock(due - dt.timedelta(seconds=0.75))
    seen: list[dt.datetime] = []
    stop = asyncio.Event()

    async def handler(_job: DueJob) -> None:
        seen.append(clock.now())
        stop.set()

    await asyncio.wait_for(Worker(clock, store, handler).run(stop, poll_seconds=15), timeout=30)
    assert seen == [due]
