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
# How long a test waits for the bot to finish something before it fails: a bound for a
# broken bot, not a pace. Generous, so a loaded 2-core machine passes as an idle one does.
COMPLETION_BOUND_S = 60.0


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
    _servers[id(process)] = server
    task = asyncio.create_task(process.run())
    ready = asyncio.create_task(process.ready.wait())
    done, _ = await asyncio.wait({task, ready}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()
    assert ready in done, "the bot did not become ready in 30 s"
    try:
        yield process
    finally:
        _servers.pop(id(process), None)
        process.stop()
        await asyncio.wait_for(task, 30)


# The server each running bot talks to, so ``settle`` can see the bot's event queue.
_servers: dict[int, LocalZulip] = {}


async def _drained(process: BotProcess, server: LocalZulip) -> str | None:
    """What the bot still has to do at the current stepped time (None: nothing)."""
    worker, stream, planner = process.worker, process.stream, process.planner
    assert worker is not None
    assert stream is not None
    assert planner is not None
    if worker.in_flight:
        return f"{worker.in_flight} job(s) in flight"
    now = process.clock.now()
    due = await asyncio.to_thread(process.job_store.next_due_at, process.realm_id)
    if due is not None and due <= now:
        return f"a job due at {due.isoformat()}"
    if await asyncio.to_thread(planner.needs_planning, now):
        return "a standup to plan"
    queue = server.core.queues.queues.get(stream.queue_id or "")
    if queue is not None and queue.next_id - 1 > stream.settled_event_id:
        return f"events up to {queue.next_id - 1} not handled (handled {stream.settled_event_id})"
    if not stream.idle:
        return "events being handled"
    return None


async def settle(process: BotProcess) -> None:
    """Wait until the bot has done everything due at the current stepped time: no job due
    or in flight, nothing to plan, every event in its queue handled (twice in a row, since
    finishing one piece of work can start another)."""
    server = _servers[id(process)]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + COMPLETION_BOUND_S
    calm = 0
    while calm < 2:
        busy = await _drained(process, server)
        calm = calm + 1 if busy is None else 0
        if busy is not None and loop.time() > deadline:
            raise AssertionError(f"the bot did not settle within {COMPLETION_BOUND_S} s: {busy}")
        await asyncio.sleep(POLL_S)


async def wait_for(
    server: LocalZulip, predicate: Callable[[Message], bool], within: float = COMPLETION_BOUND_S
) -> Message:
    return await server.wait_for_message(predicate, within, after_id=0)
