"""A personal ``timezone`` override is the person's zone for everything, not only prompts.

Dave's Zulip profile says Los Angeles; he works from Kolkata and says so with
``timezone Asia/Kolkata``. At 04:30 UTC on Wednesday 2 Dec it is already
Wednesday morning for him (10:00 in Kolkata) while his profile zone is still on
Tuesday evening. His "today" is Wednesday and his "tomorrow" is Thursday.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot, settle
from .people import bot_dms_to, bot_replies_after, dm, in_channel, quiet


def utc(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=dt.UTC)


async def _dave_answers_wednesday_from_kolkata(zulip: LocalZulip, clock: SteppedClock) -> None:
    """Setup, Dave's override, his Wednesday prompt at 09:30 Kolkata, his three answers."""
    reply = await in_channel(zulip, "bob", "standup", "setup", "@**Standup** setup")
    assert reply.startswith("Standup **standup** is set up in #**standup**.")
    (zone_set,) = await dm(zulip, "dave", "timezone Asia/Kolkata")
    assert zone_set.startswith("Your standups now use **Asia/Kolkata** for your prompts")
    last = zulip.messages()[-1]
    clock.set(utc(2, 4, 0))  # 09:30 Wednesday in Kolkata; 20:00 Tuesday in Los Angeles
    (prompt,) = await bot_replies_after(zulip, "dave", last, 1)
    assert prompt.startswith("Hi! Time for **standup** in #**standup** on Wednesday 2 Dec.")
    (recap,) = await dm(zulip, "dave", "1. Kolkata office setup\n2. Payments review\n3. none")
    assert recap.startswith("Thanks! Your **standup** answers for Wednesday 2 Dec:")
    clock.set(utc(2, 4, 30))


async def test_skip_tomorrow_is_tomorrow_in_the_override_zone(
    zulip: LocalZulip, database_url: str
) -> None:
    """``skip tomorrow`` skips Thursday, and on Thursday at 09:30 Kolkata no prompt comes."""
    clock = SteppedClock(utc(2, 2, 0))
    async with running_bot(zulip, database_url, clock) as process:
        await _dave_answers_wednesday_from_kolkata(zulip, clock)
        assert await dm(zulip, "dave", "skip tomorrow") == [
            "OK, you are skipping **standup** on Thursday 3 Dec. "
            "Changed your mind? Say `restart` that day to answer after all."
        ]
        before = len(bot_dms_to(zulip, "dave"))
        clock.set(utc(3, 4, 0))  # 09:30 Thursday in Kolkata
        await settle(process)
        await quiet(process, zulip)
        assert len(bot_dms_to(zulip, "dave")) == before


async def test_history_includes_the_override_zones_today(
    zulip: LocalZulip, database_url: str
) -> None:
    """Right after answering, Dave's default history ends on his Wednesday and holds his answers."""
    clock = SteppedClock(utc(2, 2, 0))
    async with running_bot(zulip, database_url, clock):
        await _dave_answers_wednesday_from_kolkata(zulip, clock)
        (history,) = await dm(zulip, "dave", "history")
        assert history.startswith("**Answers of Dave Member**, 26 Nov 2026 to 02 Dec 2026:")
        assert "Kolkata office setup" in history
        assert "Payments review" in history
        (shown,) = await dm(zulip, "dave", "timezone")
        assert shown.startswith("Your standup time zone is **Asia/Kolkata** (set with `timezone`).")


async def test_export_includes_the_override_zones_today(
    zulip: LocalZulip, database_url: str
) -> None:
    """Dave's default export covers the 30 days up to his Wednesday: his three answers are in."""
    clock = SteppedClock(utc(2, 2, 0))
    async with running_bot(zulip, database_url, clock):
        await _dave_answers_wednesday_from_kolkata(zulip, clock)
        (export,) = await dm(zulip, "dave", "export csv")
        assert export.startswith(
            "Here is the export of your answers for 03 Nov 2026 to 02 Dec 2026 (3 rows):"
        )


async def test_chart_includes_the_override_zones_today(
    zulip: LocalZulip, database_url: str
) -> None:
    """Dave's default chart covers the 30 days up to his Wednesday."""
    clock = SteppedClock(utc(2, 2, 0))
    async with running_bot(zulip, database_url, clock):
        await _dave_answers_wednesday_from_kolkata(zulip, clock)
        (chart,) = await dm(zulip, "dave", "chart")
        assert chart.startswith("Participation in **standup**, 03 Nov 2026 to 02 Dec 2026:")
