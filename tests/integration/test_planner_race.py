"""A plan read before a change must not be written over a plan read after it (chaos soak,
SQLite seed 3: setup's own re-plan lost to the worker's tick, nobody was prompted)."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import Engine, func, select

from storage.scheduling_rows import add_person, add_realm, add_standup
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.planning import PlanInput
from zulip_standup.services.planner import Planner
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.tables import jobs

NOW = dt.datetime(2026, 3, 23, 6, 0, tzinfo=dt.UTC)  # a Monday, before Berlin's 09:30


class PausedAfterFirstRead:
    """The real schedule reader; its first ``load`` waits for the test before returning,
    as a worker's tick does when a command commits a change in between."""

    def __init__(self, real: ScheduleReader) -> None:
        self.real = real
        self.read = threading.Event()
        self.go = threading.Event()
        self._first = True

    def standups_to_plan(self, plan_if_before: dt.datetime, limit: int) -> list[int]:
        return self.real.standups_to_plan(plan_if_before, limit)

    def load(self, standup_id: int, time_off_from: dt.date) -> PlanInput | None:
        plan = self.real.load(standup_id, time_off_from)
        if self._first:
            self._first = False
            self.read.set()
            self.go.wait(30)
        return plan


def prompt_jobs(engine: Engine, standup_id: int) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(jobs.c.standup_id == standup_id, jobs.c.kind == "prompt")
            ).scalar_one()
        )


def test_a_stale_tick_cannot_delete_the_jobs_of_a_fresher_replan(engine: Engine) -> None:
    """A new standup is read by the worker's tick before its participants are added; setup
    then adds them and re-plans. Whatever the interleaving, the participants keep their
    prompt jobs (before: the tick's stale, empty plan was written last and deleted them)."""
    realm = add_realm(engine)
    sid = add_standup(engine, realm, planned_until=None)
    source = PausedAfterFirstRead(ScheduleReader(engine))
    planner = Planner(FakeClock(NOW), JobStore(engine), source)
    tick = threading.Thread(target=planner.plan_due, args=(NOW,))
    tick.start()
    assert source.read.wait(30)
    for user in (1, 2, 3):
        add_person(engine, realm, user, (sid,))
    setup = threading.Thread(target=planner.replan_now, args=(sid, NOW))
    setup.start()
    setup.join(5)  # without the standup's lock the re-plan finishes here, before the tick
    source.go.set()
    tick.join(30)
    setup.join(30)
    assert not tick.is_alive()
    assert not setup.is_alive()
    assert prompt_jobs(engine, sid) >= 3
