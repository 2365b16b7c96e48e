"""Shared machinery of the benchmarks: a shared time line, localzulip, realms, databases.

Time: the bot (a separate process, ``bench.botproc``) and localzulip both read one
:class:`Timeline` (real time plus an offset), so rate limits, pacing and delivery all run
at real speed while a benchmark may jump the clock forward (to skip idle minutes or hours).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import heapq
import itertools
import math
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Engine, func, insert, select

from localzulip import LocalZulip
from localzulip.clock import TimerHandle, wall_time
from localzulip.core import ServerConfig
from localzulip.ratelimit import RateLimitConfig
from localzulip.realm import Realm, RealmSettings
from zulip_standup.domain.scheduling.schedule import DeliveryMode
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.standups import StandupStore, settings_to_row
from zulip_standup.storage.tables import participants, people, standups

PG_ADMIN_URL = os.environ.get(
    "STANDUP_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BOT_EMAIL = "standup-bot@example.com"
ALL_DAYS = frozenset(range(7))


# --------------------------------------------------------------------------- time
class Timeline:
    """Real time shifted by ``offset`` seconds; both the bot and the server read it."""

    def __init__(self, start: dt.datetime) -> None:
        self.offset = start.timestamp() - wall_time()

    def now(self) -> float:
        return wall_time() + self.offset

    def jump_to(self, instant: dt.datetime) -> None:
        """Move forward (never back) so that now() is ``instant``."""
        self.offset = max(self.offset, instant.timestamp() - wall_time())


class ServerClock:
    """localzulip's Clock protocol on a Timeline; timers are polled so jumps fire them."""

    POLL_S = 0.01

    def __init__(self, timeline: Timeline) -> None:
        self._timeline = timeline
        self._timers: list[tuple[float, int, TimerHandle]] = []
        self._seq = itertools.count()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    def now(self) -> float:
        return self._timeline.now()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

        def start() -> None:
            self._task = loop.create_task(self._run())

        loop.call_soon_threadsafe(start)

    def call_at(self, when: float, callback: Callable[[], None]) -> TimerHandle:
        handle = TimerHandle(when, callback)
        heapq.heappush(self._timers, (when, next(self._seq), handle))
        return handle

    async def _run(self) -> None:
        while True:
            now = self.now()
            while self._timers and self._timers[0][0] <= now:
                _, _, handle = heapq.heappop(self._timers)
                if not handle.cancelled:
                    handle.callback()
            await asyncio.sleep(self.POLL_S)


# --------------------------------------------------------------------------- numbers
def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def spread(values: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 4),
        "p90": round(percentile(values, 90), 4),
        "p99": round(percentile(values, 99), 4),
        "max": round(max(values), 4) if values else math.nan,
        "n": len(values),
    }


def rss_kib(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB, from /proc."""
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


class Stopwatch:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


# --------------------------------------------------------------------------- realms
def big_realm(n_people: int, *, timezone: str = "UTC") -> tuple[Realm, list[int]]:
    """A realm of ``n_people`` members, the Standup bot and a #standup channel."""
    realm = Realm(RealmSettings(name="Bench"))
    owner = realm.add_user("owner@example.com", "Owner", role="owner", api_key="o" * 32)
    ids: list[int] = []
    for i in range(n_people):
        email = f"p{i:06d}@example.com"
        user = realm.add_user(
            email, f"Person {i:06d}", timezone=timezone, api_key=f"k{i:031d}", short_name=f"p{i}"
        )
        ids.append(user.user_id)
    bot = realm.add_bot(BOT_EMAIL, "Standup", owner_id=owner.user_id, api_key="b" * 32)
    realm.ensure_notification_bot()
    realm.add_stream("standup", subscribers=[owner.user_id, bot.user_id])
    return realm, ids


def server_config(*, limit: int | None, window: float = 2.0) -> ServerConfig:
    """localzulip with Zulip's limit scaled in time (``None`` turns rate limiting off)."""
    rate = (
        RateLimitConfig(enabled=True, limit=limit, window=window)
        if limit is not None
        else RateLimitConfig(enabled=False)
    )
    # Queues must survive the clock jumps of a benchmark (Zulip's default is 10 minutes).
    return ServerConfig(rate_limit=rate, heartbeat_seconds=30.0, queue_timeout_seconds=86400.0)


@contextlib.contextmanager
def serve(realm: Realm, timeline: Timeline, config: ServerConfig) -> Iterator[LocalZulip]:
    """localzulip on its own thread and loop, on the time line."""
    server = LocalZulip(realm, clock=ServerClock(timeline), config=config)  # type: ignore[arg-type]
    with server:
        yield server


# --------------------------------------------------------------------------- databases
@dataclass
class Database:
    url: str
    kind: str


@contextlib.contextmanager
def database(kind: str) -> Iterator[Database]:
    """A fresh migrated database (``sqlite`` in a temp dir, or ``postgres``), removed after."""
    if kind == "sqlite":
        directory = tempfile.mkdtemp(prefix="zs-bench-")
        os.chmod(directory, 0o700)
        url = f"sqlite:///{directory}/standup.db"
        try:
            _migrate(url)
            yield Database(url, kind)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    name = f"zs_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        _migrate(url)
        yield Database(url, kind)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()


def bench_settings(**changes: Any) -> StandupSettings:
    base = StandupSettings(
        team_timezone="UTC",
        prompt_time="09:30",
        reminder_times=(),
        cutoff_time="12:45",
        weekdays=ALL_DAYS,
        delivery_mode=DeliveryMode.TEAM,
        auto_sync=False,
    )
    return base.with_changes(**changes)


def seed_standups(
    engine: Engine,
    *,
    realm_id: int,
    stream_id: int,
    user_ids: Sequence[int],
    per_standup: int,
    settings: StandupSettings,
    now: dt.datetime,
    planned_until: dt.datetime | None = None,
    chunk: int = 5000,
) -> list[int]:
    """Bulk-insert standups of ``per_standup`` participants each (and their people rows)."""
    row = settings_to_row(settings)
    groups = [user_ids[i : i + per_standup] for i in range(0, len(user_ids), per_standup)]
    with engine.begin() as conn:
        first = conn.execute(select(func.coalesce(func.max(standups.c.id), 0))).scalar_one()
        standup_rows = [
            {
                **row,
                "id": first + index + 1,
                "name": f"team-{index:06d}",
                "realm_id": realm_id,
                "stream_id": stream_id,
                "stream_name": "standup",
                "creator_user_id": group[0],
                "schedule_version": 1,
                "created_at": now,
                "updated_at": now,
                "planned_until": planned_until,
            }
            for index, group in enumerate(groups)
        ]
        for start in range(0, len(standup_rows), chunk):
            conn.execute(insert(standups), standup_rows[start : start + chunk])
        member_rows = [
            {
                "standup_id": first + index + 1,
                "user_id": uid,
                "display_name": f"Person {uid}",
                "active": True,
                "added_at": now,
            }
            for index, group in enumerate(groups)
            for uid in group
        ]
        for start in range(0, len(member_rows), chunk):
            conn.execute(insert(participants), member_rows[start : start + chunk])
        person_rows = [
            {
                "realm_id": realm_id,
                "user_id": uid,
                "display_name": f"Person {uid}",
                "profile_timezone": "UTC",
                "timezone_override": None,
                "holiday_region": None,
                "zulip_away": False,
                "updated_at": now,
            }
            for uid in sorted(set(user_ids))
        ]
        for start in range(0, len(person_rows), chunk):
            conn.execute(insert(people), person_rows[start : start + chunk])
    return [r["id"] for r in standup_rows]


def seed_team(
    server: LocalZulip,
    url: str,
    user_ids: Sequence[int],
    now: dt.datetime,
    *,
    per_standup: int = 10,
    settings: StandupSettings | None = None,
    planned_until: dt.datetime | None = None,
) -> tuple[Engine, int, list[int]]:
    """The bot's realm row plus standups of ``user_ids`` in #standup, as every benchmark needs;
    returns the engine, the realm id and the standup ids."""
    engine = engine_for(url)
    realm_id = realm_row(engine, server.url, server.bot.user_id, now)
    stream = server.realm.stream_by_name("standup")
    assert stream is not None
    standup_ids = seed_standups(
        engine,
        realm_id=realm_id,
        stream_id=stream.stream_id,
        user_ids=user_ids,
        per_standup=per_standup,
        settings=settings or bench_settings(prompt_time="09:30"),
        now=now,
        planned_until=planned_until,
    )
    return engine, realm_id, standup_ids


def realm_row(engine: Engine, site: str, bot_user_id: int, now: dt.datetime) -> int:
    return StandupStore(engine).realm_id(site, BOT_EMAIL, bot_user_id, now)


def unplanned(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(standups).where(standups.c.planned_until.is_(None))
            ).scalar_one()
        )


# --------------------------------------------------------------------------- waiting
async def wait_until(
    check: Callable[[], bool],
    timeout: float,  # noqa: ASYNC109
    poll: float = 0.1,
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(check):
            return True
        await asyncio.sleep(poll)
    return bool(await asyncio.to_thread(check))


def engine_for(url: str) -> Engine:
    return make_engine(url)
