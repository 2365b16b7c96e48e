"""A person in two standups: prompts that overlap, and answering one ahead of its prompt.

Alice takes part in #standup and in #leads. Bob (New York) sets both up, so both
are called **standup** and their team zone is New York; Alice is prompted at her
own Berlin times.
"""

from __future__ import annotations

import datetime as dt

from localzulip import LocalZulip
from zulip_standup.app import BotProcess
from zulip_standup.domain.conversation import texts
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

from .harness import SteppedClock, running_bot, settle
from .people import (
    bot_dms_to,
    bot_replies_after,
    dm,
    dm_transcript,
    eventually,
    in_channel,
    rows,
    the_bot,
)

MONDAY = dt.date(2026, 11, 30)
TUESDAY = dt.date(2026, 12, 1)
Q = [q.text for q in DEFAULT_QUESTIONS]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def prompt(channel: str, day: dt.date) -> str:
    return texts.prompt_text(
        standup="standup", channel=channel, day=day, first_question=Q[0], question_count=3
    )


def recap(day: dt.date, answers: list[str]) -> str:
    return texts.recap_text(standup="standup", day=day, questions=Q, answers=answers)


async def set_up_leads(zulip: LocalZulip, setup: str = "setup") -> None:
    zulip.human("bot").subscribe("leads")
    reply = await in_channel(zulip, "bob", "leads", "setup", f"@**Standup** {setup}")
    assert reply.startswith("Standup **standup** is set up in #**leads**."), reply


def bot_posts(zulip: LocalZulip, stream: str) -> str:
    """Everything the bot posted in a channel (setup replies and reports), joined."""
    return "\n".join(
        m.content for m in zulip.channel_messages(stream) if m.sender_id == zulip.bot.user_id
    )


async def answers_by_channel(
    process: BotProcess, day: dt.date, user_id: int
) -> dict[str, list[str]]:
    """A person's stored answers for ``day``, by the channel of the standup holding them."""
    rt = the_bot(process).runtime
    found: dict[str, list[str]] = {}
    for standup in await rt.db(rt.standups.in_realm, rt.realm_id):
        run = await rt.db(rt.runs.find_run, standup.id, day)
        if run is not None:
            stored = await rt.db(rt.runs.answers_of, run.id, user_id)
            found[standup.stream_name] = [
                a.text for a in sorted(stored, key=lambda a: a.question_index)
            ]
    return found


async def test_a_second_prompt_waits_until_the_first_standup_is_answered(
    zulip: LocalZulip, database_url: str
) -> None:
    """#standup prompts Alice at 09:30 Berlin, #leads at 09:40. The #leads prompt arrives
    while she is on question 2 of #standup: she is told it waits, her next answers still go
    to #standup, and once #standup is done #leads is asked in full. Each prompt names its
    channel, and each channel's report holds only the answers given to it."""
    zulip.human("bob").unsubscribe("standup")
    clock = SteppedClock(at(MONDAY, 8, 0))  # 09:00 Berlin, 03:00 New York
    async with running_bot(zulip, database_url, clock) as process:
        reply = await in_channel(zulip, "bob", "standup", "setup", "@**Standup** setup")
        assert reply.startswith("Standup **standup** is set up in #**standup**."), reply
        await set_up_leads(zulip, "setup prompt 09:40")

        mark = zulip.messages()[-1]
        clock.set(at(MONDAY, 8, 30))  # 09:30 Berlin: #standup
        await settle(process)
        assert await bot_replies_after(zulip, "alice", mark, 1) == [prompt("standup", MONDAY)]
        assert await dm(zulip, "alice", "Reviewed the payments PR") == [
            f"**Question 2 of 3:** {Q[1]}"
        ]

        mark = zulip.messages()[-1]
        clock.set(at(MONDAY, 8, 40))  # 09:40 Berlin: #leads, while #standup is open
        await settle(process)
        held = texts.prompt_held_text(
            standup="standup",
            channel="leads",
            day=MONDAY,
            busy_standup="standup",
            busy_channel="standup",
        )
        assert await bot_replies_after(zulip, "alice", mark, 1) == [held]

        assert await dm(zulip, "alice", "Ship the 2.4 release") == [f"**Question 3 of 3:** {Q[2]}"]
        standup_answers = ["Reviewed the payments PR", "Ship the 2.4 release", "none"]
        assert await dm(zulip, "alice", "none", replies=2) == [
            recap(MONDAY, standup_answers),
            prompt("leads", MONDAY),
        ]
        leads_list = "1. Budget for Q1\n2. Hire a designer\n3. Waiting on finance"
        leads_answers = ["Budget for Q1", "Hire a designer", "Waiting on finance"]
        assert await dm(zulip, "alice", leads_list) == [recap(MONDAY, leads_answers)]

        await eventually(lambda: "Budget for Q1" in bot_posts(zulip, "leads"), "#leads report")
        await eventually(
            lambda: "Reviewed the payments PR" in bot_posts(zulip, "standup"), "#standup report"
        )
        assert "Budget for Q1" not in bot_posts(zulip, "standup")
        assert "Reviewed the payments PR" not in bot_posts(zulip, "leads")
        assert await answers_by_channel(process, MONDAY, zulip.user("alice").user_id) == {
            "standup": standup_answers,
            "leads": leads_answers,
        }

    assert dm_transcript(zulip, "alice") == [
        ("bot", prompt("standup", MONDAY)),
        ("alice", "Reviewed the payments PR"),
        ("bot", f"**Question 2 of 3:** {Q[1]}"),
        ("bot", held),
        ("alice", "Ship the 2.4 release"),
        ("bot", f"**Question 3 of 3:** {Q[2]}"),
        ("alice", "none"),
        ("bot", recap(MONDAY, standup_answers)),
        ("bot", prompt("leads", MONDAY)),
        ("alice", leads_list),
        ("bot", recap(MONDAY, leads_answers)),
    ]


async def test_answering_ahead_answers_todays_run_and_the_prompt_does_not_come(
    zulip: LocalZulip, database_url: str
) -> None:
    """At 05:00 on Tuesday in Berlin (still Monday evening for the New York team) Alice sends
    `answer #**leads**`: she answers Tuesday's run, on time, her report is posted, and at her
    09:30 prompt time (and her reminder time) the bot sends her nothing more."""
    clock = SteppedClock(at(TUESDAY, 4, 0))  # Tue 05:00 Berlin, Mon 23:00 New York
    async with running_bot(zulip, database_url, clock) as process:
        await set_up_leads(zulip)
        assert await dm(zulip, "alice", "answer #**leads**") == [prompt("leads", TUESDAY)]
        answers = ["Planned the offsite", "Budget review", "none"]
        assert await dm(zulip, "alice", "1. Planned the offsite\n2. Budget review\n3. none") == [
            recap(TUESDAY, answers)
        ]
        await eventually(lambda: "Planned the offsite" in bot_posts(zulip, "leads"), "report")

        assert [r["run_date"] for r in rows(process, "runs")] == [TUESDAY]
        assert await answers_by_channel(process, TUESDAY, zulip.user("alice").user_id) == {
            "leads": answers
        }
        (mine,) = rows(process, "conversations", user_id=zulip.user("alice").user_id)
        assert (mine["state"], mine["late"]) == ("done", False)

        seen = len(bot_dms_to(zulip, "alice"))
        for instant in (at(TUESDAY, 8, 30), at(TUESDAY, 10, 45)):  # 09:30 and 11:45 Berlin
            clock.set(instant)
            await settle(process)
        assert len(bot_dms_to(zulip, "alice")) == seen
        jobs = rows(process, "jobs", user_id=zulip.user("alice").user_id, run_date=TUESDAY)
        assert {(j["kind"], j["status"]) for j in jobs} == {
            ("prompt", "done"),
            ("reminder", "done"),
        }
