"""Long reports are split into messages under the limit, at person and answer boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zulip_standup.domain.reports.report import (
    AnswerSet,
    DigestInput,
    PersonRef,
    render_digest,
    render_person_report,
    sanitizer_for,
)
from zulip_standup.domain.reports.split import (
    Block,
    Group,
    pack,
    split_message,
    split_text,
)
from zulip_standup.domain.standup import DEFAULT_QUESTIONS, MentionPolicy

SILENT = sanitizer_for(MentionPolicy.SILENT)
DAY = dt.date(2026, 11, 30)
NOON = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def sixty_people() -> list[AnswerSet]:
    people = []
    for i in range(60):
        answers = (
            f"Person {i:02d} finished ticket {i}, reviewed two pull requests, wrote notes.",
            f"Person {i:02d} will pair on the billing migration, then triage bug {i * 7}.",
            "none" if i % 3 else f"Person {i:02d} waits for staging credentials (ticket {i})",
        )
        started = NOON + dt.timedelta(minutes=i)
        people.append(AnswerSet(PersonRef(100 + i, f"Person {i:02d}"), DAY, answers, started))
    return people


def test_sixty_person_digest_arrives_whole_across_several_messages() -> None:
    """A digest over 10,000 characters is split, every part fits, each answer is in one part."""
    people = sixty_people()
    digest = DigestInput(
        standup_name="Large team",
        run_date=DAY,
        questions=DEFAULT_QUESTIONS,
        answered=tuple(people),
        include_answers=True,
        summary="- Participation: 60 of 60 answered (100%).",
    )
    parts = render_digest(digest, sanitize=SILENT)
    assert sum(len(p) for p in parts) > 10_000
    assert len(parts) > 1
    assert all(len(part) <= 10_000 for part in parts)
    for answer_set in people:
        header = f"@_**{answer_set.participant.name}|{answer_set.participant.user_id}** · "
        assert sum(part.count(header) for part in parts) == 1
        holder = next(part for part in parts if header in part)
        for answer in answer_set.answers:
            assert answer in holder  # the whole person stays in one message
    assert parts[0].startswith("📋 **Large team · 2026-11-30**")


def test_single_25000_character_answer_is_split_at_line_boundaries() -> None:
    """One huge answer is cut only between lines, later parts say "(continued)", nothing lost."""
    lines = [f"line {i:04d}: " + "x" * 40 for i in range(500)]
    huge = "\n".join(lines)
    assert len(huge) >= 25_000
    person = AnswerSet(
        PersonRef(11, "Alice Smith"), DAY, ("Short.", huge, "Also short."), NOON, "UTC"
    )
    parts = render_person_report(person, DEFAULT_QUESTIONS, sanitize=SILENT)
    assert len(parts) >= 3
    assert all(len(part) <= 10_000 for part in parts)
    assert parts[0].endswith("Short.")  # the huge answer starts a message of its own
    assert parts[1].startswith(
        "@_**Alice Smith|11** (continued)\n\n**2. What will you do today?**\nline 0000: "
    )
    for part in parts[2:]:
        assert part.startswith(
            "@_**Alice Smith|11** (continued)\n\n**2. What will you do today?** (continued)\n"
        )
    found = [line for part in parts for line in part.split("\n") if line.startswith("line ")]
    assert found == lines
    assert "Short." in parts[0]
    assert parts[-1].endswith("**3. Is anything blocking you?**\nAlso short.")


def test_code_fence_is_moved_whole_rather_than_split() -> None:
    """A fenced block that fits in one message is not cut, even if that leaves a part shorter."""
    prose = "\n".join(f"prose line {i}" for i in range(40))
    fence = "```python\n" + "\n".join(f"value_{i} = {i}" for i in range(30)) + "\n```"
    text = f"{prose}\n{fence}\nafter"
    pieces = split_text(text, 700)
    holder = [p for p in pieces if "```python" in p]
    assert len(holder) == 1
    assert fence in holder[0]
    assert all(len(p) <= 700 for p in pieces)


def test_oversized_code_fence_is_closed_and_reopened() -> None:
    """A fence longer than a message is cut inside, but each part is a balanced fence of its own."""
    fence = "```sql\n" + "\n".join(f"VALUES ({i}, {i + 1});" for i in range(200)) + "\n```"
    pieces = split_text(fence, 500)
    assert len(pieces) > 1
    for piece in pieces:
        assert len(piece) <= 500
        assert piece.startswith("```sql\n")
        assert piece.endswith("\n```")
    body = [line for p in pieces for line in p.split("\n")[1:-1]]
    assert body == fence.split("\n")[1:-1]


def test_paragraph_break_preferred_over_line_break() -> None:
    """When a paragraph break leaves a part at least half full, the cut happens there."""
    first = "\n".join(f"alpha {i}" for i in range(40))  # ~320 characters
    second = "\n".join(f"beta {i}" for i in range(40))
    pieces = split_text(f"{first}\n\n{second}", 500)
    assert pieces[0] == first


def test_line_longer_than_a_message_is_cut_at_a_space() -> None:
    """Even a single line longer than the limit arrives whole across parts."""
    words = " ".join(f"word{i}" for i in range(600))
    parts = split_message(words, 1000)
    assert all(len(p) <= 1000 for p in parts)
    rebuilt = "".join(p.removeprefix("*(continued)*\n") for p in parts)
    assert rebuilt == words


def test_groups_that_fit_share_a_message_and_are_not_split() -> None:
    """Small groups are packed together; a group that would not fit starts the next message."""
    groups = [Group((Block("a" * 300), Block("b" * 300)), continued="(cont)") for _ in range(3)]
    parts = pack(groups, 1300)
    assert [len(p) for p in parts] == [602 + 2 + 602, 602]


def test_limit_too_small_is_refused() -> None:
    """A limit too small to hold a header is a programming error, not a silent truncation."""
    with pytest.raises(ValueError, match="limit"):
        split_message("hello", 50)


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="`~"),
            max_size=120,
        ),
        max_size=80,
    ),
    st.integers(min_value=200, max_value=2000),
)
def test_split_keeps_every_line_in_order_and_under_the_limit(lines: list[str], limit: int) -> None:
    """Property: without fences, every non-blank line survives in order and every part fits."""
    text = "\n".join(lines)
    parts = split_message(text, limit)
    assert all(len(p) <= limit for p in parts)
    kept = [
        line
        for index, part in enumerate(parts)
        for line in (part.removeprefix("*(continued)*\n") if index else part).split("\n")
        if line.strip()
    ]
    assert kept == [line for line in lines if line.strip()]
