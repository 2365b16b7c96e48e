"""A person's scheduling facts for one standup, read from storage and the directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from zulip_standup.domain.chat import Person
from zulip_standup.domain.holidays_calendar import parse_holiday_calendar
from zulip_standup.domain.planning import (
    Absence,
    Participant,
    TimeOff,
    prompt_zone,
    run_absence,
)
from zulip_standup.domain.schedule import local_instant
from zulip_standup.domain.standup import Standup
from zulip_standup.services.runtime import Runtime


async def remember(rt: Runtime, people: Iterable[Person]) -> None:
    """Store the names and Zulip profile zones of people the bot deals with."""
    for person in people:
        await rt.db(
            rt.standups.upsert_person,
            rt.realm_id,
            person.user_id,
            rt.now(),
            display_name=person.full_name,
            profile_timezone=person.timezone,
        )


async def participant_of(rt: Runtime, user_id: int) -> Participant:
    """Zones, holiday region, time off and away status as the planner sees them."""
    person = await rt.db(rt.standups.person, rt.realm_id, user_id)
    periods = await rt.db(rt.standups.time_off_of, rt.realm_id, user_id)
    profile = rt.directory.get(user_id)
    profile_zone = person.profile_timezone if person else None
    if profile is not None and profile.timezone:
        profile_zone = profile.timezone
    region = person.holiday_region if person else None
    return Participant(
        user_id=user_id,
        profile_zone=profile_zone,
        zone_override=person.timezone_override if person else None,
        holiday_region=parse_holiday_calendar(region) if region else None,
        time_off=tuple(TimeOff(s, e) for s, e in periods),
        away=bool(person and person.zulip_away),
    )


def absence_on(standup: Standup, participant: Participant, run_date: dt.date) -> Absence | None:
    """Why the person is not asked on that run date (time off, holiday, away), or None."""
    return run_absence(standup.settings.to_schedule(standup.id), participant, run_date)


def prompt_instant(standup: Standup, participant: Participant, run_date: dt.date) -> dt.datetime:
    """When the person is (or was) prompted for that run date."""
    schedule = standup.settings.to_schedule(standup.id)
    return local_instant(run_date, schedule.prompt_time, prompt_zone(schedule, participant))


def last_reminder_instant(
    standup: Standup, participant: Participant, run_date: dt.date, now: dt.datetime
) -> dt.datetime | None:
    """The latest of the person's reminder times for that run date that is not after ``now``."""
    schedule = standup.settings.to_schedule(standup.id)
    zone = prompt_zone(schedule, participant)
    passed = [
        at for wall in schedule.reminder_times if (at := local_instant(run_date, wall, zone)) <= now
    ]
    return max(passed, default=None)


def personal_deadline(standup: Standup, participant: Participant, run_date: dt.date) -> dt.datetime:
    """The later of the team cutoff and the cutoff on the person's own prompt clock."""
    schedule = standup.settings.to_schedule(standup.id)
    team = local_instant(run_date, schedule.cutoff_time, schedule.zone)
    own = local_instant(run_date, schedule.cutoff_time, prompt_zone(schedule, participant))
    return max(team, own)
