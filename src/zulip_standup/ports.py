"""Every interface between the application and the outside world, in one place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from zulip_standup.domain.chat import Channel, Person
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

    @property
    def stats(self) -> StoreStats: ...


class PlanSource(Protocol):
    """Read side of planning: which standups need jobs, and their schedules and people."""

    def standups_to_plan(self, plan_if_before: dt.datetime, limit: int) -> list[int]: ...

    def load(self, standup_id: int, time_off_from: dt.date) -> PlanInput | None: ...


# -- the inbox ----------------------------------------------------------------
# Every received message with its handling state; ``storage/inbox.py``.


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the inbox says of a message about to be handled: finished before, and which
    delivery this is (1 the first time; more after a failure or a crash)."""

    finished: bool
    attempt: int


class Inbox(Protocol):
    """Received messages and how far their handling got."""

    def receive(self, realm_id: int, message_ids: Sequence[int], now: dt.datetime) -> None: ...

    def begin(self, realm_id: int, message_id: int, now: dt.datetime) -> Delivery: ...

    def done(self, realm_id: int, message_id: int, now: dt.datetime) -> bool: ...

    def failed(
        self,
        realm_id: int,
        message_id: int,
        now: dt.datetime,
        *,
        permanent: bool,
        incident: str | None = None,
    ) -> bool: ...

    def is_finished(self, realm_id: int, message_id: int) -> bool: ...

    def low_water(self, realm_id: int) -> int | None: ...

    def lowest_since(self, realm_id: int, since: dt.datetime) -> int | None: ...

    def trim(self, finished_before: dt.datetime) -> int: ...


# -- chat -----------------------------------------------------------------------
# Sending, editing, reacting, reading people and channels, uploading; on Zulip in
# ``zulip/gateway.py``. Use cases catch the errors below, never an adapter's own.


class ChatError(Exception):
    """A chat call that failed; ``str()`` is safe to show an operator (no secrets)."""


class ChatUnreachable(ChatError):
    """No answer from the chat server at all (DNS, refused connection, TLS, timeout)."""


@dataclass
class ChatRefused(ChatError):
    """The chat server answered with an error: its HTTP status, error code and message."""

    status: int
    code: str
    msg: str
    body: dict[str, Any]

    def __str__(self) -> str:
        return f"HTTP {self.status} {self.code}: {self.msg}"


@dataclass(frozen=True, slots=True)
class ScheduledMessage:
    """A message the bot asked the server to deliver later, still pending or failed."""

    scheduled_message_id: int
    deliver_at: int
    failed: bool


class Chat(Protocol):
    """The chat server as the use cases use it, for one bot account."""

    async def send_dm(self, user_ids: list[int], content: str) -> int: ...

    async def send_stream(self, stream_id: int, topic: str, content: str) -> int: ...

    async def find_sent_dm(
        self, user_ids: list[int], content: str, after_id: int = 0
    ) -> int | None: ...

    async def find_sent_in_topic(self, stream_id: int, topic: str, content: str) -> int | None: ...

    async def has_posted_in_topic(self, stream_id: int, topic: str) -> bool: ...

    async def edit_message(self, message_id: int, content: str) -> None: ...

    async def add_reaction(self, message_id: int, emoji_name: str) -> None: ...

    async def get_person(self, user_id: int) -> Person: ...

    async def get_people(self) -> list[Person]: ...

    async def get_channel(self, stream_id: int) -> Channel: ...

    async def find_channel(self, name: str) -> Channel | None: ...

    async def get_subscribers(self, stream_id: int) -> list[int]: ...

    async def upload_file(self, filename: str, data: bytes, content_type: str) -> str: ...

    async def schedule_dm(self, user_ids: list[int], content: str, deliver_at: int) -> int: ...

    async def cancel_scheduled(self, scheduled_message_id: int) -> None: ...

    async def list_scheduled(self) -> list[ScheduledMessage]: ...


# -- metrics ----------------------------------------------------------------------
# What the use cases count; Prometheus in ``http/metrics.py``.


class Count(Protocol):
    def inc(self, amount: float = 1) -> None: ...


class LabelledCount(Protocol):
    def labels(self, **labelkwargs: str) -> Count: ...


class Metrics(Protocol):
    """The counters the use cases move."""

    @property
    def prompts_sent(self) -> LabelledCount: ...

    @property
    def answers_recorded(self) -> Count: ...

    @property
    def commands(self) -> LabelledCount: ...

    @property
    def jobs(self) -> LabelledCount: ...

    @property
    def handler_errors(self) -> Count: ...

    @property
    def slowed_down(self) -> Count: ...
