"""Several standups in one channel, from the team's side: names, rename, topics, zones, times.

Issue 11, cases 3 and 9: the default standup must be addressable by name once a
second one exists, a manager can rename it, each standup posts into its own
topic by default, the documented ``setup retro prompt 15:00`` works verbatim,
a new standup takes the operator's default zone (and says so), and ``status``
of a ``monthly last fri`` standup shows the next prompt.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from zulip_standup.domain.commands import reply_texts

from .harness import SteppedClock, running_bot
from .people import in_channel
from .report_helpers import (
    Member,
    answer,
    bot_channel_messages,
    eventually,
    setup_standup,
    step_to,
    team_realm,
    team_server,
)

MONDAY = dt.date(2026, 11, 30)


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


async def say(zulip: LocalZulip, who: str, command: str) -> str:
    """``who`` addresses the bot in #standup; the bot's reply there."""
    return await in_channel(zulip, who, "standup", "bot", f"@**Standup** {command}")


async def test_the_default_standup_is_named_and_renamed(
    zulip: LocalZulip, database_url: str
) -> None:
    """Alice sets up the default standup and a retro. `status` alone asks which
    one and suggests `status standup`, which then works, as does every other command that
    takes a name. She renames `standup` to `morning`; Carol, a plain member, may not rename."""
    clock = SteppedClock(utc(MONDAY, 7))
    async with running_bot(zulip, database_url, clock, limiter_burst=100):
        assert (await say(zulip, "alice", "setup")).startswith(
            "Standup **standup** is set up in #**standup**."
        )
        retro = await say(zulip, "alice", "setup retro prompt 15:00 reminder 16:00 cutoff 17:00")
        assert retro.startswith("Standup **retro** is set up in #**standup**."), retro

        which = await say(zulip, "alice", "status")
        assert which == reply_texts.several_standups("#**standup**", ["standup", "retro"])
        assert "`status standup`" in which

        status = await say(zulip, "alice", "status standup")
        assert status.startswith("**standup** in #**standup**"), status
        assert "prompt 09:30" in status
        for command, starts in (
            ("config standup prompt 09:00", "Updated **standup**: prompt"),
            ("participants standup", ""),
            ("pause standup", "**standup** is paused"),
            ("resume standup", ""),
            ("history standup", ""),
            ("stats standup", ""),
            ("blockers standup", ""),
        ):
            reply = await say(zulip, "alice", command)
            assert "Unexpected" not in reply, (command, reply)
            assert "no standup called" not in reply, (command, reply)
            assert reply.startswith(starts), (command, reply)

        refused = await say(zulip, "carol", "rename standup sneaky")
        assert refused.startswith("Only organisation owners and administrators"), refused

        bad = await say(zulip, "alice", "rename standup 9lives")
        assert "'9lives' is not a standup name" in bad
        assert "Usage: `rename [name] <new name>`" in bad
        taken = await say(zulip, "alice", "rename standup retro")
        assert taken.startswith("#**standup** already has a standup called `retro`"), taken

        reserved = await say(zulip, "alice", "rename standup daily")
        assert reserved.startswith("'daily' is a command word; pick another name."), reserved
        renamed = await say(zulip, "alice", "rename standup morning")
        assert renamed == (
            "Renamed **standup** in #**standup** to **morning**. Address it by its new name, "
            "e.g. `status morning`; from now on its reports go to topics like "
            "`morning 2026-11-30`."
        )
        status = await say(zulip, "alice", "status morning")
        assert status.startswith("**morning** in #**standup**")
        gone = await say(zulip, "alice", "status standup")
        assert gone.startswith("There is no standup called `standup` in #**standup**"), gone

        listed = await say(zulip, "alice", "help rename")
        assert "rename [name] <new name>" in listed


async def test_two_standups_post_into_their_own_topics(database_url: str) -> None:
    """Ann's answers to the default standup land in `standup 2026-11-30`, her answers to the
    retro in `retro 2026-11-30`: neither template was set, so each topic comes from the name."""
    realm = team_realm([Member("ann", "Ann Archer"), Member("ben", "Ben Baker")])
    with team_server(realm, utc(MONDAY, 8)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            retro = "setup retro prompt 15:00 reminder 16:00 cutoff 17:00"
            await setup_standup(server, "ann", "standup", setup=retro)

            await step_to(bot, clock, utc(MONDAY, 9, 31))
            await answer(server, "ann", ["Planned", "Build", "none"])
            await eventually(
                lambda: len(bot_channel_messages(server, "standup", "standup 2026-11-30")) == 1,
                what="Ann's standup report",
            )

            mark = server.messages()[-1].id
            await step_to(bot, clock, utc(MONDAY, 15, 1))
            await answer(server, "ann", ["Shipped", "Retro notes", "none"], prompted_after=mark)
            await eventually(
                lambda: len(bot_channel_messages(server, "standup", "retro 2026-11-30")) == 1,
                what="Ann's retro report",
            )
            assert (
                "Shipped" in bot_channel_messages(server, "standup", "retro 2026-11-30")[0].content
            )
            standup_topic = bot_channel_messages(server, "standup", "standup 2026-11-30")
            assert standup_topic, "the standup topic keeps Ann's standup report"
            assert not any("Shipped" in m.content for m in standup_topic)


async def test_the_documented_retro_example_works_verbatim(
    zulip: LocalZulip, database_url: str
) -> None:
    """`setup retro prompt 15:00`, as `help setup` shows it: the reminder and the report keep
    their usual distance after the prompt instead of being refused as earlier than it."""
    clock = SteppedClock(utc(MONDAY, 7))
    async with running_bot(zulip, database_url, clock):
        assert "`setup retro prompt 15:00`" in await say(zulip, "alice", "help setup")
        await say(zulip, "alice", "setup")
        retro = await say(zulip, "alice", "setup retro prompt 15:00")
        assert retro.startswith("Standup **retro** is set up in #**standup**."), retro
        assert "prompt 15:00, reminders 17:15, report 18:15" in retro
        late = await say(zulip, "alice", "setup late prompt 22:00")
        assert late == (
            "That change would make the schedule invalid: with the prompt at 22:00 the reminder "
            "would move past midnight; give the reminder time too. Nothing was changed."
        )


async def test_a_new_standup_takes_the_operator_zone_and_says_so(
    zulip: LocalZulip, database_url: str
) -> None:
    """Bob (New York) sets up a standup on a bot whose operator default zone is Asia/Kolkata:
    the team zone is Asia/Kolkata, and the reply says why and how to change it. A second
    standup given `timezone Europe/Berlin` uses that zone."""
    clock = SteppedClock(utc(MONDAY, 3))
    async with running_bot(zulip, database_url, clock, default_timezone="Asia/Kolkata"):
        reply = await say(zulip, "bob", "setup")
        assert "(Asia/Kolkata, mode local)" in reply, reply
        assert (
            "- **Team time zone**: Asia/Kolkata (the bot's default for new standups); the report "
            "time and the standup's days follow it. Change it with `config timezone <Zone>`, "
            "e.g. `config timezone Europe/Berlin`."
        ) in reply

        given = await say(zulip, "bob", "setup retro timezone Europe/Berlin")
        assert "(Europe/Berlin, mode local)" in given
        assert "- **Team time zone**: Europe/Berlin (as given to setup)" in given

        again = await say(zulip, "bob", "setup retro prompt 10:00")
        assert "- **Team time zone**: Europe/Berlin (unchanged)" in again
        assert "prompt 10:00, reminders 12:15, report 13:15" in again


async def test_monthly_last_friday_status_shows_the_next_prompt(
    zulip: LocalZulip, database_url: str
) -> None:
    """On Wednesday 2 December Alice makes the standup monthly on the last Friday, everyone
    at the team time: `status` shows the next prompt and report on Friday 25 December."""
    clock = SteppedClock(utc(dt.date(2026, 12, 2), 10))
    async with running_bot(zulip, database_url, clock):
        await say(zulip, "alice", "setup")
        for command in ("config timezone UTC", "config mode team"):
            assert (await say(zulip, "alice", command)).startswith("Updated"), command
        assert (await say(zulip, "alice", "config frequency monthly last fri")).startswith(
            "Updated **standup**: frequency monthly"
        )
        status = await say(zulip, "alice", "status")
        assert "- Next prompt: <time:2026-12-25T09:30:00+00:00>" in status, status
        assert "- Next report: <time:2026-12-25T12:45:00+00:00>" in status, status
