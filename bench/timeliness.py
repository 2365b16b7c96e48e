"""Benchmark 2: prompt timeliness with Zulip scheduled messages versus direct sends.

The same set-up as the fan-out benchmark (N participants prompted at 09:30,
200 requests per ``window`` s), with ``use_scheduled_messages`` on: the bot
hands every prompt to localzulip ahead of time (``POST /scheduled_messages``,
paced like any call), then the clock jumps to just before 09:30 and localzulip
delivers them. Lateness at delivery is compared with the direct-send figures of
benchmark 1 for the same N.

localzulip delivers every message due in a minute in one batch on the minute;
a real Zulip server delivers them one after another at about 35 per second
(``../shared/zulip-golden/scheduled-delivery.md``). The estimate for a real
server, N ÷ 35 s for the last one, is printed next to the measurement.

The bot is its own process with production options (``bench.bot_main``), on a clock
shared with localzulip.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select

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
from bench.fanout import DUE, LIMIT, is_prompt
from zulip_standup.storage.tables import jobs

REAL_ZULIP_DELIVERY_PER_S = 35.0


def _handed(engine: Any) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(jobs.c.scheduled_message_id.is_not(None))
            ).scalar_one()
        )


async def run_one(n: int, window: float) -> dict[str, Any]:
    timeline = Timeline(DUE - dt.timedelta(minutes=20))
    realm, ids = big_realm(n)
    watch = Stopwatch()
    with (
        serve(realm, timeline, server_config(limit=LIMIT, window=window)) as server,
        database("sqlite") as db,
    ):
        now = dt.datetime.fromtimestamp(timeline.now(), dt.UTC)
        engine, _, _ = seed_team(
            server,
            db.url,
            ids,
            now,
            settings=bench_settings(prompt_time="09:30", use_scheduled_messages=True),
        )
        arrivals = Arrivals(server, timeline, lambda m: is_prompt(m.content))
        bot_id = server.bot.user_id
        async with bot_process(server, db.url, timeline=timeline, window_s=window) as bot:
            await wait_until(lambda: unplanned(engine) == 0, timeout=600)
            handoff_watch = Stopwatch()
            handed_all = await wait_until(
                lambda: (
                    server.call(lambda: len(server.realm.scheduled)) >= n and _handed(engine) >= n
                ),
                timeout=n / (LIMIT / window) * 4 + 120,
            )
            handoff_s = handoff_watch.elapsed()
            scheduled = server.call(lambda: len(server.realm.scheduled))
            stats_before = dict(server.stats.by_operation)
            rate_limited = server.stats.rate_limited
            await asyncio.sleep(window + 0.2)
            server.stats.reset()
            bot.jump_to(DUE - dt.timedelta(seconds=1))
            done = await arrivals.wait(
                lambda: len(arrivals.items) >= n,
                timeout=120,
            )
            # Give the prompt jobs time to run (they adopt the delivered prompts).
            await wait_until(lambda: _pending_prompts(engine) == 0, timeout=120)
            await asyncio.sleep(1.0)
            prompts = list(arrivals.items)
            after_ops = {
                op: c
                for (uid, op), c in server.stats.by_user_operation.items()
                if uid == server.bot.user_id
            }
            rate_limited += server.stats.rate_limited
        arrivals.close()
        engine.dispose()
    lateness = [t - DUE.timestamp() for t, _ in prompts]
    per_person = Counter(uid for _, m in prompts for uid in m.dm_user_ids if uid != bot_id)
    doubled = sum(1 for c in per_person.values() if c > 1)
    return {
        "n": n,
        "window_s": window,
        "mode": "scheduled",
        "handed_off": scheduled,
        "handed_off_all": handed_all,
        "handoff_wall_s": round(handoff_s, 2),
        "handoff_requests": stats_before.get("create-scheduled-message", 0),
        "completed": done,
        "prompts_delivered": len(prompts),
        "people_prompted_twice": doubled,
        "http_429": rate_limited,
        "lateness_s": spread(lateness),
        "bot_requests_at_due_time": after_ops,
        "real_zulip_estimate_last_s": round(n / REAL_ZULIP_DELIVERY_PER_S, 1),
        "wall_s": round(watch.elapsed(), 1),
    }


def _pending_prompts(engine: Any) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    jobs.c.kind == "prompt",
                    jobs.c.status.in_(("pending", "claimed")),
                    jobs.c.due_at <= DUE,
                )
            ).scalar_one()
        )


async def run(short: bool, direct: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    cases = [(200, 2.0)] if short else [(1000, 2.0), (10000, 2.0)]
    out = []
    for n, window in cases:
        result = await run_one(n, window)
        match = next((d for d in direct or [] if d["n"] == n and d["window_s"] == window), None)
        out.append(
            {
                "n": n,
                "window_s": window,
                "scheduled": result,
                "direct_lateness_s": match["lateness_s"] if match else None,
            }
        )
    return {"cases": out}
