"""Lateness and retry rules of the durable jobs, as pure functions of the time."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.scheduling.jobs import JobKind, LatenessPolicy, RetryPolicy, Verdict

DUE = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)
DEADLINE = dt.datetime(2026, 3, 24, 11, 45, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("kind", "now", "verdict"),
    [
        (JobKind.PROMPT, DUE + 5 * MINUTE, Verdict.RUN),
        (JobKind.PROMPT, DUE + 6 * MINUTE, Verdict.RUN_LATE),
        (JobKind.PROMPT, DEADLINE - MINUTE, Verdict.RUN_LATE),
        (JobKind.PROMPT, DEADLINE, Verdict.DROP),
        (JobKind.REMINDER, DUE, Verdict.RUN),
        (JobKind.REMINDER, DEADLINE - MINUTE, Verdict.RUN_LATE),
        (JobKind.REMINDER, DEADLINE + MINUTE, Verdict.DROP),
        (JobKind.DIGEST, DUE, Verdict.RUN),
        (JobKind.DIGEST, DEADLINE + 60 * 24 * MINUTE, Verdict.RUN_LATE),
    ],
)
def test_lateness_policy(kind: JobKind, now: dt.datetime, verdict: Verdict) -> None:
    """Prompts run late until the deadline, reminders are dropped after it, digests always run."""
    deadline = None if kind is JobKind.DIGEST else DEADLINE
    assert LatenessPolicy().verdict(kind, DUE, deadline, now) is verdict


def test_retry_backoff_doubles_up_to_the_cap_and_stops() -> None:
    """30 s, 60 s, 120 s, ... capped at the maximum; no retry once attempts are spent."""
    policy = RetryPolicy(
        max_attempts=6, base_delay=dt.timedelta(seconds=30), max_delay=dt.timedelta(minutes=3)
    )
    delays = [policy.next_due(n, DUE) for n in range(1, 7)]
    assert [d - DUE if d else None for d in delays] == [
        dt.timedelta(seconds=30),
        dt.timedelta(seconds=60),
        dt.timedelta(seconds=120),
        dt.timedelta(seconds=180),
        dt.timedelta(seconds=180),
        None,
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_attempts": 0}, "max_attempts must be 1 to 20"),
        ({"base_delay": dt.timedelta(0)}, "0 < base_delay <= max_delay"),
        ({"base_delay": dt.timedelta(hours=2)}, "0 < base_delay <= max_delay"),
    ],
)
def test_retry_policy_is_bounded(kwargs: dict[str, object], message: str) -> None:
    """Retry settings outside sane bounds are refused."""
    with pytest.raises(ValueError, match=message):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_lateness_grace_is_bounded() -> None:
    """A negative or huge grace period is refused."""
    with pytest.raises(ValueError, match="lateness grace"):
        LatenessPolicy(grace=-MINUTE)
