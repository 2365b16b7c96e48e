"""Reads a standup's schedule, participants and time off into the domain's planning inputs,
and how the planned prompts of a run stand."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Engine, and_, or_, select

from zulip_standup.domain.scheduling.holidays_calendar import (
    HolidayCalendar,
    parse_holiday_calendar,
)
from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.domain.scheduling.planning import Participant, PlanInput, TimeOff
from zulip_standup.domain.scheduling.schedule import (
    DeliveryMode,
    Frequency,
    Schedule,
    parse_wall_time,
    parse_weekdays,
    parse_zone,
)
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import jobs, participants, people, standups, time_off

log = logging.getLogger(__name__)


def _weekdays(value: Any) -> frozenset[int]:
    """Stored as a JSON list of 0..6 (Monday = 0); day words are accepted too."""
    if isinstance(value, str):
        return parse_weekdays(value)
    days: set[int] = set()
    for item in value:
        days.update({int(item)} if isinstance(item, int) else parse_weekdays(str(item)))
    return frozenset(days)


def schedule_from_row(row: Mapping[Any, Any]) -> Schedule:
    """Build the domain schedule from a ``standups`` row; ValueError when a value is invalid."""
    return Schedule(
        standup_id=int(row["id"]),
        zone=parse_zone(row["team_timezone"]),
        prompt_time=parse_wall_time(row["prompt_time"]),
        cutoff_time=parse_wall_time(row["cutoff_time"]),
        reminder_times=tuple(parse_wall_time(t) for t in row["reminder_times"] or ()),
        weekdays=_weekdays(row["weekdays"]),
        frequency=Frequency(row["frequency"]),
        interval_weeks=int(row["interval_weeks"]),
        anchor_date=row["anchor_date"],
        monthly_ordinal=row["monthly_ordinal"],
        holiday_calendar=parse_holiday_calendar(row["holiday_country"]),
        skip_dates=frozenset(dt.date.fromisoformat(d) for d in row["skip_dates"] or ()),
        paused=bool(row["paused"]),
        paused_until=row["paused_until"],
        delivery_mode=DeliveryMode(row["delivery_mode"]),
        honour_away=bool(row["honour_away"]),
    )


def holiday_region_of(code: str | None, user_id: int) -> HolidayCalendar | None:
    """A person's stored holiday region; an invalid one is logged and ignored."""
    try:
        return parse_holiday_calendar(code)
    except ValueError:
        log.warning("holiday_region_ignored", extra={"user_id": user_id, "region": code})
        return None


class ScheduleReader:
    """Read side of planning: which standups need planning, and their inputs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def standups_to_plan(self, plan_if_before: dt.datetime, limit: int) -> list[int]:
        """Standups never planned or planned only up to before ``plan_if_before`` (indexed)."""
        query = (
            select(standups.c.id)
            .where(
                or_(standups.c.planned_until.is_(None), standups.c.planned_until < plan_if_before)
            )
            .order_by(standups.c.planned_until.is_not(None), standups.c.planned_until)
            .limit(limit)
        )
        with reading(self._engine) as conn:
            return [int(i) for i in conn.execute(query).scalars()]

    def load(self, standup_id: int, time_off_from: dt.date) -> PlanInput | None:
        """The standup's planning inputs, or None when it no longer exists.

        Time off that ended before ``time_off_from`` is not read.
        """
        with reading(self._engine) as conn:
            row = conn.execute(select(standups).where(standups.c.id == standup_id)).first()
            if row is None:
                return None
            realm_id = row.realm_id
            members = conn.execute(
                select(
                    participants.c.user_id,
                    people.c.profile_timezone,
                    people.c.timezone_override,
                    people.c.holiday_region,
                    people.c.zulip_away,
                )
                .select_from(
                    participants.outerjoin(
                        people,
                        and_(
                            people.c.realm_id == realm_id,
                            people.c.user_id == participants.c.user_id,
                        ),
                    )
                )
                .where(participants.c.standup_id == standup_id, participants.c.active.is_(True))
                .order_by(participants.c.user_id)
            ).all()
            user_ids = [m.user_id for m in members]
            leave = conn.execute(
                select(time_off.c.user_id, time_off.c.start_date, time_off.c.end_date).where(
                    time_off.c.realm_id == realm_id,
                    time_off.c.user_id.in_(user_ids),
                    time_off.c.end_date >= time_off_from,
                )
            ).all()
        schedule = schedule_from_row(row._mapping)
        periods: dict[int, list[TimeOff]] = {}
        for entry in leave:
            periods.setdefault(entry.user_id, []).append(TimeOff(entry.start_date, entry.end_date))
        people_in = tuple(
            Participant(
                user_id=int(m.user_id),
                profile_zone=m.profile_timezone,
                zone_override=m.timezone_override,
                holiday_region=holiday_region_of(m.holiday_region, m.user_id),
                time_off=_sorted(periods.get(m.user_id, ())),
                away=bool(m.zulip_away),
            )
            for m in members
        )
        return PlanInput(schedule, people_in, int(row.schedule_version), row.planned_until)

    def prompt_statuses(self, standup_id: int, run_date: dt.date) -> dict[int, JobStatus]:
        """Each participant's prompt job status for a run (people without a job are absent)."""
        query = select(jobs.c.user_id, jobs.c.status).where(
            jobs.c.standup_id == standup_id,
            jobs.c.kind == JobKind.PROMPT.value,
            jobs.c.run_date == run_date,
            jobs.c.user_id.is_not(None),
        )
        with reading(self._engine) as conn:
            return {int(r.user_id): JobStatus(r.status) for r in conn.execute(query)}


def _sorted(periods: Iterable[TimeOff]) -> tuple[TimeOff, ...]:
    return tuple(sorted(periods, key=lambda p: (p.start, p.end)))
