"""The inbox: every received message with its handling state, and the catch-up low-water mark.

Messages of different people are handled concurrently and finish out of
order, so the point to resume from after a crash is the lowest message that
is not finished, not the highest one handled. A message is ``received``
while being handled, ``failed_transient`` while waiting for a retry, and
``done`` or ``failed_permanent`` when finished; ``done`` is written in the
same transaction as the message's effects where it has any (see
``RunStore.commit_step``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from zulip_standup.ports import Delivery
from zulip_standup.storage.tables import inbox, realms


class InboxState(StrEnum):
    RECEIVED = "received"
    DONE = "done"
    FAILED_TRANSIENT = "failed_transient"
    FAILED_PERMANENT = "failed_permanent"


FINISHED = (InboxState.DONE.value, InboxState.FAILED_PERMANENT.value)
UNFINISHED = (InboxState.RECEIVED.value, InboxState.FAILED_TRANSIENT.value)


def _upsert(conn: Connection):  # type: ignore[no-untyped-def]
    if conn.dialect.name == "postgresql":
        return postgresql.insert(inbox)
    return sqlite.insert(inbox)


def _row(realm_id: int, message_id: int, state: InboxState, now: dt.datetime) -> dict[str, Any]:
    return {
        "realm_id": realm_id,
        "message_id": message_id,
        "state": state.value,
        "attempts": 1,
        "received_at": now,
        "updated_at": now,
    }


def _moved_on(conn: Connection, row: dict[str, Any], changes: dict[str, Any]) -> Any:
    """Insert the row, or apply ``changes`` to it while it is unfinished; returns attempts."""
    statement = _upsert(conn).values(**row)
    statement = statement.on_conflict_do_update(
        index_elements=["realm_id", "message_id"],
        set_=changes,
        where=inbox.c.state.in_(UNFINISHED),
    ).returning(inbox.c.attempts)
    return conn.execute(statement).scalar()


def mark_done(conn: Connection, realm_id: int, message_id: int, now: dt.datetime) -> bool:
    """Record a message as handled inside the caller's transaction; False if it was finished."""
    row = _row(realm_id, message_id, InboxState.DONE, now)
    changes = {"state": InboxState.DONE.value, "updated_at": now}
    return _moved_on(conn, row, changes) is not None


class InboxStore:
    """The inbox on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def receive(self, realm_id: int, message_ids: Sequence[int], now: dt.datetime) -> list[int]:
        """Record a batch of messages in one statement; return those new to the inbox, whose
        first delivery this receipt begins (known ones are left as they are)."""
        if not message_ids:
            return []
        with self.engine.begin() as conn:
            fresh = conn.execute(
                _upsert(conn)
                .on_conflict_do_nothing(index_elements=["realm_id", "message_id"])
                .returning(inbox.c.message_id),
                [_row(realm_id, m, InboxState.RECEIVED, now) for m in message_ids],
            )
            return sorted(int(m) for m in fresh.scalars())

    def begin(self, realm_id: int, message_id: int, now: dt.datetime) -> Delivery:
        """Record that handling starts (or starts again); say whether it was finished before."""
        row = _row(realm_id, message_id, InboxState.RECEIVED, now)
        changes = {
            "state": InboxState.RECEIVED.value,
            "attempts": inbox.c.attempts + 1,
            "updated_at": now,
        }
        with self.engine.begin() as conn:
            attempt = _moved_on(conn, row, changes)
        if attempt is None:
            return Delivery(finished=True, attempt=0)
        return Delivery(finished=False, attempt=int(attempt))

    def done(self, realm_id: int, message_id: int, now: dt.datetime) -> bool:
        with self.engine.begin() as conn:
            return mark_done(conn, realm_id, message_id, now)

    def failed(
        self,
        realm_id: int,
        message_id: int,
        now: dt.datetime,
        *,
        permanent: bool,
        incident: str | None = None,
    ) -> bool:
        """Record a failed delivery; False when the message is finished already (its effects
        were stored before the failure, so it must not be called lost)."""
        state = InboxState.FAILED_PERMANENT if permanent else InboxState.FAILED_TRANSIENT
        with self.engine.begin() as conn:
            found = conn.execute(
                update(inbox)
                .where(
                    inbox.c.realm_id == realm_id,
                    inbox.c.message_id == message_id,
                    inbox.c.state.in_(UNFINISHED),
                )
                .values(state=state.value, incident=incident, updated_at=now)
                .returning(inbox.c.message_id)
            ).first()
        return found is not None

    def state(self, realm_id: int, message_id: int) -> InboxState | None:
        with self.engine.connect() as conn:
            value = conn.execute(
                select(inbox.c.state).where(
                    inbox.c.realm_id == realm_id, inbox.c.message_id == message_id
                )
            ).scalar()
        return None if value is None else InboxState(value)

    def is_finished(self, realm_id: int, message_id: int) -> bool:
        return self.state(realm_id, message_id) in (InboxState.DONE, InboxState.FAILED_PERMANENT)

    def low_water(self, realm_id: int) -> int | None:
        """Catch up after this id: just below the lowest unfinished message, else the highest
        finished one (or the floor kept in ``realms``); None before the first start."""
        with self.engine.connect() as conn:
            lowest = conn.execute(
                select(func.min(inbox.c.message_id)).where(
                    inbox.c.realm_id == realm_id, inbox.c.state.in_(UNFINISHED)
                )
            ).scalar()
            if lowest is not None:
                return int(lowest) - 1
            highest = conn.execute(
                select(func.max(inbox.c.message_id)).where(inbox.c.realm_id == realm_id)
            ).scalar()
            floor = conn.execute(
                select(realms.c.last_message_id).where(realms.c.id == realm_id)
            ).scalar()
        known = [int(v) for v in (highest, floor) if v is not None]
        return max(known) if known else None

    def lowest_since(self, realm_id: int, since: dt.datetime) -> int | None:
        """The lowest message received since the instant (edits of messages from then on may
        have been missed while the bot was down: catch-up looks at them again)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.min(inbox.c.message_id)).where(
                    inbox.c.realm_id == realm_id, inbox.c.received_at >= since
                )
            ).scalar()
        return None if value is None else int(value)

    def ensure_anchor(self, realm_id: int, message_id: int) -> None:
        """On the first start in a realm, catch up from the server's newest message then,
        so DMs sent during the first outage are still found (-1, no message yet, is 0)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(realms)
                .where(realms.c.id == realm_id, realms.c.last_message_id.is_(None))
                .values(last_message_id=max(message_id, 0))
            )

    def trim(self, finished_before: dt.datetime) -> int:
        """Delete finished rows older than the instant, keeping each realm's catch-up floor."""
        old = (inbox.c.state.in_(FINISHED), inbox.c.updated_at < finished_before)
        with self.engine.begin() as conn:
            highest = conn.execute(
                select(inbox.c.realm_id, func.max(inbox.c.message_id))
                .where(*old)
                .group_by(inbox.c.realm_id)
            ).all()
            for realm_id, message_id in highest:
                conn.execute(
                    update(realms)
                    .where(
                        realms.c.id == realm_id,
                        (realms.c.last_message_id.is_(None))
                        | (realms.c.last_message_id < message_id),
                    )
                    .values(last_message_id=message_id)
                )
            result = conn.execute(inbox.delete().where(*old))
        return int(result.rowcount or 0)
