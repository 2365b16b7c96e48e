"""Property tests: the command parser never raises and always explains itself."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.grammar import parse_command
from zulip_standup.domain.commands.registry import COMMAND_BY_WORD
from zulip_standup.domain.commands.setting_registry import SETTING_BY_WORD

WORDS = sorted({*COMMAND_BY_WORD, *SETTING_BY_WORD, "confirm", "until", "add", "remove", "|"})
PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(["@**Ada|1**", "@**all**", "@*g*", "#**c**", "#**c>t**", "9:30", "25:99"]),
    st.sampled_from(["2026-02-30", "7 days", "..", "{date}", "```", "\n", "\x00", "\u200b"]),
    st.text(max_size=12),
)
COMMANDISH = st.lists(PIECES, max_size=12).map(" ".join)
ANY_TEXT = st.one_of(
    COMMANDISH,
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.builds(lambda w, n: w + " " + "x" * n, st.sampled_from(WORDS), st.integers(0, 20_000)),
)


@settings(max_examples=400, deadline=None)
@given(
    text=ANY_TEXT,
    in_dm=st.booleans(),
    today=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31)),
)
def test_parser_is_total(text: str, in_dm: bool, today: dt.date) -> None:
    """Any text gives a command or an error with a non-empty message; nothing raises."""
    for candidate in (text, f"@**Standup** {text}", f"/standup {text}"):
        result = parse_command(candidate, today=today, in_dm=in_dm)
        if isinstance(result, ct.CommandError):
            assert result.message.strip()
            assert result.text.strip()
        else:
            assert isinstance(result, ct.ParsedCommand)


def test_huge_text_is_refused_quickly() -> None:
    """A megabyte of text is refused with a length message, not parsed."""
    result = parse_command(
        "config questions add " + "x" * 1_000_000, today=dt.date(2026, 1, 1), in_dm=True
    )
    assert isinstance(result, ct.CommandError)
    assert "1,000,021 characters" in result.message
