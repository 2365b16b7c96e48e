"""The SQL behind prompts handed to Zulip as scheduled messages: which pending prompt jobs
to hand off, the scheduled message id kept on each job, and what decides whether it stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Engine, and_, select, update

from zulip_standup.domain.jobs import JobKind, JobStatus
from zulip_standup.ports import HandedOffJob, HandOffCandidate
from zulip_standup.storage.tables import jobs, people, standups

_CHUNK = 500


class HandOffStore:
    """``PromptHandOffs`` on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def scheduled_id_of(self, key: str) -> int | None:
        """The scheduled message id of the job with this natural key, if it was handed off."""
        with self._engine.connect() as conn:
            value = conn.execute(
                select(jobs.c.scheduled_message_id).where(jobs.c.key == key)
            ).scalar_one_or_none()
        return None if value is None else int(value)

    def in_use(self) -> bool:
        """True when a standup has the option on or a live job still holds a hand-off."""
        with self._engine.connect() as conn:
            flagged = conn.execute(
                select(standups.c.id).where(standups.c.use_scheduled_messages.is_(True)).limit(1)
            ).first()
            handed = conn.execute(
                select(jobs.c.id)
                .where(
                    jobs.c.scheduled_message_id.is_not(None),
                    jobs.c.status.in_((JobStatus.PENDING.value, JobStatus.CLAIMED.value)),
                )
                .limit(1)
            ).first()
        return flagged is not None or handed is not None

    def handed_off(self, scheduled_ids: Sequence[int]) -> dict[int, HandedOffJob]:
        """The jobs holding these scheduled message ids (ids no job holds are absent)."""
        ids = list(scheduled_ids)
        found: dict[int, HandedOffJob] = {}
        with self._engine.connect() as conn:
            for start in range(0, len(ids), _CHUNK):
                rows = conn.execute(
                    select(
                        jobs.c.id,
                        jobs.c.scheduled_message_id,
                        jobs.c.status,
                        jobs.c.due_at,
                        standups.c.use_scheduled_messages,
                        standups.c.honour_away,
                        people.c.zulip_away,
                    )
                    .select_from(
                        jobs.join(standups, standups.c.id == jobs.c.standup_id).outerjoin(
                            people,
                            and_(
                                people.c.realm_id == standups.c.realm_id,
                                people.c.user_id == jobs.c.user_id,
                            ),
                        )
                    )
                    .where(jobs.c.scheduled_message_id.in_(ids[start : start + _CHUNK]))
                ).all()
                for row in rows:
                    found[int(row.scheduled_message_id)] = HandedOffJob(
                        job_id=int(row.id),
                        status=JobStatus(row.status),
                        due_at=row.due_at,
                        use_scheduled_messages=bool(row.use_scheduled_messages),
                        honour_away=bool(row.honour_away),
                        zulip_away=bool(row.zulip_away),
                    )
        return found

    def clear(self, job_id: int, scheduled_id: int) -> None:
        """Forget a cancelled hand-off on its job while the job is still pending."""
        with self._engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(
                    jobs.c.id == job_id,
                    jobs.c.scheduled_message_id == scheduled_id,
                    jobs.c.status == JobStatus.PENDING.value,
                )
                .values(scheduled_message_id=None)
            )

    def candidates(
        self, earliest: dt.datetime, latest: dt.datetime, limit: int
    ) -> list[HandOffCandidate]:
        """Pending prompt jobs due in [earliest, latest] of standups with the option on that
        were not handed off yet, soonest first (of the first ``limit`` rows)."""
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(jobs.c.id, jobs.c.standup_id, jobs.c.run_date, jobs.c.user_id, jobs.c.due_at)
                .select_from(jobs.join(standups, standups.c.id == jobs.c.standup_id))
                .where(
                    jobs.c.status == JobStatus.PENDING.value,
                    jobs.c.due_at >= earliest,
                    jobs.c.due_at <= latest,
                    jobs.c.kind == JobKind.PROMPT.value,
                    jobs.c.scheduled_message_id.is_(None),
                    standups.c.use_scheduled_messages.is_(True),
                )
                .order_by(jobs.c.due_at, jobs.c.id)
                .limit(limit)
            ).all()
        return [
            HandOffCandidate(
                job_id=int(r.id),
                standup_id=int(r.standup_id),
                run_date=r.run_date,
                user_id=int(r.user_id),
                due_at=r.due_at,
            )
            for r in rows
            if r.user_id is not None and r.run_date is not None
        ]

    def record(self, job_id: int, scheduled_id: int) -> bool:
        """Keep the scheduled message id on the job; False when the job changed meanwhile."""
        with self._engine.begin() as conn:
            changed = conn.execute(
                update(jobs)
                .where(
                    jobs.c.id == job_id,
                    jobs.c.status == JobStatus.PENDING.value,
                    jobs.c.scheduled_message_id.is_(None),
                )
                .values(scheduled_message_id=scheduled_id)
            ).rowcount
        return bool(changed)
