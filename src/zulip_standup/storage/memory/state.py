"""The in-memory twin's tables: plain dicts of rows behind one lock.

Rows are dicts keyed by the SQL column names (``storage/tables.py``), so each
store reads like its SQL twin and JSON columns can be copied the same way a
round trip through the database copies them. Services call storage from
worker threads (``asyncio.to_thread``): every store method takes ``lock`` for
its whole body, which makes each call one transaction, as on SQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class DuplicateKeyError(ValueError):
    """A row would break a unique key (where SQL raises an integrity error)."""


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """An instant as the SQL stores keep it: aware, in UTC; naive ones are refused."""
    if value is None:
        return None
    if value.tzinfo is None:
        msg = f"naive datetime {value!r} cannot be stored; use an aware UTC instant"
        raise ValueError(msg)
    return value.astimezone(dt.UTC)


def json_copy(value: T) -> T:
    """What a JSON column gives back: an equal value that shares nothing with the stored one."""
    return copy.deepcopy(value)


def set_columns(row: dict[str, Any], columns: frozenset[str], values: dict[str, Any]) -> None:
    """Apply an UPDATE's values; an unknown column is an error, as in SQL."""
    unknown = set(values) - columns
    if unknown:
        msg = f"no such column: {', '.join(sorted(unknown))}"
        raise KeyError(msg)
    for name, value in values.items():
        row[name] = utc(value) if isinstance(value, dt.datetime) else json_copy(value)


@dataclass
class MemoryState:
    """Every table of the twin; stores built over one state see each other's rows."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    realms: dict[int, dict[str, Any]] = field(default_factory=dict)
    standups: dict[int, dict[str, Any]] = field(default_factory=dict)
    # (realm_id, user_id) -> person row
    people: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    # (standup_id, user_id) -> participant row
    participants: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    time_off: dict[int, dict[str, Any]] = field(default_factory=dict)
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    conversations: dict[int, dict[str, Any]] = field(default_factory=dict)
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    jobs: dict[int, dict[str, Any]] = field(default_factory=dict)
    # (realm_id, message_id) -> inbox row
    inbox: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    audit_log: dict[int, dict[str, Any]] = field(default_factory=dict)
    # digest -> web_logins / web_sessions row; token id -> api_tokens row
    web_logins: dict[str, dict[str, Any]] = field(default_factory=dict)
    web_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    api_tokens: dict[int, dict[str, Any]] = field(default_factory=dict)
    # webhook id -> webhooks row; event id -> webhook_events row; id -> webhook_deliveries row
    webhooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    webhook_events: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhook_deliveries: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: dict[str, Iterator[int]] = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        """The next primary key of a table (1, 2, ...; never reused, like a sequence)."""
        counter = self._ids.setdefault(table, itertools.count(1))
        return next(counter)

    def standup_ids_of_realm(self, realm_id: int) -> set[int]:
        return {sid for sid, row in self.standups.items() if row["realm_id"] == realm_id}

    def run_ids_of_realm(self, realm_id: int) -> set[int]:
        in_realm = self.standup_ids_of_realm(realm_id)
        return {rid for rid, row in self.runs.items() if row["standup_id"] in in_realm}

    def realm_of_run(self, run_id: int) -> int | None:
        run = self.runs.get(run_id)
        standup = None if run is None else self.standups.get(run["standup_id"])
        return None if standup is None else int(standup["realm_id"])

    def delete_webhooks(self, standup_id: int) -> None:
        """Delete a standup's webhooks, their log and its events (the SQL cascade)."""
        gone = {k for k, row in self.webhooks.items() if row["standup_id"] == standup_id}
        for key in gone:
            del self.webhooks[key]
        for key in [k for k, row in self.webhook_deliveries.items() if row["webhook_id"] in gone]:
            del self.webhook_deliveries[key]
        events = self.webhook_events
        for event_id in [k for k, row in events.items() if row["standup_id"] == standup_id]:
            del events[event_id]

    def delete_runs(self, run_ids: set[int]) -> None:
        """Delete runs with their conversations and answers (the SQL cascade)."""
        for table in (self.conversations, self.answers):
            for key in [k for k, row in table.items() if row["run_id"] in run_ids]:
                del table[key]
        for run_id in run_ids:
            self.runs.pop(run_id, None)

    @contextmanager
    def all_or_nothing(self, tables: Iterable[str]) -> Iterator[None]:
        """Hold the lock; if the body raises, put these tables back as they were (a rollback)."""
        with self.lock:
            saved = {name: copy.deepcopy(getattr(self, name)) for name in tables}
            try:
                yield
            except BaseException:
                for name, rows in saved.items():
                    table = getattr(self, name)
                    table.clear()
                    table.update(rows)
                raise
