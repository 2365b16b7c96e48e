"""When a standup runs: the schedule model, its parsers, run dates and DST-safe local instants.

Rules this module pins down (tests in ``tests/unit/test_schedule*.py``):

* A *run date* is a calendar date in the team zone. It is a run date when its
  weekday is in the schedule's day set, the frequency selects it, it is not a
  holiday of the team calendar, not an extra skip date, and the standup is not
  paused on it.
* ``paused`` with ``paused_until=None`` pauses indefinitely; with a date it
  means "no runs before that date": the standup runs again *on* ``paused_until``.
* Every N weeks counts Monday-based calendar weeks from the anchor date's week.
* Monthly takes one weekday and an ordinal: 1..4 (first..fourth) or -1 (last).
  A holiday or skip on that day cancels that month's run; it is not moved.
* A wall time that does not exist (spring-forward gap) becomes the first valid
  instant after the gap; an ambiguous wall time (fall-back) takes its first
  occurrence.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zulip_standup.domain.scheduling.holidays_calendar import HolidayCalendar

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_ABBREVIATIONS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = frozenset(range(5))
ALL_DAYS = frozenset(range(7))
MONTHLY_ORDINALS = frozenset({1, 2, 3, 4, -1})
PREVIOUS_RUN_LOOKBACK_DAYS = 800  # covers every-N-weeks and monthly schedules with long pauses
YEAR_SHOWN_AFTER_DAYS = 183  # "since 24 Dec" stays unambiguous for about half a year

DAY_WORDS: dict[str, int] = {
    **{abbr: i for i, abbr in enumerate(DAY_ABBREVIATIONS)},
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_SET_WORDS: dict[str, frozenset[int]] = {
    "weekdays": WEEKDAYS,
    "workdays": WEEKDAYS,
    "all": ALL_DAYS,
    "daily": ALL_DAYS,
    "everyday": ALL_DAYS,
    "weekends": frozenset({5, 6}),
}
_DAYS_FORM = "use weekdays, all, day names like mon,wed,fri or a range like mon-thu"
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")


class Frequency(StrEnum):
    """How often the selected weekdays come round."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class DeliveryMode(StrEnum):
    """Whether prompts follow each participant's zone or the team zone."""

    LOCAL = "local"
    TEAM = "team"


def parse_weekdays(text: str) -> frozenset[int]:
    """Parse ``weekdays``, ``all``/``daily``, ``mon,wed,fri`` or ``mon-thu`` (0 = Monday)."""
    cleaned = re.sub(r"\s*-\s*", "-", text.strip().lower())
    if not cleaned:
        msg = f"no days given; {_DAYS_FORM}"
        raise ValueError(msg)
    if cleaned in _SET_WORDS:
        return _SET_WORDS[cleaned]
    days: set[int] = set()
    for token in filter(None, re.split(r"[,\s]+", cleaned)):
        if "-" in token:
            start_word, _, end_word = token.partition("-")
            start = _day_number(start_word, token, text)
            end = _day_number(end_word, token, text)
            span = end - start if end >= start else end + 7 - start
            days.update((start + offset) % 7 for offset in range(span + 1))
        else:
            days.add(_day_number(token, token, text))
    return frozenset(days)


def _day_number(word: str, token: str, text: str) -> int:
    if word in DAY_WORDS:
        return DAY_WORDS[word]
    where = f"range {token!r}" if token != word else repr(text.strip())
    msg = f"unknown day {word!r} in {where}; {_DAYS_FORM}"
    raise ValueError(msg)


def format_weekdays(days: frozenset[int]) -> str:
    """The shortest text ``parse_weekdays`` reads back as ``days``."""
    for word in ("weekdays", "all", "weekends"):
        if days == _SET_WORDS[word]:
            return word
    ordered = sorted(days)
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_ABBREVIATIONS[ordered[0]]}-{DAY_ABBREVIATIONS[ordered[-1]]}"
    return ",".join(DAY_ABBREVIATIONS[d] for d in ordered)


def parse_wall_time(text: str) -> dt.time:
    """Parse a 24-hour wall time such as ``09:30`` or ``9:30``."""
    match = _TIME_RE.fullmatch(text.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        msg = f"bad time {text!r}; write a 24-hour time like 09:30"
        raise ValueError(msg)
    return dt.time(int(match[1]), int(match[2]))


@functools.lru_cache(maxsize=1024)
def parse_zone(name: str) -> ZoneInfo:
    """An IANA zone by name; ValueError naming the bad value otherwise."""
    cleaned = name.strip()
    try:
        if not cleaned:
            raise ZoneInfoNotFoundError(cleaned)
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        msg = f"unknown time zone {name!r}; use an IANA name like Europe/Berlin or America/New_York"
        raise ValueError(msg) from exc


@dataclass(frozen=True)
class Schedule:
    """Everything that decides when one standup's prompts, reminders and digest happen."""

    standup_id: int
    zone: ZoneInfo
    prompt_time: dt.time
    cutoff_time: dt.time
    reminder_times: tuple[dt.time, ...] = ()
    weekdays: frozenset[int] = WEEKDAYS
    frequency: Frequency = Frequency.DAILY
    interval_weeks: int = 1
    anchor_date: dt.date | None = None
    monthly_ordinal: int | None = None
    holiday_calendar: HolidayCalendar | None = None
    skip_dates: frozenset[dt.date] = field(default_factory=frozenset)
    paused: bool = False
    paused_until: dt.date | None = None
    delivery_mode: DeliveryMode = DeliveryMode.LOCAL
    honour_away: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.zone, ZoneInfo):
            msg = f"team zone must be a ZoneInfo, not {type(self.zone).__name__}; see parse_zone"
            raise TypeError(msg)
        times = (self.prompt_time, *self.reminder_times, self.cutoff_time)
        if any(t.tzinfo is not None for t in times):
            msg = "prompt, reminder and cutoff times are local wall times without a tzinfo"
            raise ValueError(msg)
        if any(later <= earlier for earlier, later in itertools.pairwise(times)):
            shown = " < ".join(t.strftime("%H:%M") for t in times)
            msg = f"times must increase through the day: prompt < reminders < cutoff, got {shown}"
            raise ValueError(msg)
        if not self.weekdays or not self.weekdays <= ALL_DAYS:
            msg = f"days must be a non-empty set of weekday numbers 0..6, got {set(self.weekdays)}"
            raise ValueError(msg)
        self._check_frequency()

    def _check_frequency(self) -> None:
        if not 1 <= self.interval_weeks <= 52:
            msg = f"interval must be 1 to 52 weeks, got {self.interval_weeks}"
            raise ValueError(msg)
        weekly = self.frequency is Frequency.WEEKLY
        if weekly and self.interval_weeks > 1 and self.anchor_date is None:
            msg = "every N weeks needs an anchor date to count the weeks from"
            raise ValueError(msg)
        if self.frequency is Frequency.MONTHLY:
            if self.monthly_ordinal not in MONTHLY_ORDINALS:
                msg = (
                    "monthly needs an ordinal 1, 2, 3, 4 (first..fourth) or -1 (last), "
                    f"got {self.monthly_ordinal}"
                )
                raise ValueError(msg)
            if len(self.weekdays) != 1:
                msg = "monthly takes exactly one weekday, e.g. first mon"
                raise ValueError(msg)


def _frequency_selects(schedule: Schedule, day: dt.date) -> bool:
    if day.weekday() not in schedule.weekdays:
        return False
    if schedule.frequency is Frequency.DAILY:
        return True
    if schedule.frequency is Frequency.WEEKLY:
        if schedule.interval_weeks == 1 or schedule.anchor_date is None:
            return True
        anchor_monday = schedule.anchor_date - dt.timedelta(days=schedule.anchor_date.weekday())
        weeks = (day - anchor_monday).days // 7
        return weeks % schedule.interval_weeks == 0
    if schedule.monthly_ordinal == -1:
        return (day + dt.timedelta(days=7)).month != day.month
    return (day.day - 1) // 7 + 1 == schedule.monthly_ordinal


def _is_scheduled(schedule: Schedule, day: dt.date) -> bool:
    """Run date by days, frequency, holidays and skips, ignoring the pause."""
    if day in schedule.skip_dates or not _frequency_selects(schedule, day):
        return False
    return schedule.holiday_calendar is None or not schedule.holiday_calendar.is_holiday(day)


def is_paused_on(schedule: Schedule, day: dt.date) -> bool:
    """True when the pause covers ``day`` (paused_until is the first day it runs again)."""
    return schedule.paused and (schedule.paused_until is None or day < schedule.paused_until)


def is_run_date(schedule: Schedule, day: dt.date) -> bool:
    """True when the standup runs on the team-local date ``day``."""
    return not is_paused_on(schedule, day) and _is_scheduled(schedule, day)


def run_dates(schedule: Schedule, start: dt.date, end: dt.date) -> list[dt.date]:
    """Run dates from ``start`` (inclusive) to ``end`` (exclusive)."""
    count = (end - start).days
    days = (start + dt.timedelta(days=n) for n in range(max(0, count)))
    return [day for day in days if is_run_date(schedule, day)]


def previous_run_date(schedule: Schedule, day: dt.date) -> dt.date | None:
    """The latest scheduled run date before ``day``, or None within the lookback.

    The pause is ignored: it says what happens from now on, not what happened,
    so when the ``runs`` table knows the last run that really took place, the
    caller should prefer that.
    """
    for back in range(1, PREVIOUS_RUN_LOOKBACK_DAYS + 1):
        candidate = day - dt.timedelta(days=back)
        if _is_scheduled(schedule, candidate):
            return candidate
    return None


def next_run_date(schedule: Schedule, day: dt.date) -> dt.date | None:
    """The first run date after ``day`` (pause respected), or None within the lookahead."""
    for ahead in range(1, PREVIOUS_RUN_LOOKBACK_DAYS + 1):
        candidate = day + dt.timedelta(days=ahead)
        if is_run_date(schedule, candidate):
            return candidate
    return None


def since_phrase(previous: dt.date, current: dt.date) -> str:
    """How a prompt refers to the previous run.

    One day back: "since yesterday". Two to six days back: the weekday alone
    ("since Friday"), which is unambiguous within a week. Seven days or more:
    weekday, day and month ("since Wednesday 24 Dec"), plus the year from
    half a year back ("since Monday 3 Mar 2025").
    """
    gap = (current - previous).days
    if gap <= 0:
        msg = f"previous run {previous} must be before {current}"
        raise ValueError(msg)
    weekday = DAY_NAMES[previous.weekday()]
    if gap == 1:
        return "since yesterday"
    if gap < 7:
        return f"since {weekday}"
    shown = f"since {weekday} {previous.day} {previous.strftime('%b')}"
    return f"{shown} {previous.year}" if gap >= YEAR_SHOWN_AFTER_DAYS else shown


def local_instant(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of wall time ``wall`` on ``day`` in ``zone``.

    Non-existence is detected by a round trip through UTC, so the rule holds
    for any offset change (one hour, 30 minutes on Lord Howe, Chatham's
    +12:45/+13:45): the result is then the first instant after the gap.
    """
    naive = dt.datetime.combine(day, wall.replace(tzinfo=None))
    first = naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    second = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    low, high = sorted((first, second))
    low_ts, high_ts = math.floor(low.timestamp()), math.ceil(high.timestamp())
    # Invariant: the wall clock reads before ``naive`` at low_ts and after it at high_ts.
    while high_ts - low_ts > 1:
        middle = (low_ts + high_ts) // 2
        if dt.datetime.fromtimestamp(middle, zone).replace(tzinfo=None) > naive:
            high_ts = middle
        else:
            low_ts = middle
    return dt.datetime.fromtimestamp(high_ts, dt.UTC)
