"""Benchmark 1: prompt fan-out under the rate limit.

N participants (standups of 10) are all prompted at 09:30. localzulip enforces
Zulip's limit scaled in time (200 requests per ``window`` seconds instead of
per 60 s) and the bot's pacer is told the same window. The real bot (planner,
worker, gateway, pacer) sends the prompts; localzulip records when each one
arrived. Reported: achieved send rate ÷ allowed rate, 429s, and the lateness
of the last prompt against the theoretical minimum N ÷ allowed rate.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from bench.common import (
    Arrivals,
    Stopwatch,
    Timeline,
    big_realm,
    database,
    running_bot,
    seed_team,
    serve,
    server_config,
    spread,
    unplanned,
    wait_until,
)

DUE = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)  # a Monday
LIMIT = 200


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
        arrivals = Arrivals(server, timeline)
        setup_s = watch.elapsed()
        async with running_bot(server, db.url, timeline, window_s=window) as bot:
            await wait_until(lambda: unplanned(engine) == 0, timeout=600)
            planned_s = watch.elapsed()
            # Let the start-up requests leave the window, then start from a clean count.
            await asyncio.sleep(window + 0.2)
            server.stats.reset()
            pacer = bot.rest.pacer
            waits_before = pacer.waits
            timeline.jump_to(DUE - dt.timedelta(seconds=0.5))
            minimum = n / allowed
            done = await arrivals.wait(
                lambda: sum(1 for _, m in arrivals.items if is_prompt(m.content)) >= n,
                timeout=minimum * 4 + 120,
            )
            prompts = [(t, m) for t, m in arrivals.items if is_prompt(m.content)]
            # Let the last completions reach the database before stopping.
            await asyncio.sleep(0.5)
            stats = server.stats
            by_op = dict(stats.by_user_operation)
            bot_id = server.bot.user_id
            bot_ops = {op: c for (uid, op), c in by_op.items() if uid == bot_id}
            rate_limited = stats.rate_limited
            pacer_waits = pacer.waits - waits_before
            pacer_429 = pacer.rate_limited
        arrivals.close()
        engine.dispose()
    due = DUE.timestamp()
    lateness = [t - due for t, _ in prompts]
    last = max(lateness) if lateness else float("nan")
    first = min(lateness) if lateness else float("nan")
    achieved = len(prompts) / last if last > 0 else float("nan")
    sustained = (len(prompts) - 1) / (last - first) if len(prompts) > 1 and last > first else 0.0
    django_requests = sum(c for op, c in bot_ops.items() if op != "get-events")
    return {
        "n": n,
        "db": db_kind,
        "limit": LIMIT,
        "window_s": window,
        "allowed_rate_per_s": allowed,
        "completed": done,
        "prompts_delivered": len(prompts),
        "achieved_rate_per_s": round(achieved, 2),
        "achieved_over_allowed": round(achieved / allowed, 3),
        "sustained_rate_per_s": round(sustained, 2),
        "sustained_over_allowed": round(sustained / allowed, 3),
        "http_429": rate_limited,
        "pacer_saw_429": pacer_429,
        "pacer_waits": pacer_waits,
        "first_prompt_lateness_s": round(first, 3),
        "last_prompt_lateness_s": round(last, 3),
        "theoretical_minimum_s": round(minimum, 3),
        "last_over_minimum": round(last / minimum, 3),
        "lateness_s": spread(lateness),
        "bot_requests_by_operation": bot_ops,
        "bot_requests_rate_limited_bucket": django_requests,
        "setup_s": round(setup_s, 1),
        "planning_s": round(planned_s - setup_s, 1),
        "wall_s": round(watch.elapsed(), 1),
    }


async def run(short: bool) -> dict[str, Any]:
    # The last case makes the limit bind (the bot alone sends faster than 40/s here).
    cases = [(200, 2.0), (200, 5.0)] if short else [(1000, 2.0), (10000, 2.0), (1000, 5.0)]
    return {"cases": [await run_one(n, window) for n, window in cases]}
