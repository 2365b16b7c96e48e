"""Durable job vocabulary: kinds, statuses, natural keys, lateness and retry rules.

Lateness policy (after downtime or a slow worker):

* prompt: sent until its deadline, flagged ``late`` once more than the grace
  period has passed since it was due; dropped at or after the deadline;
* reminder: sent until its deadline, dropped at or after it;
* digest (and any other kind): always run, flagged ``late`` past the grace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class JobKind(StrEnum):
    """What a job does when it comes due."""

    PROMPT = "prompt"
    REMINDER = "reminder"
    DIGEST = "digest"
    # A signed webhook delivery: queued when its event happens, never planned.
    WEBHOOK = "webhook"


# The kinds the planner materialises and re-plans; the others (webhook deliveries) are
# queued by what they report and a re-plan never touches them.
PLANNED_KINDS = frozenset({JobKind.PROMPT, JobKind.REMINDER, JobKind.DIGEST})


class JobStatus(StrEnum):
    """Life cycle of a job row: pending -> claimed -> done | failed | dropped."""

    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    FAILED = "failed"
    DROPPED = "dropped"


class Verdict(StrEnum):
    """What the worker does with a claimed job."""

    RUN = "run"
    RUN_LATE = "run_late"
    DROP = "drop"


@dataclass(frozen=True, slots=True)
class JobKey:
    """The natural key of one occurrence: (standup, kind, run date, participant, reminder #)."""

    standup_id: int
    kind: JobKind
    run_date: dt.date
    user_id: int | None = None
    reminder_index: int | None = None

    def __str__(self) -> str:
        user = "-" if self.user_id is None else str(self.user_id)
        base = f"{self.standup_id}:{self.kind}:{self.run_date.isoformat()}:{user}"
        return base if self.reminder_index is None else f"{base}:{self.reminder_index}"

    @classmethod
    def parse(cls, text: str) -> JobKey:
        """Read back a key written by ``str(JobKey(...))``."""
        parts = text.split(":")
        if len(parts) not in (4, 5):
            msg = f"bad job key {text!r}; expected standup:kind:date:user[:reminder]"
            raise ValueError(msg)
        user = None if parts[3] == "-" else int(parts[3])
        index = int(parts[4]) if len(parts) == 5 else None
        return cls(int(parts[0]), JobKind(parts[1]), dt.date.fromisoformat(parts[2]), user, index)


@dataclass(frozen=True, slots=True)
class DueJob:
    """A claimed job handed to the app layer's handler.

    ``attempt`` counts claims including this one; above 1 an earlier attempt
    may already have sent something, so the handler reconciles before sending.
    ``late`` says the job runs noticeably after its due time (see module doc).
    ``scheduled_message_id``: the Zulip scheduled message a prompt was handed off as, read
    with the claim (hand-offs are recorded and cleared only on pending jobs, so it holds
    while the job is claimed).
    """

    id: int
    key: str
    kind: JobKind
    standup_id: int | None
    run_date: dt.date | None
    user_id: int | None
    reminder_index: int | None
    due_at: dt.datetime
    deadline_at: dt.datetime | None
    attempt: int
    late: bool = False
    scheduled_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class LatenessPolicy:
    """Decides whether a job that is running after its due time still makes sense."""

    grace: dt.timedelta = dt.timedelta(minutes=5)

    def __post_init__(self) -> None:
        if not dt.timedelta(0) <= self.grace <= dt.timedelta(hours=6):
            msg = f"lateness grace must be between 0 and 6 hours, got {self.grace}"
            raise ValueError(msg)

    def verdict(
        self, kind: JobKind, due_at: dt.datetime, deadline_at: dt.datetime | None, now: dt.datetime
    ) -> Verdict:
        """RUN, RUN_LATE or DROP for a job of ``kind`` examined at ``now``."""
        expires = kind in (JobKind.PROMPT, JobKind.REMINDER)
        if expires and deadline_at is not None and now >= deadline_at:
            return Verdict.DROP
        return Verdict.RUN_LATE if now - due_at > self.grace else Verdict.RUN


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded exponential backoff for errors a handler declares transient."""

    max_attempts: int = 5
    base_delay: dt.timedelta = dt.timedelta(seconds=30)
    max_delay: dt.timedelta = dt.timedelta(minutes=30)

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 20:
            msg = f"max_attempts must be 1 to 20, got {self.max_attempts}"
            raise ValueError(msg)
        if not dt.timedelta(0) < self.base_delay <= self.max_delay <= dt.timedelta(days=1):
            msg = "retry delays need 0 < base_delay <= max_delay <= 1 day"
            raise ValueError(msg)

    def next_due(self, attempt: int, now: dt.datetime) -> dt.datetime | None:
        """When to try again after failed attempt number ``attempt``, or None when spent."""
        if attempt >= self.max_attempts:
            return None
        factor = 1 << min(max(0, attempt - 1), 20)
        return now + min(self.base_delay * factor, self.max_delay)


@dataclass(frozen=True, slots=True)
class ScheduledRetry:
    """Backoff by an explicit list of delays (``delays[n - 1]`` after failed attempt ``n``);
    spent after ``len(delays) + 1`` attempts."""

    delays: tuple[dt.timedelta, ...]

    def __post_init__(self) -> None:
        if not 1 <= len(self.delays) < 20 or any(d <= dt.timedelta(0) for d in self.delays):
            msg = "a retry schedule needs 1 to 19 positive delays"
            raise ValueError(msg)

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def next_due(self, attempt: int, now: dt.datetime) -> dt.datetime | None:
        """When to try again after failed attempt number ``attempt``, or None when spent."""
        if attempt >= self.max_attempts:
            return None
        return now + self.delays[max(0, attempt - 1)]


@dataclass(frozen=True, slots=True)
class StoreStats:
    """Cumulative work done by a job store: calls made and job rows read or written."""

    calls: int = 0
    rows: int = 0


@dataclass(frozen=True, slots=True)
class ReplanResult:
    """What a re-plan changed among one standup's pending jobs."""

    inserted: int
    updated: int
    deleted: int
