"""An ordinary "no" to the blocker question is not a blocker, in the digest, `blockers` and
the next prompt; a real blocker is listed in all three.

Ann answers "No blockers, waiting on nothing", Cat "Nothing blocking me, all good" and
Ben "waiting on Dave for review". The cutoff digest in #standup lists Ben alone under
Blockers, `blockers` in a DM agrees, and on Tuesday only Ben's prompt asks whether his
blocker is resolved.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from zulip_standup.domain.reports import texts
from zulip_standup.domain.reports.report import PersonRef, mention

from .harness import running_bot
from .people import dm
from .report_helpers import (
    Member,
    answer,
    bot_channel_messages,
    eventually,
    setup_standup,
    step_to,
    team_realm,
    team_server,
    wait_dm,
)

MONDAY = dt.date(2026, 11, 30)
TUESDAY = dt.date(2026, 12, 1)
TEAM = (Member("ann", "Ann Archer"), Member("ben", "Ben Baker"), Member("cat", "Cat Carter"))
ANSWERS = {
    "ann": ["Release notes", "Changelog", "No blockers, waiting on nothing"],
    "ben": ["API pagination", "More pagination", "waiting on Dave for review"],
    "cat": ["Docs", "More docs", "Nothing blocking me, all good"],
}


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def blocker_section(digest: str) -> list[str]:
    """The lines of the digest's Blockers block, header first (empty when there is none)."""
    lines = digest.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("**🚧 Blockers")), None)
    if start is None:
        return []
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def digest_of(server: LocalZulip, day: dt.date) -> list[str]:
    topic = f"standup {day.isoformat()}"
    return [
        m.content
        for m in bot_channel_messages(server, "standup", topic)
        if m.content.startswith("📋")
    ]


async def test_no_blockers_waiting_on_nothing_is_not_listed_as_a_blocker(
    database_url: str,
) -> None:
    """Only Ben's "waiting on Dave for review" is a blocker, wherever blockers are shown."""
    realm = team_realm(TEAM)
    with team_server(realm, at(MONDAY, 7, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            await step_to(bot, clock, at(MONDAY, 9, 31))
            for who, texts_ in ANSWERS.items():
                await answer(server, who, texts_)
            await step_to(bot, clock, at(MONDAY, 12, 45))
            await eventually(lambda: len(digest_of(server, MONDAY)) == 1, what="the digest")

            (digest,) = digest_of(server, MONDAY)
            ben = PersonRef(server.user("ben").user_id, "Ben Baker")
            assert blocker_section(digest) == [
                texts.DIGEST_BLOCKERS.format(count=1),
                texts.DIGEST_BLOCKER_LINE.format(
                    mention=mention(ben), text="waiting on Dave for review"
                ),
            ]
            assert texts.SUMMARY_BLOCKERS.format(count=1) in digest

            (listed,) = await dm(server, "ann", "blockers")
            assert "**Open blockers** (1):" in listed
            assert "Ben Baker" in listed
            assert "waiting on Dave for review" in listed
            assert "Ann Archer" not in listed
            assert "Cat Carter" not in listed
            assert "nothing" not in listed.casefold()

            mark = max(m.id for m in server.messages())
            await step_to(bot, clock, at(TUESDAY, 9, 31))
            prompts = {
                who: await wait_dm(server, server.user(who), "Time for", mark)
                for who in ("ann", "ben", "cat")
            }
            assert "Last time you were blocked by:" in prompts["ben"].content
            assert "waiting on Dave for review" in prompts["ben"].content
            for who in ("ann", "cat"):
                assert "Last time you were blocked by:" not in prompts[who].content
                assert "Is it resolved?" not in prompts[who].content
