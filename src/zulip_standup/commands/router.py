"""Maps each parsed command to its handler; help comes from the same registry as the grammar."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from zulip_standup.commands import (
    history_cmds,
    naming_cmds,
    personal_cmds,
    setup_cmds,
    standup_cmds,
)
from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import help_texts as command_texts
from zulip_standup.domain.commands import types as ct

Handler = Callable[[CommandContext, Any], Awaitable[str]]


async def _help(ctx: CommandContext, cmd: ct.Help) -> str:
    if cmd.topic:
        return command_texts.help_topic_text(cmd.topic)
    return command_texts.help_text(in_dm=ctx.in_dm)


HANDLERS: dict[type[Any], Handler] = {
    ct.Help: _help,
    ct.Setup: setup_cmds.setup,
    ct.Status: standup_cmds.status,
    ct.Config: standup_cmds.config,
    ct.Pause: standup_cmds.pause,
    ct.Resume: standup_cmds.resume,
    ct.Delete: standup_cmds.delete,
    ct.Participants: standup_cmds.participants,
    ct.Rename: naming_cmds.rename,
    ct.Test: standup_cmds.test,
    ct.Timezone: personal_cmds.timezone,
    ct.Holidays: personal_cmds.holidays,
    ct.Away: personal_cmds.away,
    ct.Back: personal_cmds.back,
    ct.Restart: personal_cmds.restart,
    ct.Skip: personal_cmds.skip,
    ct.Answer: personal_cmds.answer,
    ct.Change: personal_cmds.change,
    ct.MyData: personal_cmds.my_data,
    ct.ForgetMe: personal_cmds.forget_me,
    ct.Dashboard: personal_cmds.dashboard,
    ct.Sessions: personal_cmds.sessions,
    ct.TokenNew: personal_cmds.token_new,
    ct.TokenList: personal_cmds.token_list,
    ct.TokenRevoke: personal_cmds.token_revoke,
    ct.Blockers: history_cmds.blockers,
    ct.History: history_cmds.history,
    ct.Search: history_cmds.search,
    ct.Stats: history_cmds.stats,
    ct.Chart: history_cmds.chart,
    ct.Export: history_cmds.export,
}


async def dispatch(ctx: CommandContext, command: ct.Command) -> str:
    """Run the command's handler and return the reply ("" when the handler replied itself)."""
    handler = HANDLERS[type(command)]
    return await handler(ctx, command)


def command_name(command: ct.Command) -> str:
    return type(command).__name__.lower()
