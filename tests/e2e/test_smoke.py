"""The bot starts against localzulip, answers a command, and runs a prompt through to a report."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot, settle, wait_for


async def test_setup_prompt_answer_report(zulip: LocalZulip, database_url: str) -> None:
    """Setup in #standup, a prompt at Carol's 09:30, three answers, a report in the topic."""
    # Monday 30 Nov 2026, 03:00 UTC = 08:30 in Kolkata.
    clock = SteppedClock(dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC))
    async with running_bot(zulip, database_url, clock) as bot:
        alice = zulip.human("alice")
        alice.send_stream("standup", "general", "@**Standup** setup")
        reply = await wait_for(
            zulip, lambda m: m.sender_id == zulip.bot.user_id and "is set up" in m.content, 10
        )
        assert "Carol Member" in reply.content
        clock.set(dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC))  # 09:31 Kolkata
        await settle(bot)
        carol = zulip.human("carol")
        prompt = await wait_for(
            zulip,
            lambda m: (
                m.sender_id == zulip.bot.user_id
                and carol.user.user_id in m.dm_user_ids
                and "Time for" in m.content
            ),
            10,
        )
        assert "Question 1 of 3" in prompt.content
        carol.dm_bot("Fixed the login bug")
        await wait_for(zulip, lambda m: "Question 2 of 3" in m.content)
        carol.dm_bot("Write the release notes")
        await wait_for(zulip, lambda m: "Question 3 of 3" in m.content)
        carol.dm_bot("none")
        report = await wait_for(
            zulip, lambda m: m.stream_id is not None and "Fixed the login bug" in m.content, 10
        )
        assert report.topic == "standup 2026-11-30"
