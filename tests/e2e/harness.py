"""Runs the real bot process against localzulip over loopback HTTP, on a clock the test steps.

Scheduling follows ``zulip_standup.clock.SteppedClock`` (also the demo's), which moves
only when the test sets it; its ``sleep`` is a short real sleep so the worker keeps polling.
Zulip I/O (rate limits, backoff) stays on real time, like localzulip.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.clock import SteppedClock
from zulip_standup.demo import local_bot_settings

POLL_S = 0.02


bot_settings = local_bot_settings  # the demo's: settings for a localzulip bot


@asynccontextmanager
async def running_bot(
    server: LocalZulip,
    database_url: str,
    clock: SteppedClock,
    *,
    limiter_burst: int | None = None,
    **settings: object,
) -> AsyncIterator[BotProcess]:
    """The bot running in this event loop until the block ends."""
    process = BotProcess(
        bot_settings(server, database_url, **settings),
        clock=clock,
        options=RunOptions(health=False, worker_poll_seconds=POLL_S, limiter_burst=limiter_burst),
    )
    task = asyncio.create_task(process.run())
    ready = asyncio.create_task(process.ready.wait())
    done, _ = await asyncio.wait({task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
    assert ready in done, "the bot did not become ready in 30 s"
    try:
        yield process
    finally:
        process.stop()
        await asyncio.wait_for(task, 30)


async def settle(process: BotProcess, rounds: int = 3) -> None:
    """Let the worker run the jobs that are due at the current stepped time."""
    assert process.worker is not None
    for _ in range(rounds):
        await asyncio.sleep(POLL_S * 3)


async def wait_for(
    server: LocalZulip, predicate: Callable[[Message], bool], within: float = 10.0
) -> Message:
    return await server.wait_for_message(predicate, within, after_id=0)
