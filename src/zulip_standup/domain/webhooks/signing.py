"""How a delivery is signed: HMAC-SHA256 of ``"<timestamp>.<raw body>"`` with the webhook's
secret, so a receiver can tell the bot sent it and refuse replays of old bodies."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_PREFIX = "sha256="


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Standup-Signature`` value of a body sent at ``timestamp`` (unix seconds)."""
    signed = f"{timestamp}.".encode("ascii") + body
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def delivery_headers(event_type: str, event_id: str, timestamp: int, signed: str) -> dict[str, str]:
    """The headers of one delivery attempt (the event id stays the same on every attempt)."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "zulip-standup-webhooks/1",
        "X-Standup-Event": event_type,
        "X-Standup-Delivery": event_id,
        "X-Standup-Timestamp": str(timestamp),
        "X-Standup-Signature": signed,
    }
