"""Which of the bot's messages reached localzulip, and when (server time)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from bench.common import Timeline
from localzulip import LocalZulip
from localzulip.models import Message


class Arrivals:
    """Server-side record of the bot's messages that ``match``: (server time, message), in order.

    Filtering as they arrive keeps the count O(1), so waiting for N of them is linear in the
    messages sent (checking a predicate over the whole log on every arrival was quadratic).
    """

    def __init__(
        self,
        server: LocalZulip,
        timeline: Timeline,
        match: Callable[[Message], bool] = lambda _: True,
    ) -> None:
        self.items: list[tuple[float, Message]] = []
        self._bot = server.bot.user_id
        self._timeline = timeline
        self._server = server
        self._waiters: list[
            tuple[Callable[[], bool], asyncio.Event, asyncio.AbstractEventLoop]
        ] = []

        def listener(message: Message) -> None:
            if message.sender_id == self._bot and match(message):
                self.items.append((self._timeline.now(), message))
                for check, event, loop in list(self._waiters):
                    if check():
                        loop.call_soon_threadsafe(event.set)

        self._listener = listener
        server.call(lambda: server.core.actions.message_listeners.append(listener))

    def close(self) -> None:
        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._server.core.actions.message_listeners.remove(self._listener)

        self._server.call(remove)

    async def wait(self, check: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        event = asyncio.Event()
        entry = (check, event, asyncio.get_running_loop())
        self._waiters.append(entry)
        try:
            if check():
                return True
            try:
                await asyncio.wait_for(event.wait(), timeout)
            except TimeoutError:
                return check()
            return True
        finally:
            self._waiters.remove(entry)
