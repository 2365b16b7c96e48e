"""Standup lifecycle commands: status, config, pause, resume, delete, participants, test.

``setup`` is in ``setup_cmds``, ``rename`` in ``naming_cmds``.
"""

from __future__ import annotations

import datetime as dt

from zulip_standup.commands.context import CommandContext
from zulip_standup.commands.setup_cmds import validated
from zulip_standup.domain.commands import config_apply as cs_apply
from zulip_standup.domain.commands import config_settings as cs
from zulip_standup.domain.commands import help_texts as command_texts
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.commands.config_apply import apply_setting
from zulip_standup.domain.commands.config_settings import ChangeManagers, SetScheduledMessages
from zulip_standup.domain.commands.registry import COMMAND_BY_WORD, SETTING_BY_WORD
from zulip_standup.domain.commands.status_texts import status_progress
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.limits import MAX_QUESTIONS
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.domain.scheduling.planning import upcoming_occurrences
from zulip_standup.domain.standup import (
    Standup,
)
from zulip_standup.services.attendance import day_of_run
from zulip_standup.services.people import people_named, remember, team_today
from zulip_standup.services.scheduled_prompts import MIN_FEATURE_LEVEL


async def status(ctx: CommandContext, cmd: ct.Status) -> str:
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "status", manage=False)
    members = await rt.db(rt.standups.participants, standup.id)
    schedule = standup.settings.to_schedule(standup.id)
    today = team_today(standup, rt.now())
    run = await rt.db(rt.runs.find_run, standup.id, today)
    progress: dict[str, list[str]] = {}
    if run is not None:
        day = await day_of_run(rt, standup, run)
        progress = status_progress([(p.name, p.standing) for p in day if p.member])
    plan = await rt.db(rt.schedules.load, standup.id, today)
    events: list[tuple[str, dt.datetime]] = []
    if plan is not None:
        upcoming = upcoming_occurrences(plan.schedule, plan.participants, rt.now())
        for kind, label in ((JobKind.PROMPT, "prompt"), (JobKind.DIGEST, "report")):
            found = next((o for o in upcoming if o.kind is kind), None)
            if found is not None:
                events.append((label, found.due_at.astimezone(schedule.zone)))
    return texts.status_text(
        standup,
        [(m.display_name, m.user_id) for m in members],
        progress,
        today if run is not None else None,
        events,
        served_by=rt.served_by if ctx.sender.is_admin else None,
    )


async def config(ctx: CommandContext, cmd: ct.Config) -> str:
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "config", manage=True)
    manager_ids: tuple[int, ...] = ()
    if isinstance(cmd.setting, ChangeManagers):
        users = people_named(rt, cmd.setting.users, f"config managers {cmd.setting.action}")
        manager_ids = tuple(p.user_id for p in users)
    change = _applied(standup, cmd.setting, manager_ids)
    settings = validated(change.settings)
    updated = await rt.db(
        rt.standups.update_settings, standup.id, settings, rt.now(), replan=change.replan
    )
    await rt.db(
        rt.standups.audit,
        rt.realm_id,
        standup.id,
        ctx.sender.user_id,
        "config",
        {"setting": type(cmd.setting).__name__, "change": change.description},
        rt.now(),
    )
    if change.replan:
        await rt.planner.replan(standup.id)
    reply = texts.config_updated(updated, change.description)
    level = rt.server.feature_level
    wants_scheduling = isinstance(cmd.setting, SetScheduledMessages) and cmd.setting.enabled
    if wants_scheduling and level < MIN_FEATURE_LEVEL:
        reply += "\n" + texts.scheduled_messages_unsupported(level)
    return reply


_QUESTION_SETTINGS = (
    cs.SetQuestions,
    cs.AddQuestion,
    cs.RemoveQuestion,
    cs.MoveQuestion,
    cs.ResetQuestions,
    cs.SetBlockerQuestion,
)


def _applied(
    standup: Standup, setting: cs.ConfigSetting, manager_ids: tuple[int, ...]
) -> cs_apply.Change:
    """The change a setting makes; a refusal is a sentence followed by that setting's usage."""
    questions = standup.settings.questions
    if isinstance(setting, cs.AddQuestion) and len(questions) >= MAX_QUESTIONS:
        raise UserFacingError(
            command_texts.too_many_questions_text(len(questions))
            + "\n"
            + _setting_usage("questions")
        )
    try:
        return apply_setting(standup.settings, setting, manager_ids)
    except UserFacingError as refusal:
        word = "questions" if isinstance(setting, _QUESTION_SETTINGS) else None
        if isinstance(setting, cs.UnskipDate):
            word = "unskip"
        text = refusal.text[:1].upper() + refusal.text[1:]
        if not text.endswith((".", "?", "!")):
            text += "."
        raise UserFacingError(text + ("\n" + _setting_usage(word) if word else "")) from None


def _setting_usage(word: str) -> str:
    spec = SETTING_BY_WORD[word]
    return command_texts.usage_text(
        COMMAND_BY_WORD["config"], tuple(f"config {usage}" for usage in spec.usage)
    )


async def pause(ctx: CommandContext, cmd: ct.Pause) -> str:
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "pause", manage=True)
    settings = standup.settings.with_changes(paused=True, paused_until=cmd.until)
    updated = await rt.db(rt.standups.update_settings, standup.id, settings, rt.now(), replan=True)
    await rt.db(
        rt.standups.audit,
        rt.realm_id,
        standup.id,
        ctx.sender.user_id,
        "pause",
        {"until": str(cmd.until)},
        rt.now(),
    )
    await rt.planner.replan(standup.id)
    return texts.paused(updated, cmd.until)


async def resume(ctx: CommandContext, cmd: ct.Resume) -> str:
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "resume", manage=True)
    settings = standup.settings.with_changes(paused=False, paused_until=None)
    updated = await rt.db(rt.standups.update_settings, standup.id, settings, rt.now(), replan=True)
    await rt.db(
        rt.standups.audit, rt.realm_id, standup.id, ctx.sender.user_id, "resume", {}, rt.now()
    )
    await rt.planner.replan(standup.id)
    return texts.resumed(updated)


async def delete(ctx: CommandContext, cmd: ct.Delete) -> str:
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "delete", manage=True)
    if not cmd.confirmed:
        return texts.delete_confirm(standup)
    await rt.db(
        rt.standups.audit,
        rt.realm_id,
        None,
        ctx.sender.user_id,
        "delete",
        {"standup": standup.name, "stream_id": standup.stream_id},
        rt.now(),
    )
    await rt.db(rt.standups.delete, standup.id)
    return texts.deleted(standup.name)


async def participants(ctx: CommandContext, cmd: ct.Participants) -> str:
    rt = ctx.rt
    if cmd.action == "list":
        standup = await ctx.standup(cmd.standup, "participants", manage=False)
        listed = await rt.db(rt.standups.participants, standup.id)
        return texts.participants_list(standup, [(m.display_name, m.user_id) for m in listed])
    standup = await ctx.standup(cmd.standup, "participants", manage=True)
    added: list[int] = []
    removed: list[int] = []
    if cmd.action == "sync":
        members = rt.directory.humans(await rt.chat.get_subscribers(standup.stream_id))
        await remember(rt, members)
        added, removed = await rt.db(
            rt.standups.set_participants,
            standup.id,
            [(p.user_id, p.full_name) for p in members],
            rt.now(),
        )
    elif cmd.action == "add":
        people = [p for p in people_named(rt, cmd.users, "participants add") if not p.is_bot]
        await remember(rt, people)
        added = await rt.db(
            rt.standups.add_participants,
            standup.id,
            [(p.user_id, p.full_name) for p in people],
            rt.now(),
        )
    else:
        people = people_named(rt, cmd.users, "participants remove")
        removed = await rt.db(
            rt.standups.remove_participants, standup.id, [p.user_id for p in people]
        )
    await rt.db(
        rt.standups.audit,
        rt.realm_id,
        standup.id,
        ctx.sender.user_id,
        f"participants_{cmd.action}",
        {"added": added, "removed": removed},
        rt.now(),
    )
    await rt.planner.replan(standup.id)
    name = rt.directory.name_of
    return texts.participants_changed(standup, [name(u) for u in added], [name(u) for u in removed])


async def test(ctx: CommandContext, cmd: ct.Test) -> str:
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "test", manage=False)
    first = standup.settings.questions[0].text
    await rt.chat.send_dm([ctx.sender.user_id], texts.test_prompt(standup.name, first))
    return texts.test_sent()
