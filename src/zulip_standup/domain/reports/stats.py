"""Participation statistics over a date range: rates per person and per day, answer times, streaks.

Input is one plain row per (run date, expected person), whatever the store;
people excused on a day (away, holiday, skipped) simply have no row that
day, so excusing someone never lowers their rate or breaks their streak.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zulip_standup.domain.reports import texts
from zulip_standup.domain.reports.sanitize import plain_name


@dataclass(frozen=True)
class ParticipationRow:
    """One person expected on one run date, and whether and when they answered."""

    run_date: dt.date
    user_id: int
    name: str
    answered: bool
    prompted_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None

    @property
    def answer_delay_seconds(self) -> float | None:
        """Seconds from the prompt to the finished answers; 0 for answers given ahead."""
        if not self.answered or self.prompted_at is None or self.answered_at is None:
            return None
        return max(0.0, (self.answered_at - self.prompted_at).total_seconds())


@dataclass(frozen=True)
class PersonStats:
    """One person's figures over the range."""

    user_id: int
    name: str
    expected: int
    answered: int
    median_answer_seconds: float | None
    current_streak: int
    best_streak: int

    @property
    def rate(self) -> float:
        return self.answered / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class DayStats:
    """One run date's figures."""

    run_date: dt.date
    expected: int
    answered: int

    @property
    def rate(self) -> float:
        return self.answered / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class StandupStats:
    """A standup's figures over ``start``..``end`` (inclusive)."""

    start: dt.date
    end: dt.date
    people: tuple[PersonStats, ...]
    days: tuple[DayStats, ...]
    median_answer_seconds: float | None
    open_blockers: int

    @property
    def expected(self) -> int:
        return sum(day.expected for day in self.days)

    @property
    def answered(self) -> int:
        return sum(day.answered for day in self.days)

    @property
    def rate(self) -> float:
        return self.answered / self.expected if self.expected else 0.0


def streaks(answered_in_order: Sequence[bool]) -> tuple[int, int]:
    """(current, best) runs of consecutive answered run days; current counts back from the last."""
    best = run = 0
    for answered in answered_in_order:
        run = run + 1 if answered else 0
        best = max(best, run)
    return run, best


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def compute_stats(
    rows: Iterable[ParticipationRow],
    start: dt.date,
    end: dt.date,
    open_blockers: int = 0,
) -> StandupStats:
    """The figures for rows dated ``start``..``end``; a person's name is their latest one."""
    selected = sorted(
        (row for row in rows if start <= row.run_date <= end),
        key=lambda r: (r.run_date, r.user_id),
    )
    by_person: dict[int, list[ParticipationRow]] = defaultdict(list)
    by_day: dict[dt.date, list[ParticipationRow]] = defaultdict(list)
    for row in selected:
        by_person[row.user_id].append(row)
        by_day[row.run_date].append(row)
    people = []
    for user_id, person_rows in by_person.items():
        current, best = streaks([r.answered for r in person_rows])
        people.append(
            PersonStats(
                user_id=user_id,
                name=person_rows[-1].name,
                expected=len(person_rows),
                answered=sum(1 for r in person_rows if r.answered),
                median_answer_seconds=_median(r.answer_delay_seconds for r in person_rows),
                current_streak=current,
                best_streak=best,
            )
        )
    people.sort(key=lambda p: (-p.rate, p.name.casefold(), p.user_id))
    days = tuple(
        DayStats(day, len(day_rows), sum(1 for r in day_rows if r.answered))
        for day, day_rows in sorted(by_day.items())
    )
    return StandupStats(
        start=start,
        end=end,
        people=tuple(people),
        days=days,
        median_answer_seconds=_median(r.answer_delay_seconds for r in selected),
        open_blockers=open_blockers,
    )


def _rate(part: int, whole: int) -> str:
    return texts.percent(part, whole)


def render_stats(stats: StandupStats) -> str:
    """The figures as a Zulip message: an overall line, a table per person and a table per day."""
    title = texts.STATS_TITLE.format(
        start=stats.start.isoformat(), end=stats.end.isoformat(), days=len(stats.days)
    )
    if not stats.days:
        return f"{title}\n{texts.STATS_NO_DATA}"
    overall = texts.STATS_OVERALL.format(
        rate=_rate(stats.answered, stats.expected),
        median=texts.duration(stats.median_answer_seconds),
        blockers=stats.open_blockers,
    )
    people = [texts.STATS_PEOPLE_HEADER] + [
        texts.STATS_PERSON_ROW.format(
            name=plain_name(person.name),
            answered=person.answered,
            expected=person.expected,
            rate=_rate(person.answered, person.expected),
            median=texts.duration(person.median_answer_seconds),
            streak=person.current_streak,
            best=person.best_streak,
        )
        for person in stats.people
    ]
    days = [texts.STATS_DAYS_HEADER] + [
        texts.STATS_DAY_ROW.format(
            date=day.run_date.isoformat(),
            answered=day.answered,
            expected=day.expected,
            rate=_rate(day.answered, day.expected),
        )
        for day in stats.days
    ]
    return "\n\n".join([f"{title}\n{overall}", "\n".join(people), "\n".join(days)])
