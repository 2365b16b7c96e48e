"""The planner: materialises every standup's jobs ahead of time.

It is incremental: each standup remembers how far ahead it is planned (``planned_until``)
and is looked at again only when less than two thirds of the horizon remains, so a tick
costs one indexed query plus work for the standups that actually need extending. Setting
``planned_until`` to NULL (as a settings change does) is a durable request to re-plan that
standup on the next tick, in whichever process ticks first. The worker that runs the jobs
is ``services.scheduler``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from zulip_standup.domain.scheduling.jobs import ReplanResult
from zulip_standup.domain.scheduling.planning import PlanInput, plan_occurrences
from zulip_standup.ports import Clock, JobQueue, PlanSource

log = logging.getLogger(__name__)

DEFAULT_HORIZON = dt.timedelta(hours=36)
DEFAULT_BACKFILL = dt.timedelta(hours=24)
# Time off that ended this long ago cannot affect any occurrence still to plan.
_TIME_OFF_MARGIN = dt.timedelta(days=2)


@dataclass(frozen=True, slots=True)
class PlanReport:
    """What one planner pass did."""

    standups: int = 0
    inserted: int = 0
    errors: int = 0


class Planner:
    """Keeps every standup's jobs materialised ``horizon`` ahead of the clock."""

    def __init__(
        self,
        clock: Clock,
        store: JobQueue,
        source: PlanSource,
        *,
        horizon: dt.timedelta = DEFAULT_HORIZON,
        max_backfill: dt.timedelta = DEFAULT_BACKFILL,
        batch_size: int = 200,
    ) -> None:
        if not dt.timedelta(hours=3) <= horizon <= dt.timedelta(days=14):
            msg = f"planning horizon must be 3 hours to 14 days, got {horizon}"
            raise ValueError(msg)
        self._clock = clock
        self._store = store
        self._source = source
        self._horizon = horizon
        self._refresh = horizon / 3
        self._backfill = max_backfill
        self._batch = batch_size
        # Reading a standup's plan and writing its jobs happen under its lock: a plan read
        # before a change (setup adding participants) must not be written after a plan read
        # after it, or the stale one deletes the fresh one's jobs.
        self._guard = threading.Lock()
        self._locks: dict[int, threading.Lock] = {}
        # Told (from whichever thread planned) when jobs were inserted or moved, so the
        # worker sleeping on the old next due instant looks again (``Worker.wake``).
        self.on_jobs_changed: Callable[[], None] | None = None

    def _changed(self, count: int) -> None:
        if count and self.on_jobs_changed is not None:
            self.on_jobs_changed()

    def _lock(self, standup_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(standup_id, threading.Lock())

    def needs_planning(self, now: dt.datetime) -> bool:
        """Whether some standup's planned horizon is running out (a tick would plan it)."""
        return bool(self._source.standups_to_plan(now + self._horizon - self._refresh, 1))

    async def tick(self) -> PlanReport:
        """Extend the standups whose planned horizon is running out."""
        return await asyncio.to_thread(self.plan_due, self._clock.now())

    async def replan(self, standup_id: int) -> ReplanResult:
        """Re-plan one standup after its schedule, participants or time off changed."""
        return await asyncio.to_thread(self.replan_now, standup_id, self._clock.now())

    def plan_due(self, now: dt.datetime) -> PlanReport:
        """Synchronous body of :meth:`tick`, for callers already in a thread."""
        standups = inserted = errors = 0
        while True:
            ids = self._source.standups_to_plan(now + self._horizon - self._refresh, self._batch)
            for standup_id in ids:
                try:
                    with self._lock(standup_id):
                        inserted += self._plan_one(standup_id, now)
                except ValueError:
                    errors += 1
                    log.exception("standup_plan_failed", extra={"standup_id": standup_id})
                    self._store.plan_window(standup_id, (), now + self._horizon)
                standups += 1
            if len(ids) < self._batch:
                return PlanReport(standups, inserted, errors)

    def _plan_one(self, standup_id: int, now: dt.datetime) -> int:
        plan = self._source.load(standup_id, (now - self._backfill - _TIME_OFF_MARGIN).date())
        if plan is None:
            return 0
        if plan.planned_until is None:
            # Never planned, or a change cleared the horizon to ask for a re-plan: a durable
            # request any process can act on.
            return self._replan(standup_id, plan, now).inserted
        end = now + self._horizon
        start = max(plan.planned_until, now - self._backfill)
        found = plan_occurrences(plan.schedule, plan.participants, start, end)
        inserted = self._store.plan_window(standup_id, found, end, plan.version)
        self._changed(inserted)
        log.debug(
            "standup_planned",
            extra={"standup_id": standup_id, "until": end.isoformat(), "inserted": inserted},
        )
        return inserted

    def replan_now(self, standup_id: int, now: dt.datetime) -> ReplanResult:
        """Synchronous body of :meth:`replan`."""
        with self._lock(standup_id):
            plan = self._source.load(standup_id, (now - self._backfill - _TIME_OFF_MARGIN).date())
            if plan is None:
                return ReplanResult(0, 0, 0)
            return self._replan(standup_id, plan, now)

    def _replan(self, standup_id: int, plan: PlanInput, now: dt.datetime) -> ReplanResult:
        end = max(now + self._horizon, plan.planned_until or now)
        # Looking back lets a pending job whose time moved into the past keep its row.
        found = plan_occurrences(plan.schedule, plan.participants, now - self._backfill, end)
        result = self._store.replan_standup(standup_id, found, now, end, plan.version)
        self._changed(result.inserted + result.updated)
        log.info(
            "standup_replanned",
            extra={
                "standup_id": standup_id,
                "inserted": result.inserted,
                "updated": result.updated,
                "deleted": result.deleted,
            },
        )
        return result
