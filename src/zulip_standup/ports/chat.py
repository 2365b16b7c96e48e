"""The chat port and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from zulip_standup.domain.chat import Channel, Person

# -- chat -----------------------------------------------------------------------
# Sending, editing, reacting, reading people and channels, uploading; on Zulip in
# ``zulip/gateway.py``. Use cases catch the errors below, never an adapter's own.


class ChatError(Exception):
    """A chat call that failed; ``str()`` is safe to show an operator (no secrets)."""


class ChatUnreachable(ChatError):
    """No answer from the chat server at all (DNS, refused connection, TLS, timeout)."""


@dataclass
class ChatRefused(ChatError):
    """The chat server answered with an error: its HTTP status, error code and message."""

    status: int
    code: str
    msg: str
    body: dict[str, Any]

    def __str__(self) -> str:
        return f"HTTP {self.status} {self.code}: {self.msg}"


@dataclass(frozen=True, slots=True)
class ScheduledMessage:
    """A message the bot asked the server to deliver later, still pending or failed."""

    scheduled_message_id: int
    deliver_at: int
    failed: bool


class Chat(Protocol):
    """The chat server as the use cases use it, for one bot account."""

    async def send_dm(self, user_ids: list[int], content: str) -> int: ...

    async def send_stream(self, stream_id: int, topic: str, content: str) -> int: ...

    async def find_sent_dm(
        self, user_ids: list[int], content: str, after_id: int = 0
    ) -> int | None: ...

    async def find_sent_in_topic(self, stream_id: int, topic: str, content: str) -> int | None: ...

    async def has_posted_in_topic(self, stream_id: int, topic: str) -> bool: ...

    async def edit_message(self, message_id: int, content: str) -> None: ...

    async def add_reaction(self, message_id: int, emoji_name: str) -> None: ...

    async def get_person(self, user_id: int) -> Person: ...

    async def get_people(self) -> list[Person]: ...

    async def get_channel(self, stream_id: int) -> Channel: ...

    async def find_channel(self, name: str) -> Channel | None: ...

    async def get_subscribers(self, stream_id: int) -> list[int]: ...

    async def upload_file(self, filename: str, data: bytes, content_type: str) -> str: ...

    async def schedule_dm(self, user_ids: list[int], content: str, deliver_at: int) -> int: ...

    async def cancel_scheduled(self, scheduled_message_id: int) -> None: ...

    async def list_scheduled(self) -> list[ScheduledMessage]: ...
