"""What a command handler gets: who asked and where, and the services to call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zulip_standup.domain.chat import Channel, IncomingMessage, Person
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import ChannelRef
from zulip_standup.services.access import Asker, channel_meant, standup_meant
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.reporting import Reporter
from zulip_standup.services.runtime import Runtime


@dataclass
class CommandContext:
    """One command invocation."""

    rt: Runtime
    conversations: Conversations
    reports: Reporter
    sender: Person
    message: IncomingMessage
    channel_ref: ChannelRef | None
    today: dt.date

    @property
    def in_dm(self) -> bool:
        return self.message.is_dm

    @property
    def asker(self) -> Asker:
        """Who asked and where, as the use cases take it."""
        message = self.message
        return Asker(
            person=self.sender,
            today=self.today,
            in_dm=message.is_dm,
            stream_id=message.stream_id,
            stream_name=message.stream_name,
            channel_ref=self.channel_ref,
            message_id=message.message_id,
        )

    async def channel(self, command: str) -> Channel:
        """The channel the command is about: a ``#**channel**`` argument, else where it was sent."""
        return await channel_meant(self.rt, self.asker, command)

    async def standup(self, name: str | None, command: str, *, manage: bool) -> Standup:
        """The standup a command means, after checking the asker may read (or manage) it."""
        return await standup_meant(self.rt, self.asker, name, command, manage=manage)
