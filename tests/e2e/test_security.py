"""SECURITY.md promises checked against the running bot: narrow queue, minimal data, quiet logs,
health endpoints without data."""

from __future__ import annotations

import datetime as dt
import logging

import httpx
import pytest
from sqlalchemy import MetaData, String, Text, select

from localzulip import LocalZulip
from zulip_standup.storage.engine import make_engine
from zulip_standup.zulip.wire import EVENT_TYPES

from .harness import SteppedClock, running_bot, wait_for

MONDAY_0300 = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)  # 08:30 in Kolkata


async def _answer_a_day(zulip: LocalZulip, clock: SteppedClock, bot_id: int) -> None:
    zulip.human("alice").send_stream("standup", "general", "@**Standup** setup")
    await wait_for(zulip, lambda m: m.sender_id == bot_id and "is set up" in m.content)
    clock.set(dt.datetime(2026, 11, 30, 4, 1, tzinfo=dt.UTC))
    carol = zulip.human("carol")
    await wait_for(zulip, lambda m: m.sender_id == bot_id and "Question 1 of 3" in m.content)
    carol.dm_bot("1. SECRET-ANSWER-ONE\n2. SECRET-ANSWER-TWO\n3. none")
    await wait_for(zulip, lambda m: m.stream_id is not None and "SECRET-ANSWER-ONE" in m.content)


async def test_event_queue_is_narrowed(zulip: LocalZulip, database_url: str) -> None:
    """Promise 2: the bot's queue asks only for the event types it uses, not all public
    channels; channel traffic that does not mention it never reaches it."""
    async with running_bot(zulip, database_url, SteppedClock(MONDAY_0300)) as bot:
        queues = [q for q in zulip.core.queues.queues.values() if q.user_id == zulip.bot.user_id]
        assert len(queues) == 1
        assert queues[0].event_types == set(EVENT_TYPES)
        assert queues[0].all_public_streams is False
        zulip.human("dave").send_stream("general", "chatter", "status")  # no mention
        zulip.human("dave").send_stream("general", "chatter", "@**Standup** help")
        await wait_for(zulip, lambda m: m.sender_id == zulip.bot.user_id and m.topic == "chatter")
        replies = [
            m
            for m in zulip.channel_messages("general", "chatter")
            if m.sender_id == zulip.bot.user_id
        ]
        assert len(replies) == 1
        assert bot.bot is not None


async def test_only_minimal_data_is_stored(zulip: LocalZulip, database_url: str) -> None:
    """Promise 5: after a day, the database holds answers but no e-mail address, no channel
    chatter, no API key: every text column of every table is scanned."""
    clock = SteppedClock(MONDAY_0300)
    async with running_bot(zulip, database_url, clock) as bot:
        zulip.human("dave").send_stream("standup", "lunch", "PRIVATE-CHATTER nobody asked for")
        await _answer_a_day(zulip, clock, zulip.bot.user_id)
        assert bot.bot is not None
    engine = make_engine(database_url)
    meta = MetaData()
    meta.reflect(engine)
    stored: list[str] = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            for row in conn.execute(select(*columns)) if columns else []:
                stored.extend(str(v) for v in row if v is not None)
    engine.dispose()
    blob = "\n".join(stored)
    _, key = zulip.credentials("bot")
    assert "SECRET-ANSWER-ONE" in blob  # answers are what we keep...
    assert "PRIVATE-CHATTER" not in blob  # ...but nothing else people said
    assert "@example.com" not in blob.replace("standup-bot@example.com", "")
    assert key not in blob


async def test_logs_hold_no_answer_text_or_key(
    zulip: LocalZulip, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Promise 19: at INFO and above, the log of a whole answered day has no answer text
    and no API key."""
    clock = SteppedClock(MONDAY_0300)
    with caplog.at_level(logging.INFO):
        async with running_bot(zulip, database_url, clock):
            await _answer_a_day(zulip, clock, zulip.bot.user_id)
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    _, key = zulip.credentials("bot")
    assert "answer_recorded" in text
    assert "SECRET-ANSWER" not in text
    assert key not in text


async def test_health_endpoints_expose_no_data(zulip: LocalZulip, database_url: str) -> None:
    """Promise 20: /healthz, /readyz (one line per dependency) and /metrics (counts only)."""
    clock = SteppedClock(MONDAY_0300)
    from zulip_standup.app import BotProcess, RunOptions

    from .harness import bot_settings

    process = BotProcess(
        bot_settings(zulip, database_url).model_copy(update={"http_bind": "127.0.0.1:0"}),
        clock=clock,
        options=RunOptions(worker_poll_seconds=0.02),
    )
    import asyncio

    task = asyncio.create_task(process.run())
    await asyncio.wait_for(process.ready.wait(), 30)
    try:
        await _answer_a_day(zulip, clock, zulip.bot.user_id)
        assert process.health is not None
        base = f"http://127.0.0.1:{process.health.port}"
        async with httpx.AsyncClient() as client:
            alive = await client.get(f"{base}/healthz")
            ready = await client.get(f"{base}/readyz")
            metrics = await client.get(f"{base}/metrics")
    finally:
        process.stop()
        await asyncio.wait_for(task, 30)
    assert alive.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok", "zulip": "ok"}}
    assert "zulip_standup_answers_recorded_total 3.0" in metrics.text
    assert "SECRET-ANSWER" not in metrics.text
    assert "Carol" not in metrics.text
