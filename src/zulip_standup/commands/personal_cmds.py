"""Personal commands in a DM: time zone, holidays, time off, skip, answer, my data, forget me."""

from __future__ import annotations

import datetime as dt

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import personal_texts
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.conversation import texts as conversation_texts
from zulip_standup.domain.conversation.machine import (
    ChangeRequested,
    Phase,
    Prompted,
    Restart,
    SkipDay,
)
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.scheduling.schedule import is_run_date
from zulip_standup.domain.standup import Standup
from zulip_standup.services.people import own_zone, remember, run_today
from zulip_standup.services.turns import Turn

_RESTARTABLE = frozenset({Phase.ASKING, Phase.DONE, Phase.SKIPPED})


async def _replan_mine(ctx: CommandContext) -> None:
    rt = ctx.rt
    for standup in await rt.db(rt.standups.of_participant, rt.realm_id, ctx.sender.user_id):
        await rt.planner.replan(standup.id)


async def _ensure_person(ctx: CommandContext) -> None:
    await remember(ctx.rt, [ctx.sender])


async def timezone(ctx: CommandContext, cmd: ct.Timezone) -> str:
    rt = ctx.rt
    await _ensure_person(ctx)
    if cmd.zone is None and not cmd.reset:
        person = await rt.db(rt.standups.person, rt.realm_id, ctx.sender.user_id)
        override = person.timezone_override if person else None
        effective = await own_zone(rt, ctx.sender.user_id)
        return personal_texts.timezone_shown(effective.key, override, ctx.sender.timezone or None)
    await rt.db(
        rt.standups.upsert_person,
        rt.realm_id,
        ctx.sender.user_id,
        rt.now(),
        timezone_override=cmd.zone,
    )
    await _replan_mine(ctx)
    return personal_texts.timezone_set(cmd.zone)


async def holidays(ctx: CommandContext, cmd: ct.Holidays) -> str:
    rt = ctx.rt
    await _ensure_person(ctx)
    if cmd.show:
        person = await rt.db(rt.standups.person, rt.realm_id, ctx.sender.user_id)
        return personal_texts.holidays_shown(person.holiday_region if person else None)
    code = cmd.region.code if cmd.region is not None else None
    await rt.db(
        rt.standups.upsert_person, rt.realm_id, ctx.sender.user_id, rt.now(), holiday_region=code
    )
    await _replan_mine(ctx)
    return personal_texts.holidays_set(code)


async def away(ctx: CommandContext, cmd: ct.Away) -> str:
    rt = ctx.rt
    await _ensure_person(ctx)
    await rt.db(
        rt.standups.add_time_off, rt.realm_id, ctx.sender.user_id, cmd.start, cmd.end, rt.now()
    )
    await _replan_mine(ctx)
    return personal_texts.away_set(cmd.start, cmd.end)


async def back(ctx: CommandContext, _cmd: ct.Back) -> str:
    rt = ctx.rt
    changed = await rt.db(rt.standups.end_time_off, rt.realm_id, ctx.sender.user_id, ctx.today)
    if changed:
        await _replan_mine(ctx)
    periods = await rt.db(rt.standups.time_off_of, rt.realm_id, ctx.sender.user_id)
    return personal_texts.back_done(changed, [(s, e) for s, e in periods if s > ctx.today])


async def skip(ctx: CommandContext, cmd: ct.Skip) -> str:
    """Skip a day in each of the person's standups that runs then (today: via the conversation)."""
    rt = ctx.rt
    skipped: list[str] = []
    for standup in await rt.db(rt.standups.of_participant, rt.realm_id, ctx.sender.user_id):
        schedule = standup.settings.to_schedule(standup.id)
        if not is_run_date(schedule, cmd.date):
            continue
        turn = await ctx.conversations.load(standup, cmd.date, ctx.sender.user_id)
        if turn.state.phase in {Phase.DONE, Phase.SKIPPED}:
            continue
        # A person who skips ahead is not prompted: claim the prompt first.
        await rt.db(rt.runs.claim_prompt, turn.record.id, rt.now())
        await ctx.conversations.apply(turn, SkipDay(), ctx.sender.user_id)
        skipped.append(standup.name)
    if not skipped:
        return personal_texts.nothing_to_skip(cmd.date)
    return ""  # the conversation already confirmed each skip


async def restart(ctx: CommandContext, cmd: ct.Restart) -> str:
    """Answer today's skipped or finished standup again (the conversation asks question 1)."""
    rt = ctx.rt
    if cmd.standup is not None:
        mine = [await ctx.standup(cmd.standup, "restart", manage=False)]
    else:
        mine = await rt.db(rt.standups.of_participant, rt.realm_id, ctx.sender.user_id)
    found: list[Turn] = []
    for standup in mine:
        day = await run_today(rt, standup, ctx.sender.user_id)
        if await rt.db(rt.runs.find_run, standup.id, day) is None:
            continue
        turn = await ctx.conversations.load(standup, day, ctx.sender.user_id)
        if turn.state.phase in _RESTARTABLE:
            found.append(turn)
    if not found:
        return personal_texts.nothing_to_restart()
    if len(found) > 1:
        return personal_texts.restart_which([turn.standup.name for turn in found])
    await ctx.conversations.apply(found[0], Restart(), ctx.sender.user_id)
    return ""


async def answer(ctx: CommandContext, cmd: ct.Answer) -> str:
    """Start the person's upcoming run now, ahead of the prompt (the prompt job then does
    nothing); while they answer another standup, it waits its turn like a prompt would."""
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "answer", manage=False)
    members = await rt.db(rt.standups.participants, standup.id)
    if ctx.sender.user_id not in {m.user_id for m in members}:
        raise UserFacingError(
            f"You are not a participant of **{standup.name}**; a manager can add you with "
            f"`participants add @**{ctx.sender.full_name}**`."
        )
    day = _answer_date(standup, await run_today(rt, standup, ctx.sender.user_id))
    if day is None:
        return texts.answer_nothing_open(standup.name)
    turn = await ctx.conversations.load(standup, day, ctx.sender.user_id)
    if turn.state.phase is Phase.PENDING:
        await rt.db(rt.runs.claim_prompt, turn.record.id, rt.now())
        if await ctx.conversations.hold_if_busy(standup, day, ctx.sender.user_id):
            return ""  # the notice says it waits for the standup being answered
    # Sent now even when handed to Zulip for later: that scheduled prompt is then cancelled.
    state = await ctx.conversations.apply(turn, Prompted(), ctx.sender.user_id, direct_prompt=True)
    if state.phase is Phase.DONE:  # nothing to ask: say so rather than stay silent
        return conversation_texts.already_done_text(standup.name)
    if state.phase is Phase.SKIPPED:
        return conversation_texts.already_skipped_text(standup.name)
    return ""


def _answer_date(standup: Standup, today: dt.date) -> dt.date | None:
    """The run to answer: the person's run today if there is one, else the next within a week."""
    schedule = standup.settings.to_schedule(standup.id)
    for offset in range(8):
        candidate = today + dt.timedelta(days=offset)
        if is_run_date(schedule, candidate):
            return candidate
    return None


async def change(ctx: CommandContext, cmd: ct.Change) -> str:
    """``change N text`` outside an open conversation: fix today's (or the latest) answer."""
    rt = ctx.rt
    for standup in await rt.db(rt.standups.of_participant, rt.realm_id, ctx.sender.user_id):
        day = await run_today(rt, standup, ctx.sender.user_id)
        run = await rt.db(rt.runs.find_run, standup.id, day)
        if run is None:
            continue
        turn = await ctx.conversations.load(standup, day, ctx.sender.user_id)
        if turn.state.phase is Phase.PENDING:
            continue
        await ctx.conversations.apply(
            turn, ChangeRequested(cmd.number, cmd.text, ctx.message.message_id), ctx.sender.user_id
        )
        return ""
    return "You have no answers today to change. `answer` starts today's standup."


async def my_data(ctx: CommandContext, _cmd: ct.MyData) -> str:
    rt = ctx.rt
    person = await rt.db(rt.standups.person, rt.realm_id, ctx.sender.user_id)
    periods = await rt.db(rt.standups.time_off_of, rt.realm_id, ctx.sender.user_id)
    mine = await rt.db(rt.standups.of_participant, rt.realm_id, ctx.sender.user_id)
    count = await rt.db(rt.runs.count_answers, rt.realm_id, ctx.sender.user_id)
    override = person.timezone_override if person else None
    zone = await own_zone(rt, ctx.sender.user_id)
    return texts.my_data(
        ctx.sender.full_name,
        zone.key,
        override,
        person.holiday_region if person else None,
        periods,
        [f"{s.name} in #{s.stream_name}" for s in mine],
        count,
    )


async def forget_me(ctx: CommandContext, cmd: ct.ForgetMe) -> str:
    rt = ctx.rt
    if not cmd.confirmed:
        return texts.forget_confirm()
    mine = await rt.db(rt.standups.of_participant, rt.realm_id, ctx.sender.user_id)
    counts = await rt.db(rt.runs.forget_person, rt.realm_id, ctx.sender.user_id, rt.now())
    for standup in mine:
        await rt.planner.replan(standup.id)
    return texts.forgotten(counts)
