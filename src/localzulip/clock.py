"""The server clock: real or virtual time, with timers that fire on that clock."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Protocol


def wall_time() -> float:
    """Real UNIX time; the only place localzulip reads the system clock."""
    return time.time()


class TimerHandle:
    """A cancellable timer registered with a clock."""

    __slots__ = ("_cancel", "callback", "cancelled", "when")

    def __init__(self, when: float, callback: Callable[[], None]) -> None:
        self.when = when
        self.callback = callback
        self.cancelled = False
        self._cancel: Callable[[], None] | None = None

    def cancel(self) -> None:
        self.cancelled = True
        if self._cancel is not None:
            self._cancel()


class Clock(Protocol):
    """What the server needs from time: now, and timers on the same time line."""

    def now(self) -> float: ...

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle: ...

    def attach(self, loop: asyncio.AbstractEventLoop) -> None: ...


class RealClock:
    """Wall-clock time; timers run on the server's event loop."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None

    def now(self) -> float:
        return wall_time()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        handle = TimerHandle(when, callback)
        if self._loop is None:
            raise RuntimeError("RealClock timers need a running server loop")
        delay = max(0.0, when - self.now())
        loop = self._loop

        def schedule() -> None:
            inner = loop.call_later(delay, _fire, handle)
            handle._cancel = inner.cancel

        if _in_loop(loop):
            schedule()
        else:
            loop.call_soon_threadsafe(schedule)
        return handle


def _fire(handle: TimerHandle) -> None:
    if not handle.cancelled:
        handle.callback()


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


class VirtualClock:
    """Time that moves only when the test says so; timers fire in order on ``advance``.

    ``advance``/``set_time`` called from another thread than the server loop are
    run on the loop (and waited for), so timer callbacks always run on the loop.
    """

    def __init__(self, start: float | None = None) -> None:
        self._now = float(wall_time() if start is None else start)
        self._timers: list[tuple[float, int, TimerHandle]] = []
        self._seq = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.RLock()

    def now(self) -> float:
        return self._now

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        handle = TimerHandle(when, callback)
        with self._lock:
            heapq.heappush(self._timers, (when, next(self._seq), handle))
        return handle

    def advance(self, seconds: float) -> float:
        """Move time forward, firing every timer that falls due on the way."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        return self.set_time(self._now + seconds)

    def set_time(self, target: float) -> float:
        """Jump to ``target`` (never backwards), firing due timers in order."""
        loop = self._loop
        if loop is not None and loop.is_running() and not _in_loop(loop):
            done = threading.Event()
            result: list[float] = []

            def run() -> None:
                try:
                    result.append(self._set_time(target))
                finally:
                    done.set()

            loop.call_soon_threadsafe(run)
            if not done.wait(30):
                raise TimeoutError("server loop did not run the clock advance")
            return result[0]
        return self._set_time(target)

    def _set_time(self, target: float) -> float:
        while True:
            with self._lock:
                if not self._timers or self._timers[0][0] > target:
                    break
                when, _, handle = heapq.heappop(self._timers)
            if handle.cancelled:
                continue
            self._now = max(self._now, when)
            handle.callback()
        self._now = max(self._now, target)
        return self._now
