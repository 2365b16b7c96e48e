"""Templates (Jinja2, autoescaped) and the words and charts the pages show."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from typing import Any

import jinja2

from zulip_standup.domain.reports.attendance import Standing
from zulip_standup.domain.reports.stats import DayStats, ParticipationRow
from zulip_standup.domain.reports.svg_chart import Bar, bar_chart

STANDING_LABELS: dict[Standing, str] = {
    Standing.ANSWERED: "answered",
    Standing.LATE: "answered late",
    Standing.SKIPPED: "skipped the day",
    Standing.AWAY: "away",
    Standing.TIME_OFF: "on time off",
    Standing.HOLIDAY: "on a public holiday",
    Standing.LATER: "not asked yet",
    Standing.NOT_ASKED: "not asked (the prompt did not go out)",
    Standing.WAITING: "answering",
    Standing.MISSED: "missing",
}

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("zulip_standup.web", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _day(value: dt.date) -> str:
    return value.strftime("%a %d %b %Y")


def _instant(value: dt.datetime | None) -> str:
    return "" if value is None else value.astimezone(dt.UTC).strftime("%d %b %H:%M UTC")


_ENV.filters["day"] = _day
_ENV.filters["instant"] = _instant
_ENV.globals["standing_label"] = lambda standing: STANDING_LABELS[standing]


def page(name: str, **values: Any) -> str:
    """A whole page from its template."""
    return _ENV.get_template(name).render(**values)


def participation_chart(days: Iterable[DayStats], title: str) -> str:
    bars = [
        Bar(
            d.run_date.strftime("%d %b"),
            round(d.rate * 100) if d.expected else None,
            f"{_day(d.run_date)}: {d.answered} of {d.expected} answered",
        )
        for d in days
    ]
    return bar_chart(title, bars, top=100, unit="%")


def answer_time_chart(rows: Iterable[ParticipationRow], title: str) -> str:
    """The median minutes from prompt to finished answers, per run date."""
    delays: dict[dt.date, list[float]] = {}
    for row in rows:
        delay = row.answer_delay_seconds
        delays.setdefault(row.run_date, [])
        if delay is not None:
            delays[row.run_date].append(delay / 60)
    medians = {day: statistics.median(v) if v else None for day, v in sorted(delays.items())}
    bars = [
        Bar(
            day.strftime("%d %b"),
            minutes,
            f"{_day(day)}: " + ("no answers" if minutes is None else f"{minutes:.0f} min median"),
        )
        for day, minutes in medians.items()
    ]
    top = max((m for m in medians.values() if m is not None), default=60.0)
    return bar_chart(title, bars, top=top, unit=" min")
