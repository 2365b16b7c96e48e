"""``rename``: give a standup a new name; the default report topic follows the name."""

from __future__ import annotations

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import standup_texts as texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.reports.topic import run_topic
from zulip_standup.services.people import team_today


async def rename(ctx: CommandContext, cmd: ct.Rename) -> str:
    rt = ctx.rt
    standup = await ctx.standup(cmd.standup, "rename", manage=True)
    if cmd.new_name == standup.name:
        return texts.already_named(standup)
    neighbours = await rt.db(rt.standups.in_channel, rt.realm_id, standup.stream_id)
    if any(s.name == cmd.new_name for s in neighbours if s.id != standup.id):
        raise UserFacingError(texts.name_taken(standup, cmd.new_name))
    settings = standup.settings.with_changes(name=cmd.new_name)
    updated = await rt.db(rt.standups.update_settings, standup.id, settings, rt.now(), replan=False)
    await rt.db(
        rt.standups.audit,
        rt.realm_id,
        standup.id,
        ctx.sender.user_id,
        "rename",
        {"from": standup.name, "to": updated.name},
        rt.now(),
    )
    topic = run_topic(updated.settings, team_today(updated, rt.now()), rt.server.max_topic_length)
    return texts.renamed(standup.name, updated, topic)
