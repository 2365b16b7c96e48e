"""The server's state in one object: realm, clock, queues, limits, faults, counters."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from localzulip.actions import Actions
from localzulip.clock import Clock, RealClock
from localzulip.errors import ApiError
from localzulip.events import EventsConfig, QueueManager
from localzulip.faults import FaultInjector
from localzulip.membership import Membership
from localzulip.models import Message, ScheduledMessage
from localzulip.ratelimit import RateLimitConfig, RateLimiter
from localzulip.realm import Realm
from localzulip.scheduled import Scheduler
from localzulip.stats import Stats

ZULIP_VERSION = "9.0-dev+git"
FEATURE_LEVEL = 247


@dataclass
class ServerConfig:
    """Tunable behaviour of a localzulip server."""

    heartbeat_seconds: float = 50.0
    queue_timeout_seconds: float = 600.0
    heartbeat_on_wall_clock: bool = False
    rate_limit: RateLimitConfig = field(default_factory=RateLimitConfig)
    admin_enabled: bool = False
    max_upload_bytes: int = 25 * 1024 * 1024
    upload_response_url: bool = False


class Core:
    """Everything a request handler or the test-side API needs."""

    def __init__(
        self, realm: Realm, clock: Clock | None = None, config: ServerConfig | None = None
    ) -> None:
        self.realm = realm
        self.clock: Clock = clock or RealClock()
        self.wall_clock = RealClock()
        self.config = config or ServerConfig()
        self.queues = QueueManager(
            self.clock,
            EventsConfig(
                heartbeat_seconds=self.config.heartbeat_seconds,
                queue_timeout_seconds=self.config.queue_timeout_seconds,
                heartbeat_on_wall_clock=self.config.heartbeat_on_wall_clock,
            ),
            wall_clock=self.wall_clock,
        )
        self.actions = Actions(realm, self.queues, self.clock)
        self.membership = Membership(realm, self.queues)
        self.scheduler = Scheduler(realm, self.queues, self.actions, self.clock, self._deliver)
        self.ratelimiter = RateLimiter(self.config.rate_limit)
        self.faults = FaultInjector()
        self.stats = Stats()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.temporary_urls: dict[str, str] = {}

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.clock.attach(loop)
        self.wall_clock.attach(loop)

    def _deliver(self, sm: ScheduledMessage) -> None:
        sender = self.realm.user(sm.sender_id)
        if sender is None or not sender.is_active:
            raise ApiError("Account is deactivated")
        if sm.type == "stream":
            stream = self.realm.streams.get(sm.to) if isinstance(sm.to, int) else None
            if stream is None:
                raise ApiError(f"Stream with ID '{sm.to}' does not exist")
            self.actions.send_message(
                sender, stream=stream, topic=sm.topic, content=sm.content, client=sm.client
            )
        else:
            ids = set(sm.to) if isinstance(sm.to, list) else {sm.to}
            for uid in ids:
                user = self.realm.user(uid)
                if user is None or not user.is_active:
                    raise ApiError(f"'{user.email if user else uid}' is no longer using Zulip.")
            self.actions.send_message(sender, dm_user_ids=ids, content=sm.content, client=sm.client)

    def message_log(self) -> list[Message]:
        """Every message ever sent (deleted ones flagged), oldest first, with edit history."""
        return list(self.actions.log)
