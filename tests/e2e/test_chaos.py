"""Chaos: the bot is killed at random moments through a simulated day and restarted.

SECURITY.md promise 22: a crash or restart at any moment loses no answer and
sends no prompt twice; answers sent while the bot was down are picked up when
it comes back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
from collections import Counter

import pytest
from sqlalchemy import Engine

from localzulip import LocalZulip
from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.storage.engine import make_engine

from .harness import POLL_S, SteppedClock, bot_settings, wait_for

RUN_DATE = dt.date(2026, 11, 30)
# Monday's prompts: 04:00 UTC (Kolkata) to 17:30 UTC (Los Angeles); the digest 11:45 UTC.
START = dt.datetime(2026, 11, 30, 3, 30, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)
STEP = dt.timedelta(minutes=10)
PEOPLE = ("alice", "bob", "carol", "dave")
QUESTION = re.compile(r"Question (\d) of 3")


def _answers(who: str) -> list[str]:
    return [f"{who} answer {n}: done item {n * 7}" for n in (1, 2, 3)]


class Chaos:
    """Runs, kills and restarts the bot; plays the people."""

    def __init__(self, zulip: LocalZulip, engine: Engine, url: str, seed: int) -> None:
        self.zulip = zulip
        self.engine = engine
        self.url = url
        self.clock = SteppedClock(START)
        self.rng = random.Random(seed)
        self.process: BotProcess | None = None
        self.task: asyncio.Task[None] | None = None
        self.seen: dict[str, int] = dict.fromkeys(PEOPLE, 0)
        self.sent: dict[str, set[int]] = {p: set() for p in PEOPLE}
        self.kills = 0

    async def start(self) -> None:
        self.process = BotProcess(
            bot_settings(self.zulip, self.url),
            clock=self.clock,
            engine=self.engine,
            options=RunOptions(health=False, worker_poll_seconds=POLL_S),
        )
        self.task = asyncio.create_task(self.process.run())
        await asyncio.wait_for(self.process.ready.wait(), 30)

    async def kill(self) -> None:
        assert self.process is not None
        assert self.task is not None
        self.process.kill()
        await asyncio.wait_for(self.task, 30)
        self.kills += 1
        self.process = None

    async def stop(self) -> None:
        if self.process is not None:
            assert self.task is not None
            self.process.stop()
            await asyncio.wait_for(self.task, 30)

    def play(self) -> None:
        """Each person answers the newest question the bot asked them, once."""
        bot_id = self.zulip.bot.user_id
        for who in PEOPLE:
            new = [
                m
                for m in self.zulip.dms(who, "bot")
                if m.sender_id == bot_id and m.id > self.seen[who]
            ]
            if not new:
                continue
            self.seen[who] = new[-1].id
            for message in new:
                found = QUESTION.findall(message.content)
                if not found or "reminder" in message.content.lower():
                    continue
                number = int(found[-1])
                if number in self.sent[who]:
                    continue
                self.sent[who].add(number)
                self.zulip.human(who).dm_bot(_answers(who)[number - 1])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("CHAOS_SEEDS", "1,2").split(",")])
async def test_random_kills_lose_nothing_and_double_nothing(
    zulip: LocalZulip, database_url: str, seed: int
) -> None:
    """Killed ~15 times at random points of a day for four people in four zones: everyone got
    exactly one prompt, every answer is stored exactly as sent, every report posted once."""
    engine = make_engine(database_url)
    chaos = Chaos(zulip, engine, database_url, seed)
    try:
        await chaos.start()
        zulip.human("alice").send_stream("standup", "general", "@**Standup** setup")
        await wait_for(zulip, lambda m: m.sender_id == zulip.bot.user_id and "set up" in m.content)
        while chaos.clock.now() < END:
            chaos.clock.advance(STEP.total_seconds())
            if chaos.process is None:
                chaos.play()  # people answer while the bot is down
                await chaos.start()
                continue
            await asyncio.sleep(chaos.rng.choice((0.0, 0.01, 0.03, 0.08)))
            if chaos.rng.random() < 0.08:
                await chaos.kill()
                continue
            await asyncio.sleep(POLL_S * 4)
            chaos.play()
            # Often kill while the answers just sent are being handled.
            await asyncio.sleep(chaos.rng.choice((0.0, 0.005, 0.01, 0.02, 0.04, 0.1)))
            if chaos.rng.random() < 0.12:
                await chaos.kill()
        if chaos.process is None:
            await chaos.start()
        for _ in range(50):  # let the last answers and reports through
            chaos.play()
            await asyncio.sleep(0.1)
        await chaos.stop()
    finally:
        engine.dispose()

    assert chaos.kills >= 3
    bot_id = zulip.bot.user_id
    store_engine = make_engine(database_url)
    try:
        from zulip_standup.storage.crypto import AnswerCipher
        from zulip_standup.storage.runs import RunStore

        runs = RunStore(store_engine, AnswerCipher([]))
        run = runs.find_run(1, RUN_DATE)
        assert run is not None
        stored = runs.answers_of(run.id)
    finally:
        store_engine.dispose()
    for who in PEOPLE:
        user_id = zulip.user(who).user_id
        prompts = [
            m
            for m in zulip.dms(who, "bot")
            if m.sender_id == bot_id and "Time for" in m.content and "Monday 30 Nov" in m.content
        ]
        assert len(prompts) == 1, f"{who} got {len(prompts)} prompts"
        mine = sorted((a.question_index, a.text) for a in stored if a.user_id == user_id)
        assert mine == list(enumerate(_answers(who))), who
    reports = Counter(
        line
        for m in zulip.channel_messages("standup")
        if m.sender_id == bot_id
        for line in m.content.splitlines()[:1]
        if line.startswith("@_**") and "·" in line
    )
    assert sorted(reports.values()) == [1, 1, 1, 1], "\n".join(reports)
