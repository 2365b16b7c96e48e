"""The plain summary: participation, blockers, repeated themes; deterministic and today-only."""

from __future__ import annotations

import datetime as dt
import random

from zulip_standup.domain.reports.report import AnswerSet, PersonRef
from zulip_standup.domain.reports.summary import (
    PlainSummary,
    SummaryDay,
    keywords,
    plain_summary,
    render_plain_summary,
    summarize_plainly,
    themes,
)
from zulip_standup.domain.standup import DEFAULT_QUESTIONS

DAY = dt.date(2026, 11, 30)
AT = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)


def answer_set(user_id: int, answers: tuple[str, ...], day: dt.date = DAY) -> AnswerSet:
    return AnswerSet(PersonRef(user_id, f"P{user_id}"), day, answers, AT)


SETS = (
    answer_set(1, ("Fixed the billing export", "Review billing PR", "none")),
    answer_set(2, ("Deployed the search index", "Billing migration with @**P1|1**", "VPN down")),
    answer_set(3, ("Search relevance tests", "More search tuning, see https://x.io/billing", "-")),
)


def day_of(sets: tuple[AnswerSet, ...], expected: int = 4, blockers: int = 1) -> SummaryDay:
    return SummaryDay("Team", DAY, DEFAULT_QUESTIONS, sets, expected, blockers)


def test_plain_summary_word_for_word() -> None:
    """Participation, blocker count and the themes, counted once per answer, ties A→Z."""
    assert summarize_plainly(day_of(SETS)) == (
        "- Participation: 3 of 4 answered (75%).\n"
        "- Blockers: 1 reported.\n"
        "- Most mentioned: billing (3×), search (3×)."
    )


def test_plain_summary_is_deterministic_whatever_the_input_order() -> None:
    """The same answers in any order give exactly the same text."""
    expected = summarize_plainly(day_of(SETS))
    shuffled = list(SETS)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert summarize_plainly(day_of(tuple(shuffled))) == expected


def test_other_days_answers_are_ignored() -> None:
    """Only the run date's answers count: yesterday's words and people do not appear."""
    yesterday = answer_set(9, ("kubernetes kubernetes", "kubernetes", "x"), DAY - dt.timedelta(1))
    summary = plain_summary(day_of((*SETS, yesterday)))
    assert summary.answered == 3
    assert "kubernetes" not in dict(summary.themes)


def test_keywords_drop_mentions_links_code_and_stopwords() -> None:
    """Mentions, URLs, code and common words never become themes."""
    text = (
        "Worked with @**Ann Lee|5** on `select_all()` see https://example.com/search and the docs"
    )
    assert keywords(text) == ["docs"]


def test_themes_need_two_answers_and_break_ties_alphabetically() -> None:
    """A word said by one answer only is not a theme; equal counts sort A→Z."""
    answers = ["zebra apple", "apple zebra", "mango mango mango"]
    assert themes(answers) == (("apple", 2), ("zebra", 2))


def test_no_answers_and_no_blockers() -> None:
    """An empty day still renders: 0 of N, no blockers, no themes."""
    assert render_plain_summary(PlainSummary(0, 5, 0, ())) == (
        "- Participation: 0 of 5 answered (0%).\n- Blockers: none reported.\n- No recurring themes."
    )
