"""A person's scheduling facts for one standup, read from storage and the directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from zulip_standup.domain.chat import Person
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.records import PersonalChange, PersonProfile
from zulip_standup.domain.scheduling.holidays_calendar import parse_holiday_calendar
from zulip_standup.domain.scheduling.planning import (
    Absence,
    Participant,
    TimeOff,
    prompt_zone,
    run_absence,
)
from zulip_standup.domain.scheduling.schedule import local_instant
from zulip_standup.domain.scheduling.zones import schedule_zone, today_for, zone_of
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import UserRef
from zulip_standup.services.runtime import Runtime


def profile_of(person: Person) -> PersonProfile:
    """What the bot remembers of a person: their name and Zulip profile zone."""
    return PersonProfile(person.user_id, person.full_name, person.timezone)


def profiles(people: Iterable[Person]) -> tuple[PersonProfile, ...]:
    """What the bot remembers of each person (a change stores them with its other writes)."""
    return tuple(profile_of(p) for p in people)


def remembered(rt: Runtime, person: Person) -> PersonalChange:
    """A person's own change that stores only what the bot remembers of them (their own
    settings are ``dataclasses.replace``-d onto it)."""
    profile = profile_of(person)
    return PersonalChange(
        rt.realm_id,
        profile.user_id,
        rt.now(),
        display_name=profile.display_name,
        profile_timezone=profile.profile_timezone,
    )


async def remember(rt: Runtime, people: Iterable[Person]) -> None:
    """Store the names and Zulip profile zones of people the bot deals with."""
    for profile in profiles(people):
        await rt.db(
            rt.standups.upsert_person,
            rt.realm_id,
            profile.user_id,
            rt.now(),
            display_name=profile.display_name,
            profile_timezone=profile.profile_timezone,
        )


def people_named(rt: Runtime, refs: Iterable[UserRef], command: str | None = None) -> list[Person]:
    """Active people for each reference; a clear error (in ``command``'s form) otherwise."""
    people: list[Person] = []
    for ref in refs:
        found = rt.directory.find(user_id=ref.user_id, name=ref.name, email=ref.email)
        shown = ref.name or ref.email or str(ref.user_id)
        if not found:
            raise UserFacingError(texts.unknown_user(shown, command))
        if len(found) > 1:
            raise UserFacingError(texts.ambiguous_user(shown))
        people.append(found[0])
    return people


def team_today(standup: Standup, now: dt.datetime) -> dt.date:
    """The date in the standup's team zone now (a run's date, not a person's)."""
    return today_for(standup.settings.to_schedule(standup.id).zone, now)


async def own_zone(rt: Runtime, user_id: int, team: ZoneInfo | None = None) -> ZoneInfo:
    """The person's effective zone (``zones.zone_of``), from storage and the directory."""
    person = await rt.db(rt.standups.person, rt.realm_id, user_id)
    stored = (person.timezone_override, person.profile_timezone) if person else (None, None)
    override, profile_zone = _zone_names(rt, user_id, *stored)
    return zone_of(override, profile_zone, team, rt.defaults.timezone)


def _zone_names(
    rt: Runtime, user_id: int, override: str | None, stored_profile: str | None
) -> tuple[str | None, str | None]:
    """The person's ``timezone`` override and Zulip profile zone (the directory's is freshest)."""
    profile = rt.directory.get(user_id)
    if profile is not None and profile.timezone:
        return override, profile.timezone
    return override, stored_profile


async def zones_in(rt: Runtime, standup: Standup, on: dt.date) -> dict[int, ZoneInfo]:
    """Each participant's effective zone (``zones.zone_of``), read in one go."""
    plan = await rt.db(rt.schedules.load, standup.id, on)
    if plan is None:
        return {}
    team = plan.schedule.zone
    found: dict[int, ZoneInfo] = {}
    for p in plan.participants:
        override, profile = _zone_names(rt, p.user_id, p.zone_override, p.profile_zone)
        found[p.user_id] = zone_of(override, profile, team, rt.defaults.timezone)
    return found


async def own_today(rt: Runtime, user_id: int) -> dt.date:
    """The person's "today": the date now in their effective zone."""
    return today_for(await own_zone(rt, user_id), rt.now())


async def run_today(rt: Runtime, standup: Standup, user_id: int) -> dt.date:
    """The date of the person's run "today": on the team's clock in team mode, else their own."""
    schedule = standup.settings.to_schedule(standup.id)
    own = await own_zone(rt, user_id, schedule.zone)
    return today_for(schedule_zone(schedule.delivery_mode, schedule.zone, own), rt.now())


async def participant_of(rt: Runtime, user_id: int) -> Participant:
    """Zones, holiday region, time off and away status as the planner sees them."""
    person = await rt.db(rt.standups.person, rt.realm_id, user_id)
    periods = await rt.db(rt.standups.time_off_of, rt.realm_id, user_id)
    stored = (person.timezone_override, person.profile_timezone) if person else (None, None)
    override, profile_zone = _zone_names(rt, user_id, *stored)
    region = person.holiday_region if person else None
    return Participant(
        user_id=user_id,
        profile_zone=profile_zone,
        zone_override=override,
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
