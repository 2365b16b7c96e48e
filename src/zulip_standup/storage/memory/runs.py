"""The in-memory twin of ``storage/runs.py``: runs and conversations (answers, kept as plain
text since the twin holds nothing at rest, and retention: ``memory/answers.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from zulip_standup.domain.conversation.state import ConversationState, Phase
from zulip_standup.domain.records import (
    ConversationRecord,
    NewAnswer,
    OpenConversation,
    RunRecord,
    absence_in,
    state_columns,
)
from zulip_standup.ports import AnswerStep, StepPlan
from zulip_standup.storage.memory.answers import MemoryAnswerRows
from zulip_standup.storage.memory.inbox import mark_done
from zulip_standup.storage.memory.standups import standup_of
from zulip_standup.storage.memory.state import MemoryState, json_copy, set_columns, utc

RUN_COLUMNS = frozenset({"topic", "digest_message_ids", "digest_posted_at"})
CONVERSATION_COLUMNS = frozenset(
    {
        "state",
        "question_index",
        "data",
        "prompted_at",
        "prompt_message_id",
        "completed_at",
        "late",
        "report_message_ids",
        "report_posted_at",
        "updated_at",
    }
)


def _run(row: dict[str, Any]) -> RunRecord:
    return RunRecord(
        id=row["id"],
        standup_id=row["standup_id"],
        run_date=row["run_date"],
        topic=row["topic"],
        digest_message_ids=tuple(int(i) for i in row["digest_message_ids"]),
        digest_posted_at=row["digest_posted_at"],
    )


def _conversation(row: dict[str, Any]) -> ConversationRecord:
    data = dict(json_copy(row["data"]) or {})
    state = Phase(row["state"])
    return ConversationRecord(
        id=row["id"],
        run_id=row["run_id"],
        user_id=row["user_id"],
        state=state,
        question_index=int(row["question_index"]),
        data=data,
        prompted_at=row["prompted_at"],
        prompt_message_id=row["prompt_message_id"],
        completed_at=row["completed_at"],
        late=bool(row["late"]),
        report_message_ids=tuple(int(i) for i in row["report_message_ids"]),
        report_posted_at=row["report_posted_at"],
        absence=absence_in(state, data),
    )


class MemoryRunStore(MemoryAnswerRows):
    """``RunRepository`` in memory."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state

    # -- runs ---------------------------------------------------------------
    def _find(self, standup_id: int, run_date: dt.date) -> dict[str, Any] | None:
        for row in self.db.runs.values():
            if (row["standup_id"], row["run_date"]) == (standup_id, run_date):
                return row
        return None

    def run_for(self, standup_id: int, run_date: dt.date, now: dt.datetime) -> RunRecord:
        """The run of that standup on that date, created on first use."""
        with self.db.lock:
            row = self._find(standup_id, run_date)
            if row is None:
                if standup_id not in self.db.standups:
                    msg = f"no standup {standup_id}"
                    raise KeyError(msg)
                run_id = self.db.next_id("runs")
                row = self.db.runs[run_id] = {
                    "id": run_id,
                    "standup_id": standup_id,
                    "run_date": run_date,
                    "topic": None,
                    "digest_message_ids": [],
                    "digest_posted_at": None,
                    "created_at": utc(now),
                }
            return _run(row)

    def get_run(self, run_id: int) -> RunRecord | None:
        with self.db.lock:
            row = self.db.runs.get(run_id)
            return None if row is None else _run(row)

    def find_run(self, standup_id: int, run_date: dt.date) -> RunRecord | None:
        with self.db.lock:
            row = self._find(standup_id, run_date)
            return None if row is None else _run(row)

    def runs_between(self, standup_id: int, start: dt.date, end: dt.date) -> list[RunRecord]:
        with self.db.lock:
            rows = [
                r
                for r in self.db.runs.values()
                if r["standup_id"] == standup_id and start <= r["run_date"] <= end
            ]
            return [_run(r) for r in sorted(rows, key=lambda r: r["run_date"])]

    def last_run_before(self, standup_id: int, before: dt.date) -> RunRecord | None:
        with self.db.lock:
            rows = [
                r
                for r in self.db.runs.values()
                if r["standup_id"] == standup_id and r["run_date"] < before
            ]
            return _run(max(rows, key=lambda r: r["run_date"])) if rows else None

    def update_run(self, run_id: int, **values: Any) -> None:
        with self.db.lock:
            row = self.db.runs.get(run_id)
            if row is not None:
                set_columns(row, RUN_COLUMNS, values)

    # -- conversations ------------------------------------------------------
    def _conversation_row(self, run_id: int, user_id: int) -> dict[str, Any] | None:
        for row in self.db.conversations.values():
            if (row["run_id"], row["user_id"]) == (run_id, user_id):
                return row
        return None

    def conversation(self, run_id: int, user_id: int) -> ConversationRecord | None:
        with self.db.lock:
            row = self._conversation_row(run_id, user_id)
            return None if row is None else _conversation(row)

    def start_turn(
        self, standup_id: int, run_date: dt.date, user_id: int, now: dt.datetime
    ) -> tuple[RunRecord, ConversationRecord]:
        """The run and the person's conversation in it, each created on first use."""
        run = self.run_for(standup_id, run_date, now)
        record, _ = self.start_conversation(run.id, user_id, now)
        return run, record

    def start_conversation(
        self, run_id: int, user_id: int, now: dt.datetime
    ) -> tuple[ConversationRecord, bool]:
        """The conversation, created in state ``pending`` if missing; True when created."""
        with self.db.lock:
            row = self._conversation_row(run_id, user_id)
            if row is not None:
                return _conversation(row), False
            if run_id not in self.db.runs:
                msg = f"no run {run_id}"
                raise KeyError(msg)
            conversation_id = self.db.next_id("conversations")
            row = self.db.conversations[conversation_id] = {
                "id": conversation_id,
                "run_id": run_id,
                "user_id": user_id,
                "state": Phase.PENDING.value,
                "question_index": 0,
                "data": {},
                "prompted_at": None,
                "prompt_message_id": None,
                "completed_at": None,
                "late": False,
                "report_message_ids": [],
                "report_posted_at": None,
                "updated_at": utc(now),
            }
            return _conversation(row), True

    def save_conversation(self, conversation_id: int, now: dt.datetime, **values: Any) -> None:
        with self.db.lock:
            row = self.db.conversations.get(conversation_id)
            if row is not None:
                set_columns(row, CONVERSATION_COLUMNS, {"updated_at": now, **values})

    def claim_prompt(self, conversation_id: int, now: dt.datetime) -> bool:
        """Mark the prompt as being sent; False if it was already (exactly-once prompting)."""
        with self.db.lock:
            row = self.db.conversations.get(conversation_id)
            if row is None or row["prompted_at"] is not None:
                return False
            row["prompted_at"] = row["updated_at"] = utc(now)
            return True

    def _with_run(self, rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return [(row, self.db.runs[row["run_id"]]) for row in rows]

    def open_conversations(
        self, realm_id: int, user_id: int
    ) -> list[tuple[ConversationRecord, int, dt.date]]:
        """The person's conversations still asking questions, newest run first, with standup id."""
        found = self.open_turns(realm_id, user_id)
        return [(o.record, o.standup.id, o.run.run_date) for o in found]

    def open_turns(self, realm_id: int, user_id: int) -> list[OpenConversation]:
        with self.db.lock:
            in_realm = self.db.run_ids_of_realm(realm_id)
            rows = [
                r
                for r in self.db.conversations.values()
                if r["run_id"] in in_realm
                and r["user_id"] == user_id
                and r["state"] == Phase.ASKING.value
            ]
            found = self._with_run(rows)
            found.sort(key=lambda pair: (pair[1]["run_date"], pair[0]["id"]), reverse=True)
            return [
                OpenConversation(
                    standup_of(self.db.standups[run["standup_id"]]), _run(run), _conversation(c)
                )
                for c, run in found
            ]

    def answer_step(
        self,
        realm_id: int,
        user_id: int,
        processed: tuple[int, int],
        now: dt.datetime,
        plan: StepPlan,
    ) -> AnswerStep:
        """As ``RunStore.answer_step``: read, plan and store under one hold of the lock."""
        with self.db.lock:
            found = self.open_turns(realm_id, user_id)
            write = plan(found)
            if write is None:
                return AnswerStep(found, None)
            stored = self.commit_step(
                write.conversation_id,
                now,
                write.state,
                write.new_answers,
                processed,
                completed_at=write.completed_at,
            )
            return AnswerStep(found, stored)

    def waiting_conversations(
        self, realm_id: int, user_id: int
    ) -> list[tuple[ConversationRecord, int, dt.date]]:
        """The person's conversations whose prompt is due but not asked yet (held while they
        answered another standup), first held first, with standup id and run date."""
        with self.db.lock:
            in_realm = self.db.run_ids_of_realm(realm_id)
            rows = [
                r
                for r in self.db.conversations.values()
                if r["run_id"] in in_realm
                and r["user_id"] == user_id
                and r["state"] == Phase.PENDING.value
                and r["prompted_at"] is not None
                and r["prompt_message_id"] is None
            ]
            found = self._with_run(rows)
        found.sort(key=lambda pair: (pair[0]["prompted_at"], pair[0]["id"]))
        return [(_conversation(c), int(run["standup_id"]), run["run_date"]) for c, run in found]

    def unfinished_before(
        self, standup_id: int, user_id: int, before: dt.date
    ) -> list[ConversationRecord]:
        """The person's conversations of earlier runs still pending or asking."""
        open_states = (Phase.PENDING.value, Phase.ASKING.value)
        with self.db.lock:
            earlier = {
                r["id"]
                for r in self.db.runs.values()
                if r["standup_id"] == standup_id and r["run_date"] < before
            }
            rows = [
                row
                for row in self.db.conversations.values()
                if row["user_id"] == user_id
                and row["run_id"] in earlier
                and row["state"] in open_states
            ]
            rows.sort(key=lambda row: row["id"])
            return [_conversation(row) for row in rows]

    def recently_changed_conversations(
        self, realm_id: int, since: dt.datetime
    ) -> list[tuple[ConversationRecord, int, RunRecord]]:
        """Asking or finished conversations changed since ``since``, with standup id and run."""
        since_utc = utc(since)
        assert since_utc is not None
        with self.db.lock:
            in_realm = self.db.run_ids_of_realm(realm_id)
            rows = sorted(
                (
                    r
                    for r in self.db.conversations.values()
                    if r["run_id"] in in_realm
                    and r["updated_at"] >= since_utc
                    and r["state"] in (Phase.ASKING.value, Phase.DONE.value)
                ),
                key=lambda r: r["id"],
            )
            return [
                (_conversation(c), int(run["standup_id"]), _run(run))
                for c, run in self._with_run(rows)
            ]

    def conversations_of_run(self, run_id: int) -> list[ConversationRecord]:
        with self.db.lock:
            rows = [r for r in self.db.conversations.values() if r["run_id"] == run_id]
            return [_conversation(r) for r in sorted(rows, key=lambda r: r["id"])]

    def commit_step(
        self,
        conversation_id: int,
        now: dt.datetime,
        state: ConversationState,
        new_answers: Sequence[NewAnswer],
        processed: tuple[int, int] | None = None,
        *,
        completed_at: dt.datetime | None = None,
        claim_prompt: bool = False,
        first_claim: bool = False,
    ) -> bool:
        """Store a conversation step at once: its answers, its state and, for a message,
        that the message is handled. False (and nothing written) when it was handled before.
        ``claim_prompt`` claims the prompt with the step (a claim made before stays);
        ``first_claim``: claims it only if no claim was made before (False and nothing
        written else)."""
        with self.db.lock:
            row = self.db.conversations[conversation_id]
            if first_claim and row["prompted_at"] is not None:
                return False
            values = state_columns(state)
            if completed_at is not None:
                values["completed_at"] = utc(completed_at)
            if (claim_prompt or first_claim) and row["prompted_at"] is None:
                values["prompted_at"] = utc(now)
            unknown = set(values) - CONVERSATION_COLUMNS
            if unknown:
                msg = f"no such column: {', '.join(sorted(unknown))}"
                raise KeyError(msg)
            if processed is not None:
                realm_id, message_id = processed
                if not mark_done(self.db, realm_id, message_id, now):
                    return False
            for answer in new_answers:
                self._upsert_answer(answer, row["run_id"], row["user_id"], now)
            set_columns(row, CONVERSATION_COLUMNS, {"updated_at": now, **values})
        return True
