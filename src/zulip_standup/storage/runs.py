"""Runs and answer conversations (their answers and personal data: ``storage.answers``)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, func, literal, select, update

from zulip_standup.domain.conversation.state import ConversationState, Phase
from zulip_standup.domain.records import (
    AnswerRecord,
    ConversationRecord,
    NewAnswer,
    OpenConversation,
    RunRecord,
    StepWrite,
    state_columns,
)
from zulip_standup.ports import AnswerStep, StepPlan
from zulip_standup.storage.answers import AnswerRows
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.engine import reading
from zulip_standup.storage.inbox import mark_done
from zulip_standup.storage.run_rows import (
    asking_of,
    conversation_record,
    conversation_row,
    of_person,
    open_turns_of,
    run_record,
    run_row,
)
from zulip_standup.storage.tables import (
    conversations,
    runs,
    standups,
)
from zulip_standup.storage.types import UTCDateTime


class RunStore(AnswerRows):
    """Sync SQL for the answering side; callers in async code use ``asyncio.to_thread``."""

    def __init__(self, engine: Engine, cipher: AnswerCipher) -> None:
        self.engine = engine
        self.cipher = cipher

    # -- runs ---------------------------------------------------------------
    def run_for(self, standup_id: int, run_date: dt.date, now: dt.datetime) -> RunRecord:
        """The run of that standup on that date, created on first use (race-safe)."""
        found = self.find_run(standup_id, run_date)
        if found is not None:
            return found
        with self.engine.begin() as conn:  # just read as missing: insert first
            return run_record(run_row(conn, standup_id, run_date, now, likely_new=True))

    def start_turn(
        self, standup_id: int, run_date: dt.date, user_id: int, now: dt.datetime
    ) -> tuple[RunRecord, ConversationRecord]:
        """The run and the person's conversation in it, each created on first use (the
        conversation pending): one transaction, where ``run_for`` and ``start_conversation``
        take two or three. A prompt's first read, so the conversation is taken to be new."""
        with self.engine.begin() as conn:
            run = run_record(run_row(conn, standup_id, run_date, now))
            row, _ = conversation_row(conn, run.id, user_id, now, likely_new=True)
        return run, conversation_record(row)

    def get_run(self, run_id: int) -> RunRecord | None:
        with reading(self.engine) as conn:
            row = conn.execute(select(runs).where(runs.c.id == run_id)).first()
        return None if row is None else run_record(row)

    def find_run(self, standup_id: int, run_date: dt.date) -> RunRecord | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(runs).where(runs.c.standup_id == standup_id, runs.c.run_date == run_date)
            ).first()
        return None if row is None else run_record(row)

    def runs_between(self, standup_id: int, start: dt.date, end: dt.date) -> list[RunRecord]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(runs)
                .where(
                    runs.c.standup_id == standup_id,
                    runs.c.run_date >= start,
                    runs.c.run_date <= end,
                )
                .order_by(runs.c.run_date)
            ).all()
        return [run_record(r) for r in rows]

    def last_run_before(self, standup_id: int, before: dt.date) -> RunRecord | None:
        """The standup's latest run before that date: one row, however long its history."""
        with reading(self.engine) as conn:
            row = conn.execute(
                select(runs)
                .where(runs.c.standup_id == standup_id, runs.c.run_date < before)
                .order_by(runs.c.run_date.desc())
                .limit(1)
            ).first()
        return None if row is None else run_record(row)

    def update_run(self, run_id: int, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(**values))

    # -- conversations ------------------------------------------------------
    def conversation(self, run_id: int, user_id: int) -> ConversationRecord | None:
        with reading(self.engine) as conn:
            row = conn.execute(
                select(conversations).where(
                    conversations.c.run_id == run_id, conversations.c.user_id == user_id
                )
            ).first()
        return None if row is None else conversation_record(row)

    def start_conversation(
        self, run_id: int, user_id: int, now: dt.datetime
    ) -> tuple[ConversationRecord, bool]:
        """The conversation row, created in state ``pending`` if missing; True when created."""
        existing = self.conversation(run_id, user_id)
        if existing is not None:
            return existing, False
        with self.engine.begin() as conn:  # just read as missing: insert first
            row, created = conversation_row(conn, run_id, user_id, now, likely_new=True)
        return conversation_record(row), created

    def save_conversation(self, conversation_id: int, now: dt.datetime, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id)
                .values(updated_at=now, **values)
            )

    def claim_prompt(self, conversation_id: int, now: dt.datetime) -> bool:
        """Mark the prompt as being sent; False if it was already (exactly-once prompting)."""
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(conversations)
                .where(conversations.c.id == conversation_id, conversations.c.prompted_at.is_(None))
                .values(prompted_at=now, updated_at=now)
            ).rowcount
        return bool(changed)

    def open_conversations(
        self, realm_id: int, user_id: int
    ) -> list[tuple[ConversationRecord, int, dt.date]]:
        """The person's conversations still asking questions, newest run first, with standup
        id: what ``open_turns`` finds without the runs and standups (a prompt asks this)."""
        query = select(conversations, runs.c.standup_id.label("run_standup_id"), runs.c.run_date)
        with reading(self.engine) as conn:
            rows = conn.execute(asking_of(query, realm_id, user_id)).all()
        return [(conversation_record(r), int(r.run_standup_id), r.run_date) for r in rows]

    def open_turns(self, realm_id: int, user_id: int) -> list[OpenConversation]:
        with reading(self.engine) as conn:
            return open_turns_of(conn, realm_id, user_id)

    def answer_step(
        self,
        realm_id: int,
        user_id: int,
        processed: tuple[int, int],
        now: dt.datetime,
        plan: StepPlan,
    ) -> AnswerStep:
        """An answer in one transaction: the open conversations read, the step ``plan``
        makes of them stored with its answers and the message marked handled (nothing
        written when the message was handled before). Four statements for one answer."""
        with self.engine.begin() as conn:
            found = open_turns_of(conn, realm_id, user_id)
            write = plan(found)
            if write is None:
                return AnswerStep(found, None)
            if not mark_done(conn, *processed, now):
                return AnswerStep(found, False)
            (record,) = [o.record for o in found if o.record.id == write.conversation_id]
            self._write_step(conn, record.run_id, record.user_id, write, now, claim=None)
        return AnswerStep(found, True)

    def waiting_conversations(
        self, realm_id: int, user_id: int
    ) -> list[tuple[ConversationRecord, int, dt.date]]:
        """The person's conversations whose prompt is due but not asked yet (held while they
        answered another standup), first held first, with standup id and run date."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                of_person(
                    select(conversations, runs.c.standup_id, runs.c.run_date), realm_id, user_id
                )
                .where(
                    conversations.c.state == Phase.PENDING.value,
                    conversations.c.prompted_at.is_not(None),
                    conversations.c.prompt_message_id.is_(None),
                )
                .order_by(conversations.c.prompted_at, conversations.c.id)
            ).all()
        return [(conversation_record(r), int(r.standup_id), r.run_date) for r in rows]

    def unfinished_before(
        self, standup_id: int, user_id: int, before: dt.date
    ) -> list[ConversationRecord]:
        """The person's conversations of earlier runs still pending or asking."""
        earlier = select(runs.c.id).where(runs.c.standup_id == standup_id, runs.c.run_date < before)
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(conversations)
                .where(
                    conversations.c.user_id == user_id,
                    conversations.c.run_id.in_(earlier),
                    conversations.c.state.in_((Phase.PENDING.value, Phase.ASKING.value)),
                )
                .order_by(conversations.c.id)
            ).all()
        return [conversation_record(r) for r in rows]

    def recently_changed_conversations(
        self, realm_id: int, since: dt.datetime
    ) -> list[tuple[ConversationRecord, int, RunRecord]]:
        """Asking or finished conversations changed since ``since``, with standup id and run."""
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(conversations, runs.c.standup_id.label("run_standup_id"))
                .join(runs, runs.c.id == conversations.c.run_id)
                .join(standups, standups.c.id == runs.c.standup_id)
                .where(
                    standups.c.realm_id == realm_id,
                    conversations.c.updated_at >= since,
                    conversations.c.state.in_((Phase.ASKING.value, Phase.DONE.value)),
                )
                .order_by(conversations.c.id)
            ).all()
            run_rows = {
                r.id: run_record(r)
                for r in conn.execute(
                    select(runs).where(runs.c.id.in_({row.run_id for row in rows}))
                )
            }
        return [(conversation_record(r), int(r.run_standup_id), run_rows[r.run_id]) for r in rows]

    def conversations_of_run(self, run_id: int) -> list[ConversationRecord]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(conversations)
                .where(conversations.c.run_id == run_id)
                .order_by(conversations.c.id)
            ).all()
        return [conversation_record(r) for r in rows]

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
        that the message is handled. False (and nothing written) when the message was
        handled before; a crash leaves either all of it or none. ``completed_at`` is
        stored when given (the step finished the answers); ``claim_prompt`` claims the
        prompt with the step (as ``claim_prompt`` does: a claim made before stays);
        ``first_claim``: claims it only if no claim was made before (False and nothing
        written else: claim and step are one statement, so two prompt jobs never both send)."""
        write = StepWrite(conversation_id, state, tuple(new_answers), completed_at)
        try:
            with self.engine.begin() as conn:
                owner = (0, 0)  # whose answers: read only when the step stores some
                if write.new_answers:
                    row = conn.execute(
                        select(conversations.c.run_id, conversations.c.user_id).where(
                            conversations.c.id == conversation_id
                        )
                    ).one()
                    owner = (int(row.run_id), int(row.user_id))
                if processed is not None and not mark_done(conn, *processed, now):
                    return False
                claim = _Claim.FIRST if first_claim else _Claim.KEEP if claim_prompt else None
                if not self._write_step(conn, *owner, write, now, claim=claim):
                    raise _StepRefused
        except _StepRefused:
            return False
        return True

    def _write_step(
        self,
        conn: Connection,
        run_id: int,
        user_id: int,
        write: StepWrite,
        now: dt.datetime,
        *,
        claim: _Claim | None,
    ) -> bool:
        """A step's answers (one upsert each) and its conversation row (one update); False
        when ``claim`` is ``FIRST`` and the prompt was claimed before (the caller rolls back)."""
        values: dict[str, Any] = state_columns(write.state)
        if write.completed_at is not None:
            values["completed_at"] = write.completed_at
        row = update(conversations).where(conversations.c.id == write.conversation_id)
        if claim is _Claim.KEEP:
            # In the UPDATE itself, so a prompt job claiming at the same time sees one claim.
            claimed_at = literal(now, UTCDateTime())
            values["prompted_at"] = func.coalesce(conversations.c.prompted_at, claimed_at)
        elif claim is _Claim.FIRST:
            values["prompted_at"] = now
            row = row.where(conversations.c.prompted_at.is_(None))
        for answer in write.new_answers:
            self._upsert_answer(conn, answer, run_id, user_id, now)
        changed = conn.execute(row.values(updated_at=now, **values)).rowcount
        return claim is not _Claim.FIRST or bool(changed)


class _Claim(enum.Enum):
    """How a step claims the prompt: keeping a claim made before, or only as the first."""

    KEEP = "keep"
    FIRST = "first"


class _StepRefused(Exception):
    """Raised inside a step's transaction to roll all of it back."""


# The records live in domain/records.py; re-exported for callers that import them from here.
__all__ = [
    "AnswerRecord",
    "ConversationRecord",
    "NewAnswer",
    "RunRecord",
    "RunStore",
]
