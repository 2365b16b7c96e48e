"""Event queues: registration, fan-out, long-polls with heartbeats, idle expiry."""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from localzulip.clock import Clock, TimerHandle
from localzulip.errors import ApiError, bad_queue
from localzulip.models import JSON
from localzulip.narrow import Narrow

MAX_LIFESPAN = 7 * 24 * 3600


@dataclass
class EventQueue:
    """One client's event queue."""

    queue_id: str
    user_id: int
    event_types: set[str] | None
    narrow: Narrow | None
    all_public_streams: bool
    apply_markdown: bool
    client_gravatar: bool
    bulk_message_deletion: bool
    lifespan: float
    last_active: float
    events: deque[JSON] = field(default_factory=deque)
    next_id: int = 0
    newest_pruned_id: int | None = None
    waiter: asyncio.Future[list[JSON]] | None = None
    heartbeat: TimerHandle | None = None
    expiry: TimerHandle | None = None

    def wants(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types


@dataclass
class EventsConfig:
    """Timing of event queues."""

    heartbeat_seconds: float = 50.0
    queue_timeout_seconds: float = 600.0
    heartbeat_on_wall_clock: bool = False


class QueueManager:
    """All event queues of the server, driven by the shared clock."""

    def __init__(
        self,
        clock: Clock,
        config: EventsConfig,
        wall_clock: Clock | None = None,
    ) -> None:
        self.clock = clock
        self.config = config
        self.wall_clock = wall_clock or clock
        self.queues: dict[str, EventQueue] = {}
        self.by_user: dict[int, set[str]] = {}
        self.paused = False
        self.expired_count = 0
        self.listeners: list[Callable[[int, JSON], None]] = []

    # ----- lifecycle -----
    def register(self, user_id: int, **opts: Any) -> EventQueue:
        lifespan = opts.pop("lifespan", 0) or self.config.queue_timeout_seconds
        queue = EventQueue(
            queue_id=str(uuid.uuid4()),
            user_id=user_id,
            lifespan=min(float(lifespan), MAX_LIFESPAN),
            last_active=self.clock.now(),
            **opts,
        )
        self.queues[queue.queue_id] = queue
        self.by_user.setdefault(user_id, set()).add(queue.queue_id)
        self._arm_expiry(queue)
        return queue

    def get(self, queue_id: str, user_id: int) -> EventQueue:
        queue = self.queues.get(queue_id)
        if queue is None or queue.user_id != user_id:
            raise bad_queue(queue_id)
        if self._is_expired(queue):
            self.drop(queue_id)
            raise bad_queue(queue_id)
        return queue

    def drop(self, queue_id: str) -> bool:
        queue = self.queues.pop(queue_id, None)
        if queue is None:
            return False
        self.by_user.get(queue.user_id, set()).discard(queue_id)
        for timer in (queue.heartbeat, queue.expiry):
            if timer is not None:
                timer.cancel()
        if queue.waiter is not None and not queue.waiter.done():
            queue.waiter.set_result([])
        return True

    def expire_now(self, queue_id: str | None = None, user_id: int | None = None) -> int:
        """Garbage-collect queues at once (fault injection); returns how many."""
        ids = [
            q.queue_id
            for q in list(self.queues.values())
            if (queue_id is None or q.queue_id == queue_id)
            and (user_id is None or q.user_id == user_id)
        ]
        for qid in ids:
            self.drop(qid)
        self.expired_count += len(ids)
        return len(ids)

    def _is_expired(self, queue: EventQueue) -> bool:
        if queue.waiter is not None and not queue.waiter.done():
            return False
        return self.clock.now() >= queue.last_active + queue.lifespan

    def _arm_expiry(self, queue: EventQueue) -> None:
        def check() -> None:
            queue.expiry = None
            if queue.queue_id not in self.queues:
                return
            if self._is_expired(queue):
                self.drop(queue.queue_id)
                self.expired_count += 1
            else:
                self._arm_expiry(queue)

        queue.expiry = self.clock.call_at(queue.last_active + queue.lifespan, check)

    # ----- delivery -----
    def push(self, queue: EventQueue, event: JSON) -> None:
        """Append an event to a queue (assigning its id) and wake a waiting poll."""
        event["id"] = queue.next_id
        queue.next_id += 1
        queue.events.append(event)
        for listener in self.listeners:
            listener(queue.user_id, event)
        if not self.paused and queue.waiter is not None and not queue.waiter.done():
            queue.waiter.set_result(list(queue.events))

    def queues_of(self, user_id: int) -> list[EventQueue]:
        return [self.queues[q] for q in self.by_user.get(user_id, ()) if q in self.queues]

    def send(self, user_ids: Any, event: JSON) -> None:
        """Send a copy of a non-message event to every queue of the given users."""
        etype = event["type"]
        for uid in user_ids:
            for queue in self.queues_of(uid):
                if queue.wants(etype):
                    self.push(queue, dict(event))

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        for queue in self.queues.values():
            if queue.events and queue.waiter is not None and not queue.waiter.done():
                queue.waiter.set_result(list(queue.events))

    # ----- polling -----
    def prune(self, queue: EventQueue, last_event_id: int | None) -> None:
        if last_event_id is None:
            return
        if queue.newest_pruned_id is not None and last_event_id < queue.newest_pruned_id:
            raise ApiError(f"An event newer than {last_event_id} has already been pruned!")
        while queue.events and queue.events[0]["id"] <= last_event_id:
            queue.newest_pruned_id = queue.events.popleft()["id"]
        if queue.newest_pruned_id is not None and last_event_id != queue.newest_pruned_id:
            raise ApiError(f"Event {last_event_id} was not in this queue")

    async def poll(self, queue: EventQueue, dont_block: bool) -> tuple[list[JSON], bool]:
        """Events for a GET /events; the flag says whether the poll had to wait."""
        if (queue.events and not self.paused) or dont_block:
            queue.last_active = self.clock.now()
            return (list(queue.events) if not self.paused else []), False
        if queue.waiter is not None and not queue.waiter.done():
            queue.waiter.set_result([])
        waiter: asyncio.Future[list[JSON]] = asyncio.get_running_loop().create_future()
        queue.waiter = waiter
        self._arm_heartbeat(queue, waiter)
        try:
            events = await waiter
        finally:
            if queue.heartbeat is not None:
                queue.heartbeat.cancel()
                queue.heartbeat = None
            if queue.waiter is waiter:
                queue.waiter = None
            queue.last_active = self.clock.now()
        if queue.queue_id not in self.queues:
            raise bad_queue(queue.queue_id)
        return events, True

    def _arm_heartbeat(self, queue: EventQueue, waiter: asyncio.Future[list[JSON]]) -> None:
        clock = self.wall_clock if self.config.heartbeat_on_wall_clock else self.clock

        def beat() -> None:
            queue.heartbeat = None
            if waiter.done() or queue.queue_id not in self.queues:
                return
            if self.paused:
                self._arm_heartbeat(queue, waiter)
                return
            self.push(queue, {"type": "heartbeat"})

        queue.heartbeat = clock.call_at(clock.now() + self.config.heartbeat_seconds, beat)
