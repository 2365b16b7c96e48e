"""Time off and changing one's mind, as the person sees it in their DM with the bot.

``back`` ends only the time off that is going on now; time off planned for later
stays (and the reply says so). ``restart``, which the skip reply and the recap
offer, really starts the day's standup over after a skip or after finishing.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

from .harness import SteppedClock, running_bot
from .people import bot_replies_after, dm, in_channel

Q = [q.text for q in DEFAULT_QUESTIONS]
WEDNESDAY_0400 = dt.datetime(2026, 12, 2, 4, 0, tzinfo=dt.UTC)  # 09:30 in Kolkata (Carol)
PLANNED = "Sunday 20 December to Thursday 24 December"


async def test_back_while_away_keeps_planned_time_off(zulip: LocalZulip, database_url: str) -> None:
    """Carol is off Wednesday to Friday and has Christmas planned; she comes back on
    Wednesday: this week's time off ends, Christmas stays."""
    async with running_bot(zulip, database_url, SteppedClock(WEDNESDAY_0400)):
        assert await dm(zulip, "carol", "away today fri") == [
            "You are off from Wednesday 02 December to Friday 04 December; no prompts then."
        ]
        assert await dm(zulip, "carol", "away 2026-12-20 to 2026-12-24") == [
            f"You are off from {PLANNED}; no prompts then."
        ]
        (back,) = await dm(zulip, "carol", "back")
        (mine,) = await dm(zulip, "carol", "my data")
        assert "- time off: 2026-12-20..2026-12-24\n" in mine
        assert back == (
            "Welcome back! Your current time off is ended and prompts resume. "
            f"Your planned time off stays: {PLANNED}."
        )


async def test_back_when_not_away_changes_nothing(zulip: LocalZulip, database_url: str) -> None:
    """Dave says ``back`` with only future time off planned: nothing is erased."""
    async with running_bot(zulip, database_url, SteppedClock(WEDNESDAY_0400)):
        await dm(zulip, "dave", "away 2026-12-20 to 2026-12-24")
        (back,) = await dm(zulip, "dave", "back")
        (mine,) = await dm(zulip, "dave", "my data")
        assert "- time off: 2026-12-20..2026-12-24\n" in mine
        assert back == (
            "You are not on time off today, so nothing changed now. "
            f"Your planned time off stays: {PLANNED}."
        )


async def _carol_prompted(zulip: LocalZulip) -> None:
    reply = await in_channel(zulip, "bob", "standup", "setup", "@**Standup** setup")
    assert reply.startswith("Standup **standup** is set up in #**standup**.")
    (prompt,) = await bot_replies_after(zulip, "carol", zulip.messages()[0], 1)
    assert prompt.startswith("Hi! Time for **standup** in #**standup** on Wednesday 2 Dec.")


async def test_restart_after_skipping_answers_after_all(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol skips, changes her mind as the reply suggests, and answers; the report goes out."""
    async with running_bot(zulip, database_url, SteppedClock(WEDNESDAY_0400)):
        await _carol_prompted(zulip)
        (skipped,) = await dm(zulip, "carol", "skip")
        assert "Changed your mind? Say `restart`" in skipped
        assert await dm(zulip, "carol", "restart", replies=2) == [
            "Starting over.",
            f"**Question 1 of 3:** {Q[0]}",
        ]
        sent = zulip.human("carol").dm_bot("1. Fixed the build\n2. Release notes\n3. none")
        (recap,) = await bot_replies_after(zulip, "carol", sent, 1)
        assert recap.startswith("Thanks! Your **standup** answers for Wednesday 2 Dec:")
        report = await zulip.wait_for_message(
            lambda m: (
                m.sender_id == zulip.bot.user_id
                and m.stream_id is not None
                and "Fixed the build" in m.content
            ),
            10,
            after_id=sent.id,
        )
        assert "Release notes" in report.content


async def test_restart_after_finishing_starts_over(zulip: LocalZulip, database_url: str) -> None:
    """The recap says "`restart` starts over"; after finishing, it does."""
    async with running_bot(zulip, database_url, SteppedClock(WEDNESDAY_0400)):
        await _carol_prompted(zulip)
        (recap,) = await dm(zulip, "carol", "1. One\n2. Two\n3. none")
        assert "`restart` starts over." in recap
        assert await dm(zulip, "carol", "restart", replies=2) == [
            "Starting over.",
            f"**Question 1 of 3:** {Q[0]}",
        ]
        assert await dm(zulip, "carol", "Redid one") == [f"**Question 2 of 3:** {Q[1]}"]
