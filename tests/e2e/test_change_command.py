"""``change N text`` after the report is posted, end to end (issue 11, case 8).

The person sees the bot acknowledge the command with a ✅ reaction, named and
coded as Zulip's emoji data has it (localzulip refuses a wrong pair the way a
real server does), and the report in the channel is edited in place, just as
when the person edits their DM answer: same message, new content, no extra
"update" message. Outside Zulip's edit window it falls back to an update
message, as a DM edit does.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from localzulip.models import Message

from .harness import running_bot
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

DAY = dt.date(2026, 11, 30)  # a Monday
TOPIC = "standup 2026-11-30"
TEAM = (Member("ann", "Ann Archer"), Member("ben", "Ben Baker"))


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=dt.UTC)


def topic_messages(server: LocalZulip) -> list[Message]:
    return bot_channel_messages(server, "standup", TOPIC)


def reactions(server: LocalZulip, message: Message) -> list[tuple[str, str, str, int]]:
    """(name, code, type, user id) of each reaction on the message as the server holds it."""
    return [
        (r.emoji_name, r.emoji_code, r.reaction_type, r.user_id)
        for r in server.realm.messages[message.id].reactions
    ]


async def test_change_reacts_with_check_and_edits_the_report_in_place(database_url: str) -> None:
    realm = team_realm(TEAM)
    with team_server(realm, at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            await step_to(bot, clock, at(9, 31))
            await answer(server, "ann", ["Shipped the export", "Review the tax rules", "none"])
            await eventually(lambda: len(topic_messages(server)) == 1, what="Ann's report")
            (report,) = topic_messages(server)
            assert "Review the tax rules" in report.content

            await step_to(bot, clock, at(9, 35))
            command = server.human("ann").dm_bot("change 2 Review the tax rules with Ben")
            bot_id = server.bot.user_id
            await eventually(
                lambda: bool(reactions(server, command)), what="a reaction on Ann's `change`"
            )
            assert reactions(server, command) == [("check", "2705", "unicode_emoji", bot_id)]
            await eventually(
                lambda: "with Ben" in server.realm.messages[report.id].content,
                what="the report edited in place",
            )
            edited = server.realm.messages[report.id]
            assert "Shipped the export" in edited.content
            assert len(edited.edit_history) == 1
            assert [m.id for m in topic_messages(server)] == [report.id], "no update message"


async def test_change_outside_the_edit_window_posts_an_update_like_a_dm_edit(
    database_url: str,
) -> None:
    realm = team_realm(TEAM, edit_limit_seconds=600)
    with team_server(realm, at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            await step_to(bot, clock, at(9, 31))
            await answer(server, "ann", ["Shipped the export", "Review the tax rules", "none"])
            await eventually(lambda: len(topic_messages(server)) == 1, what="Ann's report")
            (report,) = topic_messages(server)

            await step_to(bot, clock, at(10, 20))  # the report is 49 min old
            command = server.human("ann").dm_bot("change 2 Review the tax rules with Ben")
            await eventually(lambda: len(topic_messages(server)) == 2, what="an update message")
            update = topic_messages(server)[1]
            assert "updated answer 2" in update.content
            assert "Review the tax rules with Ben" in update.content
            assert server.realm.messages[report.id].edit_history == []
            assert [r[:2] for r in reactions(server, command)] == [("check", "2705")]
