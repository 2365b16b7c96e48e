"""What a command handler gets: the asker, where they asked, and the services to call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zulip_standup.domain.chat import Channel, IncomingMessage, Person
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import ChannelRef
from zulip_standup.ports import ChatRefused
from zulip_standup.services.access import (
    can_see_channel,
    channel_by_ref,
    pick_standup,
    require_manager,
    require_reader,
)
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.reporting import Reporter
from zulip_standup.services.runtime import Runtime

HTTP_BAD_REQUEST = 400


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

    async def channel(self, command: str) -> Channel:
        """The channel the command is about: a ``#**channel**`` argument, else where it was sent."""
        if self.channel_ref is not None:
            return await channel_by_ref(self.rt, self.sender, self.channel_ref)
        if self.message.stream_id is not None:
            try:
                return await self.rt.chat.get_channel(self.message.stream_id)
            except ChatRefused as exc:
                if exc.status != HTTP_BAD_REQUEST:
                    raise
                # A private channel the bot is not subscribed to: Zulip hides it.
                name = self.message.stream_name or "this channel"
                raise UserFacingError(texts.bot_not_in_channel(name, command)) from None
        raise UserFacingError(texts.channel_needed(command))

    async def standup(self, name: str | None, command: str, *, manage: bool) -> Standup:
        """The standup a command means, after checking the asker may read (or manage) it."""
        rt = self.rt
        if self.channel_ref is not None or self.message.stream_id is not None:
            channel = await self.channel(command)
            if not await can_see_channel(rt, self.sender, channel):
                raise UserFacingError(texts.channel_not_found(channel.name))
            found = await rt.db(rt.standups.in_channel, rt.realm_id, channel.stream_id)
            standup = pick_standup(found, name, f"#**{channel.name}**")
        else:
            mine = await rt.db(rt.standups.of_participant, rt.realm_id, self.sender.user_id)
            if name is not None:
                mine = [s for s in mine if s.name == name] or mine
                standup = pick_standup(mine, name, "your standups")
            elif len(mine) == 1:
                standup = mine[0]
            elif not mine:
                raise UserFacingError(texts.not_a_participant(command))
            else:
                where = [f"`{s.name}` in #**{s.stream_name}**" for s in mine]
                raise UserFacingError(texts.several_of_yours(command, where))
            await require_reader(rt, standup, self.sender)
        if manage:
            require_manager(rt, standup, self.sender)
        return standup
