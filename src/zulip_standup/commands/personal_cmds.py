"""Personal commands in a DM: time zone, holidays, time off, skip, answer, my data, forget me,
and the dashboard's login link.

Each handler is one use case of ``services.personal`` (the person's facts) or
``services.personal_steps`` (steps of their conversations); the reply is its text.
"""

from __future__ import annotations

from zulip_standup.commands.context import CommandContext
from zulip_standup.domain.commands import types as ct
from zulip_standup.services import personal, personal_steps, web_login


async def timezone(ctx: CommandContext, cmd: ct.Timezone) -> str:
    return await personal.timezone(ctx.rt, ctx.asker, cmd)


async def holidays(ctx: CommandContext, cmd: ct.Holidays) -> str:
    return await personal.holidays(ctx.rt, ctx.asker, cmd)


async def away(ctx: CommandContext, cmd: ct.Away) -> str:
    return await personal.away(ctx.rt, ctx.asker, cmd)


async def back(ctx: CommandContext, cmd: ct.Back) -> str:
    return await personal.back(ctx.rt, ctx.asker, cmd)


async def skip(ctx: CommandContext, cmd: ct.Skip) -> str:
    return await personal_steps.skip(ctx.rt, ctx.conversations, ctx.asker, cmd)


async def restart(ctx: CommandContext, cmd: ct.Restart) -> str:
    return await personal_steps.restart(ctx.rt, ctx.conversations, ctx.asker, cmd)


async def answer(ctx: CommandContext, cmd: ct.Answer) -> str:
    return await personal_steps.answer(ctx.rt, ctx.conversations, ctx.asker, cmd)


async def change(ctx: CommandContext, cmd: ct.Change) -> str:
    return await personal_steps.change(ctx.rt, ctx.conversations, ctx.asker, cmd)


async def my_data(ctx: CommandContext, cmd: ct.MyData) -> str:
    return await personal.my_data(ctx.rt, ctx.asker, cmd)


async def forget_me(ctx: CommandContext, cmd: ct.ForgetMe) -> str:
    return await personal.forget_me(ctx.rt, ctx.asker, cmd)


async def dashboard(ctx: CommandContext, cmd: ct.Dashboard) -> str:
    return await web_login.dashboard(ctx.rt, ctx.asker, cmd)


async def sessions(ctx: CommandContext, cmd: ct.Sessions) -> str:
    return await web_login.revoke_sessions(ctx.rt, ctx.asker, cmd)


async def token_new(ctx: CommandContext, cmd: ct.TokenNew) -> str:
    return await web_login.new_token(ctx.rt, ctx.asker, cmd)


async def token_list(ctx: CommandContext, cmd: ct.TokenList) -> str:
    return await web_login.list_tokens(ctx.rt, ctx.asker, cmd)


async def token_revoke(ctx: CommandContext, cmd: ct.TokenRevoke) -> str:
    return await web_login.revoke_token(ctx.rt, ctx.asker, cmd)
