"""Who is prompted when: participants' zones and absences, and the occurrences of a time window.

What a run date means per participant (the team zone owns run dates):

* ``local`` mode: for team run date D, a participant is prompted (and
  reminded) at the configured wall times on calendar date D *in their own
  zone*. Someone far behind the team zone is therefore prompted after the
  team's digest of D; their answers are posted individually.
* ``team`` mode: everyone at the team-zone instants of D.
* The deadline of a participant's prompt and reminders is the later of the
  team cutoff of D and the cutoff wall time on their own prompt date, so a
  prompt stays useful while either the team's run or the person's day is
  open. Reminders that would fall at or after that deadline are not planned.
* Absence (time off, personal holiday) is judged on the participant's own
  local date of their prompt. Zulip's ``away`` status is live, so planning
  ignores it; the prompt handler checks it when the job runs.
* The digest is due at the cutoff wall time of D in the team zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from zulip_standup.domain.scheduling.holidays_calendar import HolidayCalendar
from zulip_standup.domain.scheduling.jobs import JobKey, JobKind
from zulip_standup.domain.scheduling.schedule import (
    Schedule,
    is_run_date,
    local_instant,
    next_run_date,
)
from zulip_standup.domain.scheduling.zones import schedule_zone, today_for, zone_of

# A team-local date's instants lie within about 26 hours of its UTC midnight,
# so two days either side of a window's dates cover every candidate run date.
_DATE_MARGIN = dt.timedelta(days=2)


class Absence(StrEnum):
    """Why a participant is not prompted on a day (listed as away, not missing)."""

    TIME_OFF = "time_off"
    HOLIDAY = "holiday"
    AWAY = "away"


@dataclass(frozen=True, slots=True)
class TimeOff:
    """Declared time off, inclusive local dates."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            msg = f"time off ends ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` is one of the days off."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Participant:
    """The scheduling facts about one person in one standup."""

    user_id: int
    profile_zone: str | None = None
    zone_override: str | None = None
    holiday_region: HolidayCalendar | None = None
    time_off: tuple[TimeOff, ...] = ()
    away: bool = False


def effective_zone(participant: Participant, team_zone: ZoneInfo) -> ZoneInfo:
    """The participant's own zone (``zones.zone_of``: override, profile, team zone)."""
    return zone_of(participant.zone_override, participant.profile_zone, team_zone)


def participant_absence(
    schedule: Schedule, participant: Participant, local_day: dt.date, *, include_away: bool = True
) -> Absence | None:
    """Why ``participant`` is not prompted on their local date ``local_day``, or None.

    ``away`` counts only when the standup honours it and ``include_away`` is
    set (planning passes False because the status changes at any moment).
    """
    if any(period.covers(local_day) for period in participant.time_off):
        return Absence.TIME_OFF
    region = participant.holiday_region
    if region is not None and region.is_holiday(local_day):
        return Absence.HOLIDAY
    if include_away and schedule.honour_away and participant.away:
        return Absence.AWAY
    return None


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One planned prompt, reminder or digest, with its UTC due instant."""

    standup_id: int
    kind: JobKind
    run_date: dt.date
    user_id: int | None
    due_at: dt.datetime
    deadline_at: dt.datetime | None = None
    reminder_index: int | None = None

    @property
    def key(self) -> str:
        """The natural key; the job store keeps at most one row per key."""
        return str(
            JobKey(self.standup_id, self.kind, self.run_date, self.user_id, self.reminder_index)
        )


@dataclass(frozen=True)
class PlanInput:
    """Everything the planner needs about one standup, as read from storage."""

    schedule: Schedule
    participants: tuple[Participant, ...]
    version: int = 0
    planned_until: dt.datetime | None = None


def prompt_zone(schedule: Schedule, participant: Participant) -> ZoneInfo:
    """The zone whose wall clock the participant's prompt follows under the delivery mode."""
    own = effective_zone(participant, schedule.zone)
    return schedule_zone(schedule.delivery_mode, schedule.zone, own)


def run_absence(
    schedule: Schedule, participant: Participant, day: dt.date, *, include_away: bool = True
) -> Absence | None:
    """Why ``participant`` is not asked for team run date ``day``, or None: their absence
    on their own local date of that run's prompt (the one rule the planner, the prompt,
    the digest, ``status`` and ``stats`` share)."""
    prompt_at = local_instant(day, schedule.prompt_time, prompt_zone(schedule, participant))
    own_day = today_for(effective_zone(participant, schedule.zone), prompt_at)
    return participant_absence(schedule, participant, own_day, include_away=include_away)


def _participant_occurrences(
    schedule: Schedule, participant: Participant, day: dt.date, team_cutoff: dt.datetime
) -> Iterable[Occurrence]:
    zone = prompt_zone(schedule, participant)
    prompt_at = local_instant(day, schedule.prompt_time, zone)
    if run_absence(schedule, participant, day, include_away=False) is not None:
        return
    deadline = max(team_cutoff, local_instant(day, schedule.cutoff_time, zone))
    sid, user = schedule.standup_id, participant.user_id
    yield Occurrence(sid, JobKind.PROMPT, day, user, prompt_at, deadline)
    for index, wall in enumerate(schedule.reminder_times, start=1):
        remind_at = local_instant(day, wall, zone)
        if remind_at < deadline:
            yield Occurrence(sid, JobKind.REMINDER, day, user, remind_at, deadline, index)


def occurrences_for_date(
    schedule: Schedule, participants: Sequence[Participant], day: dt.date
) -> list[Occurrence]:
    """All occurrences of team run date ``day`` (empty when it is not a run date)."""
    if not is_run_date(schedule, day):
        return []
    team_cutoff = local_instant(day, schedule.cutoff_time, schedule.zone)
    found = [Occurrence(schedule.standup_id, JobKind.DIGEST, day, None, team_cutoff)]
    for participant in participants:
        found.extend(_participant_occurrences(schedule, participant, day, team_cutoff))
    return found


def plan_occurrences(
    schedule: Schedule,
    participants: Sequence[Participant],
    window_start: dt.datetime,
    window_end: dt.datetime,
) -> list[Occurrence]:
    """Occurrences due in ``[window_start, window_end)``, ordered by due instant then key."""
    if window_start.tzinfo is None or window_end.tzinfo is None:
        msg = "planning windows are aware UTC instants"
        raise ValueError(msg)
    first = (window_start - _DATE_MARGIN).astimezone(schedule.zone).date()
    last = (window_end + _DATE_MARGIN).astimezone(schedule.zone).date()
    found: list[Occurrence] = []
    day = first
    while day <= last:
        found.extend(
            occ
            for occ in occurrences_for_date(schedule, participants, day)
            if window_start <= occ.due_at < window_end
        )
        day += dt.timedelta(days=1)
    found.sort(key=lambda occ: (occ.due_at, occ.key))
    return found


def upcoming_occurrences(
    schedule: Schedule, participants: Sequence[Participant], now: dt.datetime, *, run_count: int = 2
) -> list[Occurrence]:
    """Occurrences due from ``now`` on, over the next ``run_count`` run dates that have any.

    However far apart the run dates are (``monthly last fri``), the next one is
    found; two run dates give everyone's next prompt even when today's prompt
    has passed for some participants but not for others. Ordered like ``plan_occurrences``.
    """
    day = (now - _DATE_MARGIN).astimezone(schedule.zone).date()
    found: list[Occurrence] = []
    counted = 0
    candidate: dt.date | None = day if is_run_date(schedule, day) else next_run_date(schedule, day)
    while candidate is not None and counted < run_count:
        due = occurrences_for_date(schedule, participants, candidate)
        due = [occ for occ in due if occ.due_at >= now]
        if due:
            found.extend(due)
            counted += 1
        candidate = next_run_date(schedule, candidate)
    found.sort(key=lambda occ: (occ.due_at, occ.key))
    return found
