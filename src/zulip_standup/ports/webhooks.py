"""Ports of webhooks: their storage (rows, events queued as delivery jobs, the delivery log)
and the sender that checks a target and delivers one signed body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from zulip_standup.domain.webhooks.events import WebhookEvent
from zulip_standup.domain.webhooks.records import (
    DeliveryRecord,
    WebhookListing,
    WebhookRecord,
    WebhookTarget,
)


class WebhookStore(Protocol):
    """Webhooks of standups; SQL in ``storage/webhooks.py``, the twin's in ``storage/memory``."""

    # A new webhook, unless the standup has ``limit`` already or one with this URL (None).
    def add(
        self,
        standup_id: int,
        url: str,
        secret: str,
        created_by: int,
        now: dt.datetime,
        *,
        limit: int,
    ) -> WebhookRecord | None: ...

    def remove(self, standup_id: int, webhook_id: int) -> bool: ...

    # The standup's webhooks, oldest first, each with its latest delivery attempt.
    def of_standup(self, standup_id: int) -> list[WebhookListing]: ...

    # Which standups of the realm have a webhook (read once when a process starts serving).
    def standups_with_webhooks(self, realm_id: int) -> set[int]: ...

    def target(self, webhook_id: int) -> WebhookTarget | None: ...

    # The event stored and, in the same transaction, one pending ``webhook`` job per webhook
    # of its standup due at ``now``; how many jobs were queued (0: the event was known, or
    # the standup has no webhook).
    def record_event(self, event: WebhookEvent, now: dt.datetime) -> int: ...

    def event(self, event_id: str) -> WebhookEvent | None: ...

    def log_delivery(self, entry: DeliveryRecord) -> None: ...

    # The latest attempts, newest first: of one webhook of the standup, or of all of them.
    def deliveries(
        self, standup_id: int, webhook_id: int | None, limit: int
    ) -> list[DeliveryRecord]: ...

    # Events and delivery log entries older than ``before`` deleted (the deliveries are
    # over: they end within a day); how many.
    def purge(self, before: dt.datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class SendResult:
    """How one attempt went: the HTTP status, or an error and whether trying again may help
    (a timeout may; a refused target will not)."""

    status: int | None = None
    error: str | None = None
    retry: bool = False


class WebhookSender(Protocol):
    """Sends webhook deliveries (``webhooks/sender.py``): https only, certificate checked,
    never to an address inside the operator's network unless the operator allows it."""

    # Why deliveries to this URL would be refused now (its host resolved), or None.
    async def refusal(self, url: str) -> str | None: ...

    async def send(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult: ...

    async def aclose(self) -> None: ...
