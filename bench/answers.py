"""Benchmark 3: answer throughput of one bot process, on SQLite and PostgreSQL.

P people (standups of 10) are prompted at 09:30; then every person answers the
three questions as fast as the bot asks them, each answer a real
``POST /api/v1/messages`` as that person over loopback HTTP (P concurrent
clients, no think time). localzulip's rate limit is off and the pacer is
unlimited here, so the figure is the bot's own capacity (CPU and database);
under Zulip's real 200 requests a minute the bot's sends are the bound.

Measured per answer: message sent -> answer stored (``answers.created_at``) and
message sent -> the bot's next message to that person arrives (the next
question, or the recap after the last one).

The bot is its own process (``bench.bot_main``, ``RunOptions()`` defaults) with answer
encryption on (a Fernet key in ``STANDUP_ENCRYPTION_KEYS``), so the rate is one bot
process's and its CPU-seconds over the answering (from /proc) exclude localzulip and the
P clients, which run in the benchmark process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import select

from bench.botproc import bot_process
from bench.common import (
    Stopwatch,
    Timeline,
    big_realm,
    database,
    postgres_available,
    seed_team,
    serve,
    server_config,
    spread,
    unplanned,
    wait_until,
)
from bench.fanout import DUE, is_prompt
from localzulip.models import Message
from zulip_standup.storage.tables import answers

ANSWERS = ("Shipped the thing", "Ship the next thing", "none")


class Inbox:
    """Per-person arrival of the bot's messages, signalled into the bench loop."""

    def __init__(self, server: Any, timeline: Timeline, loop: asyncio.AbstractEventLoop) -> None:
        self.timeline = timeline
        self.loop = loop
        self.events: dict[int, asyncio.Event] = {}
        self.last: dict[int, tuple[float, Message]] = {}
        self.prompts = 0
        bot = server.bot.user_id

        def listener(message: Message) -> None:
            if message.sender_id != bot or message.type != "private":
                return
            now = timeline.now()
            if is_prompt(message.content):
                self.prompts += 1
            for uid in message.dm_user_ids:
                if uid != bot:
                    self.last[uid] = (now, message)
                    event = self.events.get(uid)
                    if event is not None:
                        loop.call_soon_threadsafe(event.set)

        server.call(lambda: server.core.actions.message_listeners.append(listener))


async def _person(
    client: httpx.AsyncClient,
    uid: int,
    email: str,
    key: str,
    bot_id: int,
    inbox: Inbox,
    sent: list[tuple[int, float]],
    replied: list[float],
) -> None:
    event = inbox.events.setdefault(uid, asyncio.Event())
    for text in ANSWERS:
        event.clear()
        t0 = inbox.timeline.now()
        response = await client.post(
            "messages",
            data={"type": "direct", "to": f"[{bot_id}]", "content": text},
            auth=(email, key),
        )
        body = response.json()
        sent.append((int(body["id"]), t0))
        while True:
            await asyncio.wait_for(event.wait(), 120)
            arrived, message = inbox.last[uid]
            if message.id > int(body["id"]):
                replied.append(arrived - t0)
                break
            event.clear()


async def run_one(people: int, db_kind: str) -> dict[str, Any]:
    timeline = Timeline(DUE - dt.timedelta(minutes=10))
    realm, ids = big_realm(people)
    watch = Stopwatch()
    with serve(realm, timeline, server_config(limit=None)) as server, database(db_kind) as db:
        now = dt.datetime.fromtimestamp(timeline.now(), dt.UTC)
        engine, _, _ = seed_team(server, db.url, ids, now)
        inbox = Inbox(server, timeline, asyncio.get_running_loop())
        bot_id = server.bot.user_id
        key = Fernet.generate_key().decode()
        async with bot_process(
            server,
            db.url,
            timeline=timeline,
            limit=10**9,
            env={"STANDUP_ENCRYPTION_KEYS": key},
        ) as bot:
            await wait_until(lambda: unplanned(engine) == 0, timeout=600)
            bot.jump_to(DUE - dt.timedelta(seconds=0.2))
            await wait_until(lambda: inbox.prompts >= people, timeout=600)
            await asyncio.sleep(0.5)
            sent: list[tuple[int, float]] = []
            replied: list[float] = []
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
            async with httpx.AsyncClient(
                base_url=server.url + "/api/v1/", limits=limits, timeout=120
            ) as client:
                start = Stopwatch()
                before = bot.mark("before")
                await asyncio.gather(
                    *(
                        _person(
                            client,
                            uid,
                            server.user(uid).email,
                            server.user(uid).api_key,
                            bot_id,
                            inbox,
                            sent,
                            replied,
                        )
                        for uid in ids
                    )
                )
                elapsed = start.elapsed()
                after = bot.mark("after")
            await asyncio.sleep(0.5)
            with engine.connect() as conn:
                rows = list(
                    conn.execute(
                        select(
                            answers.c.source_message_id, answers.c.created_at, answers.c.encrypted
                        )
                    )
                )
            stored = {int(r.source_message_id): r.created_at for r in rows}
            encrypted = sum(1 for r in rows if r.encrypted)
        engine.dispose()
    sent_at = dict(sent)
    to_store = [stored[mid].timestamp() - sent_at[mid] for mid in sent_at if mid in stored]
    return {
        "people": people,
        "db": db_kind,
        "answers": len(sent),
        "answers_stored": len(to_store),
        "answers_stored_encrypted": encrypted,
        "bot": "separate process, RunOptions() defaults, encryption on",
        "bot_cpu_s_answering": round(after["cpu_s"] - before["cpu_s"], 2),
        "bot_cpu_ms_per_answer": round(
            (after["cpu_s"] - before["cpu_s"]) * 1000 / max(1, len(sent)), 2
        ),
        "bot_rss_mib_after": after["rss_mib"],
        "elapsed_s": round(elapsed, 2),
        "answers_per_s": round(len(sent) / elapsed, 1),
        "sent_to_stored_s": spread(to_store),
        "sent_to_next_question_s": spread(replied),
        "wall_s": round(watch.elapsed(), 1),
    }


async def run(short: bool) -> dict[str, Any]:
    people = 50 if short else 300
    cases = [await run_one(people, "sqlite")]
    reason = postgres_available()
    if reason is None:
        cases.append(await run_one(people, "postgres"))
    return {"cases": cases, "postgres_skipped": reason}
