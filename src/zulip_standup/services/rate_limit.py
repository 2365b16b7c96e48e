"""Per-person command rate limiting: a token bucket, and one "slow down" notice per episode."""

from __future__ import annotations

import math
from dataclasses import dataclass

from zulip_standup.ports import Clock

DEFAULT_BURST = 15
DEFAULT_REFILL_S = 2.0
MAX_TRACKED_PEOPLE = 10_000


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    notify: bool = False
    retry_after_s: int = 0


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned_at: float | None = None


class CommandLimiter:
    """Allows ``burst`` messages at once and one more every ``refill_s`` seconds per person.

    A person who goes over gets one "slow down" notice per episode: not again while
    they keep sending faster than the refill, only once their bucket has filled up
    again or, if they never stop, once every ``burst * refill_s`` seconds.
    """

    def __init__(
        self, clock: Clock, *, burst: int = DEFAULT_BURST, refill_s: float = DEFAULT_REFILL_S
    ) -> None:
        self._clock = clock
        self.burst = burst
        self.refill_s = refill_s
        self.rewarn_after_s = burst * refill_s
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int) -> Verdict:
        now = self._clock.now().timestamp()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED_PEOPLE:
                self._forget_full_buckets(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) / self.refill_s)
        bucket.updated = now
        if bucket.tokens >= self.burst:
            bucket.warned_at = None  # a quiet spell ends the episode
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict(allowed=True)
        wait = math.ceil((1 - bucket.tokens) * self.refill_s)
        notify = bucket.warned_at is None or now - bucket.warned_at >= self.rewarn_after_s
        if notify:
            bucket.warned_at = now
        return Verdict(allowed=False, notify=notify, retry_after_s=max(1, wait))

    def _forget_full_buckets(self, now: float) -> None:
        # Bounded memory: people whose bucket has refilled carry no state worth keeping.
        for user_id, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.updated) / self.refill_s >= self.burst:
                del self._buckets[user_id]
