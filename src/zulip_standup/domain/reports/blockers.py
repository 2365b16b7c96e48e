"""Which blocker answers are real blockers, and when an open blocker is old enough to call out.

People answer "Is anything blocking you?" with "no", "None!", "n/a", "-",
"No blockers, waiting on nothing" or "nein" far more often than with a
blocker. The rule (see :mod:`blocker_words` for the vocabulary) reads an
answer the way a teammate would, not against a list of exact phrases:

1. Emoji, ``:emoji_codes:``, Markdown emphasis and case do not matter; an
   answer with no words left ("—", "✅", "") says nothing is blocking.
2. The answer is cut into clauses at punctuation (``, ; . ! ? —``, a spaced
   ``-``, a line break) and at the conjunctions "but", "and", "or".
3. A clause is *clear* when every word in it is a negation ("no", "nothing",
   "not", "nobody", "nein"…), a blocker-ish word ("blockers", "blocked",
   "waiting", "issues", "stuck"…), an all-is-well word ("good", "fine",
   "resolved"…) or filler ("today", "so far", "I'm", "on", "thanks"…), and
   a blocker-ish word in it is negated in the same clause: "not blocked",
   "waiting on nothing" and "nothing blocking me" are clear, "blocked" and
   "waiting" alone are not. "nope", "all good" and "thanks" are clear.
4. The answer is "no blocker" when every clause is clear. One word outside
   the vocabulary ("Dave", "CI", "API key", "review") makes it a blocker, so
   "No, but waiting on Dave for the API key" and "blocked on CI" are
   blockers, and so is "No blockers, but I'm out Friday": when in doubt, the
   answer is shown to the team rather than hidden.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from zulip_standup.domain.reports.blocker_words import (
    BLOCKERISH,
    CONJUNCTIONS,
    FILLER,
    NEGATIONS,
    WELL,
)

DEFAULT_CALLOUT_RUN_DAYS = 3

_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:", re.IGNORECASE)
_NOT_APPLICABLE = re.compile(
    r"(?<![^\W_])n\s*[/.]\s*a(?![^\W_])\.?", re.IGNORECASE
)  # "n/a", "N.A."
_CLAUSE_BREAK = re.compile(r"[,;.!?…()\[\]\n–—]|(?:^|\s)-+(?=\s|$)")
_CONJUNCTION = re.compile(r"\b(?:" + "|".join(sorted(CONJUNCTIONS)) + r")\b")
_APOSTROPHES = re.compile(r"['’`]")


def normalise_answer(text: str) -> str:
    """The answer reduced to lower-case words: punctuation, symbols and emoji dropped."""
    return " ".join(word for clause in clauses(text) for word in clause)


def clauses(text: str) -> list[list[str]]:
    """The answer's clauses, each as its lower-case words (emoji, markup and codes dropped)."""
    text = unicodedata.normalize("NFKC", text)
    text = _NOT_APPLICABLE.sub(" na ", _EMOJI_CODE.sub(" ", text))
    text = _APOSTROPHES.sub("", text).casefold()  # "I'm" -> "im", "isn't" -> "isnt"
    found = []
    for piece in _CLAUSE_BREAK.split(text):
        for part in _CONJUNCTION.split(piece):
            kept = [
                char if unicodedata.category(char)[0] in "LNM" else " "
                for char in unicodedata.normalize("NFC", part)
            ]
            words = "".join(kept).split()
            if words:
                found.append(words)
    return found


def is_clear_clause(words: Iterable[str]) -> bool:
    """True for a clause that says nothing blocks: "no blockers", "waiting on nothing", "fine"."""
    negated = blockerish = False
    for word in words:
        if word in NEGATIONS:
            negated = True
        elif word in BLOCKERISH:
            blockerish = True
        elif word not in WELL and word not in FILLER:
            return False  # a word that names something: a thing, a person, a state
    return negated or not blockerish


def is_none_like(text: str) -> bool:
    """True when a blocker answer means "nothing is blocking me": every clause is clear."""
    return all(is_clear_clause(words) for words in clauses(text))


def is_real_blocker(text: str) -> bool:
    """True when a blocker answer names an actual blocker."""
    return not is_none_like(text)


@dataclass(frozen=True)
class Blocker:
    """An open blocker: whose it is, what it says, since which run day, how many run days so far."""

    owner_id: int
    owner_name: str
    text: str
    since: dt.date
    run_days_open: int = 1


def blocker_from_answer(
    owner_id: int, owner_name: str, text: str, run_date: dt.date
) -> Blocker | None:
    """A new blocker for this answer to the blocker question, or None for a none-like answer."""
    if is_none_like(text):
        return None
    return Blocker(owner_id, owner_name, text.strip(), run_date, 1)


def open_blockers(
    answers: Iterable[tuple[dt.date, int, str]],
) -> dict[int, tuple[dt.date, str]]:
    """The one rule for "open blocker": each person's latest blocker answer, when it names a
    real blocker, with the run day it has been open since (the first of the real blocker
    answers since their last none-like one). ``answers`` are (run date, owner, text) of the
    blocker question, oldest first."""
    latest: dict[int, tuple[dt.date, str]] = {}
    for run_date, owner_id, text in answers:
        if is_none_like(text):
            latest.pop(owner_id, None)
        else:
            since = latest[owner_id][0] if owner_id in latest else run_date
            latest[owner_id] = (since, text)
    return latest


def count_run_days(since: dt.date, today: dt.date, run_dates: Iterable[dt.date]) -> int:
    """How many run days a blocker raised on ``since`` has been open by ``today``, inclusive.

    Counted in run days rather than calendar days so a blocker raised on
    Friday is not "three days old" on Monday morning.
    """
    if since > today:
        return 0
    return len({day for day in run_dates if since <= day <= today} | {since})


def aged(blocker: Blocker, today: dt.date, run_dates: Iterable[dt.date]) -> Blocker:
    """The blocker with its run-day count brought up to ``today``."""
    return replace(blocker, run_days_open=count_run_days(blocker.since, today, run_dates))


def needs_callout(blocker: Blocker, threshold: int = DEFAULT_CALLOUT_RUN_DAYS) -> bool:
    """True when a blocker has been open for ``threshold`` run days or more."""
    return blocker.run_days_open >= threshold


def sorted_for_report(blockers: Iterable[Blocker], threshold: int) -> list[Blocker]:
    """Long-running blockers first (oldest first), then the rest by owner name: a stable order."""
    return sorted(
        blockers,
        key=lambda b: (
            not needs_callout(b, threshold),
            -b.run_days_open,
            b.owner_name.casefold(),
            b.owner_id,
        ),
    )
