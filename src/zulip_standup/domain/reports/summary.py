"""The plain summary of one standup day: participation, blockers and the most repeated themes.

It is the summary every standup gets when AI is off and the fallback whenever
the AI call fails, so it must never fail and must be reproducible: the same
answers always give the same text (ties are broken alphabetically, no
randomness, no clock).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from zulip_standup.domain.reports import texts
from zulip_standup.domain.reports.report import AnswerSet, PersonRef
from zulip_standup.domain.standup import Question

DEFAULT_THEME_COUNT = 5
MIN_WORD_LENGTH = 3

_MENTION = re.compile(r"@_?\*\*[^*\n]*\*\*|@_?\*[^*\n]*\*")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+", re.IGNORECASE)
_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.DOTALL)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can cannot could couldn't did didn't do does doesn't
    doing don't done down during each etc few for from further get gets getting got had hadn't has
    hasn't have haven't having he her here hers herself him himself his how i i'm if in into is
    isn't it it's its itself just let's like lot lots me more most much must my myself need needs
    no nor not now of off on once one only or other ought our ours ourselves out over own per
    really same see she should shouldn't so some still such than that that's the their theirs them
    themselves then there these they this those through to too today tomorrow under until up upon
    us very via was wasn't we were weren't what when where which while who whom why will with won't
    would wouldn't yesterday yet you your yours yourself yourselves
    continue continued continuing doing done finish finished finishing going keep kept make made
    making start started starting work worked working yes nope none nothing blocker blockers
    blocking blocked anything thing things day days week morning afternoon
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class SummaryDay:
    """One standup's answers for one run date, with the counts the summaries report."""

    standup_name: str
    run_date: dt.date
    questions: tuple[Question, ...]
    answer_sets: tuple[AnswerSet, ...]
    expected: int
    blocker_count: int
    # Everyone else whose name may appear in an answer (the standup's other members, the
    # realm's other people): the AI summary hides their names too.
    known_people: tuple[PersonRef, ...] = ()

    def todays(self) -> tuple[AnswerSet, ...]:
        """Only the answers of this run date: summaries never see another day's answers."""
        return tuple(a for a in self.answer_sets if a.run_date == self.run_date)

    def participants(self) -> tuple[PersonRef, ...]:
        """Today's answering people, in a stable order (by user id)."""
        return tuple(sorted({a.participant for a in self.todays()}, key=lambda p: p.user_id))


@dataclass(frozen=True)
class PlainSummary:
    """The figures of a plain summary, before wording."""

    answered: int
    expected: int
    blockers: int
    themes: tuple[tuple[str, int], ...]

    @property
    def rate(self) -> float:
        return self.answered / self.expected if self.expected else 0.0


def keywords(text: str) -> list[str]:
    """The content words of a text: lower case, no mentions, links, code or stopwords."""
    cleaned = _CODE.sub(" ", _URL.sub(" ", _MENTION.sub(" ", text)))
    words = []
    for match in _WORD.finditer(cleaned.casefold()):
        word = match.group().replace("’", "'")
        if len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS:
            words.append(word)
    return words


def themes(answers: Sequence[str], top: int = DEFAULT_THEME_COUNT) -> tuple[tuple[str, int], ...]:
    """The most repeated keywords, counted once per answer, most frequent first, ties A→Z.

    Counting each word once per answer keeps one verbose person from
    becoming "the team's theme"; a word must appear in two answers to count.
    """
    counts: Counter[str] = Counter()
    for answer in answers:
        counts.update(set(keywords(answer)))
    ranked = sorted((item for item in counts.items() if item[1] >= 2), key=lambda i: (-i[1], i[0]))
    return tuple(ranked[:top])


def plain_summary(day: SummaryDay, top: int = DEFAULT_THEME_COUNT) -> PlainSummary:
    """The figures for a day: answered of expected, blockers, and themes over today's answers."""
    todays = day.todays()
    answers = [text for answer_set in todays for text in answer_set.answers]
    answered = len({a.participant.user_id for a in todays})
    return PlainSummary(
        answered=answered,
        expected=max(day.expected, answered),
        blockers=day.blocker_count,
        themes=themes(answers, top),
    )


def render_plain_summary(summary: PlainSummary) -> str:
    """The plain summary as Markdown bullet points for the digest."""
    lines = [
        texts.SUMMARY_PARTICIPATION.format(
            answered=summary.answered,
            expected=summary.expected,
            rate=texts.percent(summary.answered, summary.expected),
        ),
        texts.SUMMARY_BLOCKERS.format(count=summary.blockers)
        if summary.blockers
        else texts.SUMMARY_BLOCKERS_NONE,
    ]
    if summary.themes:
        listed = ", ".join(
            texts.SUMMARY_THEME.format(word=word, count=count) for word, count in summary.themes
        )
        lines.append(texts.SUMMARY_THEMES.format(themes=listed))
    else:
        lines.append(texts.SUMMARY_NO_THEMES)
    return "\n".join(lines)


def summarize_plainly(day: SummaryDay, top: int = DEFAULT_THEME_COUNT) -> str:
    """The plain summary text for a day, in one call."""
    return render_plain_summary(plain_summary(day, top))


@dataclass(frozen=True)
class SummaryResult:
    """The summary to post: sanitised Markdown, where it came from, and why AI was not used."""

    text: str
    source: Literal["ai", "plain"]
    error: str | None = None

    @property
    def is_ai(self) -> bool:
        return self.source == "ai"
