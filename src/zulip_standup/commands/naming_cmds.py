"""``rename``: give a standup a new name; the default report topic follows the name."""

from __future__ import annotations

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import types as ct
from zulip_standup.services import standup_admin


async def rename(ctx: CommandContext, cmd: ct.Rename) -> str:
    return await standup_admin.rename(ctx.rt, ctx.asker, cmd)
