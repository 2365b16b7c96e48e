"""A standup's configuration as the application sees it: schedule fields, questions, reporting."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field, replace
from enum import StrEnum

from zulip_standup.domain.limits import MAX_QUESTIONS
from zulip_standup.domain.scheduling.holidays_calendar import parse_holiday_calendar
from zulip_standup.domain.scheduling.schedule import (
    WEEKDAYS,
    DeliveryMode,
    Frequency,
    Schedule,
    parse_wall_time,
    parse_zone,
)

_DAY_MINUTES = 24 * 60
DEFAULT_TOPIC_TEMPLATE = "{name} {date}"  # the default standup's name is "standup"
DEFAULT_NAME = "standup"


class ReportStyle(StrEnum):
    """How answers reach the channel."""

    LIVING = "living"  # each person's answers as they finish, then a digest at the cutoff
    DIGEST = "digest"  # only the digest, one message
    LIVE = "live"  # each person's answers, no digest


class MentionPolicy(StrEnum):
    """Whether names in reports notify people."""

    SILENT = "silent"
    NOTIFY = "notify"


@dataclass(frozen=True)
class Question:
    """One standup question; the blocker question feeds the blocker list."""

    text: str
    blocker: bool = False


DEFAULT_QUESTIONS = (
    Question("What did you do since the last standup?"),
    Question("What will you do today?"),
    Question("Is anything blocking you?", blocker=True),
)


@dataclass(frozen=True)
class StandupSettings:
    """Everything a manager can configure about one standup."""

    name: str = DEFAULT_NAME
    team_timezone: str = "UTC"
    prompt_time: str = "09:30"
    reminder_times: tuple[str, ...] = ("11:45",)
    cutoff_time: str = "12:45"
    weekdays: frozenset[int] = WEEKDAYS
    frequency: Frequency = Frequency.DAILY
    interval_weeks: int = 1
    anchor_date: dt.date | None = None
    monthly_ordinal: int | None = None
    holiday_country: str | None = None
    skip_dates: frozenset[dt.date] = field(default_factory=frozenset)
    delivery_mode: DeliveryMode = DeliveryMode.LOCAL
    honour_away: bool = False
    questions: tuple[Question, ...] = DEFAULT_QUESTIONS
    topic_template: str = DEFAULT_TOPIC_TEMPLATE
    report_style: ReportStyle = ReportStyle.LIVING
    mention_policy: MentionPolicy = MentionPolicy.SILENT
    ai_summary: bool = False
    weekly_rollup: bool = False
    auto_sync: bool = True
    use_scheduled_messages: bool = False
    paused: bool = False
    paused_until: dt.date | None = None
    managers: frozenset[int] = field(default_factory=frozenset)

    def to_schedule(self, standup_id: int) -> Schedule:
        """The schedule these settings describe; raises ValueError when they contradict."""
        return Schedule(
            standup_id=standup_id,
            zone=parse_zone(self.team_timezone),
            prompt_time=parse_wall_time(self.prompt_time),
            cutoff_time=parse_wall_time(self.cutoff_time),
            reminder_times=tuple(parse_wall_time(t) for t in self.reminder_times),
            weekdays=self.weekdays,
            frequency=self.frequency,
            interval_weeks=self.interval_weeks,
            anchor_date=self.anchor_date,
            monthly_ordinal=self.monthly_ordinal,
            holiday_calendar=parse_holiday_calendar(self.holiday_country)
            if self.holiday_country
            else None,
            skip_dates=self.skip_dates,
            paused=self.paused,
            paused_until=self.paused_until,
            delivery_mode=self.delivery_mode,
            honour_away=self.honour_away,
        )

    def validated(self) -> StandupSettings:
        """Self, after checking that a schedule can be built and the questions fit."""
        self.to_schedule(0)
        if not 1 <= len(self.questions) <= MAX_QUESTIONS:
            msg = f"a standup has 1 to {MAX_QUESTIONS} questions, not {len(self.questions)}"
            raise ValueError(msg)
        return self

    def with_setup_times(
        self, prompt: dt.time | None, reminder: dt.time | None, cutoff: dt.time | None
    ) -> StandupSettings:
        """These settings with the times ``setup`` was given; None = not given.

        A time left out keeps its distance from the prompt: a later prompt moves
        the reminders and the cutoff later by as much. Raises ValueError (a
        sentence for the person) when that would leave the day or the order.
        """
        shift = 0 if prompt is None else _minutes(prompt) - _minutes(self.prompt_time)
        start = prompt if prompt is not None else parse_wall_time(self.prompt_time)
        derived: set[str] = set()

        def kept(text: str, what: str) -> str:
            value = _minutes(text) + shift
            if not 0 <= value < _DAY_MINUTES:
                msg = (
                    f"with the prompt at {start:%H:%M} the {what} would move past midnight; "
                    f"give the {what} time too"
                )
                raise ValueError(msg)
            derived.add(what)
            return f"{value // 60:02d}:{value % 60:02d}"

        reminders = (
            (f"{reminder:%H:%M}",)
            if reminder is not None
            else tuple(kept(t, "reminder") for t in self.reminder_times)
        )
        cutoff_text = f"{cutoff:%H:%M}" if cutoff is not None else kept(self.cutoff_time, "cutoff")
        order = [("prompt", f"{start:%H:%M}")]
        order += [("reminder", t) for t in reminders] + [("cutoff", cutoff_text)]
        for (early, early_at), (late, late_at) in itertools.pairwise(order):
            if _minutes(late_at) <= _minutes(early_at):
                moved = next((w for w in (late, early) if w in derived), None)
                hint = f"; give the {moved} time too" if moved else ""
                msg = f"the {late} ({late_at}) must come after the {early} ({early_at}){hint}"
                raise ValueError(msg)
        return replace(
            self, prompt_time=order[0][1], reminder_times=reminders, cutoff_time=cutoff_text
        )

    def with_changes(self, **changes: object) -> StandupSettings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def blocker_index(self) -> int | None:
        for index, question in enumerate(self.questions):
            if question.blocker:
                return index
        return None


def _minutes(wall: str | dt.time) -> int:
    time = parse_wall_time(wall) if isinstance(wall, str) else wall
    return time.hour * 60 + time.minute


@dataclass(frozen=True)
class Standup:
    """A stored standup: where it lives, who made it, and its settings."""

    id: int
    realm_id: int
    stream_id: int
    stream_name: str
    creator_user_id: int
    settings: StandupSettings
    schedule_version: int = 1

    @property
    def name(self) -> str:
        return self.settings.name

    def can_manage(self, user_id: int, is_admin: bool) -> bool:
        """Organisation owners/admins, the creator and listed managers may change it."""
        return is_admin or user_id == self.creator_user_id or user_id in self.settings.managers
