"""The SQL of the durable job store: plan, re-plan, claim, finish and recover ``jobs`` rows.

Claiming is one ``UPDATE ... WHERE id IN (SELECT ... LIMIT n)`` statement. On
PostgreSQL the sub-select takes ``FOR UPDATE SKIP LOCKED`` so concurrent
workers split the due rows between them; on SQLite the engine's
``BEGIN IMMEDIATE`` makes each claim a single-writer transaction. The API is
synchronous; async callers go through ``asyncio.to_thread``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, or_, select, update

from zulip_standup.domain.scheduling.jobs import (
    PLANNED_KINDS,
    DueJob,
    JobKey,
    JobKind,
    JobStatus,
    ReplanResult,
    StoreStats,
)
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.storage.conflicts import insert_ignoring_duplicates
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import jobs, standups
from zulip_standup.storage.work_counter import WorkCounter


def _row_values(occurrence: Occurrence, version: int) -> dict[str, Any]:
    return {
        "key": occurrence.key,
        "standup_id": occurrence.standup_id,
        "kind": str(occurrence.kind),
        "run_date": occurrence.run_date,
        "user_id": occurrence.user_id,
        "due_at": occurrence.due_at,
        "deadline_at": occurrence.deadline_at,
        "status": JobStatus.PENDING.value,
        "attempts": 0,
        "schedule_version": version,
    }


def due_job_of(row: Mapping[Any, Any]) -> DueJob:
    """The job a claimed row hands to the worker (SQL rows and the in-memory twin's)."""
    key = str(row["key"])
    try:
        reminder_index = JobKey.parse(key).reminder_index
    except ValueError:  # housekeeping jobs may use keys of their own
        reminder_index = None
    return DueJob(
        id=int(row["id"]),
        key=key,
        kind=JobKind(row["kind"]),
        standup_id=row["standup_id"],
        run_date=row["run_date"],
        user_id=row["user_id"],
        reminder_index=reminder_index,
        due_at=row["due_at"],
        deadline_at=row["deadline_at"],
        attempt=int(row["attempts"]),
        scheduled_message_id=row.get("scheduled_message_id"),
    )


def _of_realm(realm_id: int | None) -> tuple[Any, ...]:
    if realm_id is None:
        return ()
    return (jobs.c.standup_id.in_(select(standups.c.id).where(standups.c.realm_id == realm_id)),)


class JobStore:
    """Job rows on SQLite or PostgreSQL; counts the rows each call touches for benchmarks."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._work = WorkCounter()

    @property
    def stats(self) -> StoreStats:
        """Calls and rows so far; subtract two snapshots to cost one tick."""
        return self._work.stats

    def _count(self, rows: int) -> None:
        self._work.count(rows)

    # -- planning ---------------------------------------------------------

    def plan_window(
        self,
        standup_id: int,
        occurrences: Sequence[Occurrence],
        planned_until: dt.datetime,
        version: int = 0,
    ) -> int:
        """Insert occurrences with new keys and record the horizon; returns the inserted count."""
        with self._engine.begin() as conn:
            inserted = self._insert_new(conn, occurrences, version)
            conn.execute(
                update(standups)
                .where(standups.c.id == standup_id)
                .values(planned_until=planned_until)
            )
        self._count(inserted + 1)
        return inserted

    def insert(self, occurrences: Sequence[Occurrence], version: int = 0) -> int:
        """Insert occurrences whose key is new; returns how many rows were created."""
        with self._engine.begin() as conn:
            inserted = self._insert_new(conn, occurrences, version)
        self._count(inserted)
        return inserted

    @staticmethod
    def _insert_new(conn: Connection, occurrences: Sequence[Occurrence], version: int) -> int:
        if not occurrences:
            return 0
        statement = insert_ignoring_duplicates(conn, jobs, "key").returning(jobs.c.id)
        rows = [_row_values(occ, version) for occ in occurrences]
        return len(conn.execute(statement, rows).all())

    def replan_standup(
        self,
        standup_id: int,
        occurrences: Sequence[Occurrence],
        now: dt.datetime,
        planned_until: dt.datetime,
        version: int = 0,
    ) -> ReplanResult:
        """Make one standup's pending jobs match a fresh plan, leaving every other standup alone.

        A pending job whose key is in the plan takes the plan's due instant
        (even when that is now in the past, so a prompt moved earlier still
        goes out). A pending job due at or after ``now`` that is not in the
        plan is deleted. New keys are inserted when due at or after ``now``.
        Claimed and finished jobs are never touched, nor jobs of kinds the planner does
        not plan (webhook deliveries).
        """
        wanted = {occ.key: occ for occ in occurrences}
        updated = deleted = 0
        with self._engine.begin() as conn:
            pending = conn.execute(
                select(jobs.c.id, jobs.c.key, jobs.c.due_at, jobs.c.deadline_at).where(
                    jobs.c.standup_id == standup_id,
                    jobs.c.status == JobStatus.PENDING.value,
                    jobs.c.kind.in_(sorted(PLANNED_KINDS)),
                )
            ).all()
            still_pending = jobs.c.status == JobStatus.PENDING.value
            for row in pending:
                occ = wanted.get(row.key)
                if occ is None:
                    if row.due_at >= now:
                        conn.execute(delete(jobs).where(jobs.c.id == row.id, still_pending))
                        deleted += 1
                elif (row.due_at, row.deadline_at) != (occ.due_at, occ.deadline_at):
                    conn.execute(
                        update(jobs)
                        .where(jobs.c.id == row.id, still_pending)
                        .values(
                            due_at=occ.due_at, deadline_at=occ.deadline_at, schedule_version=version
                        )
                    )
                    updated += 1
            known = {row.key for row in pending}
            fresh = [o for o in occurrences if o.key not in known and o.due_at >= now]
            inserted = self._insert_new(conn, fresh, version)
            conn.execute(
                update(standups)
                .where(standups.c.id == standup_id)
                .values(planned_until=planned_until)
            )
        self._count(len(pending) + inserted + 1)
        return ReplanResult(inserted, updated, deleted)

    # -- working ----------------------------------------------------------

    def claim_due(
        self,
        now: dt.datetime,
        limit: int,
        worker_id: str,
        *,
        stale_after: dt.timedelta = dt.timedelta(minutes=10),
        max_attempts: int = 5,
        realm_id: int | None = None,
    ) -> list[DueJob]:
        """Claim up to ``limit`` due jobs for ``worker_id``, oldest first (of one realm's
        standups when ``realm_id`` is given: the realm whose lease the worker holds).

        Claims of another worker older than ``stale_after`` belong to a worker that died:
        they become pending again, or failed once ``max_attempts`` claims are spent. A new
        lease holder releases such claims at once (``storage/leases.py``); this is the
        safety net for claims outside any realm. The asking worker's own claims are in
        flight, however long they take (a slow Zulip, a simulated clock that jumps): taking
        them back would send the same prompt twice.
        """
        with self._engine.begin() as conn:
            recovered = self._recover_stale(conn, now - stale_after, max_attempts, worker_id)
            due = (
                select(jobs.c.id)
                .where(
                    jobs.c.status == JobStatus.PENDING.value,
                    jobs.c.due_at <= now,
                    *_of_realm(realm_id),
                )
                .order_by(jobs.c.due_at, jobs.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            claimed = conn.execute(
                update(jobs)
                .where(jobs.c.id.in_(due.scalar_subquery()))
                .values(
                    status=JobStatus.CLAIMED.value,
                    claimed_by=worker_id,
                    claimed_at=now,
                    attempts=jobs.c.attempts + 1,
                )
                .returning(*jobs.c)
            ).all()
        self._count(recovered + len(claimed))
        found = [due_job_of(row._mapping) for row in claimed]
        return sorted(found, key=lambda job: (job.due_at, job.id))

    @staticmethod
    def _recover_stale(
        conn: Connection, claimed_before: dt.datetime, max_attempts: int, worker_id: str
    ) -> int:
        stale = (
            select(jobs.c.id)
            .where(
                jobs.c.status == JobStatus.CLAIMED.value,
                jobs.c.claimed_at < claimed_before,
                jobs.c.claimed_by != worker_id,
            )
            .with_for_update(skip_locked=True)
        )
        rows = conn.execute(
            select(jobs.c.id, jobs.c.attempts, jobs.c.claimed_by).where(
                jobs.c.id.in_(stale.scalar_subquery())
            )
        ).all()
        for row in rows:
            spent = row.attempts >= max_attempts
            conn.execute(
                update(jobs)
                .where(jobs.c.id == row.id, jobs.c.status == JobStatus.CLAIMED.value)
                .values(
                    status=(JobStatus.FAILED if spent else JobStatus.PENDING).value,
                    claimed_by=None,
                    claimed_at=None,
                    last_error=f"claim by {row.claimed_by} expired",
                )
            )
        return len(rows)

    def complete(self, job_id: int, worker_id: str, now: dt.datetime) -> bool:
        """Mark done; False when the claim was lost (it expired and someone else has it)."""
        return self._finish(job_id, worker_id, now, JobStatus.DONE, None)

    def complete_many(self, job_ids: Collection[int], worker_id: str, now: dt.datetime) -> set[int]:
        """Mark done in one statement; the ids whose claim was still ours (the others expired
        and someone else has them)."""
        if not job_ids:
            return set()
        with self._engine.begin() as conn:
            done = {
                int(row.id)
                for row in conn.execute(
                    update(jobs)
                    .where(
                        jobs.c.id.in_(sorted(job_ids)),
                        jobs.c.status == JobStatus.CLAIMED.value,
                        jobs.c.claimed_by == worker_id,
                    )
                    .values(status=JobStatus.DONE.value, finished_at=now, last_error=None)
                    .returning(jobs.c.id)
                )
            }
        self._count(len(job_ids))
        return done

    def drop(self, job_id: int, worker_id: str, now: dt.datetime, reason: str) -> bool:
        """Mark dropped by the lateness policy, keeping the reason."""
        return self._finish(job_id, worker_id, now, JobStatus.DROPPED, reason)

    def fail(
        self,
        job_id: int,
        worker_id: str,
        now: dt.datetime,
        error: str,
        retry_at: dt.datetime | None,
    ) -> JobStatus:
        """Record a failure: pending again at ``retry_at``, or failed for good when None."""
        if retry_at is None:
            self._finish(job_id, worker_id, now, JobStatus.FAILED, error)
            return JobStatus.FAILED
        with self._engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(*self._owned(job_id, worker_id))
                .values(
                    status=JobStatus.PENDING.value,
                    due_at=retry_at,
                    claimed_by=None,
                    claimed_at=None,
                    last_error=error[:2000],
                )
            )
        self._count(1)
        return JobStatus.PENDING

    @staticmethod
    def _owned(job_id: int, worker_id: str) -> tuple[Any, ...]:
        return (
            jobs.c.id == job_id,
            jobs.c.status == JobStatus.CLAIMED.value,
            jobs.c.claimed_by == worker_id,
        )

    def _finish(
        self, job_id: int, worker_id: str, now: dt.datetime, status: JobStatus, error: str | None
    ) -> bool:
        with self._engine.begin() as conn:
            result = conn.execute(
                update(jobs)
                .where(*self._owned(job_id, worker_id))
                .values(
                    status=status.value,
                    finished_at=now,
                    last_error=None if error is None else error[:2000],
                )
            )
        self._count(1)
        return result.rowcount == 1

    # -- reading ----------------------------------------------------------

    def next_due_at(self, realm_id: int | None = None) -> dt.datetime | None:
        """The earliest pending due instant, so an idle worker knows how long it may sleep
        (and readiness how late the oldest due job is)."""
        with reading(self._engine) as conn:
            value = conn.execute(
                select(func.min(jobs.c.due_at)).where(
                    jobs.c.status == JobStatus.PENDING.value, *_of_realm(realm_id)
                )
            ).scalar_one_or_none()
        self._count(1)
        return value

    def rows_for_standup(
        self, standup_id: int, statuses: Iterable[JobStatus] | None = None
    ) -> list[dict[str, Any]]:
        """A standup's job rows as dicts ordered by due instant (for status pages and tests)."""
        query = select(jobs).where(jobs.c.standup_id == standup_id)
        if statuses is not None:
            query = query.where(or_(*(jobs.c.status == s.value for s in statuses)))
        with reading(self._engine) as conn:
            rows = [
                dict(r._mapping) for r in conn.execute(query.order_by(jobs.c.due_at, jobs.c.id))
            ]
        self._count(len(rows))
        return rows

    def purge_finished(self, finished_before: dt.datetime) -> int:
        """Delete done, dropped and failed rows finished before the given instant."""
        finished = (JobStatus.DONE.value, JobStatus.DROPPED.value, JobStatus.FAILED.value)
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(jobs).where(
                    jobs.c.status.in_(finished), jobs.c.finished_at < finished_before
                )
            )
        self._count(result.rowcount)
        return int(result.rowcount)
