"""``setup``: create a standup for a channel, or re-run it (``services.standup_setup``)."""

from __future__ import annotations

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import types as ct
from zulip_standup.services import standup_setup


async def setup(ctx: CommandContext, cmd: ct.Setup) -> str:
    return await standup_setup.setup(ctx.rt, ctx.asker, cmd)
