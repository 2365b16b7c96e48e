"""Planning twice and a worker dying mid-day lose and double nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import Engine, func, select, update

from storage.scheduling_rows import add_person, add_realm, add_standup
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import DueJob, JobKind
from zulip_standup.services.planner import Planner
from zulip_standup.services.scheduler import Worker
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.tables import jobs, standups

MORNING = dt.datetime(2026, 3, 24, 0, 0, tzinfo=dt.UTC)  # a Tuesday
CRASH = dt.datetime(2026, 3, 24, 13, 30, tzinfo=dt.UTC)  # 09:30 in New York: user 3's prompt
RESTART = dt.datetime(2026, 3, 24, 13, 35, tzinfo=dt.UTC)
NIGHT = dt.datetime(2026, 3, 25, 0, 0, tzinfo=dt.UTC)
FIVE_MINUTES = 300


class Recorder:
    """The chat edge: every job the handler was asked to perform."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.jobs: list[DueJob] = []
        self.times: dict[int, dt.datetime] = {}

    async def __call__(self, job: DueJob) -> None:
        self.jobs.append(job)
        self.times[job.id] = self.clock.now()


def job_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(jobs)).scalar_one())


def all_keys_due_before(engine: Engine, instant: dt.datetime) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(jobs.c.key).where(jobs.c.due_at < instant)).scalars())


async def test_plan_twice_then_crash_after_claiming_and_restart(engine: Engine) -> None:
    """Two planners and a forced full re-plan create no extra rows; a process that dies right
    after claiming jobs leaves them to the next process, which runs them once (attempt 2) after
    the claim timeout; by midnight every planned job of the day ran exactly once."""
    realm = add_realm(engine)
    sid = add_standup(engine, realm, holiday_country="DE")
    add_person(engine, realm, 1, (sid,), profile_timezone="Europe/Berlin")
    add_person(engine, realm, 2, (sid,), profile_timezone="Asia/Kolkata")
    add_person(engine, realm, 3, (sid,), profile_timezone="America/New_York")
    clock = FakeClock(MORNING)
    store = JobStore(engine)
    reader = ScheduleReader(engine)

    first = await Planner(clock, store, reader).tick()
    planned = job_count(engine)
    # 36 hours from Tuesday 00:00 UTC: all of Tuesday (3 prompts, 3 reminders, the digest) and
    # Wednesday's Kolkata and Berlin prompts and reminders and the digest (11:45 UTC).
    assert (first.standups, first.inserted, planned) == (1, planned, 7 + 5)
    second = await Planner(clock, store, reader).tick()
    assert (second.standups, second.inserted) == (0, 0)
    with engine.begin() as conn:
        conn.execute(update(standups).values(planned_until=None))
    assert (await Planner(clock, store, reader).tick()).inserted == 0
    again = Planner(clock, store, reader).replan_now(sid, clock.now())
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert job_count(engine) == planned

    recorder = Recorder(clock)
    planner = Planner(clock, store, reader)
    worker = Worker(clock, store, recorder, worker_id="process-1")
    while clock.now() < CRASH:
        await planner.tick()
        await worker.tick()
        clock.advance(FIVE_MINUTES)
    # Process 1 claims what is due at 13:30 and dies before performing it.
    lost = store.claim_due(clock.now(), 100, "process-1")
    assert [(job.kind, job.user_id) for job in lost] == [(JobKind.PROMPT, 3)]
    clock.set(RESTART)
    planner = Planner(clock, store, reader)
    worker = Worker(clock, store, recorder, worker_id="process-2")
    while clock.now() < NIGHT:
        await planner.tick()
        await worker.tick()
        clock.advance(FIVE_MINUTES)

    runs = Counter(job.key for job in recorder.jobs)
    assert set(runs.values()) == {1}
    assert set(runs) == all_keys_due_before(engine, NIGHT)
    assert {job.key for job in recorder.jobs if job.run_date == dt.date(2026, 3, 24)} == {
        f"{sid}:digest:2026-03-24:-",
        *(f"{sid}:prompt:2026-03-24:{user}" for user in (1, 2, 3)),
        *(f"{sid}:reminder:2026-03-24:{user}:1" for user in (1, 2, 3)),
    }
    # The claim expired after ten minutes; the prompt went out at 13:45, once, flagged late
    # and as a second attempt so the handler checks Zulip for a message sent before the crash.
    (recovered,) = [job for job in recorder.jobs if job.id == lost[0].id]
    assert (recovered.attempt, recovered.late) == (2, True)
    assert recorder.times[recovered.id] == dt.datetime(2026, 3, 24, 13, 45, tzinfo=dt.UTC)
