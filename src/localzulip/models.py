"""Plain data records of a realm: users, channels, messages, reactions, uploads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

ROLE_OWNER = 100
ROLE_ADMIN = 200
ROLE_MODERATOR = 300
ROLE_MEMBER = 400
ROLE_GUEST = 600
ROLES = {
    "owner": ROLE_OWNER,
    "admin": ROLE_ADMIN,
    "administrator": ROLE_ADMIN,
    "moderator": ROLE_MODERATOR,
    "member": ROLE_MEMBER,
    "guest": ROLE_GUEST,
}

BOT_GENERIC = 1
BOT_INCOMING_WEBHOOK = 2
BOT_OUTGOING_WEBHOOK = 3
BOT_EMBEDDED = 4


@dataclass
class UserStatus:
    """A user's status as set through POST /users/me/status."""

    status_text: str = ""
    emoji_name: str = ""
    emoji_code: str = ""
    reaction_type: str = ""
    away: bool = False

    def as_dict(self) -> JSON:
        out: JSON = {}
        if self.away:
            out["away"] = True
        if self.status_text:
            out["status_text"] = self.status_text
        if self.emoji_name:
            out["emoji_name"] = self.emoji_name
            out["emoji_code"] = self.emoji_code
            out["reaction_type"] = self.reaction_type
        return out


@dataclass
class User:
    """An account: a human or a bot."""

    user_id: int
    email: str
    full_name: str
    api_key: str
    role: int = ROLE_MEMBER
    timezone: str = ""
    is_bot: bool = False
    bot_type: int | None = None
    bot_owner_id: int | None = None
    is_active: bool = True
    date_joined: str = "2024-01-01T00:00:00+00:00"
    short_name: str = ""
    recipient_id: int = 0
    is_system_bot: bool = False
    status: UserStatus = field(default_factory=UserStatus)
    profile_data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return self.role in (ROLE_OWNER, ROLE_ADMIN)

    @property
    def is_guest(self) -> bool:
        return self.role == ROLE_GUEST


@dataclass
class Stream:
    """A channel."""

    stream_id: int
    name: str
    description: str = ""
    invite_only: bool = False
    subscribers: set[int] = field(default_factory=set)
    recipient_id: int = 0
    date_created: int = 1704067200
    is_web_public: bool = False
    stream_post_policy: int = 1
    first_message_id: int | None = None
    rendered_description: str | None = None
    color: str = "#76ce90"
    history_public_to_subscribers: bool = True


@dataclass
class Reaction:
    """One user's emoji reaction on a message."""

    user_id: int
    emoji_name: str
    emoji_code: str
    reaction_type: str = "unicode_emoji"


@dataclass
class EditRecord:
    """One entry of a message's edit history."""

    user_id: int
    timestamp: int
    prev_content: str | None = None
    prev_rendered_content: str | None = None
    prev_topic: str | None = None


@dataclass
class Message:
    """A stored message; ``flags`` maps each recipient's user id to its flags."""

    id: int
    sender_id: int
    type: str  # "stream" | "private"
    content: str
    timestamp: int
    recipient_id: int
    client: str = "Internal"
    topic: str = ""
    stream_id: int | None = None
    dm_user_ids: tuple[int, ...] = ()
    flags: dict[int, set[str]] = field(default_factory=dict)
    reactions: list[Reaction] = field(default_factory=list)
    edit_history: list[EditRecord] = field(default_factory=list)
    last_edit_timestamp: int | None = None
    deleted: bool = False


@dataclass
class Upload:
    """A stored file."""

    path: str
    owner_id: int
    filename: str
    content_type: str
    data: bytes


@dataclass
class ScheduledMessage:
    """A message waiting for delivery by the server clock."""

    scheduled_message_id: int
    sender_id: int
    type: str  # "stream" | "private"
    to: int | list[int]
    content: str
    topic: str
    scheduled_delivery_timestamp: int
    client: str
    read_by_sender: bool | None = None
    failed: bool = False
    delivered_message_id: int | None = None
