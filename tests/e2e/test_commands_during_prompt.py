"""Issue 11, cases 1 and 11, from the person's side: commands typed while a standup question
is open act as commands (live, and when caught up after a restart), the question stays
open, and only real answers reach the channel; `>` answers with text that reads like a
command; an unknown word gets "unknown command", not "no standup to answer"."""

from __future__ import annotations

import datetime as dt

import pytest

from localzulip import LocalZulip
from zulip_standup.app import BotProcess
from zulip_standup.domain.commands import help_texts as command_texts
from zulip_standup.domain.commands import reply_texts
from zulip_standup.domain.conversation import texts as conversation_texts
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

from .harness import SteppedClock, running_bot, wait_for
from .people import bot_dms_to, dm, eventually, rows
from .test_durability import restartable

Q = [q.text for q in DEFAULT_QUESTIONS]
# Monday 30 Nov 2026. 03:00 UTC is before everyone's 09:30. Each test steps to one person's
# prompt and no further, so no reminder of theirs is due: 04:01 UTC is 09:31 in Kolkata
# (Carol), 08:31 UTC is 09:31 in Berlin (Alice).
BEFORE = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
PROMPTED = {
    "carol": dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC),
    "alice": dt.datetime(2026, 11, 30, 8, 31, tzinfo=dt.UTC),
}
ANSWERS = ["Reviewed the payments PR", "Ship the 2.4 release", "none"]


def still_waiting(number: int) -> str:
    return conversation_texts.still_waiting_text("standup", number, len(Q))


async def set_up_and_prompt(zulip: LocalZulip, clock: SteppedClock, who: str) -> None:
    """Alice sets up #standup; at 09:31 on ``who``'s clock their prompt is open (the wait
    ends when it is there)."""
    zulip.human("alice").send_stream("standup", "general", "@**Standup** setup")
    await wait_for(zulip, lambda m: m.sender_id == zulip.bot.user_id and "is set up" in m.content)
    clock.set(PROMPTED[who])
    user_id = zulip.user(who).user_id
    await wait_for(
        zulip,
        lambda m: (
            m.sender_id == zulip.bot.user_id
            and user_id in m.dm_user_ids
            and "Time for" in m.content
        ),
    )


def stored_answers(process: BotProcess, zulip: LocalZulip, who: str) -> list[str]:
    return [r["text"] for r in rows(process, "answers", user_id=zulip.user(who).user_id)]


async def answer_everything(zulip: LocalZulip, who: str, answers: list[str]) -> None:
    """Answer the questions one at a time, starting at question 1: each reply is the next."""
    for number, answer in enumerate(answers, start=1):
        reply = await dm(zulip, who, answer)
        if number < len(Q):
            assert reply == [f"**Question {number + 1} of {len(Q)}:** {Q[number]}"], reply
        else:
            assert reply[0].startswith("Thanks! Your **standup** answers"), reply


async def report_of(zulip: LocalZulip, full_name: str) -> str:
    """The bot's post of this person's answers in #standup."""
    report = await wait_for(
        zulip,
        lambda m: (
            m.sender_id == zulip.bot.user_id
            and m.stream_id is not None
            and full_name in m.content
            and ANSWERS[0] in m.content
        ),
        15,
    )
    return report.content


COMMANDS = [
    pytest.param("help", command_texts.help_text(), id="help"),
    pytest.param("my data", "This is everything I store about you, Alice Owner:", id="my-data"),
    pytest.param("status", "**standup** in #**standup**", id="status"),
    pytest.param(
        "participants remove @**Dave Member**",
        "**standup**: removed Dave Member.",
        id="participants-remove",
    ),
    pytest.param("pause", "**standup** is paused until you say `resume`.", id="pause"),
    pytest.param("resume", "**standup** runs again on its schedule.", id="resume"),
]


@pytest.mark.parametrize(("command", "reply_start"), COMMANDS)
async def test_a_command_sent_while_a_question_is_open_is_a_command(
    zulip: LocalZulip, database_url: str, command: str, reply_start: str
) -> None:
    """Alice (owner) has question 1 of 3 open and sends a command: she gets the command's
    reply, told the question still waits; nothing is stored as her answer. Her three answers
    then are questions 1, 2 and 3, and her report in #standup holds only them (before: the
    command was stored as her answer to question 1 and posted in the report)."""
    clock = SteppedClock(BEFORE)
    async with running_bot(zulip, database_url, clock) as process:
        await set_up_and_prompt(zulip, clock, "alice")
        reply = await dm(zulip, "alice", command)
        assert reply[0].startswith(reply_start), reply
        assert reply[0].endswith(still_waiting(1)), reply
        assert stored_answers(process, zulip, "alice") == []
        await answer_everything(zulip, "alice", ANSWERS)
        assert stored_answers(process, zulip, "alice") == ANSWERS
        report = await report_of(zulip, "Alice Owner")
        assert command not in report
        for answer in ANSWERS:
            assert answer in report


async def test_help_sent_while_the_bot_is_down_is_a_command_after_the_restart(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol's question 1 is open when the bot goes down; she sends `help`. When the bot is
    back, the catch-up handles it as it would live: she gets the help, nothing is stored,
    and her next message answers question 1 (before: `help` became her first answer)."""
    clock = SteppedClock(BEFORE)
    async with restartable(zulip, database_url, clock) as bot:
        await bot.start()
        await set_up_and_prompt(zulip, clock, "carol")
        await bot.kill()
        sent = zulip.human("carol").dm_bot("help")
        process = await bot.start()
        await eventually(
            lambda: any(
                t.startswith("**Standup bot commands**")
                for t in bot_dms_to(zulip, "carol", sent.id)
            ),
            "Carol got the help after the restart",
        )
        assert bot_dms_to(zulip, "carol", sent.id) == [
            f"{command_texts.help_text()}\n\n{still_waiting(1)}"
        ]
        assert stored_answers(process, zulip, "carol") == []
        assert await dm(zulip, "carol", ANSWERS[0]) == [f"**Question 2 of {len(Q)}:** {Q[1]}"]
        assert stored_answers(process, zulip, "carol") == [ANSWERS[0]]


async def test_text_that_reads_like_a_command_is_an_answer_after_the_mark(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol answers `> status of the payments PR`, `>skip` and `> help`: they are stored
    without the mark, the next question comes each time (`skip` does not skip), the report
    shows them as her answers, and her prompt told her about the mark (before: the mark was
    stored with the answer and nothing said how to answer with such text)."""
    clock = SteppedClock(BEFORE)
    async with running_bot(zulip, database_url, clock) as process:
        await set_up_and_prompt(zulip, clock, "carol")
        assert await dm(zulip, "carol", "> status of the payments PR") == [
            f"**Question 2 of {len(Q)}:** {Q[1]}"
        ]
        assert await dm(zulip, "carol", ">skip") == [f"**Question 3 of {len(Q)}:** {Q[2]}"]
        recap = await dm(zulip, "carol", "> help")
        assert recap[0].startswith("Thanks! Your **standup** answers"), recap
        assert stored_answers(process, zulip, "carol") == [
            "status of the payments PR",
            "skip",
            "help",
        ]
        report = await wait_for(
            zulip,
            lambda m: (
                m.sender_id == zulip.bot.user_id
                and m.stream_id is not None
                and "status of the payments PR" in m.content
            ),
            15,
        )
        assert "Carol Member" in report.content
        prompt = next(t for t in bot_dms_to(zulip, "carol") if "Time for" in t)
        assert "start it with `>` (e.g. `> help`)" in prompt


async def test_an_unknown_word_without_an_open_question_is_an_unknown_command(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol, with no question open, sends `fooboo`: she is told it is no command and pointed
    to `help` (before: "You have no standup to answer right now"); a typo gets a suggestion."""
    async with running_bot(zulip, database_url, SteppedClock(BEFORE)):
        reply = await dm(zulip, "carol", "fooboo")
        assert reply == [
            reply_texts.unknown_command("fooboo", None)
            + "\n"
            + conversation_texts.no_open_standup_text()
        ]
        assert reply[0].startswith("I don't know the command `fooboo`.")
        assert "Send `help` for the list." in reply[0]
        typo = await dm(zulip, "carol", "hepl")
        assert typo[0].startswith("I don't know the command `hepl`. Did you mean `help`?")
