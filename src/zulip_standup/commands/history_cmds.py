"""Reading the past: blockers, history, search, stats, charts and exports (``services.reading``)."""

from __future__ import annotations

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import types as ct
from zulip_standup.services import reading


async def blockers(ctx: CommandContext, cmd: ct.Blockers) -> str:
    return await reading.blockers(ctx.rt, ctx.asker, cmd)


async def history(ctx: CommandContext, cmd: ct.History) -> str:
    return await reading.history(ctx.rt, ctx.asker, cmd)


async def search(ctx: CommandContext, cmd: ct.Search) -> str:
    return await reading.search(ctx.rt, ctx.asker, cmd)


async def stats(ctx: CommandContext, cmd: ct.Stats) -> str:
    return await reading.stats(ctx.rt, ctx.asker, cmd)


async def chart(ctx: CommandContext, cmd: ct.Chart) -> str:
    return await reading.chart(ctx.rt, ctx.asker, cmd)


async def export(ctx: CommandContext, cmd: ct.Export) -> str:
    return await reading.export(ctx.rt, ctx.asker, cmd)
