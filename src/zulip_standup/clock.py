"""The only place that reads wall-clock time or sleeps for scheduling.

Everything else receives a :class:`~zulip_standup.ports.Clock`, so tests can
advance a :class:`FakeClock` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import datetime as dt


class SystemClock:
    """Real time, always timezone-aware UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)  # noqa: TID251 - the one sanctioned wall-clock read

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeClock:
    """A clock that moves only when told to; sleeping advances it at once.

    ``sleep`` yields to the event loop once so that other tasks get a turn,
    which keeps simulations deterministic without real waiting.
    """

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            msg = "FakeClock needs a timezone-aware start instant"
            raise ValueError(msg)
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, seconds: float) -> dt.datetime:
        self._now += dt.timedelta(seconds=seconds)
        return self._now

    def set(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            msg = "FakeClock.set needs a timezone-aware instant"
            raise ValueError(msg)
        self._now = instant.astimezone(dt.UTC)

    async def sleep(self, seconds: float) -> None:
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)


class SteppedClock:
    """Simulated time that moves only when told to, while sleeps pass a little real time.

    Used by the demo (and tests) to run the real bot through a whole day in
    seconds: the worker keeps polling every few milliseconds of real time,
    and the simulation jumps the clock from one due event to the next.
    """

    def __init__(self, start: dt.datetime, *, poll_s: float = 0.02) -> None:
        if start.tzinfo is None:
            msg = "SteppedClock needs a timezone-aware start instant"
            raise ValueError(msg)
        self._now = start.astimezone(dt.UTC)
        self._poll_s = poll_s

    def now(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        self._now = instant.astimezone(dt.UTC)

    def advance(self, seconds: float) -> None:
        self._now += dt.timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(min(max(seconds, 0.0), self._poll_s))
