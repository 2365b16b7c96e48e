"""After a crash or an outage: late digests, people never asked, answers while the digest is stuck.

localzulip runs on a virtual clock stepped together with the bot's clock (see
``report_helpers``), so the bot and the server agree on what time it is.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.app import BotProcess
from zulip_standup.domain.conversation import texts as conversation_texts

from .harness import running_bot
from .people import rows
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

DAY = dt.date(2026, 11, 30)  # a Monday; default schedule: prompt 09:30, cutoff 12:45 (UTC team)
TOPIC = "standup 2026-11-30"
TEAM = (
    Member("ann", "Ann Archer"),
    Member("ben", "Ben Baker"),
    Member("cat", "Cat Carter"),
)
ANSWERS = ["Shipped the invoice export", "Review the tax rules", "none"]


def at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, second, tzinfo=dt.UTC)


def who(server: LocalZulip, short: str) -> str:
    """The silent mention reports use for a person."""
    user = server.user(short)
    return f"@_**{user.full_name}|{user.user_id}**"


def digests(server: LocalZulip) -> list[Message]:
    return [m for m in bot_channel_messages(server, "standup", TOPIC) if "📋" in m.content]


def digest_job(bot: BotProcess) -> tuple[str, int]:
    """The status and attempt count of the day's digest job."""
    (job,) = rows(bot, "jobs", kind="digest", run_date=DAY)
    return job["status"], job["attempts"]


def digest_job_done(bot: BotProcess) -> bool:
    return digest_job(bot)[0] == "done"


async def test_bot_down_over_the_cutoff_posts_one_digest_naming_who_was_not_asked(
    database_url: str,
) -> None:
    """Ann answers early (``answer`` at 08:00); the bot is down from 08:30 to 13:00, over
    everyone's 09:30 prompt and the 12:45 cutoff. When it is back it posts exactly one
    digest: Ann under Answered, Ben and Cat under "Not asked" with the cause, nobody
    under Missing, and the count says two were not asked; Ben and Cat get no prompt."""
    realm = team_realm(TEAM)
    with team_server(realm, at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot):
            await setup_standup(server, "ann", "standup")
            server.human("ann").dm_bot("answer")
            await answer(server, "ann", ANSWERS)
            await eventually(lambda: len(bot_channel_messages(server, "standup", TOPIC)) == 1)
            clock.set(at(8, 30))
        clock.set(at(13, 0))  # the bot was down over the prompts and the cutoff
        async with running_bot(server, database_url, clock.bot) as bot:
            await eventually(lambda: digest_job_done(bot), what="the late digest")
            (digest,) = digests(server)
            content = digest.content
            assert "✅ 1 of 1 answered (100%) · 2 not asked" in content
            assert f"**Answered (1):** {who(server, 'ann')}" in content
            assert (
                "**Not asked, the bot was unavailable (2):** "
                f"{who(server, 'ben')}, {who(server, 'cat')}"
            ) in content
            assert "Missing" not in content
            for short in ("ben", "cat"):
                dms = [m.content for m in server.dms(short, "bot")]
                assert not any("Time for" in c for c in dms), f"{short} was prompted after 12:45"


async def test_answer_while_the_digest_is_stuck_is_told_the_truth_and_is_in_the_digest(
    database_url: str,
) -> None:
    """The digest's post fails (four 503s, one whole attempt) at the cutoff and waits to be
    retried. Ann, who started at 09:31, finishes at 12:45 while it is stuck: she is told
    her answers will be in the report when it goes out (not that it has gone out).
    When the retry runs, the one digest counts her as answered and late."""
    realm = team_realm(TEAM)
    with team_server(realm, at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            await step_to(bot, clock, at(9, 31))
            ann = server.human("ann")
            await wait_dm(server, ann.user, "Time for")
            first = ann.dm_bot(ANSWERS[0])
            await wait_dm(server, ann.user, "Question 2 of 3", first.id)

            server.faults.fail_next(4, 503, path_contains="/messages", method="POST")
            clock.set(at(12, 45))
            await eventually(
                lambda: digest_job(bot) == ("pending", 1),
                within=30,
                what="the digest's first attempt to fail",
            )
            assert digests(server) == []

            second = ann.dm_bot(ANSWERS[1])
            notice = await wait_dm(server, ann.user, "**standup** report", second.id)
            assert "already gone out" not in notice.content
            assert notice.content == conversation_texts.late_notice_text(
                "standup", report_out=False
            )
            third = ann.dm_bot(ANSWERS[2])
            await wait_dm(server, ann.user, "Thanks!", third.id)

            clock.set(at(12, 46))
            await eventually(lambda: digest_job_done(bot), within=30, what="the retried digest")
            (digest,) = digests(server)
            assert "✅ 1 of 3 answered (33%) · 1 late" in digest.content
            assert f"**Answered (1):** {who(server, 'ann')}" in digest.content
            topic = [m.content for m in bot_channel_messages(server, "standup", TOPIC)]
            assert not any("answered after the digest" in c for c in topic)


async def test_a_person_whose_prompt_failed_gets_the_prompt_not_a_reminder(
    database_url: str,
) -> None:
    """Zulip refuses Ann's 09:30 prompt for good (one 400), so the prompt job fails. At the
    11:45 reminder she is not "reminded" of a question she never saw: she gets the late
    notice and the prompt, and nothing else."""
    realm = team_realm(TEAM[:1])
    with team_server(realm, at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            server.faults.fail_next(1, 400, path_contains="/messages", method="POST")
            clock.set(at(9, 31))

            def prompt_failed() -> bool:
                (job,) = rows(bot, "jobs", kind="prompt", run_date=DAY)
                return job["status"] == "failed"

            await eventually(prompt_failed, what="the prompt job to fail")
            ann = server.user("ann")
            assert server.dms(ann, "bot") == []

            clock.set(at(11, 46))
            await eventually(
                lambda: rows(bot, "jobs", kind="reminder", run_date=DAY)[0]["status"] == "done",
                what="the reminder job to finish",
            )
            dms = [m.content for m in server.dms(ann, "bot")]
            assert not any("Friendly reminder" in c for c in dms)
            assert dms == [
                conversation_texts.late_prompt_text("standup"),
                "Hi! Time for **standup** in #**standup** on Monday 30 Nov.\n\n"
                "**Question 1 of 3:** What did you do since the last standup?\n\n"
                + conversation_texts.ANSWER_HINT,
            ]
