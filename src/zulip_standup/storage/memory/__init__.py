"""The in-memory twin of the storage adapters: the same ports with the same observable
behaviour as the SQL stores, in plain dicts behind one lock (for service tests in
milliseconds). What it does not do: encrypt answers at rest or rotate keys, hold leases,
or survive the process."""

from __future__ import annotations

from dataclasses import dataclass, field

from zulip_standup.ports import (
    Inbox,
    JobQueue,
    PromptHandOffs,
    RunRepository,
    ScheduleSource,
    StandupRepository,
    WebAccess,
)
from zulip_standup.storage.memory.inbox import MemoryInbox
from zulip_standup.storage.memory.jobs import MemoryJobStore
from zulip_standup.storage.memory.runs import MemoryRunStore
from zulip_standup.storage.memory.schedules import MemoryHandOffs, MemoryScheduleReader
from zulip_standup.storage.memory.standups import MemoryStandupStore
from zulip_standup.storage.memory.state import DuplicateKeyError, MemoryState
from zulip_standup.storage.memory.web_access import MemoryWebAccess
from zulip_standup.storage.memory.webhooks import MemoryWebhooks


@dataclass
class MemoryStorage:
    """Every store of the twin over one shared state, as the composition root wires the SQL
    stores over one engine."""

    state: MemoryState = field(default_factory=MemoryState)

    def __post_init__(self) -> None:
        self.standups = MemoryStandupStore(self.state)
        self.runs = MemoryRunStore(self.state)
        self.jobs = MemoryJobStore(self.state)
        self.schedules = MemoryScheduleReader(self.state)
        self.inbox = MemoryInbox(self.state)
        self.handoffs = MemoryHandOffs(self.state)
        self.web = MemoryWebAccess(self.state)
        self.webhooks = MemoryWebhooks(self.state)

    def ports(
        self,
    ) -> tuple[
        StandupRepository, RunRepository, JobQueue, ScheduleSource, Inbox, PromptHandOffs, WebAccess
    ]:
        """The stores as the ports they implement (type-checked: each conforms)."""
        return (
            self.standups,
            self.runs,
            self.jobs,
            self.schedules,
            self.inbox,
            self.handoffs,
            self.web,
        )


__all__ = [
    "DuplicateKeyError",
    "MemoryHandOffs",
    "MemoryInbox",
    "MemoryJobStore",
    "MemoryRunStore",
    "MemoryScheduleReader",
    "MemoryStandupStore",
    "MemoryState",
    "MemoryStorage",
    "MemoryWebAccess",
    "MemoryWebhooks",
]
