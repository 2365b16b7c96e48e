"""The opt-in weekly roll-up: after the week's last digest, once, with a chart."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot, settle, wait_for

THURSDAY_1000 = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
THURSDAY_AFTER_CUTOFF = dt.datetime(2026, 12, 3, 11, 50, tzinfo=dt.UTC)  # 12:50 Berlin
FRIDAY_AFTER_CUTOFF = dt.datetime(2026, 12, 4, 11, 50, tzinfo=dt.UTC)
SATURDAY = dt.datetime(2026, 12, 5, 11, 50, tzinfo=dt.UTC)


async def test_rollup_follows_the_last_digest_of_the_week(
    zulip: LocalZulip, database_url: str
) -> None:
    """Thursday's digest has no roll-up; Friday's is followed by one in `standup week
    2026-W49` with the week's figures and an uploaded chart; nothing more on Saturday."""
    clock = SteppedClock(THURSDAY_1000)
    bot_id = zulip.bot.user_id
    async with running_bot(zulip, database_url, clock) as bot:
        alice = zulip.human("alice")
        alice.send_stream("standup", "t", "@**Standup** setup timezone Europe/Berlin")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "set up" in m.content)
        alice.send_stream("standup", "t", "@**Standup** config rollup on")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "weekly roll-up on" in m.content)
        clock.set(THURSDAY_AFTER_CUTOFF)
        await settle(bot)
        await wait_for(zulip, lambda m: m.topic == "standup 2026-12-03" and "📋" in m.content)
        clock.set(FRIDAY_AFTER_CUTOFF)
        await settle(bot)
        rollup = await wait_for(zulip, lambda m: m.topic == "standup week 2026-W49")
        clock.set(SATURDAY)
        await settle(bot)
    assert "Weekly roll-up of standup" in rollup.content
    assert "/user_uploads/" in rollup.content
    weekly = [m for m in zulip.channel_messages("standup") if "week" in m.topic]
    assert [m.id for m in weekly] == [rollup.id]
