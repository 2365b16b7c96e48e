"""Helpers for end-to-end tests: what people send the bot and what the bot sent them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from localzulip import LocalZulip
from localzulip.models import Message
from zulip_standup.app import BotProcess
from zulip_standup.services.bot import StandupBot
from zulip_standup.storage.tables import metadata

from .harness import COMPLETION_BOUND_S, POLL_S, settle

REPLY_TIMEOUT_S = COMPLETION_BOUND_S


def the_bot(process: BotProcess) -> StandupBot:
    assert process.bot is not None
    return process.bot


def bot_dms_to(zulip: LocalZulip, who: str, after_id: int = 0) -> list[str]:
    """What the bot sent ``who`` in their DM with it, oldest first."""
    user = zulip.user(who)
    return [
        m.content
        for m in zulip.dms(user, "bot")
        if m.sender_id == zulip.bot.user_id and m.id > after_id
    ]


def dm_transcript(zulip: LocalZulip, who: str) -> list[tuple[str, str]]:
    """The whole DM conversation of ``who`` with the bot as (``"bot"`` | ``who``, content)."""
    return [
        ("bot" if m.sender_id == zulip.bot.user_id else who, m.content)
        for m in zulip.dms(zulip.user(who), "bot")
    ]


async def dm(
    zulip: LocalZulip, who: str, content: str, *, replies: int = 1, within: float = REPLY_TIMEOUT_S
) -> list[str]:
    """``who`` DMs the bot; wait for ``replies`` bot DMs to them and return their texts."""
    sent = zulip.human(who).dm_bot(content)
    return await bot_replies_after(zulip, who, sent, replies, within)


async def bot_replies_after(
    zulip: LocalZulip, who: str, sent: Message, count: int, within: float = REPLY_TIMEOUT_S
) -> list[str]:
    """Wait until the bot has sent ``count`` DMs to ``who`` after ``sent``; return them."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        found = bot_dms_to(zulip, who, sent.id)
        if len(found) >= count:
            return found
        if asyncio.get_running_loop().time() > deadline:
            msg = f"{who} got {len(found)} of {count} replies to {sent.content[:60]!r}: {found}"
            raise AssertionError(msg)
        await asyncio.sleep(POLL_S)


async def in_channel(
    zulip: LocalZulip,
    who: str,
    stream: str,
    topic: str,
    content: str,
    *,
    within: float = REPLY_TIMEOUT_S,
) -> str:
    """``who`` addresses the bot in ``stream > topic``; return the bot's reply there."""
    sent = zulip.human(who).send_stream(stream, topic, content)
    reply = await zulip.wait_for_message(
        lambda m: m.sender_id == zulip.bot.user_id and m.stream_id == sent.stream_id,
        within,
        after_id=sent.id,
    )
    return reply.content


async def quiet(process: BotProcess, zulip: LocalZulip) -> None:
    """Wait until the bot has finished all it had to do; used before asserting silence."""
    del zulip
    await settle(process)


async def eventually(check: Callable[[], bool], what: str, within: float = REPLY_TIMEOUT_S) -> None:
    """Wait until ``check()`` holds (for state that no new message announces, e.g. reactions)."""
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(POLL_S)


def reactions_of(zulip: LocalZulip, message: Message) -> list[str]:
    """The emoji names on a message, in the order they were added."""
    return [r.emoji_name for r in zulip.realm.messages[message.id].reactions]


def rows(process: BotProcess, table: str, **where: Any) -> list[dict[str, Any]]:
    """Rows of one table (optionally filtered by equal columns), as dicts, by primary key."""
    tab = metadata.tables[table]
    query = select(tab)
    for column, value in where.items():
        query = query.where(tab.c[column] == value)
    query = query.order_by(*tab.primary_key.columns)
    with process.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]
