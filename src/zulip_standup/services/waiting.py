"""Waiting on the clock port until a stop is asked: the worker's and the lease keeper's sleeps."""

from __future__ import annotations

import asyncio
import contextlib

from zulip_standup.ports import Clock


async def sleep_or_stop(
    clock: Clock, stop: asyncio.Event, seconds: float, wake: asyncio.Event | None = None
) -> None:
    """Sleep ``seconds`` on ``clock``, or less when ``stop`` (or ``wake``) is set first;
    leaves no task."""
    waits = [asyncio.ensure_future(clock.sleep(seconds)), asyncio.ensure_future(stop.wait())]
    if wake is not None:
        waits.append(asyncio.ensure_future(wake.wait()))
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for task in waits:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
