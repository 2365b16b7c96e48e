"""An in-memory chat server for the service tier: a transcript people and the bot write to.

It implements the ``Chat`` port the use cases talk to and refuses what Zulip refuses
where a use case depends on it (an unknown message, a reaction already there). People
"type" through :meth:`FakeChat.person_sends`, which returns the ``IncomingMessage`` the
bot would receive; tests read the transcript the way each person sees it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from zulip_standup.domain.chat import Channel, IncomingMessage, Person
from zulip_standup.ports import ChatRefused, ScheduledMessage

BOT_ID = 1
HTTP_BAD_REQUEST = 400


@dataclass
class Posted:
    """One message in the transcript."""

    id: int
    sender_id: int
    content: str
    timestamp: int
    dm_user_ids: tuple[int, ...] = ()  # everyone in the DM conversation, the bot included
    stream_id: int | None = None
    topic: str = ""
    reactions: list[str] = field(default_factory=list)
    edits: int = 0


class FakeChat:
    """The chat port, in memory."""

    def __init__(self, people: list[Person], channels: dict[Channel, list[int]]) -> None:
        self.people = {p.user_id: p for p in people}
        self.channels = {c.stream_id: c for c in channels}
        self.subscribers = {c.stream_id: list(members) for c, members in channels.items()}
        self.messages: dict[int, Posted] = {}
        self.uploads: dict[str, bytes] = {}
        self.scheduled: dict[int, ScheduledMessage] = {}
        self._ids = itertools.count(1000)
        self.now = 0  # unix seconds stamped on new messages; the harness keeps it current

    # -- what people do -----------------------------------------------------------
    def person_sends(
        self, user_id: int, content: str, *, stream_id: int | None = None, topic: str = ""
    ) -> IncomingMessage:
        """Post as a person (a DM to the bot, or a channel message) and return what the
        bot receives."""
        sender = self.people[user_id]
        message_id = next(self._ids)
        if stream_id is None:
            self.messages[message_id] = Posted(
                message_id, user_id, content, self.now, dm_user_ids=tuple(sorted({user_id, BOT_ID}))
            )
            return IncomingMessage(
                message_id,
                user_id,
                sender.full_name,
                sender.email,
                content,
                self.now,
                is_dm=True,
                dm_recipient_ids=(BOT_ID,),
            )
        self.messages[message_id] = Posted(
            message_id, user_id, content, self.now, stream_id=stream_id, topic=topic
        )
        return IncomingMessage(
            message_id,
            user_id,
            sender.full_name,
            sender.email,
            content,
            self.now,
            is_dm=False,
            stream_id=stream_id,
            stream_name=self.channels[stream_id].name,
            topic=topic,
            mentioned="@**Standup**" in content,
        )

    # -- what people see ------------------------------------------------------------
    def dms_from_bot(self, user_id: int) -> list[str]:
        """The bot's DMs to this person, oldest first (as they read now, edits applied)."""
        pair = tuple(sorted({user_id, BOT_ID}))
        return [
            m.content
            for m in self.messages.values()
            if m.sender_id == BOT_ID and m.dm_user_ids == pair
        ]

    def channel_posts(self, stream_id: int, topic: str | None = None) -> list[Posted]:
        return [
            m
            for m in self.messages.values()
            if m.stream_id == stream_id
            and (topic is None or m.topic == topic)
            and m.sender_id == BOT_ID
        ]

    # -- the port ---------------------------------------------------------------------
    async def send_dm(self, user_ids: list[int], content: str) -> int:
        message_id = next(self._ids)
        self.messages[message_id] = Posted(
            message_id, BOT_ID, content, self.now, dm_user_ids=tuple(sorted({*user_ids, BOT_ID}))
        )
        return message_id

    async def send_stream(self, stream_id: int, topic: str, content: str) -> int:
        if stream_id not in self.channels:
            raise ChatRefused(
                HTTP_BAD_REQUEST, "STREAM_DOES_NOT_EXIST", "Channel does not exist", {}
            )
        message_id = next(self._ids)
        self.messages[message_id] = Posted(
            message_id, BOT_ID, content, self.now, stream_id=stream_id, topic=topic
        )
        return message_id

    async def find_sent_dm(
        self, user_ids: list[int], content: str, after_id: int = 0
    ) -> int | None:
        pair = tuple(sorted({*user_ids, BOT_ID}))
        for m in reversed(self.messages.values()):
            if (
                m.id > after_id
                and m.sender_id == BOT_ID
                and m.dm_user_ids == pair
                and m.content == content
            ):
                return m.id
        return None

    async def find_sent_in_topic(self, stream_id: int, topic: str, content: str) -> int | None:
        for m in reversed(self.channel_posts(stream_id, topic)):
            if m.content == content:
                return m.id
        return None

    async def has_posted_in_topic(self, stream_id: int, topic: str) -> bool:
        return bool(self.channel_posts(stream_id, topic))

    async def edit_message(self, message_id: int, content: str) -> None:
        message = self._message(message_id)
        message.content = content
        message.edits += 1

    async def add_reaction(self, message_id: int, emoji_name: str) -> None:
        message = self._message(message_id)
        if emoji_name not in message.reactions:
            message.reactions.append(emoji_name)

    async def get_person(self, user_id: int) -> Person:
        if user_id not in self.people:
            raise ChatRefused(HTTP_BAD_REQUEST, "BAD_REQUEST", "No such user", {})
        return self.people[user_id]

    async def get_people(self) -> list[Person]:
        return list(self.people.values())

    async def get_channel(self, stream_id: int) -> Channel:
        if stream_id not in self.channels:
            raise ChatRefused(HTTP_BAD_REQUEST, "BAD_REQUEST", "Invalid channel ID", {})
        return self.channels[stream_id]

    async def find_channel(self, name: str) -> Channel | None:
        return next((c for c in self.channels.values() if c.name == name), None)

    async def get_subscribers(self, stream_id: int) -> list[int]:
        return list(self.subscribers.get(stream_id, []))

    async def upload_file(self, filename: str, data: bytes, content_type: str) -> str:
        del content_type
        url = f"/user_uploads/1/{len(self.uploads)}/{filename}"
        self.uploads[url] = data
        return url

    async def schedule_dm(self, user_ids: list[int], content: str, deliver_at: int) -> int:
        del user_ids, content
        scheduled_id = next(self._ids)
        self.scheduled[scheduled_id] = ScheduledMessage(scheduled_id, deliver_at, failed=False)
        return scheduled_id

    async def cancel_scheduled(self, scheduled_message_id: int) -> None:
        self.scheduled.pop(scheduled_message_id, None)

    async def list_scheduled(self) -> list[ScheduledMessage]:
        return list(self.scheduled.values())

    def _message(self, message_id: int) -> Posted:
        if message_id not in self.messages:
            raise ChatRefused(HTTP_BAD_REQUEST, "BAD_REQUEST", "Invalid message(s)", {})
        return self.messages[message_id]
