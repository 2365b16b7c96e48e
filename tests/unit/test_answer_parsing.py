"""Answer parsing: all-at-once messages (numbered, paragraphs), code fences, none-like blockers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zulip_standup.domain.conversation.answers import answers_in, split_answers
from zulip_standup.domain.reports.blockers import is_none_like


@pytest.mark.parametrize("marker", [".", ")", ":"])
def test_numbered_answers(marker: str) -> None:
    """`1.`, `1)` and `1:` lists answer every question in order."""
    text = f"1{marker} Fixed the *login* bug\n2{marker} Review 🚀\n3{marker} none"
    assert split_answers(text, 3) == ("Fixed the *login* bug", "Review 🚀", "none")


def test_numbered_multi_line_answers() -> None:
    """Lines after a number, including a nested list, belong to that answer."""
    text = "1.\nDid:\n- a\n- b\n\n2. Will do:\n   1. c\n   2. d\n3. nothing"
    assert split_answers(text, 3) == ("Did:\n- a\n- b", "Will do:\n   1. c\n   2. d", "nothing")


def test_numbers_must_match_the_question_count() -> None:
    """A numbered list with a different count is one answer, not several."""
    assert split_answers("1. a\n2. b", 3) is None
    assert split_answers("1. a\n2. b\n3. c\n4. d", 3) is None
    assert split_answers("2. a\n3. b", 2) is None


def test_text_before_the_first_number_is_not_a_list() -> None:
    """A list that does not start on the first line is one answer (unless paragraphs match)."""
    assert split_answers("Intro\n1. a\n2. b", 2) is None


def test_blank_line_paragraphs() -> None:
    """Exactly N paragraphs separated by blank lines answer N questions."""
    text = "Yesterday **this**\nand that\n\n  \nToday: more\n\nNo blockers"
    assert split_answers(text, 3) == ("Yesterday **this**\nand that", "Today: more", "No blockers")
    assert split_answers(text, 2) is None
    assert split_answers(text, 4) is None


def test_fenced_code_is_never_split() -> None:
    """Blank lines and numbers inside ``` or ~~~ fences do not split answers."""
    code = "```python\n1. not a number\n\n2. still code\n```"
    text = f"1. Wrote\n{code}\n2. Tests"
    assert split_answers(text, 2) == (f"Wrote\n{code}", "Tests")
    paragraphs = "Did this\n~~~\na\n\nb\n~~~\n\nNext thing"
    assert split_answers(paragraphs, 2) == ("Did this\n~~~\na\n\nb\n~~~", "Next thing")


def test_unclosed_fence_swallows_the_rest() -> None:
    """An unclosed fence runs to the end, so nothing after it splits."""
    assert split_answers("a\n\n```\nb\n\nc", 2) == ("a", "```\nb\n\nc")
    assert split_answers("a\n\n```\nb\n\nc", 3) is None


def test_single_answer() -> None:
    """One question, or a plain message, is one answer kept verbatim."""
    assert split_answers("1. a\n2. b", 1) is None
    assert answers_in("  just one thing 👍  ", 3) == ("just one thing 👍",)
    assert answers_in("1. a\n2. b", 2) == ("a", "b")


@pytest.mark.parametrize(
    "text",
    ["none", "None.", "no", "NOPE!", "n/a", "N/A", "-", "—", "nothing", "No blockers",
     "no blockers today", "**none**", "_nothing_", "", "  ", "all good", "none so far", "nil",
     "👍", ":thumbs_up:", "no, thanks"],
)  # fmt: skip
def test_none_like(text: str) -> None:
    """Common ways of saying "no blocker" are recognised, whatever case and emphasis."""
    assert is_none_like(text)


@pytest.mark.parametrize(
    "text",
    ["Waiting for the API key", "no access to prod", "None of the tests pass", "blocked by ops",
     "not sure", "nothing works"],
)  # fmt: skip
def test_real_blockers_are_not_none_like(text: str) -> None:
    """Answers that merely start with a none word are real blockers."""
    assert not is_none_like(text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(), count=st.integers(1, 10))
def test_answer_parser_is_total(text: str, count: int) -> None:
    """Any text gives either exactly `count` non-empty answers or None; nothing raises."""
    parts = split_answers(text, count)
    if parts is not None:
        assert len(parts) == count
        assert all(part.strip() for part in parts)
        for part in parts:
            assert part in text or part.replace("\n", "\r\n") in text or "\r" in text
    assert len(answers_in(text, count)) in {1, count}
    is_none_like(text)


@settings(max_examples=100, deadline=None)
@given(
    answers=st.lists(
        st.text(min_size=1).filter(lambda t: t.strip() and "\n" not in t and "\r" not in t),
        min_size=2,
        max_size=10,
    )
)
def test_numbered_round_trip(answers: list[str]) -> None:
    """Single-line answers written as a numbered list come back as written (stripped)."""
    text = "\n".join(f"{n}. {answer}" for n, answer in enumerate(answers, start=1))
    parts = split_answers(text, len(answers))
    if all(not a.lstrip().startswith(("```", "~~~")) for a in answers):
        assert parts == tuple(answer.strip() for answer in answers)
