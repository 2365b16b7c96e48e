"""A person's own facts as use cases: time zone, holiday region, time off, what is stored
about them and forgetting it.

Each change is one storage transaction (``apply_personal_change``): the person, their time
off and a durable request to re-plan each of their standups, so a crash right after it
still gets their prompts moved by the planner's next tick. The re-plan here, after the
commit, only moves them at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from zulip_standup.domain.chat import Person
from zulip_standup.domain.commands import personal_texts
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.records import PersonalChange, PersonalChangeResult, StandupChange
from zulip_standup.domain.scheduling.planning import TimeOff
from zulip_standup.domain.standup import Standup
from zulip_standup.services.access import Asker
from zulip_standup.services.people import own_zone, profiles, remember, remembered
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.standup_admin import store_change


async def _store(rt: Runtime, change: PersonalChange) -> PersonalChangeResult:
    """Store the person's change in one transaction, then re-plan what it asked for."""
    result = await rt.db(rt.standups.apply_personal_change, change)
    for standup_id in result.replan:
        await rt.planner.replan(standup_id)
    return result


async def profile_changed(
    rt: Runtime,
    person: Person,
    standups: Sequence[Standup],
    *,
    renamed: bool,
    zone_moved: bool,
    deactivated: bool,
) -> None:
    """A person's Zulip profile changed: a new name or zone is stored with a re-plan when
    the zone moved (one transaction); a deactivated person leaves each of their standups,
    one change per standup, remembered with it."""
    if deactivated:
        for standup in standups:
            leave = StandupChange(
                rt.realm_id,
                rt.now(),
                standup_id=standup.id,
                people=profiles([person]),
                leaving=(person.user_id,),
            )
            await store_change(rt, leave)
    elif renamed or zone_moved:
        await _store(rt, replace(remembered(rt, person), zone_moved=zone_moved))


async def timezone(rt: Runtime, asker: Asker, cmd: ct.Timezone) -> str:
    """``timezone`` shows the person's zone; with a zone (or ``reset``) sets their override."""
    user_id = asker.person.user_id
    if cmd.zone is None and not cmd.reset:
        await remember(rt, [asker.person])
        person = await rt.db(rt.standups.person, rt.realm_id, user_id)
        override = person.timezone_override if person else None
        effective = await own_zone(rt, user_id)
        return personal_texts.timezone_shown(effective.key, override, asker.person.timezone or None)
    await _store(rt, replace(remembered(rt, asker.person), timezone_override=cmd.zone))
    return personal_texts.timezone_set(cmd.zone)


async def holidays(rt: Runtime, asker: Asker, cmd: ct.Holidays) -> str:
    """``holidays`` shows the person's holiday region; with a region (or ``none``) sets it."""
    if cmd.show:
        await remember(rt, [asker.person])
        person = await rt.db(rt.standups.person, rt.realm_id, asker.person.user_id)
        return personal_texts.holidays_shown(person.holiday_region if person else None)
    code = cmd.region.code if cmd.region is not None else None
    await _store(rt, replace(remembered(rt, asker.person), holiday_region=code))
    return personal_texts.holidays_set(code)


async def away(rt: Runtime, asker: Asker, cmd: ct.Away) -> str:
    """``away``: a period off, with no prompts on its days."""
    period = TimeOff(cmd.start, cmd.end)
    await _store(rt, replace(remembered(rt, asker.person), time_off=period))
    return personal_texts.away_set(cmd.start, cmd.end)


async def back(rt: Runtime, asker: Asker, _cmd: ct.Back) -> str:
    """``back``: end the time off that covers today; planned later time off stays."""
    result = await _store(rt, replace(remembered(rt, asker.person), back_on=asker.today))
    planned = [(s, e) for s, e in result.time_off if s > asker.today]
    return personal_texts.back_done(result.periods_ended, planned)


async def my_data(rt: Runtime, asker: Asker, _cmd: ct.MyData) -> str:
    """``my data``: what the bot stores about the person."""
    user_id = asker.person.user_id
    person = await rt.db(rt.standups.person, rt.realm_id, user_id)
    periods = await rt.db(rt.standups.time_off_of, rt.realm_id, user_id)
    mine = await rt.db(rt.standups.of_participant, rt.realm_id, user_id)
    count = await rt.db(rt.runs.count_answers, rt.realm_id, user_id)
    override = person.timezone_override if person else None
    zone = await own_zone(rt, user_id)
    return texts.my_data(
        asker.person.full_name,
        zone.key,
        override,
        person.holiday_region if person else None,
        periods,
        [f"{s.name} in #{s.stream_name}" for s in mine],
        count,
    )


async def forget_me(rt: Runtime, asker: Asker, cmd: ct.ForgetMe) -> str:
    """``forget me confirm``: delete the person's data (one transaction), then re-plan."""
    if not cmd.confirmed:
        return texts.forget_confirm()
    user_id = asker.person.user_id
    mine = await rt.db(rt.standups.of_participant, rt.realm_id, user_id)
    counts = await rt.db(rt.runs.forget_person, rt.realm_id, user_id, rt.now())
    await rt.db(rt.standups.forget_kept, rt.realm_id, user_id)
    for standup in mine:
        await rt.planner.replan(standup.id)
    return texts.forgotten(counts)
