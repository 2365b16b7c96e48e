"""Commands typed while a question is open act as commands, live and when caught up after a
restart (issue 11, case 1); `>` answers with text that reads like a command; an unknown word
is an unknown command (case 11). On the twin; fixed on branch i11-routing."""

from __future__ import annotations

import pytest

from service.harness import MONDAY, Team, utc
from zulip_standup.domain.commands import help_texts as command_texts
from zulip_standup.domain.commands import reply_texts
from zulip_standup.domain.conversation import texts as conversation_texts
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

Q = [q.text for q in DEFAULT_QUESTIONS]
ANSWERS = ["Reviewed the payments PR", "Ship the 2.4 release", "none"]
STILL_WAITING = "**standup** is still waiting for your answer to question 1 of 3."


async def lena_prompted(team: Team) -> None:
    """Lena (admin, Berlin) sets up #team; at 09:30 Berlin her question 1 is open."""
    await team.sets_up(team.lena)
    await team.at(utc(MONDAY, 8, 30))
    (prompt,) = team.dms(team.lena)
    assert "**Question 1 of 3:**" in prompt


def stored_answers(team: Team, user_id: int) -> list[str]:
    (standup,) = team.storage.standups.in_realm(team.realm_id)
    run = team.storage.runs.find_run(standup.id, MONDAY)
    assert run is not None
    found = sorted(team.storage.runs.answers_of(run.id, user_id), key=lambda a: a.question_index)
    return [a.text for a in found]


async def answers_one_by_one(team: Team) -> None:
    for number, text in enumerate(ANSWERS, start=1):
        (reply, *_more) = await team.says(team.lena, text)
        if number < len(Q):
            assert reply == conversation_texts.question_text(number + 1, len(Q), Q[number])
        else:
            assert reply.startswith("Thanks! Your **standup** answers"), reply


COMMANDS = [
    pytest.param("help", command_texts.help_text(), id="help"),
    pytest.param("my data", "This is everything I store about you, Lena Lead:", id="my-data"),
    pytest.param("status", "**standup** in #**team**", id="status"),
    pytest.param(
        "participants remove @**Noa Novak**", "**standup**: removed Noa Novak.", id="remove"
    ),
    pytest.param("pause", "**standup** is paused until you say `resume`.", id="pause"),
    pytest.param("resume", "**standup** runs again on its schedule.", id="resume"),
]


@pytest.mark.parametrize(("command", "reply_start"), COMMANDS)
async def test_a_command_sent_while_a_question_is_open_is_a_command(
    team: Team, command: str, reply_start: str
) -> None:
    """Case 1: Lena has question 1 open and sends a command: she gets the command's reply,
    told the question still waits; nothing is stored. Her three answers then are questions
    1 to 3, and her report holds only them (on main: the command became answer 1)."""
    await lena_prompted(team)
    (reply,) = await team.says(team.lena, command)
    assert reply.startswith(reply_start), reply
    assert STILL_WAITING in reply, reply
    assert stored_answers(team, team.lena.user_id) == []
    await answers_one_by_one(team)
    assert stored_answers(team, team.lena.user_id) == ANSWERS
    report = next(m.content for m in team.channel(team.team_channel) if ANSWERS[0] in m.content)
    assert command not in report


async def test_help_sent_while_the_bot_is_down_is_a_command_after_the_restart(team: Team) -> None:
    """Case 1: Lena's question 1 is open when the bot goes down; she sends `help`. After the
    restart the catch-up handles it as it would live: the help, nothing stored, and her next
    message answers question 1 (on main: `help` became her first answer)."""
    await lena_prompted(team)
    sent = team.sends_while_down(team.lena, "help")
    await team.restart()
    mark = max(team.chat.messages)
    await team.deliver(sent)
    (reply,) = team.dms(team.lena, after=mark)
    assert reply.startswith(command_texts.help_text()), reply
    assert STILL_WAITING in reply, reply
    assert stored_answers(team, team.lena.user_id) == []
    assert await team.says(team.lena, ANSWERS[0]) == [
        conversation_texts.question_text(2, len(Q), Q[1])
    ]


async def test_text_that_reads_like_a_command_is_an_answer_after_the_mark(team: Team) -> None:
    """Case 1: `> status of the payments PR`, `>skip` and `> help` are answers, stored
    without the mark (`skip` does not skip), and the prompt said how to do that."""
    await lena_prompted(team)
    assert "start it with `>` (e.g. `> help`)" in team.dms(team.lena)[0]
    assert await team.says(team.lena, "> status of the payments PR") == [
        conversation_texts.question_text(2, len(Q), Q[1])
    ]
    assert await team.says(team.lena, ">skip") == [
        conversation_texts.question_text(3, len(Q), Q[2])
    ]
    (recap,) = await team.says(team.lena, "> help")
    assert recap.startswith("Thanks! Your **standup** answers"), recap
    assert stored_answers(team, team.lena.user_id) == ["status of the payments PR", "skip", "help"]
    assert "status of the payments PR" in team.channel_text(team.team_channel)


async def test_a_plain_answer_is_still_an_answer(team: Team) -> None:
    """The other side of case 1: ordinary text while a question is open is the answer."""
    await lena_prompted(team)
    await answers_one_by_one(team)
    assert stored_answers(team, team.lena.user_id) == ANSWERS


async def test_an_unknown_word_without_an_open_question_is_an_unknown_command(team: Team) -> None:
    """Case 11: Ravi, with no question open, sends `fooboo`: he is told it is no command and
    pointed to `help` (on main: "You have no standup to answer right now"); a typo gets a
    suggestion."""
    assert await team.says(team.ravi, "fooboo") == [
        reply_texts.unknown_command("fooboo", None)
        + "\n"
        + conversation_texts.no_open_standup_text()
    ]
    (typo,) = await team.says(team.ravi, "hepl")
    assert typo.startswith("I don't know the command `hepl`. Did you mean `help`?"), typo
