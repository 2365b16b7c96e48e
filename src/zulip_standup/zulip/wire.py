"""Zulip's JSON, typed, and its translation into the chat vocabulary.

Payload shapes follow the OpenAPI description (operationIds ``get-events``,
``get-messages``) and the recordings of a real server: message ``type`` is
``private`` or ``stream``, the topic is ``subject``, DMs list every
participant in ``display_recipient``.
"""

from __future__ import annotations

import sys
from typing import Any, TypedDict

from zulip_standup.domain.chat import (
    ChatEvent,
    IncomingMessage,
    MessageEdited,
    Person,
    Role,
    StatusChanged,
    SubscriptionChanged,
    UserChanged,
)

# What the bot asks its queue for (SECURITY.md promise 2): messages to it,
# edits of them, and the user, subscription and status changes it tracks.
EVENT_TYPES = ("message", "update_message", "realm_user", "subscription", "user_status")


class WireDmRecipient(TypedDict):
    id: int
    email: str
    full_name: str


class WireMessage(TypedDict, total=False):
    """A message object (get-messages / message event)."""

    id: int
    sender_id: int
    sender_email: str
    sender_full_name: str
    content: str
    timestamp: int
    type: str
    stream_id: int
    display_recipient: str | list[WireDmRecipient]
    subject: str


class WireUser(TypedDict, total=False):
    """A user object (get-users, realm_user events)."""

    user_id: int
    email: str
    full_name: str
    timezone: str
    role: int
    is_bot: bool
    is_active: bool


def message_from_wire(raw: dict[str, Any], flags: list[str]) -> IncomingMessage:
    """An IncomingMessage from a message object and its per-user flags."""
    is_dm = raw.get("type") == "private"
    recipients: tuple[int, ...] = ()
    stream_name = None
    if is_dm:
        display = raw.get("display_recipient") or []
        if isinstance(display, list):
            recipients = tuple(int(r["id"]) for r in display if isinstance(r, dict) and "id" in r)
    else:
        display = raw.get("display_recipient")
        stream_name = display if isinstance(display, str) else None
    return IncomingMessage(
        message_id=int(raw["id"]),
        sender_id=int(raw.get("sender_id", 0)),
        sender_name=str(raw.get("sender_full_name", "")),
        sender_email=str(raw.get("sender_email", "")),
        content=str(raw.get("content", "")),
        timestamp=int(raw.get("timestamp", 0)),
        is_dm=is_dm,
        stream_id=None if is_dm else _int_or_none(raw.get("stream_id")),
        stream_name=stream_name,
        topic=str(raw.get("subject", raw.get("topic", ""))),
        mentioned="mentioned" in flags,
        dm_recipient_ids=recipients,
    )


# One object per role code for every person (codes above 256 are not shared by Python).
_ROLE_CODES = {int(role): int(role) for role in Role}


def _zone(value: Any) -> str:
    """A time zone name shared by everyone in that zone, not one copy per decoded person:
    the directory keeps every account of a realm (100,000 copies of "UTC" add up)."""
    return sys.intern(str(value or ""))


def _role(code: int) -> int:
    return _ROLE_CODES.get(code, code)


def person_from_wire(raw: dict[str, Any]) -> Person:
    return Person(
        user_id=int(raw["user_id"]),
        full_name=str(raw.get("full_name", "")),
        email=str(raw.get("email", "")),
        timezone=_zone(raw.get("timezone")),
        role=_role(int(raw.get("role") or Role.MEMBER)),
        is_bot=bool(raw.get("is_bot", False)),
        is_active=bool(raw.get("is_active", True)),
    )


def translate_event(raw: dict[str, Any], own_user_id: int | None) -> ChatEvent | None:
    """The chat event for one queue event, or None for what the bot ignores."""
    kind = raw.get("type")
    if kind == "message":
        message = message_from_wire(raw.get("message", {}), list(raw.get("flags", [])))
        if message.sender_id == own_user_id:
            return None
        if not message.is_dm and not message.mentioned:
            return None
        return message
    if kind == "update_message":
        if raw.get("rendering_only") or "content" not in raw:
            return None
        return MessageEdited(
            message_id=int(raw["message_id"]),
            editor_id=_int_or_none(raw.get("user_id")),
            content=str(raw["content"]),
            edit_timestamp=int(raw.get("edit_timestamp", 0)),
        )
    if kind == "realm_user":
        return _user_event(raw)
    if kind == "subscription":
        op = raw.get("op")
        if op in {"peer_add", "peer_remove"}:
            return SubscriptionChanged(
                stream_ids=tuple(int(s) for s in raw.get("stream_ids", [])),
                user_ids=tuple(int(u) for u in raw.get("user_ids", [])),
                added=op == "peer_add",
            )
        return None
    if kind == "user_status":
        away = raw.get("away")
        return StatusChanged(user_id=int(raw["user_id"]), away=None if away is None else bool(away))
    return None


def _user_event(raw: dict[str, Any]) -> ChatEvent | None:
    op = raw.get("op")
    person = raw.get("person") or {}
    if "user_id" not in person:
        return None
    user_id = int(person["user_id"])
    if op == "add":
        return UserChanged(
            user_id=user_id,
            full_name=person.get("full_name"),
            timezone=None if person.get("timezone") is None else _zone(person["timezone"]),
            role=None if person.get("role") is None else _role(int(person["role"])),
            is_active=bool(person.get("is_active", True)),
        )
    if op == "remove":
        return UserChanged(user_id=user_id, is_active=False)
    if op == "update":
        return UserChanged(
            user_id=user_id,
            full_name=person.get("full_name"),
            timezone=None if person.get("timezone") is None else _zone(person["timezone"]),
            role=None if person.get("role") is None else _role(int(person["role"])),
            is_active=person.get("is_active"),
        )
    return None


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
