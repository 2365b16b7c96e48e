"""What an attempt's answer means (delivered, try again, give up) and when to try again."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from zulip_standup.domain.scheduling.jobs import ScheduledRetry

# After each failed attempt: 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h; the eighth attempt is
# the last, some 22 hours after the first, which covers a receiver down for a working day.
WEBHOOK_RETRY = ScheduledRetry(
    (
        dt.timedelta(seconds=30),
        dt.timedelta(minutes=2),
        dt.timedelta(minutes=10),
        dt.timedelta(hours=1),
        dt.timedelta(hours=3),
        dt.timedelta(hours=6),
        dt.timedelta(hours=12),
    )
)
MAX_RESPONSE_BYTES = 4_096  # of a receiver's answer, read at most (and never stored)
MAX_ERROR_CHARS = 200  # of an error kept in the delivery log


class Outcome(StrEnum):
    """What an HTTP status says of a delivery attempt."""

    DELIVERED = "delivered"
    RETRY = "retry"
    PERMANENT = "permanent"


def outcome_of(status: int) -> Outcome:
    """2xx: delivered. 408 and 429 (the receiver asks for time) and 5xx: try again. Any
    other status (4xx; a 3xx, since redirects are not followed) will not change by trying
    again: a permanent failure."""
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status in (408, 429) or status >= 500:
        return Outcome.RETRY
    return Outcome.PERMANENT


def short_error(text: str) -> str:
    """An error as the delivery log keeps it: one line, cut short."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"
