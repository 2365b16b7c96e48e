"""Waiting on the clock port until a stop is asked: the worker's and the lease keeper's sleeps."""

from __future__ import annotations

import asyncio
import contextlib

from zulip_standup.ports import Clock


async def sleep_or_stop(clock: Clock, stop: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds`` on ``clock``, or less when ``stop`` is set first; leaves no task."""
    sleeper = asyncio.ensure_future(clock.sleep(seconds))
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    for task in (sleeper, stopper):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
