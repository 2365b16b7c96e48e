"""Ports of scheduling: the clock, the durable job queue, planning inputs and prompts handed
to the chat server ahead of time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Protocol

from zulip_standup.domain.scheduling.handoffs import HandedOff, HandOffCandidate
from zulip_standup.domain.scheduling.jobs import DueJob, JobStatus, ReplanResult, StoreStats
from zulip_standup.domain.scheduling.planning import Occurrence, PlanInput


class Clock(Protocol):
    """The source of the current instant (aware UTC) and of scheduling sleeps."""

    def now(self) -> dt.datetime: ...

    async def sleep(self, seconds: float) -> None: ...


# -- scheduling -------------------------------------------------------------
# The worker and planner (``services/scheduler.py``, ``services/planner.py``) depend on these; the
# SQL implementations live in ``storage/jobs.py`` and ``storage/schedules.py``.


class JobHandler(Protocol):
    """Performs one due job at the chat edge (send a prompt, a reminder, post a digest).

    Raise ``services.scheduler.TransientJobError`` (or another type the worker
    was told is transient) to be retried with backoff; any other exception
    fails the job for good.
    """

    async def __call__(self, job: DueJob) -> None: ...


class JobQueue(Protocol):
    """The durable job store as the scheduler uses it."""

    def plan_window(
        self,
        standup_id: int,
        occurrences: Sequence[Occurrence],
        planned_until: dt.datetime,
        version: int = 0,
    ) -> int: ...

    def replan_standup(
        self,
        standup_id: int,
        occurrences: Sequence[Occurrence],
        now: dt.datetime,
        planned_until: dt.datetime,
        version: int = 0,
    ) -> ReplanResult: ...

    def claim_due(
        self,
        now: dt.datetime,
        limit: int,
        worker_id: str,
        *,
        stale_after: dt.timedelta = ...,
        max_attempts: int = ...,
        realm_id: int | None = ...,
    ) -> list[DueJob]: ...

    def complete(self, job_id: int, worker_id: str, now: dt.datetime) -> bool: ...

    def complete_many(
        self, job_ids: Collection[int], worker_id: str, now: dt.datetime
    ) -> set[int]: ...

    def next_due_at(self, realm_id: int | None = None) -> dt.datetime | None: ...

    def drop(self, job_id: int, worker_id: str, now: dt.datetime, reason: str) -> bool: ...

    def fail(
        self,
        job_id: int,
        worker_id: str,
        now: dt.datetime,
        error: str,
        retry_at: dt.datetime | None,
    ) -> JobStatus: ...

    def purge_finished(self, finished_before: dt.datetime) -> int: ...

    @property
    def stats(self) -> StoreStats: ...


class Planning(Protocol):
    """Re-plans one standup's jobs at once, after a change of its schedule or its people
    (``services.planner.Planner``)."""

    async def replan(self, standup_id: int) -> ReplanResult: ...


class PlanSource(Protocol):
    """Read side of planning: which standups need jobs, and their schedules and people."""

    def standups_to_plan(self, plan_if_before: dt.datetime, limit: int) -> list[int]: ...

    def load(self, standup_id: int, time_off_from: dt.date) -> PlanInput | None: ...


class ScheduleSource(PlanSource, Protocol):
    """Planning inputs, and how the planned prompts of a run stand (for the digest)."""

    def prompt_statuses(self, standup_id: int, run_date: dt.date) -> dict[int, JobStatus]: ...


class PromptHandOffs(Protocol):
    """Which prompt jobs were handed to Zulip as scheduled messages (for
    ``services/scheduled_prompts.py``; SQL in ``storage/scheduled_messages.py``)."""

    def scheduled_id_of(self, job_key: str) -> int | None:
        """The scheduled message a prompt job was handed off as, or None."""
        ...

    def in_use(self) -> bool:
        """Whether any standup hands prompts off, or any pending job still is handed off."""
        ...

    def handed_off(self, scheduled_ids: Sequence[int]) -> dict[int, HandedOff]:
        """The jobs behind these scheduled messages (ids with no job are left out)."""
        ...

    def candidates(
        self, now: dt.datetime, min_lead: dt.timedelta, lead: dt.timedelta, limit: int
    ) -> list[HandOffCandidate]:
        """Pending prompt jobs not handed off yet, due in [now + min_lead, now + lead]."""
        ...

    def record(self, job_id: int, scheduled_id: int, now: dt.datetime) -> bool:
        """Store the hand-off (its text read at ``now``: a settings change after that makes
        it stale) if the job is still pending and not handed off; True if stored."""
        ...

    def clear(self, job_id: int, scheduled_id: int) -> None:
        """Forget a cancelled hand-off of a still-pending job."""
        ...
