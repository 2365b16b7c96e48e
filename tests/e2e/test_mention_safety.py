"""Mention safety, end to end: what the bot re-posts into the channel notifies nobody.

People answer with every wildcard form Zulip knows (``@**all**``,
``@**everyone**``, ``@**channel**``, ``@**stream**``, ``@**topic**``, their
silent and upper-case variants), with group mentions and with personal
mentions, in answers, in edits (in place and as update messages) and in the
blocker answer that the digest gathers. localzulip computes Zulip's per-user
flags for every message it stores; none of the bot's channel messages may
leave ``mentioned`` or any wildcard flag on anyone. localzulip has no user
groups, so for group mentions the text itself is checked: no ``@*group*``
syntax survives.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from localzulip.models import Message

from .harness import running_bot
from .report_helpers import (
    GROUP_TEXT,
    LOUD_PERSON_TEXT,
    WILDCARD_TEXT,
    Member,
    answer,
    bot_channel_messages,
    eventually,
    notifying_flags,
    setup_standup,
    step_to,
    team_realm,
    team_server,
)

DAY = dt.date(2026, 11, 30)
TOPIC = "standup 2026-11-30"
TEAM = (
    Member("ann", "Ann Archer"),
    Member("ben", "Ben Baker"),
    Member("cat", "Cat Carter"),
    Member("dan", "Dan Dixon"),
    Member("zoe", "Zoë *Star* O'Neil"),  # a name that is Markdown itself
)
WILDCARDS = (
    "@**all** @**everyone** @**channel** @**stream** @**topic** "
    "@_**all** @_**everyone** @_**channel** @_**stream** @_**topic**"
)
CASE_VARIANTS = "@**ALL** @**Everyone** @**CHANNEL** @**Stream** @**Topic** @**all|3**"
GROUPS = "ask @*backend* or @_*frontend* or @*everyone*"


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=dt.UTC)


def channel_posts(server: LocalZulip) -> list[Message]:
    return bot_channel_messages(server, "standup")


def in_topic(server: LocalZulip) -> list[Message]:
    return bot_channel_messages(server, "standup", TOPIC)


def assert_notifies_nobody(server: LocalZulip, messages: list[Message]) -> None:
    assert messages
    assert notifying_flags(server, messages) == []
    for message in messages:
        content = message.content
        assert not WILDCARD_TEXT.search(content), content
        assert not GROUP_TEXT.search(content), content
        assert not LOUD_PERSON_TEXT.search(content), content


async def test_reposted_content_notifies_nobody(database_url: str) -> None:
    """Wildcards, group and personal mentions in answers, edits and blockers notify no one.

    Checked on every message the bot posted in the channel (reports, the
    in-place edit, the update message, the digest with its blocker list and
    missing people): no user has a notifying flag and no mention syntax that
    could notify survives, while the mentioned person is still named
    (silently).
    """
    realm = team_realm(TEAM)
    with team_server(realm, at(8, 0)) as (server, clock):
        ben_id = server.user("ben").user_id
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            await step_to(bot, clock, at(9, 31))
            ann = await answer(server, "ann", [WILDCARDS, CASE_VARIANTS, GROUPS])
            await answer(
                server,
                "cat",
                [
                    f"Paired with @**Ben Baker** and @**Ben Baker|{ben_id}**",
                    f"Review with @**|{ben_id}** and @_**Ann Archer**",
                    "Waiting on @**all** for @*ops* sign-off, ping @**Ben Baker**",
                ],
            )
            await answer(server, "zoe", ["Named like Markdown", "@**topic** party", "none"])
            await eventually(lambda: len(in_topic(server)) == 3, what="three reports")

            # An edit inside the window (in place) and one outside (an update message).
            await step_to(bot, clock, at(9, 33))
            server.human("ann").edit(ann[0], "Edited: @**all** @**everyone** @*backend*")
            report = next(m for m in in_topic(server) if "Ann Archer" in m.content)
            await eventually(
                lambda: "Edited:" in server.realm.messages[report.id].content, what="edit"
            )
            await step_to(bot, clock, at(10, 30))
            server.human("ann").edit(ann[1], "Later: @**channel** @**Ben Baker** @*backend*")
            await eventually(
                lambda: any("Later:" in m.content for m in channel_posts(server)), what="update"
            )

            await step_to(bot, clock, at(12, 45))
            await eventually(
                lambda: any(m.content.startswith("📋") for m in channel_posts(server)),
                what="the digest",
            )
            posts = channel_posts(server)
            reports = [m for m in posts if m.topic == TOPIC]
            assert len(reports) == 5  # three reports, one update, the digest
            assert_notifies_nobody(server, posts)
            # The edited report was edited in place and is as safe as the rest.
            assert len(server.realm.messages[report.id].edit_history) == 1

            everything = "\n".join(m.content for m in reports)
            # The people mentioned are still named, silently; Dan (missing) too.
            assert f"@_**Ben Baker|{ben_id}**" in everything or "@_**Ben Baker**" in everything
            dan_id = server.user("dan").user_id
            assert f"@_**Dan Dixon|{dan_id}**" in everything
            # The wildcard words are still readable, only defused.
            assert "**all**" in everything
            assert "**topic**" in everything
            assert "Waiting on" in everything  # Cat's blocker reached the digest


async def test_notify_policy_notifies_people_but_never_everyone(database_url: str) -> None:
    """Under ``config mentions notify`` personal mentions notify; wildcards and groups still not.

    Only the people named (the answerers and the missing person) get the
    ``mentioned`` flag; no one gets a wildcard flag.
    """
    realm = team_realm(TEAM[:4])
    with team_server(realm, at(8, 0)) as (server, clock):
        ben_id = server.user("ben").user_id
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup", "config mentions notify")
            await step_to(bot, clock, at(9, 31))
            await answer(server, "ann", [WILDCARDS, f"with @**Ben Baker|{ben_id}**", GROUPS])
            await eventually(lambda: len(in_topic(server)) == 1, what="Ann's report")
            await step_to(bot, clock, at(12, 45))
            await eventually(
                lambda: any(m.content.startswith("📋") for m in channel_posts(server)),
                what="the digest",
            )
            posts = [m for m in channel_posts(server) if m.topic == TOPIC]
            flags = notifying_flags(server, posts)
            assert flags, "notify policy: named people are notified"
            assert {flag for _, _, flag in flags} == {"mentioned"}
            named = {server.user(s).user_id for s in ("ann", "ben", "cat", "dan")}
            assert {user for _, user, _ in flags} <= named
            for message in posts:
                assert not WILDCARD_TEXT.search(message.content)
                assert not GROUP_TEXT.search(message.content)
