"""Statistics on a small hand-written week, with every expected figure written out."""

from __future__ import annotations

import datetime as dt

from zulip_standup.domain.reports.stats import (
    DayStats,
    ParticipationRow,
    PersonStats,
    compute_stats,
    render_stats,
    streaks,
)

MON, TUE, WED, THU, FRI = (dt.date(2026, 3, d) for d in (2, 3, 4, 5, 6))


def row(day: dt.date, user_id: int, name: str, minutes: int | None) -> ParticipationRow:
    """``minutes`` after a 09:30 UTC prompt; None = did not answer."""
    prompt = dt.datetime.combine(day, dt.time(9, 30), dt.UTC)
    if minutes is None:
        return ParticipationRow(day, user_id, name, False, prompt, None)
    return ParticipationRow(
        day, user_id, name, True, prompt, prompt + dt.timedelta(minutes=minutes)
    )


WEEK = [
    # Ann answers every day, 10..50 minutes after the prompt.
    *(
        row(d, 1, "Ann", m)
        for d, m in zip((MON, TUE, WED, THU, FRI), (10, 20, 30, 40, 50), strict=True)
    ),
    # Ben misses Wednesday and answers Thursday ahead of the prompt (counts as 0 minutes).
    row(MON, 2, "Ben", 5),
    row(TUE, 2, "Ben", 15),
    row(WED, 2, "Ben", None),
    row(THU, 2, "Ben", -30),
    row(FRI, 2, "Ben", 25),
    # Cat is on holiday Wednesday (no row at all): Tue and Thu are a streak of two.
    row(MON, 3, "Cat", None),
    row(TUE, 3, "Cat", 60),
    row(THU, 3, "Cat", 120),
    row(FRI, 3, "Cat", None),
    # Outside the range: ignored.
    row(dt.date(2026, 2, 27), 3, "Cat", 1),
]


def test_week_figures() -> None:
    """Rates per person and per day, medians, streaks and the open-blocker count."""
    stats = compute_stats(WEEK, MON, FRI, open_blockers=2)
    assert stats.people == (
        PersonStats(1, "Ann", 5, 5, 1800.0, 5, 5),
        PersonStats(2, "Ben", 5, 4, 600.0, 2, 2),
        PersonStats(3, "Cat", 4, 2, 5400.0, 0, 2),
    )
    assert [p.rate for p in stats.people] == [1.0, 0.8, 0.5]
    assert stats.days == (
        DayStats(MON, 3, 2),
        DayStats(TUE, 3, 3),
        DayStats(WED, 2, 1),
        DayStats(THU, 3, 3),
        DayStats(FRI, 3, 2),
    )
    assert (stats.expected, stats.answered) == (14, 11)
    assert stats.median_answer_seconds == 1500.0
    assert stats.open_blockers == 2


def test_streaks() -> None:
    """Current streak counts back from the last run day; best is the longest run."""
    assert streaks([]) == (0, 0)
    assert streaks([True, True, False, True]) == (1, 2)
    assert streaks([True, True, True]) == (3, 3)
    assert streaks([True, False, False]) == (0, 1)


def test_rendered_stats() -> None:
    """The chat rendering shows the overall line and one table row per person and day."""
    text = render_stats(compute_stats(WEEK, MON, FRI, open_blockers=2))
    lines = text.split("\n")
    assert lines[0] == "📈 **Standup statistics, 2026-03-02 to 2026-03-06** (5 run days)"
    assert lines[1] == (
        "Participation 79% · median answer 25 min after the prompt · open blockers 2"
    )
    assert "| Cat | 2/4 | 50% | 1 h 30 min | 0 (2) |" in lines
    assert "| 2026-03-04 | 1/2 | 50% |" in lines


def test_empty_range() -> None:
    """No rows: no division by zero, a plain "no runs" message."""
    stats = compute_stats([], MON, FRI)
    assert stats.rate == 0.0
    assert stats.median_answer_seconds is None
    assert render_stats(stats).endswith("No standup runs in this period.")


def test_names_in_tables_cannot_break_the_table_or_mention() -> None:
    """A name with "|" or mention syntax is escaped in the table."""
    odd = [ParticipationRow(MON, 9, "Eve | @**all**", True)]
    text = render_stats(compute_stats(odd, MON, MON))
    assert "@**all**" not in text
    assert "Eve \\| " in text
