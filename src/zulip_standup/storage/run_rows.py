"""Rows of runs and conversations: decoded into records, read with their runs and standups,
and created on first use (race-safe). ``storage.runs`` builds the stores' methods on them."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Select, select

from zulip_standup.domain.conversation.state import Phase
from zulip_standup.domain.records import (
    ConversationRecord,
    OpenConversation,
    RunRecord,
    absence_in,
)
from zulip_standup.storage.conflicts import found_or_inserted
from zulip_standup.storage.standups import standup_from_row
from zulip_standup.storage.tables import conversations, runs, standups


def run_record(row: Any) -> RunRecord:
    return RunRecord(
        id=int(row.id),
        standup_id=int(row.standup_id),
        run_date=row.run_date,
        topic=row.topic,
        digest_message_ids=tuple(int(i) for i in row.digest_message_ids),
        digest_posted_at=row.digest_posted_at,
    )


def conversation_record(row: Any) -> ConversationRecord:
    data = dict(row.data or {})
    state = Phase(row.state)
    return ConversationRecord(
        id=int(row.id),
        run_id=int(row.run_id),
        user_id=int(row.user_id),
        state=state,
        question_index=int(row.question_index),
        data=data,
        prompted_at=row.prompted_at,
        prompt_message_id=row.prompt_message_id,
        completed_at=row.completed_at,
        late=bool(row.late),
        report_message_ids=tuple(int(i) for i in row.report_message_ids),
        report_posted_at=row.report_posted_at,
        absence=absence_in(state, data),
    )


def open_turns_of(conn: Connection, realm_id: int, user_id: int) -> list[OpenConversation]:
    """The person's asking conversations with their runs and standups: one statement,
    locking the conversation rows on PostgreSQL for the step that follows in the caller's
    transaction (SQLite's ``BEGIN IMMEDIATE`` holds the whole database already)."""
    run_columns = [c.label(f"r_{c.name}") for c in runs.c]
    standup_columns = [c.label(f"s_{c.name}") for c in standups.c]
    query = select(conversations, *run_columns, *standup_columns)
    rows = conn.execute(asking_of(query, realm_id, user_id).with_for_update(of=conversations)).all()
    return [
        OpenConversation(
            standup_from_row(_prefixed(row, "s_")),
            run_record(SimpleNamespace(**_prefixed(row, "r_"))),
            conversation_record(row),
        )
        for row in rows
    ]


def of_person(query: Select[Any], realm_id: int, user_id: int) -> Select[Any]:
    """``query`` over the person's conversations in the realm, joined with their runs and
    standups."""
    joined = conversations.join(runs, runs.c.id == conversations.c.run_id).join(
        standups, standups.c.id == runs.c.standup_id
    )
    return query.select_from(joined).where(
        standups.c.realm_id == realm_id, conversations.c.user_id == user_id
    )


def asking_of(query: Select[Any], realm_id: int, user_id: int) -> Select[Any]:
    """``query`` over the person's conversations still asking, newest run first: the ones
    that take their replies."""
    return (
        of_person(query, realm_id, user_id)
        .where(conversations.c.state == Phase.ASKING.value)
        .order_by(runs.c.run_date.desc(), conversations.c.id.desc())
    )


def run_row(
    conn: Connection,
    standup_id: int,
    run_date: dt.date,
    now: dt.datetime,
    *,
    likely_new: bool = False,
) -> Any:
    """A run's row, inserted when missing (``likely_new``: see ``found_or_inserted``)."""
    key = {"standup_id": standup_id, "run_date": run_date}
    values = {"digest_message_ids": [], "created_at": now}
    row, _ = found_or_inserted(conn, runs, key, values, likely_new=likely_new)
    return row


def conversation_row(
    conn: Connection, run_id: int, user_id: int, now: dt.datetime, *, likely_new: bool = False
) -> tuple[Any, bool]:
    """A conversation's row, inserted pending when missing; True when this call did."""
    pending = {
        "state": Phase.PENDING.value,
        "question_index": 0,
        "data": {},
        "late": False,
        "report_message_ids": [],
        "updated_at": now,
    }
    key = {"run_id": run_id, "user_id": user_id}
    return found_or_inserted(conn, conversations, key, pending, likely_new=likely_new)


def _prefixed(row: Any, prefix: str) -> dict[str, Any]:
    return {k[len(prefix) :]: v for k, v in row._mapping.items() if k.startswith(prefix)}
