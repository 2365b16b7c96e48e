"""Answers in memory, and what is kept of them: retention and forgetting a person.

The twin of ``storage.answers``; ``MemoryRunStore`` serves these methods by inheriting them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zulip_standup.domain.records import (
    AnswerRecord,
    NewAnswer,
)
from zulip_standup.storage.memory.personal_data import forget_person
from zulip_standup.storage.memory.state import MemoryState, utc


def _answer(row: dict[str, Any]) -> AnswerRecord:
    return AnswerRecord(
        run_id=row["run_id"],
        user_id=row["user_id"],
        question_index=row["question_index"],
        question_text=row["question_text"],
        text=row["text"],
        source_message_id=row["source_message_id"],
        created_at=row["created_at"],
        edited=bool(row["edited"]),
        edited_at=row["edited_at"],
    )


class MemoryAnswerRows:
    """The answers part of ``RunRepository``; mixed into ``MemoryRunStore`` (owns the state)."""

    db: MemoryState

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
        """Insert or replace one answer."""
        with self.db.lock:
            answer = NewAnswer(question_index, question_text, text, source_message_id, edited)
            self._upsert_answer(answer, run_id, user_id, now)

    def _upsert_answer(
        self, answer: NewAnswer, run_id: int, user_id: int, now: dt.datetime
    ) -> None:
        key = (run_id, user_id, answer.question_index)
        for row in self.db.answers.values():
            if (row["run_id"], row["user_id"], row["question_index"]) == key:
                row["text"] = answer.text
                if answer.edited:
                    row.update(edited=True, edited_at=utc(now))
                if answer.source_message_id is not None:
                    row["source_message_id"] = answer.source_message_id
                return
        if run_id not in self.db.runs:
            msg = f"no run {run_id}"
            raise KeyError(msg)
        answer_id = self.db.next_id("answers")
        self.db.answers[answer_id] = {
            "id": answer_id,
            "run_id": run_id,
            "user_id": user_id,
            "question_index": answer.question_index,
            "question_text": answer.question_text,
            "text": answer.text,
            "source_message_id": answer.source_message_id,
            "created_at": utc(now),
            "edited": answer.edited,
            "edited_at": utc(now) if answer.edited else None,
        }

    def _answers(self, keep: Any) -> list[dict[str, Any]]:
        return [row for row in self.db.answers.values() if keep(row)]

    def answers_of(self, run_id: int, user_id: int | None = None) -> list[AnswerRecord]:
        with self.db.lock:
            rows = self._answers(
                lambda r: r["run_id"] == run_id and user_id in (None, r["user_id"])
            )
            return [
                _answer(r) for r in sorted(rows, key=lambda r: (r["user_id"], r["question_index"]))
            ]

    def answers_from_message(self, realm_id: int, message_id: int) -> list[AnswerRecord]:
        """The answers a Zulip message provided (one, or several when answered all at once)."""
        with self.db.lock:
            in_realm = self.db.run_ids_of_realm(realm_id)
            rows = self._answers(
                lambda r: r["source_message_id"] == message_id and r["run_id"] in in_realm
            )
            return [_answer(r) for r in sorted(rows, key=lambda r: r["question_index"])]

    def answers_in_range(
        self, standup_id: int, start: dt.date, end: dt.date, user_id: int | None = None
    ) -> list[tuple[dt.date, AnswerRecord]]:
        with self.db.lock:
            dates = {
                rid: r["run_date"]
                for rid, r in self.db.runs.items()
                if r["standup_id"] == standup_id and start <= r["run_date"] <= end
            }
            rows = self._answers(lambda r: r["run_id"] in dates and user_id in (None, r["user_id"]))
            rows.sort(key=lambda r: (dates[r["run_id"]], r["user_id"], r["question_index"]))
            return [(dates[r["run_id"]], _answer(r)) for r in rows]

    # -- retention, personal data ---------------------------------------------
    def purge_answers_before(self, cutoff: dt.datetime) -> int:
        """Delete answers created before ``cutoff`` (retention); return how many."""
        limit = utc(cutoff)
        assert limit is not None
        with self.db.lock:
            old = [k for k, row in self.db.answers.items() if row["created_at"] < limit]
            for key in old:
                del self.db.answers[key]
        return len(old)

    def count_answers(self, realm_id: int, user_id: int) -> int:
        with self.db.lock:
            in_realm = self.db.run_ids_of_realm(realm_id)
            return len(self._answers(lambda r: r["run_id"] in in_realm and r["user_id"] == user_id))

    def forget_person(self, realm_id: int, user_id: int, now: dt.datetime) -> dict[str, int]:
        """Delete everything stored about one person in one realm; return counts per kind."""
        return forget_person(self.db, realm_id, user_id, now)
