"""Retention runs by itself inside the bot: answers older than the configured days are purged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from localzulip import LocalZulip
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.storage import migrate
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.standups import StandupStore

from .harness import SteppedClock, running_bot, settle
from .people import eventually

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


async def test_old_answers_are_purged_automatically(zulip: LocalZulip, database_url: str) -> None:
    """With STANDUP_RETENTION_DAYS=365 an answer from 400 days ago disappears once the bot
    runs, while last week's answer stays (SECURITY.md promise 8)."""
    engine = make_engine(database_url)
    try:
        await _check_purge(zulip, database_url, engine)
    finally:
        engine.dispose()


async def _check_purge(zulip: LocalZulip, database_url: str, engine: Engine) -> None:
    migrate.upgrade(engine)
    store = StandupStore(engine)
    email, _ = zulip.credentials("bot")
    realm = store.realm_id(zulip.url, email, zulip.bot.user_id, NOW)
    standup = store.create(realm, 1, "general", 1, StandupSettings(), NOW)
    runs = RunStore(engine, AnswerCipher([]))
    old_run = runs.run_for(standup.id, dt.date(2025, 10, 27), NOW)
    new_run = runs.run_for(standup.id, dt.date(2026, 11, 23), NOW)
    runs.save_answer(old_run.id, 3, 0, "Q", "ancient", None, NOW - dt.timedelta(days=400))
    runs.save_answer(new_run.id, 3, 0, "Q", "recent", None, NOW - dt.timedelta(days=7))

    async with running_bot(zulip, database_url, SteppedClock(NOW), retention_days=365) as bot:
        # The purge runs in the background right after start.
        await eventually(lambda: not runs.answers_of(old_run.id), "the old answer purged")
        await settle(bot)
    assert [a.text for a in runs.answers_of(old_run.id)] == []
    assert [a.text for a in runs.answers_of(new_run.id)] == ["recent"]
