"""Housekeeping: the retention purge of old answers, trimming finished jobs, and forgetting
expired dashboard links and sessions.

Runs inside the bot process on a timer (hourly), so retention is automatic
(SECURITY.md promise 8) and the jobs table does not grow without bound.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from zulip_standup.ports import Clock, Inbox, JobQueue, RunRepository, WebAccess, WebhookStore

log = logging.getLogger(__name__)

INTERVAL_S = 3600.0
FINISHED_JOBS_KEPT = dt.timedelta(days=14)


@dataclass(frozen=True)
class HousekeepingReport:
    answers_purged: int
    jobs_purged: int
    web_access_purged: int = 0


class Housekeeper:
    """Purges answers older than ``retention_days`` (0 keeps them) and old finished jobs."""

    def __init__(
        self,
        clock: Clock,
        runs: RunRepository,
        jobs: JobQueue,
        retention_days: int,
        inbox: Inbox | None = None,
        webhooks: WebhookStore | None = None,
        web: WebAccess | None = None,
    ) -> None:
        self._clock = clock
        self._runs = runs
        self._jobs = jobs
        self._inbox = inbox
        # Webhook events (their deliveries end within a day) and the delivery log.
        self._webhooks = webhooks
        self._web = web
        self.retention_days = retention_days

    def run_once(self) -> HousekeepingReport:
        now = self._clock.now()
        answers = 0
        if self.retention_days > 0:
            answers = self._runs.purge_answers_before(now - dt.timedelta(days=self.retention_days))
        finished = self._jobs.purge_finished(now - FINISHED_JOBS_KEPT)
        if self._inbox is not None:
            self._inbox.trim(now - FINISHED_JOBS_KEPT)
        if self._webhooks is not None:
            self._webhooks.purge(now - FINISHED_JOBS_KEPT)
        web = 0
        if self._web is not None:
            # Expired or ended a day ago: nothing can use them, and they name who logged in.
            web = self._web.purge_web_access(now - dt.timedelta(days=1))
        if answers or finished:
            log.info(
                "housekeeping_done", extra={"answers_purged": answers, "jobs_purged": finished}
            )
        return HousekeepingReport(answers, finished, web)

    async def run(self, stop: asyncio.Event, interval_s: float = INTERVAL_S) -> None:
        """Run now, then every ``interval_s`` of clock time, until ``stop`` is set."""
        last: dt.datetime | None = None
        while not stop.is_set():
            now = self._clock.now()
            if last is None or (now - last).total_seconds() >= interval_s:
                try:
                    await asyncio.to_thread(self.run_once)
                except Exception:  # a failed purge is retried next time; the bot carries on
                    log.exception("housekeeping_failed")
                last = now
            sleeper = asyncio.ensure_future(self._clock.sleep(min(interval_s, 60.0)))
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            sleeper.cancel()
            stopper.cancel()
