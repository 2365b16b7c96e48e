"""The SQL of prompt hand-offs: ``jobs.scheduled_message_id`` and what decides whether it stands.

Implements ``ports.PromptHandOffs`` for ``services/scheduled_prompts.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Engine, and_, select, update

from zulip_standup.domain.scheduling.handoffs import HandedOff, HandOffCandidate
from zulip_standup.domain.scheduling.jobs import JobKind, JobStatus
from zulip_standup.storage.engine import reading
from zulip_standup.storage.tables import conversations, jobs, people, runs, standups

_CHUNK = 500


class HandOffStore:
    """Hand-offs of prompt jobs to Zulip's scheduled messages, on the ``jobs`` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def scheduled_id_of(self, job_key: str) -> int | None:
        with reading(self.engine) as conn:
            value = conn.execute(
                select(jobs.c.scheduled_message_id).where(jobs.c.key == job_key)
            ).scalar_one_or_none()
        return None if value is None else int(value)

    def in_use(self) -> bool:
        with reading(self.engine) as conn:
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

    def handed_off(self, scheduled_ids: Sequence[int]) -> dict[int, HandedOff]:
        ids = list(scheduled_ids)
        found: dict[int, HandedOff] = {}
        with reading(self.engine) as conn:
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
                        conversations.c.prompted_at,
                        jobs.c.handed_off_at,
                        standups.c.updated_at,
                    )
                    .select_from(
                        jobs.join(standups, standups.c.id == jobs.c.standup_id)
                        .outerjoin(
                            people,
                            and_(
                                people.c.realm_id == standups.c.realm_id,
                                people.c.user_id == jobs.c.user_id,
                            ),
                        )
                        .outerjoin(
                            runs,
                            and_(
                                runs.c.standup_id == jobs.c.standup_id,
                                runs.c.run_date == jobs.c.run_date,
                            ),
                        )
                        .outerjoin(
                            conversations,
                            and_(
                                conversations.c.run_id == runs.c.id,
                                conversations.c.user_id == jobs.c.user_id,
                            ),
                        )
                    )
                    .where(jobs.c.scheduled_message_id.in_(ids[start : start + _CHUNK]))
                ).all()
                for row in rows:
                    found[int(row.scheduled_message_id)] = HandedOff(
                        job_id=int(row.id),
                        status=JobStatus(row.status),
                        due_at=row.due_at,
                        use_scheduled_messages=bool(row.use_scheduled_messages),
                        honour_away=bool(row.honour_away),
                        zulip_away=bool(row.zulip_away),
                        prompt_claimed=row.prompted_at is not None,
                        settings_changed=row.handed_off_at is not None
                        and row.updated_at > row.handed_off_at,
                    )
        return found

    def candidates(
        self, now: dt.datetime, min_lead: dt.timedelta, lead: dt.timedelta, limit: int
    ) -> list[HandOffCandidate]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(jobs.c.id, jobs.c.standup_id, jobs.c.run_date, jobs.c.user_id, jobs.c.due_at)
                .select_from(jobs.join(standups, standups.c.id == jobs.c.standup_id))
                .where(
                    jobs.c.status == JobStatus.PENDING.value,
                    jobs.c.due_at >= now + min_lead,
                    jobs.c.due_at <= now + lead,
                    jobs.c.kind == JobKind.PROMPT.value,
                    jobs.c.scheduled_message_id.is_(None),
                    jobs.c.user_id.is_not(None),
                    jobs.c.run_date.is_not(None),
                    standups.c.use_scheduled_messages.is_(True),
                )
                .order_by(jobs.c.due_at, jobs.c.id)
                .limit(limit)
            ).all()
        return [
            HandOffCandidate(int(r.id), int(r.standup_id), r.run_date, int(r.user_id), r.due_at)
            for r in rows
        ]

    def record(self, job_id: int, scheduled_id: int, now: dt.datetime) -> bool:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(jobs)
                .where(
                    jobs.c.id == job_id,
                    jobs.c.status == JobStatus.PENDING.value,
                    jobs.c.scheduled_message_id.is_(None),
                )
                .values(scheduled_message_id=scheduled_id, handed_off_at=now)
            ).rowcount
        return bool(changed)

    def clear(self, job_id: int, scheduled_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(
                    jobs.c.id == job_id,
                    jobs.c.scheduled_message_id == scheduled_id,
                    jobs.c.status == JobStatus.PENDING.value,
                )
                .values(scheduled_message_id=None, handed_off_at=None)
            )
