"""Two workers on PostgreSQL, each with its own engine, share 1,000 due jobs exactly once."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import Engine

from storage.scheduling_rows import add_realm, add_standup
from zulip_standup.clock import FakeClock
from zulip_standup.domain.scheduling.jobs import DueJob, JobKind
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.services.scheduler import Worker
from zulip_standup.storage import migrate
from zulip_standup.storage.engine import make_engine
from zulip_standup.storage.jobs import JobStore

NOW = dt.datetime(2026, 3, 24, 9, 0, tzinfo=dt.UTC)
JOBS = 1000

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(pg_empty_url: str) -> str:
    """The session's PostgreSQL database, migrated and empty."""
    engine = make_engine(pg_empty_url)
    migrate.upgrade(engine)
    engine.dispose()
    return pg_empty_url


def seed(engine: Engine) -> None:
    sid = add_standup(engine, add_realm(engine))
    due = NOW - dt.timedelta(minutes=1)
    deadline = NOW + dt.timedelta(hours=3)
    occurrences = [
        Occurrence(sid, JobKind.PROMPT, dt.date(2026, 3, 24), user, due, deadline)
        for user in range(1, JOBS + 1)
    ]
    assert JobStore(engine).insert(occurrences) == JOBS


def test_two_workers_execute_each_job_exactly_once(pg_url: str) -> None:
    """Both workers claim in small batches at the same time (SKIP LOCKED); every job is run by
    exactly one of them, both do part of the work, and every row ends done."""
    setup = make_engine(pg_url)
    seed(setup)
    executed: list[tuple[str, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        engine = make_engine(pg_url)
        store = JobStore(engine)

        async def handler(job: DueJob) -> None:
            with lock:
                executed.append((name, job.key))
            await asyncio.sleep(0)

        async def drain() -> None:
            worker = Worker(FakeClock(NOW), store, handler, worker_id=name, batch_size=20)
            start.wait()
            while (await worker.tick()).claimed:
                pass

        try:
            asyncio.run(drain())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work, args=(f"worker-{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    per_key = Counter(key for _, key in executed)
    assert len(per_key) == JOBS
    assert set(per_key.values()) == {1}
    per_worker = Counter(name for name, _ in executed)
    assert set(per_worker) == {"worker-1", "worker-2"}, per_worker
    store = JobStore(setup)
    rows = store.rows_for_standup(1)
    assert len(rows) == JOBS
    assert {r["status"] for r in rows} == {"done"}
    assert {r["attempts"] for r in rows} == {1}
    setup.dispose()
