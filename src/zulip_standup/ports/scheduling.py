"""Ports of scheduling: the clock, the durable job queue, planning inputs and prompts handed
to the chat server ahead of time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from zulip_standup.domain.jobs import DueJob, JobStatus, ReplanResult, StoreStats
from zulip_standup.domain.planning import Occurrence, PlanInput


class Clock(Protocol):
    """The source of the current instant (aware UTC) and of scheduling sleeps."""

    def now(self) -> dt.datetime: ...

    async def sleep(self, seconds: float) -> None: ...


# -- scheduling -------------------------------------------------------------
# The worker and planner in ``services/scheduler.py`` depend on these; the
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


class PlanSource(Protocol):
    """Read side of planning: which standups need jobs, and their schedules and people."""

    def standups_to_plan(self, plan_if_before: dt.datetime, limit: int) -> list[int]: ...

    def load(self, standup_id: int, time_off_from: dt.date) -> PlanInput | None: ...


class ScheduleSource(PlanSource, Protocol):
    """Planning inputs, and how the planned prompts of a run stand (for the digest)."""

    def prompt_statuses(self, standup_id: int, run_date: dt.date) -> dict[int, JobStatus]: ...


@dataclass(frozen=True, slots=True)
class HandOffCandidate:
    """A pending prompt job of a standup with scheduled messages on, not yet handed off."""

    job_id: int
    standup_id: int
    run_date: dt.date
    user_id: int
    due_at: dt.datetime


@dataclass(frozen=True, slots=True)
class HandedOffJob:
    """The job behind a prompt handed to Zulip, with what decides whether it still stands."""

    job_id: int
    status: JobStatus
    due_at: dt.datetime
    use_scheduled_messages: bool
    honour_away: bool
    zulip_away: bool


class PromptHandOffs(Protocol):
    """Prompt jobs handed to Zulip as scheduled messages (``services/scheduled_prompts.py``)."""

    def scheduled_id_of(self, key: str) -> int | None: ...

    def in_use(self) -> bool: ...

    def handed_off(self, scheduled_ids: Sequence[int]) -> dict[int, HandedOffJob]: ...

    def clear(self, job_id: int, scheduled_id: int) -> None: ...

    def candidates(
        self, earliest: dt.datetime, latest: dt.datetime, limit: int
    ) -> list[HandOffCandidate]: ...

    def record(self, job_id: int, scheduled_id: int) -> bool: ...
