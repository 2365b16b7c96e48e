"""One backend's stores for the storage contract suite (see ``conftest.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.inbox import InboxStore
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.memory import MemoryStorage
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.scheduled_messages import HandOffStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.standups import StandupStore
from zulip_standup.storage.tables import audit_log
from zulip_standup.storage.web_access import WebAccessStore
from zulip_standup.storage.webhooks import WebhookStoreSQL

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
    web: Any
    # The audit log's rows as (standup_id, actor_user_id, action, detail), oldest first.
    audit_log: Callable[[], list[tuple[int | None, int, str, dict[str, Any]]]]
    webhooks: Any = None

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
        web=WebAccessStore(engine),
        audit_log=lambda: _sql_audit_log(engine),
        webhooks=WebhookStoreSQL(engine, AnswerCipher([])),
    )


def _sql_audit_log(engine: Engine) -> list[tuple[int | None, int, str, dict[str, Any]]]:
    columns = (audit_log.c.standup_id, audit_log.c.actor_user_id, audit_log.c.action)
    with engine.connect() as conn:
        rows = conn.execute(select(*columns, audit_log.c.detail).order_by(audit_log.c.id)).all()
    return [(r.standup_id, int(r.actor_user_id), r.action, r.detail) for r in rows]


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
        web=twin.web,
        webhooks=twin.webhooks,
        audit_log=lambda: [
            (row["standup_id"], row["actor_user_id"], row["action"], row["detail"])
            for _, row in sorted(twin.state.audit_log.items())
        ],
    )
