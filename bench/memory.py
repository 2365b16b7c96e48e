"""Benchmark 5: resident memory of an idle bot process.

The bot runs as a subprocess, ``zulip-standup run`` (the real command), against
localzulip (real time) and a SQLite database holding S standups of 10
participants each, already planned with a day of pending jobs, and a realm of
the same people (the bot loads the whole user list at start). Once the bot has
registered its event queue and stayed idle for a few seconds, VmRSS and VmHWM
are read from /proc/PID/status. An empty database with the sample realm gives
the baseline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bench.common import (
    Stopwatch,
    bench_settings,
    big_realm,
    database,
    engine_for,
    realm_row,
    rss_kib,
    seed_standups,
    server_config,
)
from bench.scaling import _job
from localzulip import LocalZulip
from localzulip.realm import Realm
from localzulip.sample import sample_realm
from zulip_standup.clock import SystemClock
from zulip_standup.domain.scheduling.jobs import JobKind
from zulip_standup.storage.tables import jobs

IDLE_S = 5.0


def _seed(url: str, server: LocalZulip, ids: list[int]) -> None:
    engine = engine_for(url)
    now = SystemClock().now()
    realm_id = realm_row(engine, server.url, server.bot.user_id, now)
    if ids:
        standup_ids = seed_standups(
            engine,
            realm_id=realm_id,
            stream_id=server.realm.stream_by_name("standup").stream_id,  # type: ignore[union-attr]
            user_ids=ids,
            per_standup=10,
            settings=bench_settings(prompt_time="09:30"),
            now=now,
            planned_until=now + dt.timedelta(hours=36),
        )
        day = now.date() + dt.timedelta(days=1)
        due = dt.datetime.combine(day, dt.time(9, 30), dt.UTC)
        rows = []
        for index, sid in enumerate(standup_ids):
            for uid in ids[index * 10 : index * 10 + 10]:
                rows.append(_job(sid, JobKind.PROMPT, day, uid, due, due + dt.timedelta(hours=3)))
            rows.append(_job(sid, JobKind.DIGEST, day, None, due + dt.timedelta(hours=3), None))
        with engine.begin() as conn:
            for start in range(0, len(rows), 10000):
                conn.execute(insert(jobs), rows[start : start + 10000])
    engine.dispose()


async def run_one(standups: int) -> dict[str, Any]:
    people = standups * 10
    realm: Realm
    if people:
        realm, ids = big_realm(people)
    else:
        realm, ids = sample_realm(), []
    watch = Stopwatch()
    with LocalZulip(realm, config=server_config(limit=None)) as server, database("sqlite") as db:
        await asyncio.to_thread(_seed, db.url, server, ids)
        email, key = server.credentials("bot")
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ZULIP_", "STANDUP_")) and k != "DATABASE_URL"
        }
        env.update(
            ZULIP_EMAIL=email,
            ZULIP_API_KEY=key,
            ZULIP_SITE=server.url,
            DATABASE_URL=db.url,
            STANDUP_HTTP_BIND="",
            STANDUP_LOG_LEVEL="WARNING",
        )
        exe = str(Path(sys.executable).with_name("zulip-standup"))
        process = subprocess.Popen(  # noqa: ASYNC220 - polled below without blocking
            [exe, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 300
            while server.stats.count("register-queue") < 1:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    msg = f"the bot did not start: {err[-2000:]}"
                    raise RuntimeError(msg)
                await asyncio.sleep(0.1)
            ready_s = watch.elapsed()
            await asyncio.sleep(IDLE_S)
            memory = rss_kib(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    return {
        "standups": standups,
        "participants": people,
        "realm_users": len(realm.users),
        "mode": "subprocess `zulip-standup run`, SQLite, idle after start-up",
        "rss_mib": round(memory.get("VmRSS", 0) / 1024, 1),
        "peak_rss_mib": round(memory.get("VmHWM", 0) / 1024, 1),
        "ready_s": round(ready_s, 1),
    }


async def run(short: bool) -> dict[str, Any]:
    sizes = [0, 1000] if short else [0, 1000, 10000]
    return {"cases": [await run_one(s) for s in sizes]}
