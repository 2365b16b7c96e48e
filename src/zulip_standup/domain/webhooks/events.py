"""The events a webhook receives and their JSON bodies, built once and sent unchanged on
every attempt.

An event's id is derived from what it reports (``event_id``), so reporting the same fact
twice (a report re-posted after a restart, say) queues nothing new: the delivery jobs are
keyed by event and webhook.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ANSWERS_SUBMITTED = "answers.submitted"
ANSWERS_EDITED = "answers.edited"
DIGEST_POSTED = "digest.posted"
BLOCKER_OPENED = "blocker.opened"
BLOCKER_RESOLVED = "blocker.resolved"
EVENT_TYPES = (ANSWERS_SUBMITTED, ANSWERS_EDITED, DIGEST_POSTED, BLOCKER_OPENED, BLOCKER_RESOLVED)

_NAMESPACE = uuid.UUID("5b0c1f1e-8f7a-4c35-9d0e-6a8c3f2b9e41")


@dataclass(frozen=True, slots=True)
class StandupRef:
    """The standup an event is about, as the body names it."""

    id: int
    name: str
    channel: str


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    """One event of a standup with the exact body its deliveries send. ``user_id`` is the
    person it is about (so ``forget me`` can delete it), if any."""

    id: str
    type: str
    standup_id: int
    run_date: dt.date
    user_id: int | None
    created_at: dt.datetime
    body: str


def event_id(event_type: str, standup_id: int, *facts: object) -> str:
    """The id of the event reporting these facts: a UUID, the same for the same facts."""
    name = ":".join([event_type, str(standup_id), *map(str, facts)])
    return str(uuid.uuid5(_NAMESPACE, name))


def new_event(
    event_type: str,
    event_uuid: str,
    standup: StandupRef,
    run_date: dt.date,
    created_at: dt.datetime,
    data: Mapping[str, Any],
    user_id: int | None = None,
) -> WebhookEvent:
    """The event with its body: ``{"id", "type", "created_at", "standup", "run_date", "data"}``."""
    if event_type not in EVENT_TYPES:
        msg = f"unknown webhook event type {event_type!r}"
        raise ValueError(msg)
    body = {
        "id": event_uuid,
        "type": event_type,
        "created_at": created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "standup": {"id": standup.id, "name": standup.name, "channel": standup.channel},
        "run_date": run_date.isoformat(),
        "data": dict(data),
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return WebhookEvent(event_uuid, event_type, standup.id, run_date, user_id, created_at, text)


def person_data(user_id: int, name: str) -> dict[str, Any]:
    return {"id": user_id, "name": name}


def answers_data(
    user_id: int,
    name: str,
    answers: Sequence[tuple[str, str]],
    *,
    late: bool,
    changed: Sequence[int] = (),
) -> dict[str, Any]:
    """``data`` of ``answers.*``: the person and their answers with the questions' texts,
    as posted in the channel; ``changed``: the 1-based numbers of the answers an edit changed."""
    data: dict[str, Any] = {
        "person": person_data(user_id, name),
        "answers": [{"question": q, "answer": a} for q, a in answers],
        "late": late,
    }
    if changed:
        data["changed"] = sorted(changed)
    return data


def blocker_data(user_id: int, name: str, text: str, since: dt.date) -> dict[str, Any]:
    """``data`` of ``blocker.*``: whose blocker, what it says, since which run day."""
    return {"person": person_data(user_id, name), "blocker": text, "since": since.isoformat()}


def digest_data(
    message_ids: Sequence[int], answered: int, expected: int, blockers: int
) -> dict[str, Any]:
    """``data`` of ``digest.posted``: the digest's messages and the counts it shows."""
    return {
        "message_ids": list(message_ids),
        "answered": answered,
        "expected": expected,
        "open_blockers": blockers,
    }


def blocker_change(
    before: tuple[dt.date, str] | None, after: tuple[dt.date, str] | None
) -> tuple[str, dt.date, str] | None:
    """The blocker event of one person's latest blocker answer: ``before`` and ``after`` are
    their open blocker (since, text) without and with it (``reports.blockers.open_blockers``).
    Opened when there was none; resolved when the one there was is gone."""
    if before is None and after is not None:
        return BLOCKER_OPENED, after[0], after[1]
    if before is not None and after is None:
        return BLOCKER_RESOLVED, before[0], before[1]
    return None


_KEY_PREFIX = "webhook:"


def delivery_key(event_uuid: str, webhook_id: int) -> str:
    """The job key of one event's delivery to one webhook: queued once, whoever reports it."""
    return f"{_KEY_PREFIX}{event_uuid}:{webhook_id}"


def parse_delivery_key(key: str) -> tuple[str, int] | None:
    """(event id, webhook id) of a delivery job's key, or None for another key."""
    if not key.startswith(_KEY_PREFIX):
        return None
    event_uuid, _, webhook = key[len(_KEY_PREFIX) :].rpartition(":")
    if not event_uuid or not webhook.isdigit():
        return None
    return event_uuid, int(webhook)
