"""Handing events to the bot: in order for each person, in parallel across people, bounded.

Kept apart from the event queue consumer (``zulip.events``): how events arrive and how
they are handled concurrently change for different reasons.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from zulip_standup.domain.chat import (
    ChatEvent,
    IncomingMessage,
    MessageEdited,
    StatusChanged,
    UserChanged,
)

log = logging.getLogger(__name__)

DISPATCH_CONCURRENCY = 16

EventHandler = Callable[[ChatEvent], Awaitable[None]]


def _ordering_key(event: ChatEvent) -> object:
    """Events of one person are handled in order; different people in parallel."""
    match event:
        case IncomingMessage(sender_id=user_id):
            return user_id
        case MessageEdited(editor_id=user_id, message_id=message_id):
            return user_id if user_id is not None else ("message", message_id)
        case UserChanged(user_id=user_id) | StatusChanged(user_id=user_id):
            return user_id
    return "channels"


class Dispatcher:
    """Runs handlers concurrently across people and in order for each, at most ``limit`` at once.

    A full house makes the poll wait (backpressure), so memory stays bounded however fast
    messages arrive.
    """

    def __init__(self, handler: EventHandler, limit: int = DISPATCH_CONCURRENCY) -> None:
        self._handler = handler
        self._slots = asyncio.Semaphore(limit)
        self._locks: dict[object, tuple[asyncio.Lock, int]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, event: ChatEvent) -> None:
        await self._slots.acquire()
        key = _ordering_key(event)
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        task = asyncio.create_task(self._run(event, key, lock))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, event: ChatEvent, key: object, lock: asyncio.Lock) -> None:
        try:
            async with lock:
                await self._handler(event)
        except Exception:
            # One central error path: the handler logs and replies; anything
            # that still escapes must not end the event loop.
            log.exception("event_handler_failed", extra={"event_type": type(event).__name__})
        finally:
            held, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (held, users - 1)
            self._slots.release()

    @property
    def pending(self) -> int:
        """Events submitted and not yet handled."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait for every submitted event to be handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel(self) -> None:
        for task in list(self._tasks):
            task.cancel()
