"""Runs the real bot process against localzulip over loopback HTTP, on a clock the test steps.

Scheduling follows :class:`SteppedClock`, which moves only when the test
sets it; its ``sleep`` is a short real sleep so the worker keeps polling.
Zulip I/O (rate limits, backoff) stays on real time, like localzulip.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from pydantic import SecretStr

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.settings import Settings

POLL_S = 0.02


class SteppedClock:
    """Our Clock protocol: time is what the test says; sleeping lets the loop breathe."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        self._now = instant.astimezone(dt.UTC)

    def advance(self, seconds: float) -> None:
        self._now += dt.timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(min(max(seconds, 0.0), POLL_S))


def bot_settings(server: LocalZulip, database_url: str, **extra: object) -> Settings:
    email, key = server.credentials("bot")
    return Settings(
        zulip_email=email,
        zulip_api_key=SecretStr(key),
        zulip_site=server.url,
        database_url=SecretStr(database_url),
        http_bind=None,
        **extra,  # type: ignore[arg-type]
    )


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
