"""What is stored of webhooks, as the use cases read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WebhookRecord:
    """One webhook of a standup (its secret is read only to sign: ``WebhookTarget``)."""

    id: int
    standup_id: int
    url: str
    created_by: int | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """Where a delivery goes and the secret it is signed with."""

    id: int
    standup_id: int
    url: str
    secret: str


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One delivery attempt: the receiver's HTTP status, or why there was none."""

    webhook_id: int
    event_id: str
    event_type: str
    attempt: int
    status_code: int | None
    error: str | None
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class WebhookListing:
    """A webhook with its latest delivery attempt, for ``config webhook list``."""

    webhook: WebhookRecord
    last: DeliveryRecord | None
