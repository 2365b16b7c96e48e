"""Answers, sealed at rest, and what is kept of them: retention, forgetting, key rotation.

Kept apart from runs and conversations because answers are the personal data; the
``RunStore`` serves these methods by inheriting them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from zulip_standup.domain.records import (
    AnswerRecord,
    NewAnswer,
)
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.key_rotation import ROTATE_BATCH, AfterRead, rotate_answers
from zulip_standup.storage.personal_data import forget_person
from zulip_standup.storage.tables import (
    answers,
    blockers,
    runs,
    standups,
)


class AnswerRows:
    """Sync SQL for answers; mixed into ``RunStore``, which owns the engine and the cipher."""

    engine: Engine
    cipher: AnswerCipher

    # -- answers ------------------------------------------------------------
    def save_answer(
        self,
        run_id: int,
        user_id: int,
        question_index: int,
        question_text: str,
        text: str,
        source_message_id: int | None,
        now: dt.datetime,
        *,
        edited: bool = False,
    ) -> None:
        """Insert or replace one answer; the text is sealed when encryption is on."""
        with self.engine.begin() as conn:
            self._upsert_answer(
                conn,
                NewAnswer(question_index, question_text, text, source_message_id, edited),
                run_id,
                user_id,
                now,
            )

    def _upsert_answer(
        self, conn: Connection, answer: NewAnswer, run_id: int, user_id: int, now: dt.datetime
    ) -> None:
        """One statement: insert the answer, or replace the text of the one stored for that
        question (keeping its question text and creation time)."""
        sealed, encrypted = self.cipher.seal(answer.text)
        changes: dict[str, Any] = {"text": sealed, "encrypted": encrypted}
        if answer.edited:
            changes.update(edited=True, edited_at=now)
        if answer.source_message_id is not None:
            changes["source_message_id"] = answer.source_message_id
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(
            dialect.insert(answers)
            .values(
                run_id=run_id,
                user_id=user_id,
                question_index=answer.question_index,
                question_text=answer.question_text,
                text=sealed,
                encrypted=encrypted,
                source_message_id=answer.source_message_id,
                created_at=now,
                edited=answer.edited,
                edited_at=now if answer.edited else None,
            )
            .on_conflict_do_update(
                index_elements=["run_id", "user_id", "question_index"], set_=changes
            )
        )

    def _answer(self, row: Any) -> AnswerRecord:
        return AnswerRecord(
            run_id=int(row.run_id),
            user_id=int(row.user_id),
            question_index=int(row.question_index),
            question_text=row.question_text,
            text=self.cipher.open(row.text, bool(row.encrypted)),
            source_message_id=row.source_message_id,
            created_at=row.created_at,
            edited=bool(row.edited),
            edited_at=row.edited_at,
        )

    def answers_of(self, run_id: int, user_id: int | None = None) -> list[AnswerRecord]:
        query = select(answers).where(answers.c.run_id == run_id)
        if user_id is not None:
            query = query.where(answers.c.user_id == user_id)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(answers.c.user_id, answers.c.question_index)).all()
        return [self._answer(r) for r in rows]

    def answers_from_message(self, realm_id: int, message_id: int) -> list[AnswerRecord]:
        """The answers a Zulip message provided (one, or several when answered all at once)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(answers)
                .join(runs, runs.c.id == answers.c.run_id)
                .join(standups, standups.c.id == runs.c.standup_id)
                .where(answers.c.source_message_id == message_id, standups.c.realm_id == realm_id)
                .order_by(answers.c.question_index)
            ).all()
        return [self._answer(r) for r in rows]

    def answers_in_range(
        self, standup_id: int, start: dt.date, end: dt.date, user_id: int | None = None
    ) -> list[tuple[dt.date, AnswerRecord]]:
        query = (
            select(answers, runs.c.run_date)
            .join(runs, runs.c.id == answers.c.run_id)
            .where(
                runs.c.standup_id == standup_id, runs.c.run_date >= start, runs.c.run_date <= end
            )
        )
        if user_id is not None:
            query = query.where(answers.c.user_id == user_id)
        with self.engine.connect() as conn:
            rows = conn.execute(
                query.order_by(runs.c.run_date, answers.c.user_id, answers.c.question_index)
            ).all()
        return [(r.run_date, self._answer(r)) for r in rows]

    # -- retention, personal data, key rotation ----------------------------------
    def purge_answers_before(self, cutoff: dt.datetime) -> int:
        """Delete answers created before ``cutoff`` (retention); return how many."""
        with self.engine.begin() as conn:
            result = conn.execute(delete(answers).where(answers.c.created_at < cutoff))
            conn.execute(delete(blockers).where(blockers.c.created_at < cutoff))
        return int(result.rowcount or 0)

    def count_answers(self, realm_id: int, user_id: int) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(answers)
                    .join(runs, runs.c.id == answers.c.run_id)
                    .join(standups, standups.c.id == runs.c.standup_id)
                    .where(standups.c.realm_id == realm_id, answers.c.user_id == user_id)
                ).scalar_one()
            )

    def forget_person(self, realm_id: int, user_id: int, now: dt.datetime) -> dict[str, int]:
        """Delete everything stored about one person in one realm; return counts per kind."""
        return forget_person(self.engine, realm_id, user_id, now)

    def rotate_keys(
        self, *, batch_size: int = ROTATE_BATCH, after_read: AfterRead | None = None
    ) -> int:
        """Re-encrypt every answer with the newest key, safe against concurrent edits."""
        return rotate_answers(
            self.engine, self.cipher, batch_size=batch_size, after_read=after_read
        )
