"""What the durability and readiness tests share: the day they run on, waiting for the bot,
setting the standup up as Alice."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select

from localzulip import LocalZulip
from zulip_standup.storage.tables import jobs

from .harness import (
    wait_for,
)

# Monday 30 Nov 2026, 03:00 UTC = 08:30 in Kolkata (Carol's 09:30 prompt is at 04:00 UTC).
BEFORE = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
PROMPTED = dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC)


async def until(condition: Callable[[], bool], within: float, what: str) -> None:
    """Wait for a condition the bot's work makes true (bounded, so a bug fails, not hangs)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            pytest.fail(f"not within {within} s: {what}")
        await asyncio.sleep(0.02)


async def prompted(zulip: LocalZulip, who: str) -> None:
    user_id = zulip.user(who).user_id
    await wait_for(
        zulip,
        lambda m: (
            m.sender_id == zulip.bot.user_id
            and user_id in m.dm_user_ids
            and "Time for" in m.content
        ),
        15,
    )


async def set_up(zulip: LocalZulip) -> None:
    """Alice works on Kolkata time like Carol, then sets the standup up in #standup."""
    alice = zulip.human("alice")
    sent = alice.dm_bot("timezone Asia/Kolkata")
    await wait_for(zulip, lambda m: m.sender_id == zulip.bot.user_id and m.id > sent.id)
    alice.send_stream("standup", "general", "@**Standup** setup")
    await wait_for(zulip, lambda m: m.sender_id == zulip.bot.user_id and "is set up" in m.content)


def prompt_job(engine: Engine, user_id: int) -> tuple[str, int, str | None] | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(jobs.c.status, jobs.c.attempts, jobs.c.last_error).where(
                jobs.c.kind == "prompt",
                jobs.c.user_id == user_id,
                jobs.c.run_date == PROMPTED.date(),
            )
        ).first()
    return None if row is None else (str(row.status), int(row.attempts), row.last_error)
