"""One backend's stores for the storage contract suite (see ``conftest.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.inbox import InboxStore
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.memory import MemoryStorage
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.scheduled_messages import HandOffStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.standups import StandupStore

CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass
class StoreSet:
    """The stores of one backend over one database (or one in-memory state)."""

    backend: str
    standups: Any
    runs: Any
    jobs: Any
    schedules: Any
    inbox: Any
    handoffs: Any

    def realm(self, site: str = "https://chat.example.org") -> int:
        """A realm (bot account) to put standups in."""
        return int(self.standups.realm_id(site, "standup-bot@example.org", 99, CREATED))


def sql_stores(backend: str, engine: Engine) -> StoreSet:
    return StoreSet(
        backend,
        standups=StandupStore(engine),
        runs=RunStore(engine, AnswerCipher([])),
        jobs=JobStore(engine),
        schedules=ScheduleReader(engine),
        inbox=InboxStore(engine),
        handoffs=HandOffStore(engine),
    )


def memory_stores() -> StoreSet:
    twin = MemoryStorage()
    return StoreSet(
        "memory",
        standups=twin.standups,
        runs=twin.runs,
        jobs=twin.jobs,
        schedules=twin.schedules,
        inbox=twin.inbox,
        handoffs=twin.handoffs,
    )
