"""SECURITY.md promises checked against the running bot: narrow queue, minimal data, quiet logs,
health endpoints without data."""

from __future__ import annotations

import base64
import datetime as dt
import io
import logging

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import MetaData, String, Text, select

from localzulip import LocalZulip
from zulip_standup.domain.conversation.machine import EDIT_EMOJI
from zulip_standup.logs import configure_logging
from zulip_standup.storage.engine import make_engine
from zulip_standup.zulip.wire import EVENT_TYPES

from .harness import SteppedClock, bot_settings, running_bot, wait_for
from .people import eventually, reactions_of

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


@pytest.mark.parametrize("fmt", ["text", "json"])
async def test_debug_logs_hold_no_secret_and_info_logs_no_answer_text(
    zulip: LocalZulip, database_url: str, caplog: pytest.LogCaptureFixture, fmt: str
) -> None:
    """Promise 19: logging set up as `run` does it, at DEBUG, through a day in which Carol
    answers and then edits an answer: the written log holds none of the configured secrets
    (Zulip key and its Basic header, encryption key, LLM key), and no record at INFO or
    above carries answer text, in its message, its fields or its traceback."""
    fernet_key = Fernet.generate_key().decode()
    llm_key = "sk-proj-Zq81LogTestKey0042"
    settings = bot_settings(
        zulip,
        database_url,
        encryption_keys=[SecretStr(fernet_key)],
        llm_base_url="http://127.0.0.1:9/v1",
        llm_api_key=SecretStr(llm_key),
        log_level="DEBUG",
    )
    stream = io.StringIO()
    handler = configure_logging(
        "DEBUG", "json" if fmt == "json" else "text", settings.secret_values(), stream=stream
    )
    clock = SteppedClock(MONDAY_0300)
    bot_id = zulip.bot.user_id
    try:
        with caplog.at_level(logging.DEBUG):
            async with running_bot(
                zulip,
                database_url,
                clock,
                encryption_keys=[SecretStr(fernet_key)],
                llm_base_url="http://127.0.0.1:9/v1",
                llm_api_key=SecretStr(llm_key),
            ):
                await _answer_a_day(zulip, clock, bot_id)
                carol = zulip.human("carol")
                (answer,) = [
                    m
                    for m in zulip.dms("carol", "bot")
                    if m.sender_id != bot_id and "SECRET-ANSWER-ONE" in m.content
                ]
                carol.edit(answer, "1. SECRET-ANSWER-EDITED\n2. SECRET-ANSWER-TWO\n3. none")
                await eventually(
                    lambda: reactions_of(zulip, answer) == [EDIT_EMOJI], "the edit is stored"
                )
    finally:
        logging.getLogger().removeHandler(handler)
    written = stream.getvalue()
    email, key = zulip.credentials("bot")
    basic = base64.b64encode(f"{email}:{key}".encode()).decode()
    assert "answer_recorded" in written
    for secret in (key, basic, fernet_key, llm_key):
        assert secret not in written, f"{secret[:6]}... is in the {fmt} log"
    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert any(r.getMessage() == "answer_recorded" for r in loud)
    for record in loud:
        seen = f"{record.getMessage()} {record.__dict__} {record.exc_text or ''}"
        assert "SECRET-ANSWER" not in seen, f"answer text in {record.levelname} {record.msg!r}"


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
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "zulip": "ok", "scheduler": "ok"},
    }
    assert "zulip_standup_answers_recorded_total 3.0" in metrics.text
    assert "SECRET-ANSWER" not in metrics.text
    assert "Carol" not in metrics.text
