"""The realm: the in-memory state of one organisation and its lookup tables."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass, field
from typing import Any

from localzulip.models import (
    BOT_GENERIC,
    ROLE_MEMBER,
    ROLES,
    Message,
    ScheduledMessage,
    Stream,
    Upload,
    User,
)


@dataclass
class RealmSettings:
    """Organisation settings that change server behaviour."""

    name: str = "Local Zulip"
    string_id: str = "zulip"
    realm_id: int = 2
    uri: str = "http://127.0.0.1:9991"
    message_content_edit_limit_seconds: int | None = 600
    message_content_delete_limit_seconds: int | None = 600
    allow_message_editing: bool = True
    edit_grace_seconds: int = 20
    max_message_length: int = 10000
    max_topic_length: int = 60
    extra: dict[str, Any] = field(default_factory=dict)


def make_api_key() -> str:
    """A fresh 32-character API key."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(32))


def gravatar_url(email: str) -> str:
    digest = hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()
    return f"https://secure.gravatar.com/avatar/{digest}?d=identicon&version=1"


class Realm:
    """All users, channels, messages and uploads of one organisation.

    Built through ``add_user``/``add_bot``/``add_stream``/``subscribe`` or loaded
    by :mod:`localzulip.realmfile`; mutated only by :mod:`localzulip.actions`.
    """

    def __init__(self, settings: RealmSettings | None = None) -> None:
        self.settings = settings or RealmSettings()
        self.users: dict[int, User] = {}
        self.streams: dict[int, Stream] = {}
        self.messages: dict[int, Message] = {}
        self.uploads: dict[str, Upload] = {}
        self.scheduled: dict[int, ScheduledMessage] = {}
        self.system_bots: dict[int, User] = {}
        self._by_email: dict[str, User] = {}
        self._by_key: dict[str, User] = {}
        self._group_recipients: dict[frozenset[int], int] = {}
        self.next_message_id = 1
        self.next_scheduled_id = 1
        self._recipient_ids = itertools.count(1000)
        self._user_ids = itertools.count(1)
        self._stream_ids = itertools.count(1)
        self.notification_bot_id: int | None = None

    # ----- building -----
    def add_user(
        self,
        email: str,
        full_name: str,
        *,
        user_id: int | None = None,
        role: int | str = ROLE_MEMBER,
        timezone: str = "",
        api_key: str | None = None,
        short_name: str | None = None,
        is_bot: bool = False,
        bot_type: int | None = None,
        bot_owner_id: int | None = None,
        is_active: bool = True,
        recipient_id: int | None = None,
        date_joined: str | None = None,
        system_bot: bool = False,
    ) -> User:
        """Add a human (or, with ``is_bot``, a bot) and return it."""
        uid = user_id if user_id is not None else self._free_user_id()
        if uid in self.users or uid in self.system_bots:
            raise ValueError(f"user id {uid} already exists")
        if email.lower() in self._by_email:
            raise ValueError(f"email {email} already exists")
        role_code = ROLES[role] if isinstance(role, str) else role
        user = User(
            user_id=uid,
            email=email,
            full_name=full_name,
            api_key=api_key or make_api_key(),
            role=role_code,
            timezone=timezone,
            is_bot=is_bot,
            bot_type=bot_type if is_bot else None,
            bot_owner_id=bot_owner_id,
            is_active=is_active,
            short_name=short_name or email.split("@", maxsplit=1)[0].lower(),
            recipient_id=recipient_id if recipient_id is not None else next(self._recipient_ids),
            is_system_bot=system_bot,
        )
        if date_joined:
            user.date_joined = date_joined
        if system_bot:
            self.system_bots[uid] = user
            if email.startswith("notification-bot"):
                self.notification_bot_id = uid
        else:
            self.users[uid] = user
        self._by_email[email.lower()] = user
        self._by_key[user.api_key] = user
        return user

    def add_bot(
        self,
        email: str,
        full_name: str,
        *,
        owner_id: int | None = None,
        bot_type: int = BOT_GENERIC,
        **kwargs: Any,
    ) -> User:
        """Add a bot (Generic by default) owned by ``owner_id``."""
        return self.add_user(
            email, full_name, is_bot=True, bot_type=bot_type, bot_owner_id=owner_id, **kwargs
        )

    def add_stream(
        self,
        name: str,
        *,
        stream_id: int | None = None,
        description: str = "",
        invite_only: bool = False,
        subscribers: list[int] | None = None,
        recipient_id: int | None = None,
        **kwargs: Any,
    ) -> Stream:
        """Add a channel with the given subscribers."""
        sid = stream_id if stream_id is not None else self._free_stream_id()
        if sid in self.streams or self.stream_by_name(name) is not None:
            raise ValueError(f"stream {name!r}/{sid} already exists")
        stream = Stream(
            stream_id=sid,
            name=name,
            description=description,
            invite_only=invite_only,
            subscribers=set(subscribers or []),
            recipient_id=recipient_id if recipient_id is not None else next(self._recipient_ids),
            **kwargs,
        )
        self.streams[sid] = stream
        return stream

    def subscribe(self, stream_name: str, *user_ids: int) -> None:
        """Subscribe users to a channel (building only; no events)."""
        stream = self.stream_by_name(stream_name)
        if stream is None:
            raise KeyError(stream_name)
        stream.subscribers.update(user_ids)

    def ensure_notification_bot(self) -> User:
        """The cross-realm Notification Bot, created on first need."""
        if self.notification_bot_id is not None:
            return self.system_bots[self.notification_bot_id]
        return self.add_user(
            "notification-bot@zulip.com",
            "Notification Bot",
            is_bot=True,
            bot_type=BOT_GENERIC,
            system_bot=True,
        )

    def _free_user_id(self) -> int:
        while True:
            uid = next(self._user_ids)
            if uid not in self.users and uid not in self.system_bots:
                return uid

    def _free_stream_id(self) -> int:
        while True:
            sid = next(self._stream_ids)
            if sid not in self.streams:
                return sid

    # ----- lookups -----
    def user(self, user_id: int) -> User | None:
        return self.users.get(user_id) or self.system_bots.get(user_id)

    def user_by_email(self, email: str) -> User | None:
        return self._by_email.get(email.lower())

    def user_by_key(self, api_key: str) -> User | None:
        return self._by_key.get(api_key)

    def user_by_name(self, name: str) -> User | None:
        """A user by short name, email or full name (for the test-side API)."""
        lowered = name.lower()
        for user in self.users.values():
            if lowered in (user.short_name.lower(), user.email.lower(), user.full_name.lower()):
                return user
        return None

    def stream_by_name(self, name: str) -> Stream | None:
        lowered = name.strip().lower()
        for stream in self.streams.values():
            if stream.name.lower() == lowered:
                return stream
        return None

    def group_recipient_id(self, user_ids: frozenset[int]) -> int:
        rid = self._group_recipients.get(user_ids)
        if rid is None:
            rid = next(self._recipient_ids)
            self._group_recipients[user_ids] = rid
        return rid

    def set_recipient_counter(self, start: int) -> None:
        self._recipient_ids = itertools.count(start)

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid

    def new_scheduled_id(self) -> int:
        sid = self.next_scheduled_id
        self.next_scheduled_id += 1
        return sid

    def active_humans(self) -> list[User]:
        return [u for u in self.users.values() if u.is_active and not u.is_bot]

    def bot(self) -> User | None:
        """The first Generic bot that is not a system bot (the sample's Standup bot)."""
        for user in self.users.values():
            if user.is_bot and user.bot_type == BOT_GENERIC:
                return user
        return None
