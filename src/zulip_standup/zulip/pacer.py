"""One pacer per bot account: keeps every send under Zulip's rate limit instead of hitting it.

Zulip allows a user ``limit`` requests in any ``window`` seconds (200 per 60 s
by default) and answers the next one with 429 and a ``retry-after``. The pacer
keeps its own log of the calls it let through, learns the limit from the
``X-RateLimit-*`` headers, waits when the window is full, and, should a 429
still happen (another client on the same key), waits the time the server asks.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections import deque
from collections.abc import Mapping

from zulip_standup.ports import Clock

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 200
DEFAULT_WINDOW_S = 60.0
MAX_WINDOW_S = 3600.0


class Pacer:
    """Admits requests so that no more than ``limit - reserve`` fall in any window."""

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int = DEFAULT_LIMIT,
        window_s: float = DEFAULT_WINDOW_S,
        reserve: int = 2,
    ) -> None:
        self._clock = clock
        self.limit = limit
        self.window_s = window_s
        self.reserve = reserve
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._blocked_until = 0.0
        # A call counts on the server from when it arrives, a little after we let it go;
        # waiting one round trip longer than the window keeps our view behind the server's.
        self._round_trip_s = 0.05
        # What the responses so far allow the server's window to be (``_learn_window``).
        self._window_bounds: tuple[float, float] | None = None
        self.waits = 0
        self.waited_s = 0.0
        self.rate_limited = 0

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _prune(self, now: float) -> None:
        while self._sent and self._sent[0] <= now - self.window_s:
            self._sent.popleft()

    def _budget(self) -> int:
        return max(1, self.limit - self.reserve)

    async def admit(self) -> float:
        """Wait until one more request fits in the window, count it, and return when it left."""
        async with self._lock:
            while True:
                now = self._now()
                self._prune(now - self._round_trip_s)
                wait = self._blocked_until - now
                if wait <= 0 and len(self._sent) >= self._budget():
                    wait = self._sent[0] + self.window_s + self._round_trip_s - now
                if wait <= 0:
                    self._sent.append(now)
                    return now
                self.waits += 1
                self.waited_s += wait
                await self._clock.sleep(wait + 0.001)

    def width(self) -> int:
        """How many sends may usefully be under way now, so a fan-out's width follows the
        limit: what the window still admits at once, and never less than what the allowed
        rate keeps busy over one round trip (1 while a 429 blocks). Sends beyond what the
        window holds just wait in ``admit``."""
        now = self._now()
        if self._blocked_until > now:
            return 1
        self._prune(now - self._round_trip_s)
        left = self._budget() - len(self._sent)
        busy = math.ceil(self._budget() / self.window_s * self._round_trip_s)
        return max(1, left, busy)

    def _learn_window(self, reset: float, sent_at: float, received_at: float) -> None:
        """Zulip's reset is whole epoch seconds, ``floor(arrival + window)``, the call having
        arrived between ``sent_at`` and ``received_at``: so the (whole-second) window lies
        in ``[reset - received_at, reset - sent_at + 1)``. Reading it off one response (as
        ``ceil(reset - now)``) is a second short whenever the call arrived late in its
        second, and a window a second short lets one more call a second through than the
        server allows; the bounds of successive responses are intersected instead, which
        pins the window down within a few calls, and the largest window they allow is used.
        """
        low, high = reset - received_at, reset - sent_at + 1.0
        if self._window_bounds is not None:
            known_low, known_high = self._window_bounds
            if max(low, known_low) < min(high, known_high):
                low, high = max(low, known_low), min(high, known_high)
            # else: the server's window changed (or its clock did): start again from here
        self._window_bounds = (low, high)
        window = float(math.ceil(high) - 1)
        if low <= window and 1.0 <= window <= MAX_WINDOW_S and window != self.window_s:
            log.info("rate_limit_window_learned", extra={"window_s": window})
            self.window_s = window

    def observe(
        self,
        status: int,
        headers: Mapping[str, str],
        body_retry_after: float | None,
        sent_at: float | None = None,
    ) -> None:
        """Learn from a response: the server's limit, its view of what is left, and 429 waits."""
        if sent_at is not None:
            took = self._now() - sent_at
            self._round_trip_s = max(0.01, 0.9 * self._round_trip_s, took)
        limit = _int(headers.get("X-RateLimit-Limit"))
        if limit and limit != self.limit:
            log.info("rate_limit_learned", extra={"limit": limit})
            self.limit = limit
        now = self._now()
        reset = _float(headers.get("X-RateLimit-Reset"))
        if reset is not None and status != 429 and sent_at is not None:
            self._learn_window(reset, sent_at, now)
        remaining = _int(headers.get("X-RateLimit-Remaining"))
        if remaining is not None and status != 429:
            # Another client on the same key may have used part of the budget:
            # trust the server when it sees fewer calls left than we do.
            self._prune(now)
            ours_left = self._budget() - len(self._sent)
            if remaining < ours_left:
                for _ in range(min(ours_left - remaining, self._budget())):
                    self._sent.append(now)
        if status == 429:
            self.rate_limited += 1
            retry_after = body_retry_after
            if retry_after is None:
                retry_after = _float(headers.get("Retry-After"))
            self._blocked_until = max(self._blocked_until, now + (retry_after or 1.0))
            log.warning("rate_limited", extra={"retry_after": retry_after})


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(float(value))
    except ValueError:
        return None


def _float(value: str | None) -> float | None:
    try:
        return None if value is None else float(value)
    except ValueError:
        return None
