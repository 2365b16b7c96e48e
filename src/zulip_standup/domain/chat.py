"""The chat vocabulary the application speaks: people, channels and messages, free of Zulip JSON."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Role(enum.IntEnum):
    """Zulip organisation roles (their API codes); lower is more powerful."""

    OWNER = 100
    ADMIN = 200
    MODERATOR = 300
    MEMBER = 400
    GUEST = 600


@dataclass(frozen=True, slots=True)
class Person:
    """A Zulip account as the bot sees it (slotted: a realm's worth are kept in memory)."""

    user_id: int
    full_name: str
    email: str
    timezone: str
    role: int
    is_bot: bool
    is_active: bool

    @property
    def is_admin(self) -> bool:
        return self.role <= Role.ADMIN


@dataclass(frozen=True)
class Channel:
    """A Zulip channel (stream)."""

    stream_id: int
    name: str
    invite_only: bool


@dataclass(frozen=True)
class IncomingMessage:
    """A message that reached the bot: a DM to it, or a channel message mentioning it."""

    message_id: int
    sender_id: int
    sender_name: str
    sender_email: str
    content: str
    timestamp: int
    is_dm: bool
    stream_id: int | None = None
    stream_name: str | None = None
    topic: str = ""
    mentioned: bool = False
    dm_recipient_ids: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class MessageEdited:
    """A content edit of a message the bot can see."""

    message_id: int
    editor_id: int | None
    content: str
    edit_timestamp: int


@dataclass(frozen=True)
class UserChanged:
    """A realm_user add/update/deactivation event, reduced to what the bot keeps."""

    user_id: int
    full_name: str | None = None
    timezone: str | None = None
    role: int | None = None
    is_active: bool | None = None


@dataclass(frozen=True)
class SubscriptionChanged:
    """People joined (``added``) or left a channel."""

    stream_ids: tuple[int, ...]
    user_ids: tuple[int, ...]
    added: bool


@dataclass(frozen=True)
class StatusChanged:
    """A user's Zulip status changed; ``away`` is None when the event does not say."""

    user_id: int
    away: bool | None


ChatEvent = IncomingMessage | MessageEdited | UserChanged | SubscriptionChanged | StatusChanged


@dataclass(frozen=True)
class ServerInfo:
    """What the bot learns about the server and itself when it connects."""

    bot_user_id: int
    bot_full_name: str
    bot_email: str
    feature_level: int
    zulip_version: str
    max_message_length: int = 10000
    max_topic_length: int = 60
    edit_limit_seconds: int | None = 600
