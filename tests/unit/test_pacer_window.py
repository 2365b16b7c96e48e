"""The rate-limit window the pacer learns from Zulip's ``X-RateLimit-Reset``: whole epoch
seconds, ``floor(arrival + window)``, so one response alone can read a second short."""

from __future__ import annotations

import datetime as dt
import math

from zulip_standup.clock import FakeClock
from zulip_standup.zulip.pacer import Pacer

START = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)


def _respond(pacer: Pacer, clock: FakeClock, window: float, arrive_s: float, back_s: float) -> None:
    """One call: sent now, arriving at the server ``arrive_s`` later, answered ``back_s``
    after that, with the reset header the server computes."""
    sent_at = clock.now().timestamp()
    clock.advance(arrive_s)
    reset = math.floor(clock.now().timestamp() + window)
    clock.advance(back_s)
    pacer.observe(200, {"X-RateLimit-Reset": str(reset)}, None, sent_at=sent_at)


async def test_calls_arriving_late_in_their_second_never_shorten_the_window() -> None:
    """Calls at every phase of the second, the one that arrives at .98 and is answered
    40 ms later included (``ceil(reset - now)`` reads 59 there): the window stays 60."""
    clock = FakeClock(START)
    pacer = Pacer(clock, window_s=60.0)
    learned = []
    for step in range(100):
        clock.advance(0.01 + (step * 0.37) % 1.0)
        _respond(pacer, clock, 60.0, arrive_s=0.01, back_s=0.04)
        learned.append(pacer.window_s)
    assert learned[5:] == [60.0] * 95
    assert min(learned) == 60.0


async def test_the_first_responses_may_overestimate_then_the_window_is_pinned() -> None:
    """A first response whose bounds allow 2 or 3 seconds gives 3 (the slower, safe one);
    the next, at another phase, pins 2."""
    clock = FakeClock(START + dt.timedelta(seconds=0.99))
    pacer = Pacer(clock, window_s=60.0)
    _respond(pacer, clock, 2.0, arrive_s=0.02, back_s=0.04)
    assert pacer.window_s == 3.0
    clock.advance(0.4)
    _respond(pacer, clock, 2.0, arrive_s=0.02, back_s=0.04)
    assert pacer.window_s == 2.0


async def test_a_server_whose_window_changes_is_followed() -> None:
    """Bounds that no longer fit the earlier ones start the estimate afresh."""
    clock = FakeClock(START)
    pacer = Pacer(clock, window_s=60.0)
    for _ in range(5):
        clock.advance(0.3)
        _respond(pacer, clock, 60.0, arrive_s=0.01, back_s=0.02)
    assert pacer.window_s == 60.0
    for _ in range(5):
        clock.advance(0.3)
        _respond(pacer, clock, 30.0, arrive_s=0.01, back_s=0.02)
    assert pacer.window_s == 30.0
