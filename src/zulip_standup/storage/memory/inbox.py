"""The in-memory twin of ``storage/inbox.py``: received messages, their handling state and
the catch-up low-water mark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from zulip_standup.ports import Delivery
from zulip_standup.storage.inbox import FINISHED, InboxState
from zulip_standup.storage.memory.state import MemoryState, utc


def _row(state: InboxState, now: dt.datetime, attempts: int) -> dict[str, Any]:
    at = utc(now)
    return {
        "state": state.value,
        "attempts": attempts,
        "incident": None,
        "received_at": at,
        "updated_at": at,
    }


def mark_done(state: MemoryState, realm_id: int, message_id: int, now: dt.datetime) -> bool:
    """Record a message as handled (the caller holds the lock); False if it was finished."""
    row = state.inbox.get((realm_id, message_id))
    if row is None:
        state.inbox[(realm_id, message_id)] = _row(InboxState.DONE, now, attempts=1)
        return True
    if row["state"] in FINISHED:
        return False
    row.update(state=InboxState.DONE.value, updated_at=utc(now))
    return True


class MemoryInbox:
    """``Inbox`` in memory (plus ``state`` and ``ensure_anchor`` of the SQL store)."""

    def __init__(self, state: MemoryState) -> None:
        self.db = state

    def receive(self, realm_id: int, message_ids: Sequence[int], now: dt.datetime) -> list[int]:
        with self.db.lock:
            fresh = [m for m in message_ids if (realm_id, m) not in self.db.inbox]
            for message_id in fresh:
                self.db.inbox[(realm_id, message_id)] = _row(InboxState.RECEIVED, now, attempts=1)
        return sorted(set(fresh))

    def begin(self, realm_id: int, message_id: int, now: dt.datetime) -> Delivery:
        with self.db.lock:
            row = self.db.inbox.get((realm_id, message_id))
            if row is None:
                self.db.inbox[(realm_id, message_id)] = _row(InboxState.RECEIVED, now, attempts=1)
                return Delivery(finished=False, attempt=1)
            if row["state"] in FINISHED:
                return Delivery(finished=True, attempt=0)
            row.update(
                state=InboxState.RECEIVED.value, attempts=row["attempts"] + 1, updated_at=utc(now)
            )
            return Delivery(finished=False, attempt=int(row["attempts"]))

    def done(self, realm_id: int, message_id: int, now: dt.datetime) -> bool:
        with self.db.lock:
            return mark_done(self.db, realm_id, message_id, now)

    def failed(
        self,
        realm_id: int,
        message_id: int,
        now: dt.datetime,
        *,
        permanent: bool,
        incident: str | None = None,
    ) -> bool:
        """Record a failed delivery; False when the message is unknown or finished already."""
        state = InboxState.FAILED_PERMANENT if permanent else InboxState.FAILED_TRANSIENT
        with self.db.lock:
            row = self.db.inbox.get((realm_id, message_id))
            if row is None or row["state"] in FINISHED:
                return False
            row.update(state=state.value, incident=incident, updated_at=utc(now))
            return True

    def state(self, realm_id: int, message_id: int) -> InboxState | None:
        with self.db.lock:
            row = self.db.inbox.get((realm_id, message_id))
            return None if row is None else InboxState(row["state"])

    def is_finished(self, realm_id: int, message_id: int) -> bool:
        return self.state(realm_id, message_id) in (
            InboxState.DONE,
            InboxState.FAILED_PERMANENT,
        )

    def low_water(self, realm_id: int) -> int | None:
        """Just below the lowest unfinished message, else the highest finished one (or the
        realm's floor); None before the first start."""
        with self.db.lock:
            mine = [(m, row["state"]) for (r, m), row in self.db.inbox.items() if r == realm_id]
            unfinished = [m for m, s in mine if s not in FINISHED]
            if unfinished:
                return min(unfinished) - 1
            realm = self.db.realms.get(realm_id) or {}
            known = [v for v in (max((m for m, _ in mine), default=None),) if v is not None]
            if realm.get("last_message_id") is not None:
                known.append(int(realm["last_message_id"]))
        return max(known) if known else None

    def lowest_since(self, realm_id: int, since: dt.datetime) -> int | None:
        start = utc(since)
        assert start is not None
        with self.db.lock:
            found = [
                m
                for (r, m), row in self.db.inbox.items()
                if r == realm_id and row["received_at"] >= start
            ]
        return min(found, default=None)

    def ensure_anchor(self, realm_id: int, message_id: int) -> None:
        with self.db.lock:
            realm = self.db.realms.get(realm_id)
            if realm is not None and realm["last_message_id"] is None:
                realm["last_message_id"] = max(message_id, 0)

    def trim(self, finished_before: dt.datetime) -> int:
        """Delete finished rows older than the instant, keeping each realm's catch-up floor."""
        cutoff = utc(finished_before)
        assert cutoff is not None
        with self.db.lock:
            old = [
                key
                for key, row in self.db.inbox.items()
                if row["state"] in FINISHED and row["updated_at"] < cutoff
            ]
            for realm_id, message_id in old:
                realm = self.db.realms.get(realm_id)
                if realm is not None and (
                    realm["last_message_id"] is None or realm["last_message_id"] < message_id
                ):
                    realm["last_message_id"] = message_id
                del self.db.inbox[(realm_id, message_id)]
        return len(old)
