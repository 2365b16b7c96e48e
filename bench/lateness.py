"""Benchmark 7: prompt lateness with production settings (the acceptance check of issue 12).

25 people in one standup are prompted at the same minute. Nothing is shortened: the bot is
its own process with ``RunOptions()`` defaults (the 15 s worker poll), on the real clock,
sending prompts directly (scheduled messages off) to localzulip over loopback under Zulip's
own limit of 200 requests per 60 s. The prompt time is the first whole minute (UTC, the
team's zone) at least ``LEAD_S`` seconds ahead, so the bot has started and planned before it.
Each prompt's lateness is its arrival in localzulip's message log minus that minute.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bench.arrivals import Arrivals
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
    spread,
    unplanned,
    wait_until,
)
from bench.fanout import LIMIT, ZULIP_WINDOW_S, is_prompt
from zulip_standup.clock import SystemClock

PEOPLE = 25
LEAD_S = 40.0
SHORT_LEAD_S = 15.0


def prompt_minute(now: dt.datetime, lead_s: float) -> dt.datetime:
    """The first whole minute at least ``lead_s`` after ``now``."""
    earliest = now + dt.timedelta(seconds=lead_s)
    minute = earliest.replace(second=0, microsecond=0)
    return minute if minute >= earliest else minute + dt.timedelta(minutes=1)


async def run_one(lead_s: float) -> dict[str, Any]:
    now = SystemClock().now()
    due = prompt_minute(now, lead_s)
    timeline = Timeline(now)  # real time: the offset stays 0 and nothing jumps
    realm, ids = big_realm(PEOPLE)
    watch = Stopwatch()
    settings = bench_settings(
        prompt_time=due.strftime("%H:%M"),
        cutoff_time=(due + dt.timedelta(minutes=30)).strftime("%H:%M"),
    )
    with (
        serve(realm, timeline, server_config(limit=LIMIT, window=ZULIP_WINDOW_S)) as server,
        database("sqlite") as db,
    ):
        engine, _, _ = seed_team(server, db.url, ids, now, per_standup=PEOPLE, settings=settings)
        arrivals = Arrivals(server, timeline, lambda m: is_prompt(m.content))
        async with bot_process(server, db.url) as bot:
            await wait_until(lambda: unplanned(engine) == 0, timeout=120)
            ready_s = watch.elapsed()
            before = bot.mark("before")
            ahead = due.timestamp() - timeline.now()
            done = await arrivals.wait(lambda: len(arrivals.items) >= PEOPLE, timeout=ahead + 120)
            after = bot.mark("after")
            prompts = list(arrivals.items)
            rate_limited = server.stats.rate_limited
        arrivals.close()
        engine.dispose()
    bot_id = server.bot.user_id
    per_person = [
        (uid, round(t - due.timestamp(), 3))
        for t, m in prompts
        for uid in m.dm_user_ids
        if uid != bot_id
    ]
    lateness = [late for _, late in per_person]
    return {
        "people": PEOPLE,
        "due": due.isoformat(),
        "settings": "RunOptions() defaults (worker poll 15 s), real clock, direct sends, "
        "localzulip at 200 requests / 60 s",
        "bot_ready_and_planned_s": round(ready_s, 1),
        "seconds_ahead_when_ready": round(ahead, 1),
        "completed": done,
        "prompts_delivered": len(prompts),
        "http_429": rate_limited,
        "lateness_by_person_s": per_person,
        "lateness_s": spread(lateness),
        "bot_cpu_s_waiting_and_prompting": round(after["cpu_s"] - before["cpu_s"], 3),
        "bot_rss_mib": after["rss_mib"],
    }


def report(case: dict[str, Any]) -> str:
    """One line per person, then the spread."""
    lines = [f"lateness of each prompt due {case['due']} (arrival - due minute):"]
    lines += [f"  user {uid}: {late:+.3f} s" for uid, late in case["lateness_by_person_s"]]
    s = case["lateness_s"]
    lines.append(
        f"  {case['prompts_delivered']}/{case['people']} prompts, p50 {s['p50']:.3f} s, "
        f"p99 {s['p99']:.3f} s, max {s['max']:.3f} s, 429s {case['http_429']}"
    )
    return "\n".join(lines)


async def run(short: bool) -> dict[str, Any]:
    case = await run_one(SHORT_LEAD_S if short else LEAD_S)
    print(report(case), flush=True)
    return {"cases": [case]}
