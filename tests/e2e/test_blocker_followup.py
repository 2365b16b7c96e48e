"""A real blocker is followed up: the next prompt asks about it and `blockers` lists it."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot, settle, wait_for

MONDAY_0300 = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 08:30 Kolkata
MONDAY_0401 = dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC)  # Carol's prompt is due
TUESDAY_0401 = dt.datetime(2026, 12, 1, 4, 1, tzinfo=dt.UTC)


async def test_next_prompt_asks_about_yesterdays_blocker(
    zulip: LocalZulip, database_url: str
) -> None:
    """Monday Carol is blocked; Tuesday's prompt quotes her plan and her blocker and asks
    whether it is resolved; `blockers` lists it with her name."""
    clock = SteppedClock(MONDAY_0300)
    bot_id = zulip.bot.user_id
    carol = zulip.human("carol")
    async with running_bot(zulip, database_url, clock) as bot:
        zulip.human("alice").send_stream("standup", "t", "@**Standup** setup")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "set up" in m.content)
        clock.set(MONDAY_0401)
        await settle(bot)
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "Monday 30 Nov" in m.content)
        carol.dm_bot("1. Fixed login\n2. Ship the release\n3. Waiting for VPN access")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and m.content.startswith("Thanks"))
        clock.set(TUESDAY_0401)
        await settle(bot)
        prompt = await wait_for(
            zulip, lambda m: m.sender_id == bot_id and "Tuesday 1 Dec" in m.content
        )
        assert "since yesterday" in prompt.content
        assert "Last time you planned:\n```quote\nShip the release\n```" in prompt.content
        assert "Last time you were blocked by:\n```quote\nWaiting for VPN access\n```" in (
            prompt.content
        )
        assert "Is it resolved?" in prompt.content
        sent = carol.dm_bot("/standup blockers")
        listed = await wait_for(zulip, lambda m: m.sender_id == bot_id and m.id > sent.id)
        assert "Waiting for VPN access" in listed.content
        assert "Carol Member" in listed.content
