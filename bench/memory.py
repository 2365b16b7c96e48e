"""Benchmark 5: resident memory of an idle bot process.

The bot runs as a subprocess, ``python -m zulip_standup run`` (the real command, from the
tree ``--bot-src`` names, else this one), against
localzulip (real time) and a SQLite database holding S standups of 10
participants each, already planned with a day of pending jobs, and a realm of
the same people (the bot loads the whole user list at start). Start-up is timed
from launching the process to its ``bot_started`` log line, with the CPU-seconds
(user + system, /proc/PID/stat) it spent until then. Once the bot has stayed
idle for a few seconds, VmRSS and VmHWM are read from /proc/PID/status. An
empty database with the sample realm gives the baseline.

The bot's own modules are byte-compiled beforehand (their __pycache__, as
``pip install`` compiles an installed package), so that a PYTHONDONTWRITEBYTECODE
environment does not make every start compile them from source.
"""

from __future__ import annotations

import asyncio
import compileall
import datetime as dt
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import insert

from bench.botproc import bot_src
from bench.common import (
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
START_TIMEOUT_S = 300.0
READY_LINE = "bot_started"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


class StartWatch:
    """Reads the bot's log (draining the pipe) and notes when and at what CPU cost it
    logged that it is ready."""

    def __init__(self, pid: int, stream: IO[bytes], launched: float) -> None:
        self._pid = pid
        self._stream = stream
        self._started = launched
        self.ready = threading.Event()
        self.ready_s = 0.0
        self.cpu_s = 0.0
        self.tail: list[str] = []
        threading.Thread(target=self._read, name="bot-log", daemon=True).start()

    def _read(self) -> None:
        for raw in self._stream:
            line = raw.decode(errors="replace")
            self.tail = [*self.tail[-50:], line]
            if READY_LINE in line and not self.ready.is_set():
                self.ready_s = time.perf_counter() - self._started
                self.cpu_s = cpu_seconds(self._pid)
                self.ready.set()


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


def compile_the_bot() -> None:
    """Byte-compile the bot's package where Python looks for it (``__pycache__``)."""
    compileall.compile_dir(Path(bot_src()) / "zulip_standup", quiet=1)


async def run_one(standups: int) -> dict[str, Any]:
    people = standups * 10
    realm: Realm
    if people:
        realm, ids = big_realm(people)
    else:
        realm, ids = sample_realm(), []
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
            STANDUP_LOG_LEVEL="INFO",
            # The product tree measured (``--bot-src``, else this one), as ``zulip-standup``
            # would import it when installed from there.
            PYTHONPATH=bot_src(),
        )
        launched = time.perf_counter()
        process = subprocess.Popen(  # noqa: ASYNC220 - polled below without blocking
            [sys.executable, "-m", "zulip_standup", "run"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        start = StartWatch(process.pid, process.stderr, launched)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not start.ready.is_set():
                if process.poll() is not None or time.monotonic() > deadline:
                    msg = f"the bot did not start: {''.join(start.tail)[-2000:]}"
                    raise RuntimeError(msg)
                await asyncio.sleep(0.05)
            await asyncio.sleep(IDLE_S)
            memory = rss_kib(process.pid)
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
    result = {
        "standups": standups,
        "participants": people,
        "realm_users": len(realm.users),
        "mode": "subprocess `python -m zulip_standup run`, SQLite, idle after start-up",
        "rss_mib": round(memory.get("VmRSS", 0) / 1024, 1),
        "peak_rss_mib": round(memory.get("VmHWM", 0) / 1024, 1),
        "ready_s": round(start.ready_s, 2),
        "startup_cpu_s": round(start.cpu_s, 2),
    }
    print(
        f"   memory {standups} standups / {people} people: ready in {result['ready_s']} s, "
        f"{result['startup_cpu_s']} CPU-s; idle RSS {result['rss_mib']} MiB "
        f"(peak {result['peak_rss_mib']} MiB)",
        flush=True,
    )
    return result


async def run(short: bool) -> dict[str, Any]:
    sizes = [0, 1000] if short else [0, 1000, 10000]
    compile_the_bot()
    return {"cases": [await run_one(s) for s in sizes]}
