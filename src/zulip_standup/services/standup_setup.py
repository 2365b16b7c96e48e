"""``setup``: create a standup for a channel, or re-run it to change its times and zone.

A new standup takes the operator's defaults (``STANDUP_DEFAULT_*``, the team zone
included) except what setup is given; the reply says which zone it uses. The standup,
the channel's people, who takes part and the audit row are one change (one transaction).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from zulip_standup.domain.chat import Role
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import standup_texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.admin_changes import setup_settings, validated
from zulip_standup.domain.commands.standup_texts import ZoneSource
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.records import Audited, NewStandup, StandupChange
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import effective_zone, upcoming_occurrences
from zulip_standup.domain.standup import DEFAULT_NAME, Question, Standup, StandupSettings
from zulip_standup.services.access import Asker, can_see_channel, channel_meant, require_manager
from zulip_standup.services.people import team_today
from zulip_standup.services.runtime import Defaults, Runtime
from zulip_standup.services.standup_admin import joining, store_change


async def setup(rt: Runtime, asker: Asker, cmd: ct.Setup) -> str:
    """Set the channel's standup up (or update it); the reply lists everyone's next prompt."""
    sender = asker.person
    channel = await channel_meant(rt, asker, "setup")
    if not await can_see_channel(rt, sender, channel):
        raise UserFacingError(texts.channel_not_found(channel.name))
    name = cmd.standup or DEFAULT_NAME
    existing = [
        s
        for s in await rt.db(rt.standups.in_channel, rt.realm_id, channel.stream_id)
        if s.name == name
    ]
    given = {"prompt": cmd.prompt, "reminder": cmd.reminder, "cutoff": cmd.cutoff}
    times = {key: f"{value:%H:%M}" for key, value in given.items() if value is not None}
    members = rt.directory.humans(await rt.chat.get_subscribers(channel.stream_id))
    created = not existing
    if existing:
        require_manager(rt, existing[0], sender)
        settings = validated(setup_settings(existing[0].settings, cmd))
    else:
        if sender.role == Role.GUEST and not sender.is_admin:
            raise UserFacingError(standup_texts.guests_cannot_create())
        settings = validated(setup_settings(new_settings(rt.defaults, name), cmd))
    change = StandupChange(
        rt.realm_id,
        rt.now(),
        standup_id=None if created else existing[0].id,
        new=NewStandup(channel.stream_id, channel.name, sender.user_id) if created else None,
        settings=settings,
        replan=True,
        audit=Audited(
            sender.user_id,
            "setup" if created else "setup_update",
            {"times": times, "timezone": cmd.timezone},
        ),
    )
    standup = (await store_change(rt, joining(change, members, exact=True))).standup
    source: ZoneSource = "given" if cmd.timezone is not None else "default" if created else "kept"
    return texts.setup_done(standup, created, await next_prompts(rt, standup), source)


def new_settings(defaults: Defaults, name: str) -> StandupSettings:
    """A new standup's settings: the operator's defaults."""
    questions = StandupSettings().questions
    if defaults.questions:
        last = len(defaults.questions) - 1
        questions = tuple(
            Question(text, blocker=i == last and "block" in text.lower())
            for i, text in enumerate(defaults.questions)
        )
    return StandupSettings(
        name=name,
        team_timezone=defaults.timezone,
        prompt_time=defaults.prompt_time,
        reminder_times=(defaults.reminder_time,),
        cutoff_time=defaults.cutoff_time,
        holiday_country=defaults.holiday_country,
        questions=questions,
    )


async def next_prompts(rt: Runtime, standup: Standup) -> list[tuple[str, int, dt.datetime | None]]:
    """Each participant's next prompt instant, for the setup reply."""
    plan = await rt.db(rt.schedules.load, standup.id, team_today(standup, rt.now()))
    if plan is None:
        return []
    occurrences = upcoming_occurrences(plan.schedule, plan.participants, rt.now())
    first: dict[int, dt.datetime] = {}
    for occ in occurrences:
        if occ.kind is JobKind.PROMPT and occ.user_id is not None:
            first.setdefault(occ.user_id, occ.due_at)
    # Shown with the person's own offset; Zulip renders it in each reader's zone anyway.
    zones = {p.user_id: effective_zone(p, plan.schedule.zone) for p in plan.participants}
    members = await rt.db(rt.standups.participants, standup.id)
    return [
        (m.display_name, m.user_id, _in_zone(first.get(m.user_id), zones.get(m.user_id)))
        for m in members
    ]


def _in_zone(instant: dt.datetime | None, zone: ZoneInfo | None) -> dt.datetime | None:
    if instant is None or zone is None:
        return instant
    return instant.astimezone(zone)
