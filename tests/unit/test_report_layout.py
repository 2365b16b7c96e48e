"""Re-posted answers cannot change a report's layout (issue 11, case 13).

The fence rule is Zulip's (zerver/lib/markdown/fenced_code.py): a fence is 3+
backticks or tildes at the start of a line with an optional language; only a
line equal to the same fence closes it; an unclosed fence runs to the end of
the message; ``quote`` and ``spoiler`` blocks nest fences, code blocks don't.
"""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.reports.report import (
    AnswerSet,
    DigestInput,
    PersonRef,
    render_digest,
    render_edit_update,
    render_person_report,
    sanitizer_for,
)
from zulip_standup.domain.reports.sanitize import sanitize
from zulip_standup.domain.standup import DEFAULT_QUESTIONS, MentionPolicy

SILENT = sanitizer_for(MentionPolicy.SILENT)
DAY = dt.date(2026, 11, 30)
ANN = PersonRef(11, "Ann Archer")
BEN = PersonRef(12, "Ben Baker")
UNCLOSED = "Fixed the parser:\n```python\ndef parse(text):\n    return text.split()"


def code_lines(message: str) -> list[str]:
    """The lines Zulip shows as code in a message (a reader written for this test)."""
    open_fences: list[str] = []  # the opening lines of the blocks open, innermost last
    shown: list[str] = []
    for line in message.split("\n"):
        innermost = open_fences[-1] if open_fences else None
        if innermost is not None and line.rstrip() == _fence_of(innermost):
            open_fences.pop()
        elif (innermost is None or _lang_of(innermost) in NESTING) and _opens(line):
            open_fences.append(line)
        elif innermost is not None and _lang_of(innermost) not in NESTING:
            shown.append(line)
    return shown


NESTING = {"quote", "quoted", "spoiler"}


def _fence_of(line: str) -> str:
    char = line[:1]
    run = len(line) - len(line.lstrip(char)) if char in {"`", "~"} else 0
    return char * run if run >= 3 else ""


def _opens(line: str) -> bool:
    fence = _fence_of(line)
    return bool(fence) and not any(c in "`~" for c in line[len(fence) :])


def _lang_of(line: str) -> str:
    words = line.lstrip("`~").split()
    return words[0].lower() if words else ""


def answers(person: PersonRef, texts: tuple[str, ...], minute: int = 30) -> AnswerSet:
    at = dt.datetime(2026, 11, 30, 9, minute, tzinfo=dt.UTC)
    return AnswerSet(person, DAY, texts, at, "UTC")


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        ("plain text", "plain text"),
        ("```\ncode", "```\ncode\n```"),
        ("~~~\ncode\n", "~~~\ncode\n~~~"),
        ("````python\nx = 1\n```", "````python\nx = 1\n```\n````"),  # only the same fence closes
        ("```\ndone\n```", "```\ndone\n```"),
        ("```\ndone\n```  ", "```\ndone\n```  "),  # trailing spaces still close
        ("~~~quote\nsaid\n```\ncode", "~~~quote\nsaid\n```\ncode\n```\n~~~"),  # nested
        ("```\n~~~quote\ncode", "```\n~~~quote\ncode\n```"),  # nothing opens inside code
        ("~~~spoiler Details\nhidden", "~~~spoiler Details\nhidden\n~~~"),
        ("```math\nx^2", "```math\nx^2\n```"),
        ("   ```\nindented is no fence in Zulip", "   ```\nindented is no fence in Zulip"),
        ("``` `x` ```", "``` `x` ```"),  # an inline code span, not a fence
    ],
)
def test_sanitising_closes_the_fences_an_answer_leaves_open(text: str, closed: str) -> None:
    assert sanitize(text) == closed


def test_sanitised_answer_closes_what_it_opens_and_keeps_its_code() -> None:
    out = sanitize(UNCLOSED)
    assert out == UNCLOSED + "\n```"
    assert code_lines(out) == ["def parse(text):", "    return text.split()"]


def test_an_underline_cannot_turn_the_question_into_a_heading() -> None:
    [message] = render_person_report(
        answers(ANN, ("===", "---\nmore", "none")), DEFAULT_QUESTIONS, sanitize=SILENT
    )
    assert "\n\\===\n" in message
    assert "\n\\---\nmore" in message


def test_person_report_shows_only_the_answer_as_code() -> None:
    [message] = render_person_report(
        answers(ANN, (UNCLOSED, "Review the tax rules", "none")), DEFAULT_QUESTIONS, sanitize=SILENT
    )
    assert code_lines(message) == ["def parse(text):", "    return text.split()"]
    assert "Review the tax rules" in message


def test_digest_with_answers_keeps_other_peoples_answers_out_of_the_code() -> None:
    digest = DigestInput(
        standup_name="Team",
        run_date=DAY,
        questions=DEFAULT_QUESTIONS,
        answered=(
            answers(ANN, (UNCLOSED, "~~~quote\nquoted and never closed", "none"), 30),
            answers(BEN, ("Paired on billing", "Billing migration", "VPN access"), 40),
        ),
        include_answers=True,
    )
    [message] = render_digest(digest, sanitize=SILENT)
    assert code_lines(message) == ["def parse(text):", "    return text.split()"]
    assert "Paired on billing" in message
    assert message.rstrip().endswith("VPN access")


def test_split_digest_parts_each_keep_the_layout() -> None:
    """Over the limit, every part renders its answers outside code except Ann's code."""
    people = [PersonRef(100 + i, f"Person {i}") for i in range(12)]
    answered = tuple(
        answers(p, (UNCLOSED if i % 3 == 0 else f"Work item {i}", "Plan " * 40, "none"), i)
        for i, p in enumerate(people)
    )
    digest = DigestInput(
        standup_name="Team",
        run_date=DAY,
        questions=DEFAULT_QUESTIONS,
        answered=answered,
        include_answers=True,
    )
    parts = render_digest(digest, sanitize=SILENT, limit=1500)
    assert len(parts) > 1
    for part in parts:
        assert len(part) <= 1500
        assert set(code_lines(part)) <= {"def parse(text):", "    return text.split()"}
    assert sum(p.count("Work item") for p in parts) == 8


def test_edit_update_closes_the_fence_too() -> None:
    [update] = render_edit_update(ANN, 0, DEFAULT_QUESTIONS, UNCLOSED, sanitize=SILENT)
    assert update.endswith("    return text.split()\n```")
