"""Regression tests of issue 10's findings: what a crash, a slow Zulip or a database fault did
to people's messages, each written from the person's side."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from localzulip import LocalZulip
from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.tables import answers

from .durability_helpers import BEFORE, PROMPTED, prompt_job, prompted, set_up, until
from .harness import (
    POLL_S,
    SteppedClock,
    bot_settings,
    running_bot,
    settle,
    wait_for,
)
from .report_helpers import Member, team_realm


def stored(engine: Engine, user_id: int) -> dict[int, str]:
    """A person's stored answers by question index (plain text: no key is configured)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(answers.c.question_index, answers.c.text).where(answers.c.user_id == user_id)
        ).all()
    return {int(r.question_index): str(r.text) for r in rows}


def bot_dms(zulip: LocalZulip, who: str, after_id: int = 0) -> list[str]:
    bot_id = zulip.bot.user_id
    return [m.content for m in zulip.dms(who, "bot") if m.sender_id == bot_id and m.id > after_id]


class Restartable:
    """The bot in this event loop, killed (as a crash: nothing finishes) and started again."""

    def __init__(self, zulip: LocalZulip, url: str, clock: SteppedClock, engine: Engine) -> None:
        self.zulip, self.url, self.clock, self.engine = zulip, url, clock, engine
        self.process: BotProcess | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> BotProcess:
        self.process = BotProcess(
            bot_settings(self.zulip, self.url),
            clock=self.clock,
            engine=self.engine,
            options=RunOptions(health=False, worker_poll_seconds=POLL_S),
        )
        self.task = asyncio.create_task(self.process.run())
        await asyncio.wait_for(self.process.ready.wait(), 30)
        return self.process

    async def kill(self) -> None:
        assert self.process is not None
        assert self.task is not None
        self.process.kill()
        await asyncio.wait_for(self.task, 30)

    async def stop(self) -> None:
        if self.process is not None and self.task is not None and not self.task.done():
            self.process.stop()
            await asyncio.wait_for(self.task, 30)


@asynccontextmanager
async def restartable(
    zulip: LocalZulip, url: str, clock: SteppedClock
) -> AsyncIterator[Restartable]:
    engine = make_engine(url)
    bot = Restartable(zulip, url, clock, engine)
    try:
        yield bot
    finally:
        await bot.stop()
        engine.dispose()


async def test_crash_keeps_an_answer_queued_behind_another_persons_message(
    zulip: LocalZulip, database_url: str
) -> None:
    """Finding 1. Zulip answers slowly; Carol sends answers 1 and 2, Alice answer 1, and the
    bot crashes while Carol's second answer still waits behind her first. After the restart
    Carol's second answer is stored as her answer to question 2 and she is asked question 3
    (before: it was gone, and she was asked question 2 again without being told)."""
    clock = SteppedClock(BEFORE)
    async with restartable(zulip, database_url, clock) as bot:
        await bot.start()
        await set_up(zulip)
        clock.set(PROMPTED)
        await prompted(zulip, "carol")
        await prompted(zulip, "alice")
        carol, alice = zulip.user("carol").user_id, zulip.user("alice").user_id
        zulip.faults.add_latency(3.0, path_contains="/messages")
        zulip.human("carol").dm_bot("carol one")
        zulip.human("carol").dm_bot("carol two")
        zulip.human("alice").dm_bot("alice one")
        await until(
            lambda: 0 in stored(bot.engine, carol) and 0 in stored(bot.engine, alice),
            20,
            "Carol's and Alice's first answers stored",
        )
        await bot.kill()
        zulip.faults.clear()
        await bot.start()
        await until(lambda: 1 in stored(bot.engine, carol), 20, "Carol's second answer stored")
        assert stored(bot.engine, carol) == {0: "carol one", 1: "carol two"}
        assert stored(bot.engine, alice) == {0: "alice one"}
        await wait_for(zulip, lambda m: carol in m.dm_user_ids and "Question 3 of 3" in m.content)


async def test_a_burst_of_commands_never_costs_an_answer(
    zulip: LocalZulip, database_url: str
) -> None:
    """Finding 4. With a prompt open, Carol sends three commands in a burst (over her limit
    of two) and then her answer: the third command is slowed down, the answer is recorded and
    the next question comes (before: the answer was dropped by the command limiter)."""
    clock = SteppedClock(BEFORE)
    async with running_bot(zulip, database_url, clock, limiter_burst=2) as bot:
        zulip.human("alice").send_stream("standup", "general", "@**Standup** setup")
        await wait_for(
            zulip, lambda m: m.sender_id == zulip.bot.user_id and "is set up" in m.content
        )
        clock.set(PROMPTED)
        await settle(bot)
        await prompted(zulip, "carol")
        carol = zulip.human("carol")
        for _ in range(3):
            carol.dm_bot("/status")
        answer = carol.dm_bot("Shipped the search page")
        await wait_for(
            zulip,
            lambda m: carol.user.user_id in m.dm_user_ids and "Question 2 of 3" in m.content,
            15,
        )
        assert bot.bot is not None
        rt = bot.bot.runtime
        await until(lambda: rt.inbox.is_finished(rt.realm_id, answer.id), 10, "the answer handled")
        texts = bot_dms(zulip, "carol")
        assert sum("faster than I can take them" in t for t in texts) == 1


async def test_a_locked_database_delays_a_message_and_loses_nothing(
    zulip: LocalZulip, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Findings 3 and 6. Another process holds SQLite's write lock past the busy timeout
    while Carol asks for her data: the bot waits and retries instead of apologising, and
    once the lock is gone Carol gets her real reply, once (before: "Nothing you sent is
    lost" — and the message was never handled)."""
    caplog.set_level(logging.WARNING, logger="zulip_standup")
    path = make_url(sqlite_url).database
    assert path is not None
    async with running_bot(zulip, sqlite_url, SteppedClock(PROMPTED)):
        blocker = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            sent = zulip.human("carol").dm_bot("my data")
            await until(
                lambda: any(
                    r.getMessage() in {"inbox_receive_retried", "message_retry_scheduled"}
                    or r.getMessage() == "event_failed"
                    for r in caplog.records
                ),
                30,
                "the bot meeting the lock",
            )
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        reply = await wait_for(
            zulip,
            lambda m: (
                m.sender_id == zulip.bot.user_id
                and m.id > sent.id
                and "everything I store about you" in m.content
            ),
            40,
        )
        assert reply.content
        texts = bot_dms(zulip, "carol", sent.id)
        assert not any("went wrong" in t or "not** recorded" in t for t in texts), texts


async def test_a_prompt_refused_by_zulip_is_sent_when_its_job_is_retried(
    zulip: LocalZulip, database_url: str
) -> None:
    """Finding 7. Zulip answers Carol's prompt DM with 503s until the job gives up for now;
    when the job's retry comes a minute later the prompt goes out (before: the retry found
    her conversation "already started" and she was never asked that day)."""
    clock = SteppedClock(BEFORE)
    async with running_bot(zulip, database_url, clock) as bot:
        zulip.human("alice").send_stream("standup", "general", "@**Standup** setup")
        await wait_for(
            zulip, lambda m: m.sender_id == zulip.bot.user_id and "is set up" in m.content
        )
        carol = zulip.user("carol").user_id
        zulip.faults.fail_next(10_000, 503, path_contains="/messages", method="POST")
        try:
            clock.set(PROMPTED)
            await until(
                lambda: (
                    (job := prompt_job(bot.engine, carol)) is not None
                    and job[:2] == ("pending", 1)
                    and job[2] is not None
                ),
                60,
                "the prompt job waiting for its retry",
            )
        finally:
            zulip.faults.clear()
        clock.set(PROMPTED + dt.timedelta(minutes=2))
        await prompted(zulip, "carol")
        prompts = [t for t in bot_dms(zulip, "carol") if "Time for" in t]
        assert len(prompts) == 1


async def test_a_crash_mid_fan_out_leaves_nobody_waiting_for_a_stale_claim(
    database_url: str,
) -> None:
    """Finding 2. Twelve people in Kolkata are due at 09:30; Zulip answers each send 0.5 s
    late and the bot crashes after three prompts. Restarted, it sends the other nine within
    two minutes of simulated time, each person exactly once (before: the dead worker's claims
    of all twelve jobs were only taken back after ten minutes)."""
    members = [Member(f"m{n:02d}", f"Member {n:02d}", "Asia/Kolkata") for n in range(12)]
    with LocalZulip(realm=team_realm(members)) as zulip:
        bot_id = zulip.bot.user_id

        def prompts() -> Counter[int]:
            return Counter(
                next(u for u in m.dm_user_ids if u != bot_id)
                for m in zulip.messages()
                if m.sender_id == bot_id and m.dm_user_ids and "Time for" in m.content
            )

        clock = SteppedClock(BEFORE)
        async with restartable(zulip, database_url, clock) as bot:
            await bot.start()
            zulip.human("m00").send_stream("standup", "general", "@**Standup** setup")
            await wait_for(zulip, lambda m: m.sender_id == bot_id and "is set up" in m.content)
            zulip.faults.add_latency(0.5, path_contains="/messages")
            clock.set(PROMPTED)
            await until(lambda: sum(prompts().values()) >= 3, 30, "three prompts out")
            await bot.kill()
            zulip.faults.clear()
            await bot.start()
            clock.set(PROMPTED + dt.timedelta(minutes=2))
            await until(lambda: len(prompts()) == 12, 30, "all twelve prompted")
            assert set(prompts().values()) == {1}


async def test_an_answer_edited_while_the_bot_was_down_is_updated_on_restart(
    zulip: LocalZulip, database_url: str
) -> None:
    """Found by the chaos soak (SQLite, seed 7). Carol answers question 1; the bot goes down;
    she edits that answer; when the bot is back the stored answer is her edited text, and
    a second restart changes nothing more (before: the edit was never seen)."""
    clock = SteppedClock(BEFORE)
    async with restartable(zulip, database_url, clock) as bot:
        await bot.start()
        await set_up(zulip)
        clock.set(PROMPTED)
        await prompted(zulip, "carol")
        carol = zulip.human("carol")
        first = carol.dm_bot("Fixed the login bug")
        await wait_for(
            zulip, lambda m: carol.user.user_id in m.dm_user_ids and "Question 2 of 3" in m.content
        )
        await bot.stop()
        carol.edit(first, "Fixed the login bug and the logout bug")
        await bot.start()
        await until(
            lambda: (
                stored(bot.engine, carol.user.user_id).get(0)
                == "Fixed the login bug and the logout bug"
            ),
            20,
            "the edit applied",
        )
        before = len(zulip.messages())
        await bot.stop()
        await bot.start()
        assert bot.process is not None
        assert bot.process.stream is not None
        assert stored(bot.engine, carol.user.user_id) == {
            0: "Fixed the login bug and the logout bug"
        }
        assert len(zulip.messages()) == before
