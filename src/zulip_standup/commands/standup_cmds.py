"""Standup lifecycle commands: status, config, pause, resume, delete, participants, test.

Each is one call of its use case in ``services.standup_admin``; ``setup`` is in
``setup_cmds``, ``rename`` in ``naming_cmds``.
"""

from __future__ import annotations

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import types as ct
from zulip_standup.services import standup_admin


async def status(ctx: CommandContext, cmd: ct.Status) -> str:
    return await standup_admin.status(ctx.rt, ctx.asker, cmd)


async def config(ctx: CommandContext, cmd: ct.Config) -> str:
    return await standup_admin.config(ctx.rt, ctx.asker, cmd)


async def pause(ctx: CommandContext, cmd: ct.Pause) -> str:
    return await standup_admin.pause(ctx.rt, ctx.asker, cmd)


async def resume(ctx: CommandContext, cmd: ct.Resume) -> str:
    return await standup_admin.resume(ctx.rt, ctx.asker, cmd)


async def delete(ctx: CommandContext, cmd: ct.Delete) -> str:
    return await standup_admin.delete(ctx.rt, ctx.asker, cmd)


async def participants(ctx: CommandContext, cmd: ct.Participants) -> str:
    return await standup_admin.participants(ctx.rt, ctx.asker, cmd)


async def test(ctx: CommandContext, cmd: ct.Test) -> str:
    return await standup_admin.test(ctx.rt, ctx.asker, cmd)
