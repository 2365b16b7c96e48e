"""The bot's reaction emoji are pairs Zulip's emoji data holds (issue 11, case 8)."""

from __future__ import annotations

import pytest

from localzulip.emoji import CODEPOINT_TO_NAME, NAME_TO_CODEPOINT, check_emoji_request
from zulip_standup.domain.conversation.machine import CHANGE_EMOJI, EDIT_EMOJI, PROBLEM_EMOJI
from zulip_standup.domain.emoji import BOT_EMOJI, CHANGED, Emoji


@pytest.mark.parametrize("emoji", BOT_EMOJI.values(), ids=lambda e: e.name)
def test_each_bot_emoji_is_named_and_coded_as_zulip_has_it(emoji: Emoji) -> None:
    assert NAME_TO_CODEPOINT[emoji.name] == emoji.code
    assert emoji.code in CODEPOINT_TO_NAME
    check_emoji_request(emoji.name, emoji.code, "unicode_emoji")  # raises on a refused pair


def test_every_reaction_the_conversation_makes_is_in_the_table() -> None:
    assert {EDIT_EMOJI, CHANGE_EMOJI, PROBLEM_EMOJI} <= set(BOT_EMOJI)


def test_check_is_the_white_heavy_check_mark_not_the_heavy_check_mark() -> None:
    assert (CHANGED.name, CHANGED.code) == ("check", "2705")
    assert CODEPOINT_TO_NAME["2714"] == "check_mark"
