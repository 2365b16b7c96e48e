"""The living topic, end to end: per-person reports, edits, the digest, late answers, long digests.

localzulip runs on a virtual clock stepped together with the bot's clock, so
"inside the edit window" and "outside it" mean the same to the bot and to the
server that enforces the window.
"""

from __future__ import annotations

import datetime as dt
import re

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
    wait_dm,
)

DAY = dt.date(2026, 11, 30)  # a Monday
TOPIC = "standup 2026-11-30"
TEAM = (
    Member("ann", "Ann Archer"),
    Member("ben", "Ben Baker"),
    Member("cat", "Cat Carter"),
    Member("dan", "Dan Dixon"),
    Member("eve", "Eve Evans"),
)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=dt.UTC)


def topic_messages(server: LocalZulip) -> list[Message]:
    return server.channel_messages("standup", TOPIC)


def live(server: LocalZulip, message: Message) -> Message:
    """The message as the server holds it now (content and edit history)."""
    return server.realm.messages[message.id]


async def test_living_topic_transcript(database_url: str) -> None:
    """Three on-time reports, an edit in place then an update, the digest, two late answers.

    The topic holds exactly: Ann's report, Ben's report, Ann's update, the
    digest, Cat's late report, Dan's late report and the digest's update line,
    in that order. Ann's first edit (2 min after posting) changes her report
    in place, keeping its id; her second (49 min later) leaves the report alone
    and posts an update. Cat's late answer, 5 min after the cutoff, edits the
    digest in place to count her; Dan's, 45 min after, adds an update line.
    """
    realm = team_realm(TEAM)
    with team_server(realm, at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")

            await step_to(bot, clock, at(9, 31))
            ann = await answer(
                server,
                "ann",
                ["Shipped the invoice export", "Review the tax rules", "none"],
            )
            await eventually(lambda: len(topic_messages(server)) == 1, what="Ann's report")
            (ann_report,) = topic_messages(server)
            assert "Shipped the invoice export" in ann_report.content
            assert "@_**Ann Archer|" in ann_report.content

            # Inside the edit window: the report is edited in place.
            await step_to(bot, clock, at(9, 33))
            server.human("ann").edit(ann[0], "Shipped the invoice export and the CSV import")
            await eventually(
                lambda: "CSV import" in live(server, ann_report).content, what="in-place edit"
            )
            assert len(live(server, ann_report).edit_history) == 1
            assert "✏️ edited" in live(server, ann_report).content

            await step_to(bot, clock, at(9, 50))
            await answer(
                server, "ben", ["Paired on billing", "Billing migration", "Waiting for VPN access"]
            )
            await eventually(lambda: len(topic_messages(server)) == 2, what="Ben's report")

            # Outside the window (the report is 49 min old): an update message instead.
            await step_to(bot, clock, at(10, 20))
            server.human("ann").edit(ann[1], "Review the tax rules with Ben")
            await eventually(lambda: len(topic_messages(server)) == 3, what="Ann's update")
            update = topic_messages(server)[2]
            assert "updated answer 2" in update.content
            assert "Review the tax rules with Ben" in update.content
            assert len(live(server, ann_report).edit_history) == 1, "edited outside the window"
            assert "with Ben" not in live(server, ann_report).content

            await step_to(bot, clock, at(12, 45))
            await eventually(lambda: len(topic_messages(server)) == 4, what="the digest")
            digest = topic_messages(server)[3]
            assert "2 of 5 answered" in digest.content
            blockers_at = digest.content.index("Blockers (1)")
            assert blockers_at < digest.content.index("**Answered (2):**")
            assert "Waiting for VPN access" in digest.content
            assert "**Missing (3):**" in digest.content

            # Late, 5 min after the digest: the digest is edited in place.
            await step_to(bot, clock, at(12, 50))
            await answer(server, "cat", ["Wrote docs", "More docs", "no"])
            await eventually(lambda: "3 of 5 answered" in live(server, digest).content, what="edit")
            await eventually(lambda: len(topic_messages(server)) == 5, what="Cat's report")
            assert "⏰ late" in topic_messages(server)[4].content
            assert len(live(server, digest).edit_history) == 1
            assert "**Missing (2):**" in live(server, digest).content

            # Late, 45 min after the digest: an update line under it.
            await step_to(bot, clock, at(13, 30))
            await answer(server, "dan", ["Fixed flaky tests", "Release", "none"])
            await eventually(lambda: len(topic_messages(server)) == 7, what="Dan's report + line")

            messages = topic_messages(server)
            assert all(m.sender_id == server.bot.user_id for m in messages)
            kinds = [_kind(m) for m in messages]
            assert kinds == [
                "report:Ann Archer",
                "report:Ben Baker",
                "update:Ann Archer",
                "digest",
                "report:Cat Carter",
                "report:Dan Dixon",
                "late-line:Dan Dixon",
            ]
            assert messages[0].id == ann_report.id
            assert messages[3].id == digest.id
            assert "now 4 of 5 answered" in messages[6].content
            assert "3 of 5 answered" in live(server, digest).content
            assert len(live(server, digest).edit_history) == 1, "edited outside the window"
            # Eve was never answered; her prompt and reminder came, nothing else.
            assert "Eve Evans" in live(server, digest).content


def _kind(message: Message) -> str:
    content = message.content
    name = re.search(r"@_\*\*([^|*]+)\|\d+\*\*", content)
    who = name.group(1) if name else "?"
    if content.startswith("📋"):
        return "digest"
    if content.startswith("✏️"):
        return f"update:{who}"
    if content.startswith("➕"):
        return f"late-line:{who}"
    return f"report:{who}"


async def test_sixty_person_digest_arrives_whole(database_url: str) -> None:
    """A digest-style standup of 60 people: over 10,000 characters, split, nothing truncated.

    Every person's every answer appears verbatim in exactly one digest
    message, each message is within Zulip's 10,000-character limit, none
    carries Zulip's "[message truncated]", and the parts are consecutive.
    """
    team = [Member(f"p{i:02d}", f"Person{i:02d} Tester") for i in range(60)]
    realm = team_realm(team)
    with team_server(realm, at(8, 0), rate_limited=False) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "p00", "standup", "config style digest")
            await step_to(bot, clock, at(9, 31))
            expected: dict[str, list[str]] = {}
            for member in team:
                user = server.user(member.short)
                await wait_dm(server, user, "Time for")
                answers = [
                    f"{member.short} did item {n}: "
                    + ", ".join(f"{member.short}-task-{n}-{k}" for k in range(12))
                    for n in (1, 2)
                ]
                answers.append("none" if member.short[-1] != "7" else f"{member.short} VPN down")
                expected[member.short] = answers
                server.human(member.short).dm_bot(
                    "\n".join(f"{n}. {text}" for n, text in enumerate(answers, start=1))
                )
            await eventually(
                lambda: _recaps(server, team) == len(team), within=30, what="60 recaps"
            )
            assert bot_channel_messages(server, "standup", TOPIC) == []  # digest style: wait

            await step_to(bot, clock, at(12, 45))
            # The digest is complete when every answer is in it (names come first, in part 1).
            await eventually(
                lambda: all(
                    text in "".join(_digest_text(server))
                    for answers in expected.values()
                    for text in answers[:2]
                ),
                within=20,
                what="the whole digest",
            )
            parts = bot_channel_messages(server, "standup", TOPIC)
            assert len(parts) >= 3
            ids = [m.id for m in parts]
            assert ids == list(range(ids[0], ids[0] + len(ids))), "parts are consecutive"
            assert sum(len(m.content) for m in parts) > 10_000
            for part in parts:
                assert len(part.content) <= 10_000
                assert "[message truncated]" not in part.content
            assert "60 of 60 answered" in parts[0].content
            assert "Blockers (6)" in parts[0].content
            for short, answers in expected.items():
                for text in answers[:2]:
                    holders = [m for m in parts if text in m.content]
                    assert len(holders) == 1, f"{short}: {text!r} in {len(holders)} parts"
                if answers[2] != "none":  # once among the blockers, once among the answers
                    assert sum(m.content.count(answers[2]) for m in parts) == 2


def _recaps(server: LocalZulip, team: list[Member]) -> int:
    done = 0
    for member in team:
        user = server.user(member.short)
        if any(
            m.sender_id == server.bot.user_id and "Thanks!" in m.content for m in server.dms(user)
        ):
            done += 1
    return done


def _digest_text(server: LocalZulip) -> list[str]:
    return [m.content for m in bot_channel_messages(server, "standup", TOPIC)]


async def test_digest_style_keeps_late_answers_and_edits(database_url: str) -> None:
    """``config style digest``: one digest message that late answers and edits keep right.

    Before the cutoff nothing is posted. Ben's late answer 5 min after the
    digest and Ann's edit 2 min later change the digest in place (same id).
    Cat's late answer 45 min after the digest cannot: her answers are posted
    with a late line under them; Ann's second edit then posts an update.
    """
    team = TEAM[:3]
    with team_server(team_realm(team), at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup", "config style digest")
            await step_to(bot, clock, at(9, 31))
            ann = await answer(server, "ann", ["Tax rules", "Tax tables", "none"])
            await step_to(bot, clock, at(12, 44))
            assert topic_messages(server) == []

            await step_to(bot, clock, at(12, 45))
            await eventually(lambda: len(topic_messages(server)) == 1, what="the digest")
            (digest,) = topic_messages(server)
            assert "1 of 3 answered" in digest.content
            assert "Tax tables" in digest.content

            await step_to(bot, clock, at(12, 50))
            await answer(server, "ben", ["Billing", "Invoices", "none"])
            await eventually(lambda: "2 of 3 answered" in live(server, digest).content, what="edit")
            assert "Invoices" in live(server, digest).content

            await step_to(bot, clock, at(12, 52))
            server.human("ann").edit(ann[0], "Tax rules and VAT")
            await eventually(lambda: "VAT" in live(server, digest).content, what="edit of Ann's")
            assert len(live(server, digest).edit_history) == 2
            assert len(topic_messages(server)) == 1

            await step_to(bot, clock, at(13, 30))
            await answer(server, "cat", ["Docs", "More docs", "none"])
            await eventually(lambda: len(topic_messages(server)) == 3, what="Cat's answers")
            await step_to(bot, clock, at(13, 35))
            server.human("ann").edit(ann[1], "Tax tables for 2027")
            await eventually(lambda: len(topic_messages(server)) == 4, what="Ann's update")
            kinds = [_kind(m) for m in topic_messages(server)]
            assert kinds == [
                "digest",
                "report:Cat Carter",
                "late-line:Cat Carter",
                "update:Ann Archer",
            ]
            assert "More docs" in topic_messages(server)[1].content
            assert "now 3 of 3 answered" in topic_messages(server)[2].content
            assert "Tax tables for 2027" in topic_messages(server)[3].content
            assert len(live(server, digest).edit_history) == 2


async def test_live_style_posts_no_digest(database_url: str) -> None:
    """``config style live``: reports only; the cutoff and a late answer add no digest or line."""
    team = TEAM[:3]
    with team_server(team_realm(team), at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup", "config style live")
            await step_to(bot, clock, at(9, 31))
            await answer(server, "ann", ["Tax rules", "Tax tables", "none"])
            await eventually(lambda: len(topic_messages(server)) == 1, what="Ann's report")
            await step_to(bot, clock, at(12, 45))
            await step_to(bot, clock, at(13, 30))
            await answer(server, "ben", ["Billing", "Invoices", "none"])
            await eventually(lambda: len(topic_messages(server)) >= 2, what="Ben's report")
            await step_to(bot, clock, at(13, 31))
            kinds = [_kind(m) for m in topic_messages(server)]
            assert kinds == ["report:Ann Archer", "report:Ben Baker"]
            assert "⏰ late" in topic_messages(server)[1].content


async def test_refused_edit_falls_back_to_an_update(database_url: str) -> None:
    """When Zulip refuses the edit (editing turned off in the realm), an update is posted."""
    realm = team_realm(TEAM[:2])
    realm.settings.allow_message_editing = False
    with team_server(realm, at(8, 0)) as (server, clock):
        async with running_bot(server, database_url, clock.bot) as bot:
            await setup_standup(server, "ann", "standup")
            await step_to(bot, clock, at(9, 31))
            ann = await answer(server, "ann", ["Tax rules", "Tax tables", "none"])
            await eventually(lambda: len(topic_messages(server)) == 1, what="Ann's report")
            await step_to(bot, clock, at(9, 32))
            server.human("ann").edit(ann[0], "Tax rules and VAT")
            await eventually(lambda: len(topic_messages(server)) == 2, what="the update")
            report, update = topic_messages(server)
            assert "Tax rules and VAT" in update.content
            assert "updated answer 1" in update.content
            assert live(server, report).edit_history == []
