"""Zulip's per-user rate limits: a sliding-window log and Tornado's separate bucket."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass
class RateLimitConfig:
    """``limit`` requests per ``window`` seconds per user; ``enabled=False`` turns it off."""

    enabled: bool = True
    limit: int = 200
    window: float = 60.0


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check, with the header values Zulip sends."""

    allowed: bool
    limit: int
    remaining: int
    reset: int
    retry_after: float = 0.0

    def headers(self) -> dict[str, str]:
        out = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            out["Retry-After"] = repr(self.retry_after)
        return out


class SlidingWindow:
    """Django endpoints: a log of call times; rejected calls are not recorded."""

    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self.calls: dict[int, deque[float]] = {}

    def check(self, user_id: int, now: float) -> Verdict:
        limit, window = self.config.limit, self.config.window
        log = self.calls.setdefault(user_id, deque())
        while log and log[0] <= now - window:
            log.popleft()
        if len(log) >= limit:
            retry = log[0] + window - now
            return Verdict(False, limit, 0, int(now + retry), retry)
        log.append(now)
        return Verdict(True, limit, limit - len(log), int(now + window))


class TornadoBucket:
    """``/events``: each call pushes a per-user reset time by window/limit seconds."""

    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self.reset_at: dict[int, float] = {}

    def check(self, user_id: int, now: float) -> Verdict:
        limit, window = self.config.limit, self.config.window
        step = window / limit
        reset = max(self.reset_at.get(user_id, now), now)
        new_reset = reset + step
        if new_reset > now + window:
            retry = new_reset - now - window
            return Verdict(False, limit, 0, int(now + retry), retry)
        self.reset_at[user_id] = new_reset
        remaining = int((now + window - new_reset) * limit // window)
        return Verdict(True, limit, max(0, remaining), int(new_reset))


class RateLimiter:
    """Both buckets behind one switch."""

    def __init__(self, config: RateLimitConfig | None = None) -> None:
        self.config = config or RateLimitConfig()
        self.django = SlidingWindow(self.config)
        self.tornado = TornadoBucket(self.config)
        self.rejected = 0

    def configure(
        self, *, enabled: bool | None = None, limit: int | None = None, window: float | None = None
    ) -> None:
        if enabled is not None:
            self.config.enabled = enabled
        if limit is not None:
            self.config.limit = limit
        if window is not None:
            self.config.window = window

    def reset(self) -> None:
        self.django.calls.clear()
        self.tornado.reset_at.clear()

    def check(self, user_id: int, now: float, *, tornado: bool) -> Verdict | None:
        if not self.config.enabled:
            return None
        verdict = (self.tornado if tornado else self.django).check(user_id, now)
        if not verdict.allowed:
            self.rejected += 1
        return verdict
