"""Stopping and starting the bot: nothing sent while it was down is lost or answered twice."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot
from .people import bot_dms_to, bot_replies_after, in_channel

START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # Monday, 08:30 in Kolkata


async def test_dms_sent_while_down_are_answered_once_after_restart(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol DMs the bot while it is stopped; the next start catches up and answers each
    message exactly once, and a third start answers nothing again."""
    clock = SteppedClock(START)
    async with running_bot(zulip, database_url, clock):
        await in_channel(zulip, "alice", "standup", "t", "@**Standup** setup")
    carol = zulip.human("carol")
    first = carol.dm_bot("timezone")
    carol.dm_bot("holidays")
    async with running_bot(zulip, database_url, clock):
        replies = await bot_replies_after(zulip, "carol", first, 2)
    assert replies == [
        "Your standup time zone is **Asia/Kolkata** (from your Zulip profile). "
        "Change it with `timezone Europe/Berlin`, or `timezone reset` to follow Zulip.",
        "You have no personal holiday region. Set one with `holidays DE-BY`.",
    ]
    async with running_bot(zulip, database_url, clock):
        last = carol.dm_bot("my data")
        await bot_replies_after(zulip, "carol", last, 1)
    assert len(bot_dms_to(zulip, "carol", first.id)) == 3
