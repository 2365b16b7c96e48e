"""The worker that runs due jobs (the planner that materialises them: ``services.planner``).

The worker claims only as
many due jobs as it can start now (a rolling fan-out: a slot that frees is
refilled at once), applies the lateness policy and hands each job to the app
layer's handler; only errors declared transient are retried. When idle it
sleeps until the next due job or the poll interval, whichever comes first, and
wakes at once when the planner it runs writes jobs (a setup, a replan), so a job
planned due sooner than the sleep's end still starts at its due instant.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from zulip_standup.domain.scheduling.jobs import (
    DueJob,
    JobKind,
    JobStatus,
    LatenessPolicy,
    RetryPolicy,
    ScheduledRetry,
    Verdict,
)
from zulip_standup.domain.webhooks.delivery import WEBHOOK_RETRY
from zulip_standup.ports import Clock, JobHandler, JobQueue
from zulip_standup.services.job_results import FinishedJobs
from zulip_standup.services.planner import Planner
from zulip_standup.services.waiting import sleep_or_stop

log = logging.getLogger(__name__)

# However wide the pacer would let a fan-out be, the jobs claimed and running at once: more
# only queue for the database threads and the connections (measured: 1,000 prompts at
# 100/s reached 0.66 of the rate with 1,000 allowed at once, 0.80 with 32; BENCHMARKS.md).
MAX_IN_FLIGHT = 32


class TransientJobError(Exception):
    """Raised by a job handler for a failure worth retrying (Zulip 5xx, 429, reset connection)."""


@dataclass(frozen=True, slots=True)
class TickReport:
    """What one worker tick did; ``rows`` is the job-store rows it read or wrote."""

    claimed: int = 0
    done: int = 0
    late: int = 0
    dropped: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0
    rows: int = 0


def default_worker_id() -> str:
    """Host, process and a random suffix: unique among live workers, readable in the jobs table."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Claims due jobs, applies the lateness policy and runs them through the handler."""

    def __init__(
        self,
        clock: Clock,
        store: JobQueue,
        handler: JobHandler,
        *,
        worker_id: str | None = None,
        batch_size: int = 100,
        concurrency: int = 8,
        lateness: LatenessPolicy | None = None,
        retry: RetryPolicy | None = None,
        retry_by_kind: Mapping[JobKind, RetryPolicy | ScheduledRetry] | None = None,
        stale_after: dt.timedelta = dt.timedelta(minutes=10),
        transient: tuple[type[BaseException], ...] = (TransientJobError,),
        is_transient: Callable[[BaseException], bool] | None = None,
        realm_id: int | None = None,
        width: Callable[[], int] | None = None,
        prepare: Callable[[Sequence[DueJob]], Awaitable[None]] | None = None,
    ) -> None:
        if batch_size < 1:
            msg = f"batch size must be positive, got {batch_size}"
            raise ValueError(msg)
        self._clock = clock
        self._store = store
        self._handler = handler
        self.worker_id = worker_id or default_worker_id()
        self.batch_size = batch_size
        # Jobs mostly wait on Zulip: running as many as ``width`` (the pacer's) allows, else
        # ``concurrency``, lets the pacer set a fan-out's pace; a person has one job due at a time.
        self.concurrency = max(1, concurrency)
        self._width = width
        self._slots = asyncio.Semaphore(self.concurrency)
        self._lateness = lateness or LatenessPolicy()
        self._retry = retry or RetryPolicy()
        # Kinds with a schedule of their own (webhook deliveries retry for about a day).
        default = {JobKind.WEBHOOK: WEBHOOK_RETRY}
        self._retry_by_kind = dict(default if retry_by_kind is None else retry_by_kind)
        self._max_attempts = max(
            [self._retry.max_attempts, *(p.max_attempts for p in self._retry_by_kind.values())]
        )
        self._stale_after = stale_after
        self._transient = transient
        self._is_transient = is_transient or (lambda _exc: False)
        self.realm_id = realm_id
        # Given each claimed batch before its jobs run (the bot reads their people at once).
        self._prepare = prepare
        self._running: set[asyncio.Task[str]] = set()
        self._claiming = False
        self._results = FinishedJobs(store, self.worker_id, clock)
        # Set while ``run`` runs: the loop it runs on and the event that ends its idle sleep.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None

    def wake(self) -> None:
        """End an idle sleep now: jobs were planned or moved. Safe from any thread (replans
        run in ``asyncio.to_thread``); does nothing when the worker is not running."""
        loop, wakeup = self._loop, self._wakeup
        if loop is None or wakeup is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(wakeup.set)

    @property
    def in_flight(self) -> int:
        """Jobs being claimed or performed right now (0: the worker is between claims)."""
        return len(self._running) + (1 if self._claiming else 0)

    async def tick(self) -> TickReport:
        """Claim one batch of due jobs and perform them in due order."""
        before = self._store.stats
        claimed = await self._claim(self.batch_size)

        async def perform(job: DueJob) -> str:
            async with self._slots:
                return await self._perform(job)

        outcomes: Counter[str] = Counter(await asyncio.gather(*(perform(j) for j in claimed)))
        rows = self._store.stats.rows - before.rows
        return TickReport(
            claimed=len(claimed),
            done=outcomes["done"] + outcomes["late"],
            late=outcomes["late"],
            dropped=outcomes["dropped"],
            retried=outcomes["retried"],
            failed=outcomes["failed"],
            lost=outcomes["lost"],
            rows=rows,
        )

    async def _claim(self, limit: int) -> list[DueJob]:
        claimed = await asyncio.to_thread(
            self._store.claim_due,
            self._clock.now(),
            limit,
            self.worker_id,
            stale_after=self._stale_after,
            max_attempts=self._max_attempts,
            realm_id=self.realm_id,
        )
        if claimed and self._prepare is not None:
            try:
                await self._prepare(claimed)
            except Exception:
                # Only a saving: each job reads what it needs itself.
                log.warning("job_batch_prepare_failed", exc_info=True)
        return claimed

    async def _perform(self, job: DueJob) -> str:
        now = self._clock.now()
        context = {"job_key": job.key, "kind": str(job.kind), "attempt": job.attempt}
        verdict = self._lateness.verdict(job.kind, job.due_at, job.deadline_at, now)
        if verdict is Verdict.DROP:
            await asyncio.to_thread(
                self._store.drop, job.id, self.worker_id, now, "deadline passed before it ran"
            )
            log.info("job_dropped", extra=context)
            return "dropped"
        job = replace(job, late=verdict is Verdict.RUN_LATE)
        try:
            await self._handler(job)
        except Exception as exc:
            if isinstance(exc, self._transient) or self._is_transient(exc):
                policy = self._retry_by_kind.get(job.kind, self._retry)
                retry_at = policy.next_due(job.attempt, self._clock.now())
                status = await asyncio.to_thread(
                    self._store.fail, job.id, self.worker_id, self._clock.now(), repr(exc), retry_at
                )
                retried = status is JobStatus.PENDING
                log.warning("job_retry_scheduled" if retried else "job_failed", extra=context)
                return "retried" if retried else "failed"
            # One failing job must never stop the worker; it is recorded and logged.
            log.exception("job_failed", extra=context)
            await asyncio.to_thread(
                self._store.fail, job.id, self.worker_id, self._clock.now(), repr(exc), None
            )
            return "failed"
        if not await self._results.done(job.id):
            log.warning("job_claim_lost", extra=context)
            return "lost"
        return "late" if job.late else "done"

    async def run(
        self,
        stop: asyncio.Event,
        *,
        planner: Planner | None = None,
        poll_seconds: float = 15.0,
    ) -> None:
        """Plan and work until ``stop`` is set; database hiccups are logged and retried.

        Claims only what free slots can start now and refills a slot as soon as it frees,
        so a fan-out is never held up by a batch barrier; on stop, lets the jobs in flight
        finish (a kill cancels them: their claims go back to the queue with the lease)."""
        running = self._running
        plan = True
        wakeup = self._wakeup = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        if planner is not None:
            planner.on_jobs_changed = self.wake
        try:
            while not stop.is_set():
                width = self.concurrency if self._width is None else self._width()
                free = min(width, MAX_IN_FLIGHT) - len(running)
                if free <= 0:
                    await self._wait_any(stop, running)
                    continue
                claimed: list[DueJob] = []
                self._claiming = True
                # Cleared before looking: a wake while claiming keeps it set and skips the sleep.
                wakeup.clear()
                try:
                    if planner is not None and plan:
                        await planner.tick()
                    claimed = await self._claim(min(free, self.batch_size))
                except Exception:
                    log.exception("scheduler_tick_failed", extra={"worker_id": self.worker_id})
                for job in claimed:
                    task = asyncio.create_task(self._perform(job), name=f"job-{job.id}")
                    running.add(task)
                    task.add_done_callback(running.discard)
                self._claiming = False
                plan = len(claimed) < free
                if plan:
                    idle = await self._idle_seconds(poll_seconds)
                    await sleep_or_stop(self._clock, stop, idle, wakeup)
        except asyncio.CancelledError:
            for task in running:
                task.cancel()
            raise
        finally:
            if planner is not None and planner.on_jobs_changed == self.wake:
                planner.on_jobs_changed = None
            self._loop = self._wakeup = None
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    async def _idle_seconds(self, poll_seconds: float) -> float:
        """Until the next due job of this worker's realm, at most the poll interval."""
        try:
            due = await asyncio.to_thread(self._store.next_due_at, self.realm_id)
        except Exception:
            log.exception("scheduler_tick_failed", extra={"worker_id": self.worker_id})
            return poll_seconds
        if due is None:
            return poll_seconds
        return min(poll_seconds, max(0.0, (due - self._clock.now()).total_seconds()))

    @staticmethod
    async def _wait_any(stop: asyncio.Event, running: set[asyncio.Task[str]]) -> None:
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({*running, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
