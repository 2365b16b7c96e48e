"""Which blocker answers are real blockers, and when an open blocker is old enough to call out.

People answer "Is anything blocking you?" with "no", "None!", "n/a", "-",
"nothing, thanks" or "nein" far more often than with a blocker. Treating
those as blockers would flood the digest and the next prompt's "is it
resolved?" question, so the test here is deliberately forgiving about case,
punctuation, emoji and polite filler, and only a few languages deep.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

DEFAULT_CALLOUT_RUN_DAYS = 3

# Compared after normalising (lower case, punctuation and symbols removed,
# whitespace collapsed, trailing filler removed): "N/A" -> "na", "-" -> "".
NONE_LIKE_ANSWERS = frozenset(
    {
        "",
        "none",
        "no",
        "nope",
        "nah",
        "na",
        "nil",
        "null",
        "nothing",
        "no blocker",
        "no blockers",
        "no blocking",
        "no blocks",
        "no impediments",
        "no issues",
        "no problems",
        "none at all",
        "nothing blocking",
        "nothing blocking me",
        "nothing is blocking me",
        "nothing blocks me",
        "not blocked",
        "not blocked at all",
        "im not blocked",
        "i am not blocked",
        "all good",
        "all clear",
        "no all good",
        "none all good",
        "nope all good",
        "no nothing",
        "nothing much",
        "not really",
        "no none",
        # German
        "nein",
        "keine",
        "keine blocker",
        "keine probleme",
        "nichts",
        # French
        "non",
        "rien",
        "aucun",
        "aucune",
        "pas de blocage",
        # Spanish / Portuguese / Italian
        "nada",
        "ninguno",
        "ninguna",
        "nenhum",
        "nenhuma",
        "não",
        "nessuno",
        "niente",
        # Dutch
        "nee",
        "geen",
        "niets",
    }
)

_FILLER_SUFFIXES = (
    "today",
    "so far",
    "for now",
    "right now",
    "at the moment",
    "atm",
    "currently",
    "at all",
    "thanks",
    "thank you",
    "thx",
    "yet",
    "heute",
    "danke",
    "merci",
    "gracias",
)
_SPACES = re.compile(r"\s+")


def normalise_answer(text: str) -> str:
    """The answer reduced to lower-case words: punctuation, symbols and emoji dropped."""
    kept = []
    for char in unicodedata.normalize("NFKC", text).casefold():
        category = unicodedata.category(char)
        if category[0] in "LNM":
            kept.append(char)
        elif char in "/.'’":
            continue  # "n/a", "n.a." and "I'm" read as "na" and "im"
        else:
            kept.append(" ")
    words = _SPACES.sub(" ", "".join(kept)).strip()
    return unicodedata.normalize("NFC", words)


def _without_filler(words: str) -> str:
    changed = True
    while changed and words:
        changed = False
        for suffix in _FILLER_SUFFIXES:
            if words == suffix:
                continue
            if words.endswith(" " + suffix):
                words = words[: -len(suffix) - 1].rstrip()
                changed = True
    return words


def is_none_like(text: str) -> bool:
    """True when a blocker answer means "nothing is blocking me"."""
    words = normalise_answer(text)
    return words in NONE_LIKE_ANSWERS or _without_filler(words) in NONE_LIKE_ANSWERS


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
