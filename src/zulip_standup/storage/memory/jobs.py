"""The in-memory twin of ``storage/jobs.py``: plan, re-plan, claim, finish and recover jobs.

Counts calls and rows the way the SQL store does, so ``stats`` costs a tick alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from zulip_standup.domain.scheduling.jobs import (
    PLANNED_KINDS,
    DueJob,
    JobStatus,
    ReplanResult,
    StoreStats,
)
from zulip_standup.domain.scheduling.planning import Occurrence
from zulip_standup.storage.jobs import due_job_of
from zulip_standup.storage.memory.state import MemoryState, utc
from zulip_standup.storage.work_counter import WorkCounter

_FINISHED = (JobStatus.DONE.value, JobStatus.DROPPED.value, JobStatus.FAILED.value)


def _order(row: dict[str, Any]) -> tuple[dt.datetime, int]:
    return row["due_at"], row["id"]


class MemoryJobStore:
    """``JobQueue`` in memory (plus ``insert`` and ``rows_for_standup`` of the SQL store)."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state
        self._work = WorkCounter()

    @property
    def stats(self) -> StoreStats:
        return self._work.stats

    def _count(self, rows: int) -> None:
        self._work.count(rows)

    # -- planning ---------------------------------------------------------
    def _insert_new(self, occurrences: Sequence[Occurrence], version: int) -> int:
        known = {row["key"] for row in self.db.jobs.values()}
        inserted = 0
        for occ in occurrences:
            if occ.key in known:
                continue
            known.add(occ.key)
            job_id = self.db.next_id("jobs")
            self.db.jobs[job_id] = {
                "id": job_id,
                "key": occ.key,
                "standup_id": occ.standup_id,
                "kind": str(occ.kind),
                "run_date": occ.run_date,
                "user_id": occ.user_id,
                "due_at": utc(occ.due_at),
                "deadline_at": utc(occ.deadline_at),
                "status": JobStatus.PENDING.value,
                "attempts": 0,
                "claimed_by": None,
                "claimed_at": None,
                "finished_at": None,
                "last_error": None,
                "scheduled_message_id": None,
                "schedule_version": version,
            }
            inserted += 1
        return inserted

    def _set_horizon(self, standup_id: int, planned_until: dt.datetime) -> None:
        standup = self.db.standups.get(standup_id)
        if standup is not None:
            standup["planned_until"] = utc(planned_until)

    def plan_window(
        self,
        standup_id: int,
        occurrences: Sequence[Occurrence],
        planned_until: dt.datetime,
        version: int = 0,
    ) -> int:
        with self.db.lock:
            inserted = self._insert_new(occurrences, version)
            self._set_horizon(standup_id, planned_until)
        self._count(inserted + 1)
        return inserted

    def insert(self, occurrences: Sequence[Occurrence], version: int = 0) -> int:
        with self.db.lock:
            inserted = self._insert_new(occurrences, version)
        self._count(inserted)
        return inserted

    def replan_standup(
        self,
        standup_id: int,
        occurrences: Sequence[Occurrence],
        now: dt.datetime,
        planned_until: dt.datetime,
        version: int = 0,
    ) -> ReplanResult:
        """Make one standup's pending jobs match a fresh plan (see the SQL store)."""
        wanted = {occ.key: occ for occ in occurrences}
        updated = deleted = 0
        with self.db.lock:
            pending = [
                row
                for row in self.db.jobs.values()
                if row["standup_id"] == standup_id
                and row["status"] == JobStatus.PENDING.value
                and row["kind"] in PLANNED_KINDS
            ]
            for row in pending:
                occ = wanted.get(row["key"])
                if occ is None:
                    if row["due_at"] >= now:
                        del self.db.jobs[row["id"]]
                        deleted += 1
                elif (row["due_at"], row["deadline_at"]) != (occ.due_at, occ.deadline_at):
                    row.update(
                        due_at=utc(occ.due_at),
                        deadline_at=utc(occ.deadline_at),
                        schedule_version=version,
                    )
                    updated += 1
            known = {row["key"] for row in pending}
            fresh = [o for o in occurrences if o.key not in known and o.due_at >= now]
            inserted = self._insert_new(fresh, version)
            self._set_horizon(standup_id, planned_until)
        self._count(len(pending) + inserted + 1)
        return ReplanResult(inserted, updated, deleted)

    # -- working ----------------------------------------------------------
    def _of_realm(self, realm_id: int | None) -> set[int] | None:
        return None if realm_id is None else self.db.standup_ids_of_realm(realm_id)

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
        """Claim up to ``limit`` due jobs for ``worker_id``, oldest first, after recovering
        other workers' stale claims."""
        with self.db.lock:
            recovered = self._recover_stale(now - stale_after, max_attempts, worker_id)
            realm = self._of_realm(realm_id)
            due = sorted(
                (
                    row
                    for row in self.db.jobs.values()
                    if row["status"] == JobStatus.PENDING.value
                    and row["due_at"] <= now
                    and (realm is None or row["standup_id"] in realm)
                ),
                key=_order,
            )[:limit]
            for row in due:
                row.update(
                    status=JobStatus.CLAIMED.value,
                    claimed_by=worker_id,
                    claimed_at=utc(now),
                    attempts=row["attempts"] + 1,
                )
            found = [due_job_of(row) for row in due]
        self._count(recovered + len(found))
        return found

    def _recover_stale(self, claimed_before: dt.datetime, max_attempts: int, worker_id: str) -> int:
        """Another worker's claims older than ``claimed_before`` go back (or fail when spent);
        the asking worker's own claims are in flight, however long they take."""
        stale = [
            row
            for row in self.db.jobs.values()
            if row["status"] == JobStatus.CLAIMED.value
            and row["claimed_at"] < claimed_before
            and row["claimed_by"] != worker_id
        ]
        for row in stale:
            spent = row["attempts"] >= max_attempts
            row.update(
                status=(JobStatus.FAILED if spent else JobStatus.PENDING).value,
                claimed_by=None,
                claimed_at=None,
                last_error=f"claim by {row['claimed_by']} expired",
            )
        return len(stale)

    def _owned(self, job_id: int, worker_id: str) -> dict[str, Any] | None:
        row = self.db.jobs.get(job_id)
        if row is None or row["status"] != JobStatus.CLAIMED.value:
            return None
        return row if row["claimed_by"] == worker_id else None

    def _finish(
        self, job_id: int, worker_id: str, now: dt.datetime, status: JobStatus, error: str | None
    ) -> bool:
        with self.db.lock:
            row = self._owned(job_id, worker_id)
            if row is not None:
                row.update(
                    status=status.value,
                    finished_at=utc(now),
                    last_error=None if error is None else error[:2000],
                )
        self._count(1)
        return row is not None

    def complete(self, job_id: int, worker_id: str, now: dt.datetime) -> bool:
        return self._finish(job_id, worker_id, now, JobStatus.DONE, None)

    def complete_many(self, job_ids: Collection[int], worker_id: str, now: dt.datetime) -> set[int]:
        with self.db.lock:
            return {job_id for job_id in job_ids if self.complete(job_id, worker_id, now)}

    def drop(self, job_id: int, worker_id: str, now: dt.datetime, reason: str) -> bool:
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
        with self.db.lock:
            row = self._owned(job_id, worker_id)
            if row is not None:
                row.update(
                    status=JobStatus.PENDING.value,
                    due_at=utc(retry_at),
                    claimed_by=None,
                    claimed_at=None,
                    last_error=error[:2000],
                )
        self._count(1)
        return JobStatus.PENDING

    # -- reading ----------------------------------------------------------
    def next_due_at(self, realm_id: int | None = None) -> dt.datetime | None:
        with self.db.lock:
            realm = self._of_realm(realm_id)
            value = min(
                (
                    row["due_at"]
                    for row in self.db.jobs.values()
                    if row["status"] == JobStatus.PENDING.value
                    and (realm is None or row["standup_id"] in realm)
                ),
                default=None,
            )
        self._count(1)
        return value

    def rows_for_standup(
        self, standup_id: int, statuses: Iterable[JobStatus] | None = None
    ) -> list[dict[str, Any]]:
        wanted = None if statuses is None else {s.value for s in statuses}
        with self.db.lock:
            rows = [
                dict(row)
                for row in sorted(self.db.jobs.values(), key=_order)
                if row["standup_id"] == standup_id and (wanted is None or row["status"] in wanted)
            ]
        self._count(len(rows))
        return rows

    def purge_finished(self, finished_before: dt.datetime) -> int:
        with self.db.lock:
            old = [
                job_id
                for job_id, row in self.db.jobs.items()
                if row["status"] in _FINISHED
                and row["finished_at"] is not None
                and row["finished_at"] < finished_before
            ]
            for job_id in old:
                del self.db.jobs[job_id]
        self._count(len(old))
        return len(old)
