"""The one rule that decides whether a DM answers an open question or is a command."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.commands.grammar import parse_command, strip_address
from zulip_standup.domain.commands.message_routing import answers_open_question
from zulip_standup.domain.conversation.answers import unmarked
from zulip_standup.domain.conversation.machine import (
    Back,
    ChangeRequested,
    MessageReceived,
    Restart,
    SkipDay,
    classify_message,
)

TODAY = dt.date(2026, 11, 30)


def answers(text: str, *, current: bool = True) -> bool:
    addressed, body = strip_address(text, "Standup", 42)
    parsed = parse_command(text, today=TODAY, in_dm=True, bot_name="Standup", bot_id=42)
    return answers_open_question(body, parsed, addressed=addressed, current=current)


@pytest.mark.parametrize(
    "text",
    [
        "help",
        "my data",
        "status",
        "participants remove @**Dave Member**",
        "pause",
        "resume",
        "skip tomorrow",
        "timezone Europe/Berlin",
        "@**Standup** Shipped the release",
        "/standup status",
    ],
)
def test_commands_are_commands_while_a_question_is_open(text: str) -> None:
    assert not answers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Shipped the release",
        "Help needed from the design team",  # starts with a command word, is no command
        "Setup of the CI runners",
        "1. a\n2. b\n3. c",
        "skip",
        "back",
        "restart",
        "change 2 Reviewing the notes",
        "> help",
        ">status",
        "> skip",
    ],
)
def test_answers_and_the_conversations_own_words_go_to_the_conversation(text: str) -> None:
    assert answers(text)


def test_an_earlier_days_conversation_leaves_skip_and_back_to_the_commands() -> None:
    assert not answers("skip", current=False)
    assert not answers("back", current=False)
    assert answers("Finished yesterday's review", current=False)
    assert answers("> skip", current=False)


def test_the_mark_makes_any_text_an_answer_and_is_not_stored() -> None:
    assert classify_message("> skip", 7) == MessageReceived("skip", 7)
    assert classify_message(">back", 7) == MessageReceived("back", 7)
    assert classify_message("> change 2 x", 7) == MessageReceived("change 2 x", 7)
    assert classify_message("skip", 7) == SkipDay()
    assert classify_message("back", 7) == Back()
    assert classify_message("restart", 7) == Restart()
    assert classify_message("change 2 x", 7) == ChangeRequested(2, "x", 7)
    assert unmarked("> help\nmore") == "help\nmore"
    assert unmarked("plain > text") == "plain > text"
