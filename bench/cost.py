"""Benchmark 6: what one participant-day costs the bot: its CPU-seconds and Zulip requests.

One standup of P people runs a whole simulated day against localzulip: the prompt at 09:30,
three answers from everyone (each a real HTTP message from that person, sent as soon as the
question arrives), the report at 12:45. The bot is its own process with production options
(``RunOptions()`` defaults, 15 s worker poll; see ``bench.bot_main``), so its CPU-seconds
(utime + stime from /proc) do not include localzulip or the simulated people, who run in
the benchmark process.

Time: a day spans hours, so the bot and localzulip share a clock of real time plus an offset,
and the benchmark jumps it over the idle hours (to 09:29:59.8, then to 12:45). Sleeping and
waking are real and no wait is shortened: a jump only skips time in which nothing is due,
exactly as if the bot had slept through it. The bot's CPU is read before the jump to 09:30
and after the report has arrived; an idle stretch of ``IDLE_S`` real seconds before the day
is measured too, so what idling costs per second can be told apart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx

from bench.answers import ANSWERS, Inbox, _person
from bench.botproc import bot_process
from bench.common import (
    Stopwatch,
    Timeline,
    bench_settings,
    big_realm,
    database,
    seed_team,
    serve,
    server_config,
    unplanned,
    wait_until,
)
from bench.fanout import DUE

CUTOFF = DUE.replace(hour=12, minute=45)
IDLE_S = 10.0


async def run_one(people: int) -> dict[str, Any]:
    timeline = Timeline(DUE - dt.timedelta(minutes=10))
    realm, ids = big_realm(people)
    watch = Stopwatch()
    with serve(realm, timeline, server_config(limit=None)) as server, database("sqlite") as db:
        now = dt.datetime.fromtimestamp(timeline.now(), dt.UTC)
        engine, _, _ = seed_team(
            server,
            db.url,
            ids,
            now,
            per_standup=people,
            settings=bench_settings(prompt_time="09:30", reminder_times=(), cutoff_time="12:45"),
        )
        inbox = Inbox(server, timeline, asyncio.get_running_loop())
        bot_id = server.bot.user_id
        stream_id = server.realm.stream_by_name("standup").stream_id  # type: ignore[union-attr]
        # localzulip's limit is off, so the pacer is told there is none (else it would keep
        # to its default 200 per 60 s, which is not what is measured here).
        async with bot_process(server, db.url, timeline=timeline, limit=10**9) as bot:
            await wait_until(lambda: unplanned(engine) == 0, timeout=120)
            ready_s = watch.elapsed()
            bot.mark("idle_start")
            await asyncio.sleep(IDLE_S)
            server.stats.reset()
            bot.mark("day_start")
            day = Stopwatch()
            bot.jump_to(DUE - dt.timedelta(seconds=0.2))
            await wait_until(lambda: inbox.prompts >= people, timeout=120)
            sent: list[tuple[int, float]] = []
            replied: list[float] = []
            async with httpx.AsyncClient(base_url=server.url + "/api/v1/", timeout=120) as client:
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
            bot.jump_to(CUTOFF)
            reported = await wait_until(
                lambda: any(
                    m.sender_id == bot_id and m.stream_id == stream_id for m in server.messages()
                ),
                timeout=120,
            )
            bot.mark("day_end")
            day_s = day.elapsed()
            ops = {
                op: c for (uid, op), c in server.stats.by_user_operation.items() if uid == bot_id
            }
        engine.dispose()
    counted = {op: c for op, c in ops.items() if op != "get-events"}
    total = sum(counted.values())
    day_cpu = bot.cpu_between("day_start", "day_end")
    idle_cpu_per_s = bot.cpu_between("idle_start", "day_start") / IDLE_S
    return {
        "participants": people,
        "answers_sent": len(sent),
        "answer_messages_per_participant": len(ANSWERS),
        "report_arrived": reported,
        "bot": "separate process, RunOptions() defaults, shared shifted clock",
        "bot_cpu_s_day": day_cpu,
        "bot_cpu_ms_per_participant_day": round(day_cpu * 1000 / people, 2),
        "day_real_s": round(day_s, 1),
        "bot_idle_cpu_ms_per_s": round(idle_cpu_per_s * 1000, 2),
        "bot_cpu_ms_per_participant_day_less_idle": round(
            (day_cpu - idle_cpu_per_s * day_s) * 1000 / people, 2
        ),
        "bot_rss_mib": bot.marks["day_end"]["rss_mib"],
        "bot_peak_rss_mib": bot.marks["day_end"]["peak_rss_mib"],
        "bot_rss_mib_idle_before_day": bot.marks["day_start"]["rss_mib"],
        "bot_ready_and_planned_s": round(ready_s, 1),
        "bot_requests_by_operation": ops,
        "rate_limited_requests": total,
        "per_participant_per_day": round(total / people, 2),
        "event_polls_per_day": ops.get("get-events", 0),
    }


async def run(short: bool) -> dict[str, Any]:
    return {"cases": [await run_one(10 if short else 200)]}
