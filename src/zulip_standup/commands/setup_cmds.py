"""``setup``: create a standup for a channel, or re-run it to change its times and zone.

A new standup takes the operator's defaults (``STANDUP_DEFAULT_*``, the team
zone included) except what setup is given; the reply says which zone it uses.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.chat import Role
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.standup_texts import ZoneSource
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import effective_zone, upcoming_occurrences
from zulip_standup.domain.standup import DEFAULT_NAME, Question, Standup, StandupSettings
from zulip_standup.services.access import can_see_channel, require_manager
from zulip_standup.services.people import remember


async def next_prompts(
    ctx: CommandContext, standup: Standup
) -> list[tuple[str, int, dt.datetime | None]]:
    """Each participant's next prompt instant, for the setup reply."""
    rt = ctx.rt
    plan = await rt.db(rt.schedules.load, standup.id, rt.now().date())
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


async def setup(ctx: CommandContext, cmd: ct.Setup) -> str:
    rt = ctx.rt
    channel = await ctx.channel("setup")
    if not await can_see_channel(rt, ctx.sender, channel):
        raise UserFacingError(texts.channel_not_found(channel.name))
    name = cmd.standup or DEFAULT_NAME
    existing = [
        s
        for s in await rt.db(rt.standups.in_channel, rt.realm_id, channel.stream_id)
        if s.name == name
    ]
    given = {"prompt": cmd.prompt, "reminder": cmd.reminder, "cutoff": cmd.cutoff}
    times = {key: f"{value:%H:%M}" for key, value in given.items() if value is not None}
    subscribers = await rt.chat.get_subscribers(channel.stream_id)
    members = rt.directory.humans(subscribers)
    if existing:
        standup = existing[0]
        require_manager(rt, standup, ctx.sender)
        settings = validated(_setup_settings(standup.settings, cmd))
        standup = await rt.db(
            rt.standups.update_settings, standup.id, settings, rt.now(), replan=True
        )
        created = False
    else:
        if ctx.sender.role == Role.GUEST and not ctx.sender.is_admin:
            raise UserFacingError(
                "Guests can't create standups; ask a member of the channel or an administrator."
            )
        settings = validated(_setup_settings(_new_settings(ctx, name), cmd))
        standup = await rt.db(
            rt.standups.create,
            rt.realm_id,
            channel.stream_id,
            channel.name,
            ctx.sender.user_id,
            settings,
            rt.now(),
        )
        created = True
    await remember(rt, members)
    await rt.db(
        rt.standups.set_participants,
        standup.id,
        [(p.user_id, p.full_name) for p in members],
        rt.now(),
    )
    await rt.db(
        rt.standups.audit,
        rt.realm_id,
        standup.id,
        ctx.sender.user_id,
        "setup" if created else "setup_update",
        {"times": times, "timezone": cmd.timezone},
        rt.now(),
    )
    await rt.planner.replan(standup.id)
    source: ZoneSource = "given" if cmd.timezone is not None else "default" if created else "kept"
    return texts.setup_done(standup, created, await next_prompts(ctx, standup), source)


def _setup_settings(base: StandupSettings, cmd: ct.Setup) -> StandupSettings:
    """``base`` with the times and zone setup was given (see ``with_setup_times``)."""
    try:
        settings = base.with_setup_times(cmd.prompt, cmd.reminder, cmd.cutoff)
    except ValueError as exc:
        raise UserFacingError(texts.config_invalid(str(exc))) from None
    if cmd.timezone is None:
        return settings
    return settings.with_changes(team_timezone=cmd.timezone)


def _new_settings(ctx: CommandContext, name: str) -> StandupSettings:
    defaults = ctx.rt.defaults
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


def validated(settings: StandupSettings) -> StandupSettings:
    try:
        return settings.validated()
    except ValueError as exc:
        raise UserFacingError(texts.config_invalid(str(exc))) from None
