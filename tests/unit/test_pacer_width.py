"""How wide a fan-out the pacer allows: what the rate-limit window still admits at once, at
least what the allowed rate keeps busy over a round trip, and one while a 429 blocks."""

from __future__ import annotations

import datetime as dt

from zulip_standup.clock import FakeClock
from zulip_standup.zulip.pacer import Pacer

START = dt.datetime(2026, 3, 24, 8, 30, tzinfo=dt.UTC)


async def test_an_empty_window_admits_its_whole_budget_at_once() -> None:
    pacer = Pacer(FakeClock(START), limit=200, window_s=2.0, reserve=2)
    assert pacer.width() == 198


async def test_a_full_window_leaves_what_the_rate_keeps_busy_over_a_round_trip() -> None:
    """8 per 2 s, the window used up: 1 in flight at a 50 ms round trip; 4 at a 1 s one;
    the whole budget again once the window has passed."""
    clock = FakeClock(START)
    pacer = Pacer(clock, limit=10, window_s=2.0, reserve=2)
    for _ in range(8):
        await pacer.admit()
    assert pacer.width() == 1
    sent_at = clock.now().timestamp()
    clock.advance(1.0)
    pacer.observe(200, {}, None, sent_at=sent_at)
    assert pacer.width() == 4
    clock.advance(2.5)
    assert pacer.width() == 8


async def test_a_429_narrows_the_fan_out_to_one_until_its_retry_after() -> None:
    clock = FakeClock(START)
    pacer = Pacer(clock, limit=10, window_s=2.0, reserve=2)
    pacer.observe(429, {"Retry-After": "3"}, None)
    assert pacer.width() == 1
    clock.advance(3.5)
    assert pacer.width() == 8
