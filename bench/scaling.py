"""Benchmark 4: scheduler scaling with 1k, 10k and 100k standups of 10 participants.

Standups, participants, people and one day of pending jobs are bulk-inserted
with SQLAlchemy Core; a sample of standups is left unplanned. Measured with
the real Planner, Worker and JobStore (no Zulip involved):

* planner time per standup (the sample being planned for the 36 h horizon);
* a scheduler tick (planner tick + worker tick) when nothing is due;
* a worker tick per due job (200 jobs due, no-op handler);
* rows per tick as counted by ``JobStore.stats`` (rows the store read or wrote),
  and the database's own work: on SQLite the virtual-machine steps of the tick's
  statements (a progress handler), on PostgreSQL the rows each scan node read
  (``EXPLAIN ANALYZE`` of the claim and plan queries).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import re
from typing import Any

from sqlalchemy import Engine, event, insert, select, text

from bench.common import (
    Stopwatch,
    bench_settings,
    database,
    engine_for,
    postgres_available,
)
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import DueJob, JobKey, JobKind, JobStatus
from zulip_standup.services.planner import Planner
from zulip_standup.services.scheduler import Worker
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.standups import StandupStore, settings_to_row
from zulip_standup.storage.tables import jobs, participants, people, standups

NOW = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
HORIZON = dt.timedelta(hours=36)
PER_STANDUP = 10
DUE_JOBS = 200
IDLE_TICKS = 20
CHUNK = 10000


class VmSteps:
    """Counts SQLite virtual-machine instructions (in units of ``every``) on an engine."""

    every = 100

    def __init__(self, engine: Engine) -> None:
        self.count = 0

        def handler() -> int:
            self.count += 1
            return 0

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.set_progress_handler(handler, self.every)

        engine.dispose()  # reconnect so every pooled connection has the handler

    @property
    def steps(self) -> int:
        return self.count * self.every


def _seed(engine: Engine, count: int, sample: int, rng: random.Random) -> list[int]:
    """``count`` standups; all but ``sample`` already planned with one day of jobs."""
    realm_id = StandupStore(engine).realm_id("http://127.0.0.1:1", "bot@example.com", 1, NOW)
    planned_until = NOW + HORIZON
    unplanned_ids = set(rng.sample(range(1, count + 1), sample))
    with engine.begin() as conn:
        for start in range(0, count, CHUNK):
            standup_rows, member_rows, person_rows, job_rows = [], [], [], []
            for sid in range(start + 1, min(count, start + CHUNK) + 1):
                hour, minute = (sid * 7) % 24, (sid * 13) % 60
                settings = bench_settings(
                    prompt_time=f"{hour:02d}:{minute:02d}", cutoff_time="23:59"
                )
                planned = sid not in unplanned_ids
                standup_rows.append(
                    {
                        **settings_to_row(settings),
                        "id": sid,
                        "name": f"team-{sid}",
                        "realm_id": realm_id,
                        "stream_id": 1,
                        "stream_name": "standup",
                        "creator_user_id": sid * PER_STANDUP,
                        "schedule_version": 1,
                        "created_at": NOW,
                        "updated_at": NOW,
                        "planned_until": planned_until if planned else None,
                    }
                )
                day = NOW.date() + dt.timedelta(days=1)
                due = dt.datetime.combine(day, dt.time(hour, minute), dt.UTC)
                deadline = dt.datetime.combine(day, dt.time(23, 59), dt.UTC)
                for k in range(PER_STANDUP):
                    uid = sid * PER_STANDUP + k
                    member_rows.append(
                        {
                            "standup_id": sid,
                            "user_id": uid,
                            "display_name": f"P{uid}",
                            "active": True,
                            "added_at": NOW,
                        }
                    )
                    person_rows.append(
                        {
                            "realm_id": realm_id,
                            "user_id": uid,
                            "display_name": f"P{uid}",
                            "profile_timezone": "UTC",
                            "timezone_override": None,
                            "holiday_region": None,
                            "zulip_away": False,
                            "updated_at": NOW,
                        }
                    )
                    if planned:
                        job_rows.append(_job(sid, JobKind.PROMPT, day, uid, due, deadline))
                if planned:
                    job_rows.append(_job(sid, JobKind.DIGEST, day, None, deadline, None))
            conn.execute(insert(standups), standup_rows)
            conn.execute(insert(participants), member_rows)
            conn.execute(insert(people), person_rows)
            conn.execute(insert(jobs), job_rows)
    return sorted(unplanned_ids)


def _job(
    sid: int,
    kind: JobKind,
    day: dt.date,
    uid: int | None,
    due: dt.datetime,
    deadline: dt.datetime | None,
) -> dict[str, Any]:
    return {
        "key": str(JobKey(sid, kind, day, uid)),
        "standup_id": sid,
        "kind": str(kind),
        "run_date": day,
        "user_id": uid,
        "due_at": due,
        "deadline_at": deadline,
        "status": JobStatus.PENDING.value,
        "attempts": 0,
        "schedule_version": 1,
    }


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(text("count(*)")).select_from(table)).scalar_one())


def _explain(engine: Engine, now: dt.datetime) -> dict[str, Any]:
    """How the database answers the two per-tick queries."""
    claim = (
        "SELECT id FROM jobs WHERE status = 'pending' AND due_at <= :now "
        "ORDER BY due_at, id LIMIT 100"
    )
    plan = (
        "SELECT id FROM standups WHERE planned_until IS NULL OR planned_until < :until "
        "ORDER BY planned_until IS NOT NULL, planned_until LIMIT 200"
    )
    stale = "SELECT id FROM jobs WHERE status = 'claimed' AND claimed_at < :now"
    until = now + HORIZON - HORIZON / 3
    out: dict[str, Any] = {}
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            for name, query, params in (
                ("claim", claim, {"now": now}),
                ("plan", plan, {"until": until}),
                ("recover_stale", stale, {"now": now}),
            ):
                rows = conn.execute(text("EXPLAIN QUERY PLAN " + query), params).all()
                out[name] = "; ".join(str(r[-1]) for r in rows)
        else:
            for name, query, params in (
                ("claim", claim, {"now": now}),
                ("plan", plan, {"until": until}),
                ("recover_stale", stale, {"now": now}),
            ):
                rows = conn.execute(text("EXPLAIN (ANALYZE, FORMAT TEXT) " + query), params).all()
                lines = [str(r[0]) for r in rows]
                out[name] = " | ".join(
                    line.strip() for line in lines if "->" in line or "Scan" in line
                )
                out[name + "_rows_read"] = _rows_read(lines)
    return out


def _rows_read(lines: list[str]) -> int:
    """Rows the scan nodes produced plus rows they discarded by filter."""
    total = 0
    for line in lines:
        if "Scan" in line:
            match = re.search(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)", line)
            if match:
                total += int(match.group(1)) * int(match.group(2))
        removed = re.search(r"Rows Removed by Filter: (\d+)", line)
        if removed:
            total += int(removed.group(1))
    return total


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


async def _noop(job: DueJob) -> None:
    return None


async def run_one(count: int, db_kind: str) -> dict[str, Any]:
    rng = random.Random(count)
    sample = min(500, count)
    with database(db_kind) as db:
        engine = engine_for(db.url)
        watch = Stopwatch()
        await asyncio.to_thread(_seed, engine, count, sample, rng)
        seed_s = watch.elapsed()
        steps = VmSteps(engine) if db_kind == "sqlite" else None
        if db_kind == "postgres":
            # autovacuum would analyze these tables soon; SQLite has no statistics unless
            # someone runs ANALYZE (with them, it scans all jobs to recover stale claims).
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        clock = FakeClock(NOW)
        store = JobStore(engine)
        planner = Planner(clock, store, ScheduleReader(engine), horizon=HORIZON)
        worker = Worker(clock, store, _noop, batch_size=DUE_JOBS)

        # Planner: the unplanned sample.
        before = store.stats
        watch = Stopwatch()
        report = await planner.tick()
        plan_s = watch.elapsed()
        plan_rows = store.stats.rows - before.rows

        # Idle scheduler ticks: nothing to plan, nothing due.
        clock.advance(60)
        idle_times: list[float] = []
        plan_times: list[float] = []
        work_times: list[float] = []
        idle_rows: list[int] = []
        plan_steps: list[int] = []
        work_steps: list[int] = []
        for _ in range(IDLE_TICKS):
            before = store.stats
            vm = steps.steps if steps else 0
            watch = Stopwatch()
            await planner.tick()
            planned_at = watch.elapsed()
            vm_planned = steps.steps if steps else 0
            tick = await worker.tick()
            idle_times.append(watch.elapsed())
            plan_times.append(planned_at)
            work_times.append(watch.elapsed() - planned_at)
            idle_rows.append(store.stats.rows - before.rows)
            plan_steps.append((vm_planned - vm) if steps else 0)
            work_steps.append((steps.steps - vm_planned) if steps else 0)
            assert tick.claimed == 0
        explain = _explain(engine, clock.now())

        # Due jobs: DUE_JOBS pending prompts due a second ago.
        due_at = clock.now() - dt.timedelta(seconds=1)
        day = NOW.date()
        with engine.begin() as conn:
            conn.execute(
                insert(jobs),
                [
                    _job(1, JobKind.PROMPT, day, 10_000_000 + i, due_at, None)
                    | {"key": f"bench:{i}"}
                    for i in range(DUE_JOBS)
                ],
            )
        before = store.stats
        vm = steps.steps if steps else 0
        watch = Stopwatch()
        await planner.tick()
        tick = await worker.tick()
        due_s = watch.elapsed()
        due_rows = store.stats.rows - before.rows
        due_steps = (steps.steps - vm) if steps else 0
        total_jobs = _count(engine, jobs)
        engine.dispose()
    idle_times.sort()
    return {
        "standups": count,
        "participants": count * PER_STANDUP,
        "db": db_kind,
        "job_rows": total_jobs,
        "seed_s": round(seed_s, 1),
        "planned_sample": report.standups,
        "planner_ms_per_standup": round(plan_s / max(1, report.standups) * 1000, 3),
        "planner_rows_per_standup": round(plan_rows / max(1, report.standups), 1),
        "idle_tick_ms_median": round(idle_times[len(idle_times) // 2] * 1000, 3),
        "idle_planner_tick_ms_median": round(_median(plan_times) * 1000, 3),
        "idle_worker_tick_ms_median": round(_median(work_times) * 1000, 3),
        "idle_tick_rows": max(idle_rows),
        "idle_planner_tick_sqlite_vm_steps": max(plan_steps) if steps else None,
        "idle_worker_tick_sqlite_vm_steps": max(work_steps) if steps else None,
        "due_jobs": tick.claimed,
        "due_tick_ms_per_job": round(due_s / max(1, tick.claimed) * 1000, 3),
        "due_tick_rows": due_rows,
        "due_tick_rows_per_job": round(due_rows / max(1, tick.claimed), 2),
        "due_tick_sqlite_vm_steps_per_job": round(due_steps / max(1, tick.claimed))
        if steps
        else None,
        "query_plans": explain,
    }


async def run(short: bool) -> dict[str, Any]:
    counts = [1000, 5000] if short else [1000, 10000, 100000]
    cases = [await run_one(c, "sqlite") for c in counts]
    reason = postgres_available()
    pg_counts = [1000] if short else [1000, 10000, 100000]
    if reason is None:
        cases += [await run_one(c, "postgres") for c in pg_counts]
    return {"cases": cases, "postgres_skipped": reason}
