"""SECURITY.md promise 23: an expired event queue or a Zulip outage is survived without help,
and nothing sent in the meantime is lost."""

from __future__ import annotations

import asyncio
import datetime as dt

from localzulip import LocalZulip

from .harness import SteppedClock, running_bot, wait_for

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def _replies_to(zulip: LocalZulip, who: str, after_id: int) -> list[str]:
    bot_id = zulip.bot.user_id
    return [m.content for m in zulip.dms(who, "bot") if m.sender_id == bot_id and m.id > after_id]


async def test_expired_queue_is_replaced_and_the_gap_caught_up(
    zulip: LocalZulip, database_url: str
) -> None:
    """The bot's queue is garbage-collected and a DM arrives while it has none: the bot
    registers a new queue by itself and answers that DM exactly once."""
    async with running_bot(zulip, database_url, SteppedClock(NOW)) as bot:
        assert bot.stream is not None
        first = bot.stream.registrations
        zulip.call(zulip.core.queues.pause)
        expired = zulip.call(lambda: zulip.core.queues.expire_now(user_id=zulip.bot.user_id))
        assert expired == 1
        sent = zulip.human("carol").dm_bot("my data")
        zulip.call(zulip.core.queues.resume)
        reply = await wait_for(
            zulip, lambda m: m.sender_id == zulip.bot.user_id and m.id > sent.id, 15
        )
        assert "everything I store about you" in reply.content
        await asyncio.sleep(0.5)
        assert bot.stream.registrations > first
        assert len(_replies_to(zulip, "carol", sent.id)) == 1


async def test_outage_of_the_events_endpoint_is_survived(
    zulip: LocalZulip, database_url: str
) -> None:
    """Ten 503s and two dropped connections on /events: the bot backs off, keeps its
    queue or gets a new one, and still answers a DM sent during the outage."""
    async with running_bot(zulip, database_url, SteppedClock(NOW)) as bot:
        zulip.faults.fail_next(10, 503, path_contains="/events", method="GET")
        zulip.faults.drop_next(2, path_contains="/events")
        sent = zulip.human("dave").dm_bot("help")
        reply = await wait_for(
            zulip, lambda m: m.sender_id == zulip.bot.user_id and m.id > sent.id, 60
        )
        assert reply.content.strip()
        assert len(_replies_to(zulip, "dave", sent.id)) >= 1
        assert bot.stream is not None
