"""Leaving a private channel ends reading its standup, even for someone still listed in it."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot, wait_for

NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


async def test_history_needs_the_channel_not_just_membership(
    zulip: LocalZulip, database_url: str
) -> None:
    """Bob reads his #leads history while subscribed; after he leaves the private channel
    (participants not synced), the same DM shows none of it."""
    bot_id = zulip.bot.user_id
    zulip.human("bot").subscribe("leads")
    async with running_bot(zulip, database_url, SteppedClock(NOW)) as bot:
        zulip.human("alice").send_stream("leads", "t", "@**Standup** setup")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "set up" in m.content)
        zulip.human("alice").send_stream("leads", "t", "@**Standup** config sync off")
        await wait_for(zulip, lambda m: m.sender_id == bot_id and "no longer synced" in m.content)
        assert bot.bot is not None
        runtime = bot.bot.runtime
        (standup,) = runtime.standups.in_realm(runtime.realm_id)
        bob_id = zulip.user("bob").user_id
        run = runtime.runs.run_for(standup.id, dt.date(2026, 12, 1), NOW)
        runtime.runs.save_answer(run.id, bob_id, 0, "Q1", "LEADS-SECRET plan", None, NOW)

        bob = zulip.human("bob")
        first = bob.dm_bot("history 7 days")
        seen = await wait_for(zulip, lambda m: m.sender_id == bot_id and m.id > first.id)
        assert "LEADS-SECRET plan" in seen.content

        bob.unsubscribe("leads")
        second = bob.dm_bot("history 7 days")
        hidden = await wait_for(zulip, lambda m: m.sender_id == bot_id and m.id > second.id)
        assert "LEADS-SECRET" not in hidden.content
        assert "don't take part in any standup" in hidden.content
