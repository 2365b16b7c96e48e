"""Blocker answers: "none"-like answers are not blockers; open blockers age in run days."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.reports.blockers import (
    Blocker,
    aged,
    blocker_from_answer,
    count_run_days,
    is_none_like,
    needs_callout,
    open_blockers,
    sorted_for_report,
)

NONE_LIKE = [
    "none",
    "None.",
    "NONE!",
    "no",
    "No.",
    "nope",
    "Nope 🙂",
    "n/a",
    "N/A",
    "n.a.",
    "-",
    "—",
    "",
    "   ",
    "nothing",
    "Nothing!",
    "no blockers",
    "No blockers today",
    "No blockers, thanks!",
    "nothing blocking",
    "Nothing blocking me at the moment.",
    "not blocked",
    "all good",
    "None so far",
    "✅",
    "nein",
    "Keine",
    "rien",
    "aucun",
    "nada",
    "ninguno",
    "não",
    "niente",
    "geen",
]

REAL = [
    "Waiting for VPN access",
    "No access to staging",
    "Nothing works on my laptop",
    "The build server is down",
    "no one reviewed PR 42",
    "Blocked by legal review",
    "n/a yet — waiting on design",
    "Nein, die API ist kaputt",
]


@pytest.mark.parametrize("answer", NONE_LIKE)
def test_none_like_answers_are_not_blockers(answer: str) -> None:
    """Case, punctuation, emoji, polite filler and a few languages all read as "no blocker"."""
    assert is_none_like(answer)
    assert blocker_from_answer(1, "Ann", answer, dt.date(2026, 3, 2)) is None


@pytest.mark.parametrize("answer", REAL)
def test_real_blockers_are_kept(answer: str) -> None:
    """An answer that merely starts with "no" or "nothing" is still a blocker."""
    assert not is_none_like(answer)
    blocker = blocker_from_answer(1, "Ann", f"  {answer} ", dt.date(2026, 3, 2))
    assert blocker == Blocker(1, "Ann", answer, dt.date(2026, 3, 2), 1)


MON, TUE, WED, THU, FRI = (dt.date(2026, 3, d) for d in (2, 3, 4, 5, 6))
NEXT_MON = dt.date(2026, 3, 9)
RUNS = [MON, TUE, WED, THU, FRI, NEXT_MON]


def test_run_days_count_standup_days_not_calendar_days() -> None:
    """A blocker from Friday is two run days old on Monday, not four calendar days."""
    assert count_run_days(FRI, NEXT_MON, RUNS) == 2
    assert count_run_days(MON, WED, RUNS) == 3
    assert count_run_days(WED, WED, []) == 1  # the day it was raised always counts
    assert count_run_days(WED, MON, RUNS) == 0


def test_callout_after_n_run_days() -> None:
    """A blocker is called out once it has been open for the threshold number of run days."""
    fresh = Blocker(1, "Ann", "VPN", MON)
    assert not needs_callout(aged(fresh, TUE, RUNS), threshold=3)
    assert needs_callout(aged(fresh, WED, RUNS), threshold=3)
    assert aged(fresh, NEXT_MON, RUNS).run_days_open == 6


def test_report_order_puts_long_running_blockers_first() -> None:
    """Long-running blockers come first (oldest first), the rest by owner name."""
    blockers = [
        Blocker(3, "cleo", "c", WED, 1),
        Blocker(1, "Ann", "a", MON, 5),
        Blocker(2, "Ben", "b", TUE, 1),
        Blocker(4, "Dan", "d", MON, 3),
    ]
    assert [b.owner_id for b in sorted_for_report(blockers, 3)] == [1, 4, 2, 3]


def test_an_open_blocker_is_the_latest_real_one_since_the_last_none() -> None:
    """One rule for "open": a person's latest blocker answer counts when it is real, open since
    the first real one after their last none-like answer; a none-like answer closes it."""
    mon, tue, wed = dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 2)
    answers = [
        (mon, 1, "Waiting for staging"),
        (mon, 2, "Blocked on review"),
        (mon, 3, "none"),
        (tue, 1, "Still waiting for staging"),
        (tue, 2, "No blockers!"),
        (wed, 3, "The VPN is down"),
    ]
    assert open_blockers(answers) == {
        1: (mon, "Still waiting for staging"),
        3: (wed, "The VPN is down"),
    }
