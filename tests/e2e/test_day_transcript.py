"""A whole standup day for three people in three zones, read back as each person saw it."""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from zulip_standup.domain.conversation import texts
from zulip_standup.domain.conversation.machine import EDIT_EMOJI
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

from .harness import SteppedClock, running_bot, settle
from .people import (
    bot_replies_after,
    dm,
    dm_transcript,
    eventually,
    in_channel,
    quiet,
    reactions_of,
    the_bot,
)

MONDAY = dt.date(2026, 11, 30)
Q = [q.text for q in DEFAULT_QUESTIONS]


def utc(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=dt.UTC)


def prompt(first_question: str = Q[0]) -> str:
    return (
        "Hi! Time for **standup** in #**standup** on Monday 30 Nov.\n\n"
        f"**Question 1 of 3:** {first_question}\n\n"
        "Reply with your answer, or answer everything at once as a numbered list. "
        "Say `skip` to skip today. To answer with text that reads like a command, "
        "start it with `>` (e.g. `> help`)."
    )


def recap(answers: list[str]) -> str:
    body = "\n\n".join(
        f"**{n}. {question}**\n{answer}"
        for n, (question, answer) in enumerate(zip(Q, answers, strict=True), start=1)
    )
    return (
        "Thanks! Your **standup** answers for Monday 30 Nov:\n\n"
        f"{body}\n\n"
        "To fix one, edit your message, or send `change <number> <new answer>`. "
        "`restart` starts over."
    )


async def test_a_day_in_three_zones(zulip: LocalZulip, database_url: str) -> None:
    """Bob (admin, not a participant) sets up #standup for Carol (Kolkata), Alice (Berlin)
    and Dave (Los Angeles). Each is prompted at their own 09:30 and nobody earlier.
    Carol answers one question at a time and later edits her second answer in Zulip
    (a pencil reaction, no new message); Alice answers everything in one numbered list;
    Dave skips. The stored answers are exactly what they typed with the edit applied,
    and each DM conversation holds exactly the messages below, word for word.
    """
    zulip.human("bob").unsubscribe("standup")
    clock = SteppedClock(utc(3, 0))  # Mon 08:30 Kolkata, 04:00 Berlin, Sun 19:00 LA
    # The team zone of a new standup is the operator's default (STANDUP_DEFAULT_TIMEZONE).
    settings = {"default_timezone": "America/New_York"}
    async with running_bot(zulip, database_url, clock, **settings) as process:
        bot = the_bot(process)
        reply = await in_channel(zulip, "bob", "standup", "setup", "@**Standup** setup")
        assert reply.startswith("Standup **standup** is set up in #**standup**.")
        assert "(America/New_York, mode local)" in reply
        for name in ("Alice Owner", "Carol Member", "Dave Member"):
            assert name in reply
        assert "Bob Admin" not in reply
        # Each next prompt is 09:30 in the person's own zone.
        assert "<time:2026-11-30T09:30:00+05:30>" in reply  # Carol
        assert "<time:2026-11-30T09:30:00+01:00>" in reply  # Alice
        assert "<time:2026-11-30T09:30:00-08:00>" in reply  # Dave

        # 03:59 UTC: one minute before Carol's 09:30, nobody has been prompted.
        clock.set(utc(3, 59))
        await settle(process)
        await quiet(process, zulip)
        assert all(not dm_transcript(zulip, p) for p in ("alice", "carol", "dave"))

        # 04:00 UTC = 09:30 Kolkata: Carol, and only Carol, is prompted.
        clock.set(utc(4, 0))
        await settle(process)
        carol = zulip.human("carol")
        first = await bot_replies_after(zulip, "carol", zulip.messages()[0], 1)
        assert first == [prompt()]
        assert not dm_transcript(zulip, "alice")
        assert not dm_transcript(zulip, "dave")

        assert await dm(zulip, "carol", "Reviewed the *payments* PR") == [
            f"**Question 2 of 3:** {Q[1]}"
        ]
        plan_message = carol.dm_bot("Ship the 2.4 release")
        assert await bot_replies_after(zulip, "carol", plan_message, 1) == [
            f"**Question 3 of 3:** {Q[2]}"
        ]
        assert await dm(zulip, "carol", "Waiting on QA for the iOS build") == [
            recap(
                [
                    "Reviewed the *payments* PR",
                    "Ship the 2.4 release",
                    "Waiting on QA for the iOS build",
                ]
            )
        ]

        # 08:30 UTC = 09:30 Berlin: Alice answers all three at once.
        clock.set(utc(8, 30))
        await settle(process)
        await bot_replies_after(zulip, "alice", zulip.messages()[0], 1)
        alice_list = "1. Planned Q1 with the team\n2. Hire a designer\n   - phone screens\n3. none"
        assert await dm(zulip, "alice", alice_list) == [
            recap(["Planned Q1 with the team", "Hire a designer\n   - phone screens", "none"])
        ]

        # Carol edits her plan in Zulip afterwards: a reaction, not a message.
        before = len(dm_transcript(zulip, "carol"))
        carol.edit(plan_message, content="Ship the 2.4.1 release")
        await eventually(
            lambda: reactions_of(zulip, plan_message) == [EDIT_EMOJI], "the edit is acknowledged"
        )

        # 17:30 UTC = 09:30 Los Angeles: Dave skips.
        clock.set(utc(17, 30))
        await settle(process)
        await bot_replies_after(zulip, "dave", zulip.messages()[0], 1)
        assert await dm(zulip, "dave", "skip") == [texts.skip_confirmation_text("standup", MONDAY)]
        # The rest of the day: reminders are due only for unfinished answers (none here)
        # and the report goes out at 12:45 New York = 17:45 UTC.
        for hour in (17, 19, 21, 23):
            clock.set(utc(hour, 50))
            await settle(process)
        await quiet(process, zulip)
        assert len(dm_transcript(zulip, "carol")) == before

        rt = bot.runtime
        standup = (await rt.db(rt.standups.in_realm, rt.realm_id))[0]
        run = await rt.db(rt.runs.find_run, standup.id, MONDAY)
        assert run is not None
        stored = {
            (a.user_id, a.question_index): (a.text, a.edited)
            for a in await rt.db(rt.runs.answers_of, run.id)
        }
        ids = {name: zulip.user(name).user_id for name in ("alice", "carol", "dave")}
        assert stored == {
            (ids["carol"], 0): ("Reviewed the *payments* PR", False),
            (ids["carol"], 1): ("Ship the 2.4.1 release", True),
            (ids["carol"], 2): ("Waiting on QA for the iOS build", False),
            (ids["alice"], 0): ("Planned Q1 with the team", False),
            (ids["alice"], 1): ("Hire a designer\n   - phone screens", False),
            (ids["alice"], 2): ("none", False),
        }
        states = {c.user_id: c.state for c in await rt.db(rt.runs.conversations_of_run, run.id)}
        assert states == {ids["carol"]: "done", ids["alice"]: "done", ids["dave"]: "skipped"}

    assert dm_transcript(zulip, "carol") == [
        ("bot", prompt()),
        ("carol", "Reviewed the *payments* PR"),
        ("bot", f"**Question 2 of 3:** {Q[1]}"),
        ("carol", "Ship the 2.4.1 release"),  # as edited
        ("bot", f"**Question 3 of 3:** {Q[2]}"),
        ("carol", "Waiting on QA for the iOS build"),
        (
            "bot",
            recap(
                [
                    "Reviewed the *payments* PR",
                    "Ship the 2.4 release",
                    "Waiting on QA for the iOS build",
                ]
            ),
        ),
    ]
    assert dm_transcript(zulip, "alice") == [
        ("bot", prompt()),
        ("alice", alice_list),
        ("bot", recap(["Planned Q1 with the team", "Hire a designer\n   - phone screens", "none"])),
    ]
    assert dm_transcript(zulip, "dave") == [
        ("bot", prompt()),
        ("dave", "skip"),
        (
            "bot",
            "OK, you are skipping **standup** on Monday 30 Nov. "
            "Changed your mind? Say `restart` that day to answer after all.",
        ),
    ]
    assert not dm_transcript(zulip, "bob")
