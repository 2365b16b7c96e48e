"""Benchmark 6: Zulip API requests per participant per standup day.

One standup of P people runs a whole simulated day against localzulip: prompts
at 09:30, three answers from most people (each a real HTTP message), a reminder
at 11:45 for those who did not answer, the digest at 12:45. Every request the
bot made after start-up is counted from localzulip's request log
(``zulip.stats``), by operation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx

from bench.answers import ANSWERS, Inbox, _person
from bench.common import (
    Timeline,
    bench_settings,
    big_realm,
    database,
    running_bot,
    seed_team,
    serve,
    server_config,
    unplanned,
    wait_until,
)
from bench.fanout import DUE

REMINDER = DUE.replace(hour=11, minute=45)
CUTOFF = DUE.replace(hour=12, minute=45)


async def run_one(people: int, silent: int) -> dict[str, Any]:
    timeline = Timeline(DUE - dt.timedelta(minutes=10))
    realm, ids = big_realm(people)
    with serve(realm, timeline, server_config(limit=None)) as server, database("sqlite") as db:
        now = dt.datetime.fromtimestamp(timeline.now(), dt.UTC)
        engine, _, _ = seed_team(
            server,
            db.url,
            ids,
            now,
            per_standup=people,
            settings=bench_settings(
                prompt_time="09:30", reminder_times=("11:45",), cutoff_time="12:45"
            ),
        )
        inbox = Inbox(server, timeline, asyncio.get_running_loop())
        bot_id = server.bot.user_id
        async with running_bot(server, db.url, timeline, window_s=None, limit=10**9):
            await wait_until(lambda: unplanned(engine) == 0, timeout=120)
            await asyncio.sleep(0.5)
            server.stats.reset()
            timeline.jump_to(DUE - dt.timedelta(seconds=0.2))
            await wait_until(lambda: inbox.prompts >= people, timeout=120)
            answering = ids[silent:]
            sent: list[tuple[int, float]] = []
            replied: list[float] = []
            async with httpx.AsyncClient(base_url=server.url + "/api/v1/", timeout=60) as client:
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
                        for uid in answering
                    )
                )
            await asyncio.sleep(1.0)
            before_reminder = len(server.messages())
            timeline.jump_to(REMINDER)
            await wait_until(lambda: len(server.messages()) >= before_reminder + silent, timeout=60)
            await asyncio.sleep(1.0)
            before_digest = len(server.messages())
            timeline.jump_to(CUTOFF)
            await wait_until(lambda: len(server.messages()) > before_digest, timeout=60)
            await asyncio.sleep(2.0)
            ops = {
                op: c for (uid, op), c in server.stats.by_user_operation.items() if uid == bot_id
            }
        engine.dispose()
    counted = {op: c for op, c in ops.items() if op != "get-events"}
    total = sum(counted.values())
    return {
        "participants": people,
        "answered": len(answering),
        "silent_reminded": silent,
        "answers_sent": len(sent),
        "bot_requests_by_operation": ops,
        "rate_limited_requests": total,
        "per_participant_per_day": round(total / people, 2),
        "event_polls_per_day": ops.get("get-events", 0),
        "answer_messages_per_participant": len(ANSWERS),
    }


async def run(short: bool) -> dict[str, Any]:
    people, silent = (10, 2) if short else (50, 10)
    return {"cases": [await run_one(people, silent)]}
