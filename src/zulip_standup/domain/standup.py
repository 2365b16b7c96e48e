"""A standup's configuration as the application sees it: schedule fields, questions, reporting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from zulip_standup.domain.holidays_calendar import parse_holiday_calendar
from zulip_standup.domain.schedule import (
    WEEKDAYS,
    DeliveryMode,
    Frequency,
    Schedule,
    parse_wall_time,
    parse_zone,
)

MAX_QUESTIONS = 10
DEFAULT_TOPIC_TEMPLATE = "standup {date}"
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

    def with_changes(self, **changes: object) -> StandupSettings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def blocker_index(self) -> int | None:
        for index, question in enumerate(self.questions):
            if question.blocker:
                return index
        return None


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
