"""Benchmark 1: prompt fan-out under the rate limit.

N participants (standups of 10) are all prompted at 09:30. localzulip enforces
200 requests per ``window`` seconds: Zulip's own 200 per 60 s, or the same limit
scaled in time (per 2 s) so that 10,000 prompts fit in minutes, the bot's pacer
then being told that window. The bot runs as its own process with production
options (15 s worker poll; see ``bench.bot_main``) on a clock shared with
localzulip, which jumps from start-up to 09:29:59.5. localzulip records when
each prompt arrived. Reported: achieved rate (prompts ÷ last arrival after
09:30) ÷ allowed rate, the sustained rate (first to last arrival), 429s, the
lateness of the last prompt against the minimum N ÷ allowed rate, and the bot
process's CPU-seconds over the fan-out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from bench.arrivals import Arrivals
from bench.botproc import bot_process
from bench.common import (
    Stopwatch,
    Timeline,
    big_realm,
    database,
    seed_team,
    serve,
    server_config,
    spread,
    unplanned,
    wait_until,
)

DUE = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)  # a Monday
LIMIT = 200
ZULIP_WINDOW_S = 60.0


def is_prompt(content: str) -> bool:
    return "Time for **" in content


async def run_one(n: int, window: float, db_kind: str = "sqlite") -> dict[str, Any]:
    """Fan out ``n`` prompts due in the same minute; returns the figures."""
    timeline = Timeline(DUE - dt.timedelta(minutes=10))
    allowed = LIMIT / window
    realm, ids = big_realm(n)
    watch = Stopwatch()
    with (
        serve(realm, timeline, server_config(limit=LIMIT, window=window)) as server,
        database(db_kind) as db,
    ):
        now = dt.datetime.fromtimestamp(timeline.now(), dt.UTC)
        engine, _, _ = seed_team(server, db.url, ids, now)
        arrivals = Arrivals(server, timeline, lambda m: is_prompt(m.content))
        setup_s = watch.elapsed()
        told = None if window == ZULIP_WINDOW_S else window
        async with bot_process(server, db.url, timeline=timeline, window_s=told) as bot:
            await wait_until(lambda: unplanned(engine) == 0, timeout=600)
            planned_s = watch.elapsed()
            # Let the start-up requests leave the window, then start from a clean count.
            await asyncio.sleep(min(window, 5.0) + 0.2)
            server.stats.reset()
            before = bot.mark("before")
            bot.jump_to(DUE - dt.timedelta(seconds=0.5))
            minimum = n / allowed
            done = await arrivals.wait(lambda: len(arrivals.items) >= n, timeout=minimum * 4 + 120)
            prompts = list(arrivals.items)
            after = bot.mark("after")
            # Let the last completions reach the database before stopping.
            await asyncio.sleep(0.5)
            stats = server.stats
            bot_id = server.bot.user_id
            bot_ops = {op: c for (uid, op), c in stats.by_user_operation.items() if uid == bot_id}
            rate_limited = stats.rate_limited
        arrivals.close()
        engine.dispose()
    due = DUE.timestamp()
    lateness = [t - due for t, _ in prompts]
    last = max(lateness) if lateness else float("nan")
    first = min(lateness) if lateness else float("nan")
    achieved = len(prompts) / last if last > 0 else float("nan")
    sustained = (len(prompts) - 1) / (last - first) if len(prompts) > 1 and last > first else 0.0
    django_requests = sum(c for op, c in bot_ops.items() if op != "get-events")
    cpu = round(after["cpu_s"] - before["cpu_s"], 2)
    return {
        "n": n,
        "db": db_kind,
        "limit": LIMIT,
        "window_s": window,
        "pacer_told_window_s": told,
        "allowed_rate_per_s": round(allowed, 3),
        "completed": done,
        "prompts_delivered": len(prompts),
        "achieved_rate_per_s": round(achieved, 2),
        "achieved_over_allowed": round(achieved / allowed, 3),
        "sustained_rate_per_s": round(sustained, 2),
        "sustained_over_allowed": round(sustained / allowed, 3),
        "http_429": rate_limited,
        "first_prompt_lateness_s": round(first, 3),
        "last_prompt_lateness_s": round(last, 3),
        "theoretical_minimum_s": round(minimum, 3),
        "last_over_minimum": round(last / minimum, 3),
        "lateness_s": spread(lateness),
        "bot_cpu_s": cpu,
        "bot_cpu_ms_per_prompt": round(cpu * 1000 / max(1, len(prompts)), 2),
        "bot_rss_mib_after": after["rss_mib"],
        "bot_requests_by_operation": bot_ops,
        "bot_requests_rate_limited_bucket": django_requests,
        "setup_s": round(setup_s, 1),
        "planning_s": round(planned_s - setup_s, 1),
        "wall_s": round(watch.elapsed(), 1),
    }


def cases(short: bool) -> list[tuple[int, float]]:
    """(N, window): 10,000 at Zulip's own 200 per 60 s would take 50 minutes of API budget,
    so 10,000 runs at the time-scaled 200 per 2 s; 1,000 runs at both."""
    if short:
        return [(200, 2.0)]
    return [(1000, 2.0), (10000, 2.0), (1000, ZULIP_WINDOW_S)]


async def run(short: bool) -> dict[str, Any]:
    results = []
    for n, window in cases(short):
        case = await run_one(n, window)
        print(
            f"   N={n} at {LIMIT}/{window:g}s: {case['prompts_delivered']} prompts, "
            f"achieved/allowed {case['achieved_over_allowed']}, 429s {case['http_429']}",
            flush=True,
        )
        results.append(case)
    return {"cases": results}
