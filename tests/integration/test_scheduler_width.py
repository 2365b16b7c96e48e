"""The fan-out's width comes from the pacer when the worker is given one: as many jobs run at
once as it allows (no fixed eight), and never more."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import Engine

from storage.scheduling_rows import add_realm, add_standup
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import DueJob, JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.services.scheduler import MAX_IN_FLIGHT, Worker
from zulip_standup.storage.jobs import JobStore

DAY = dt.date(2026, 3, 24)
DUE = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)
WIDTH, JOBS = 20, 30


async def _most_at_once(engine: Engine, jobs: int, width: int, expected_most: int) -> int:
    """Run ``jobs`` prompts due together through a worker whose pacer width is ``width``;
    each job waits until ``expected_most`` are under way. The most that ran at once."""
    sid = add_standup(engine, add_realm(engine))
    store = JobStore(engine)
    deadline = DUE + dt.timedelta(hours=3)
    store.insert([Occurrence(sid, JobKind.PROMPT, DAY, u, DUE, deadline) for u in range(jobs)])
    inside = most = done = 0
    all_in, stop = asyncio.Event(), asyncio.Event()

    async def handler(_job: DueJob) -> None:
        nonlocal inside, most, done
        inside += 1
        most = max(most, inside)
        if inside == expected_most:
            all_in.set()
        await all_in.wait()
        inside -= 1
        done += 1
        if done == jobs:
            stop.set()

    worker = Worker(FakeClock(DUE), store, handler, batch_size=100, width=lambda: width)
    await asyncio.wait_for(worker.run(stop, poll_seconds=15), timeout=60)
    assert done == jobs
    return most


async def test_as_many_jobs_run_at_once_as_the_width_allows(sqlite_engine: Engine) -> None:
    """30 prompts due: the first 20 are all under way together (each waits until the 20th
    has started), the other 10 follow as they finish; at no point are 21 running."""
    assert await _most_at_once(sqlite_engine, JOBS, WIDTH, WIDTH) == WIDTH


async def test_however_wide_the_pacer_allows_at_most_the_in_flight_cap_run(
    sqlite_engine: Engine,
) -> None:
    """A pacer that would admit 198 at once (an empty window): 50 prompts due, the first
    ``MAX_IN_FLIGHT`` are under way together and never more."""
    jobs = MAX_IN_FLIGHT + 18
    assert await _most_at_once(sqlite_engine, jobs, 198, MAX_IN_FLIGHT) == MAX_IN_FLIGHT
