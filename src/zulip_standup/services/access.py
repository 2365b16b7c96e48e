"""Who may see and change which standup, and which standup a command means (SECURITY.md 3-4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zulip_standup.domain.chat import Channel, Person, Role
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.standup import Standup
from zulip_standup.domain.values import ChannelRef
from zulip_standup.ports import ChatRefused
from zulip_standup.services.runtime import Runtime

HTTP_BAD_REQUEST = 400


@dataclass(frozen=True)
class Asker:
    """Who asked and where: all a use case needs of the message that asked."""

    person: Person
    # The asker's own date now (``services.people.own_today``).
    today: dt.date
    in_dm: bool = True
    stream_id: int | None = None
    stream_name: str | None = None
    # A ``#**channel**`` the command named, which outranks where it was sent.
    channel_ref: ChannelRef | None = None
    message_id: int | None = None


async def channel_meant(rt: Runtime, asker: Asker, command: str) -> Channel:
    """The channel a command is about: a ``#**channel**`` argument, else where it was sent."""
    if asker.channel_ref is not None:
        return await channel_by_ref(rt, asker.person, asker.channel_ref)
    if asker.stream_id is not None:
        try:
            return await rt.chat.get_channel(asker.stream_id)
        except ChatRefused as exc:
            if exc.status != HTTP_BAD_REQUEST:
                raise
            # A private channel the bot is not subscribed to: Zulip hides it.
            name = asker.stream_name or "this channel"
            raise UserFacingError(texts.bot_not_in_channel(name, command)) from None
    raise UserFacingError(texts.channel_needed(command))


async def standup_meant(
    rt: Runtime, asker: Asker, name: str | None, command: str, *, manage: bool
) -> Standup:
    """The standup a command means, after checking the asker may read (or manage) it."""
    sender = asker.person
    if asker.channel_ref is not None or asker.stream_id is not None:
        channel = await channel_meant(rt, asker, command)
        if not await can_see_channel(rt, sender, channel):
            raise UserFacingError(texts.channel_not_found(channel.name))
        found = await rt.db(rt.standups.in_channel, rt.realm_id, channel.stream_id)
        standup = pick_standup(found, name, f"#**{channel.name}**")
    else:
        mine = await rt.db(rt.standups.of_participant, rt.realm_id, sender.user_id)
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
        await require_reader(rt, standup, sender)
    if manage:
        require_manager(rt, standup, sender)
    return standup


async def can_see_channel(rt: Runtime, person: Person, channel: Channel) -> bool:
    """Public channels are visible to members; private ones (and all, for guests) to subscribers."""
    if not channel.invite_only and person.role != Role.GUEST:
        return True
    return person.user_id in await rt.chat.get_subscribers(channel.stream_id)


async def channel_by_ref(rt: Runtime, person: Person, ref: ChannelRef) -> Channel:
    """The referenced channel, if it exists and the asker can see it (no existence leak)."""
    channel = await rt.chat.find_channel(ref.name)
    if channel is None or not await can_see_channel(rt, person, channel):
        raise UserFacingError(texts.channel_not_found(ref.name))
    return channel


def require_manager(rt: Runtime, standup: Standup, person: Person) -> None:
    """Refuse unless the asker is an org owner/admin, the creator or a listed manager."""
    if standup.can_manage(person.user_id, person.is_admin):
        return
    names = [rt.directory.name_of(standup.creator_user_id)] + [
        rt.directory.name_of(m) for m in sorted(standup.settings.managers)
    ]
    raise UserFacingError(texts.not_allowed(standup, names))


async def can_read(rt: Runtime, standup: Standup, person: Person) -> bool:
    """Whether the person may read the standup's answers: they can see its channel."""
    channel = Channel(standup.stream_id, standup.stream_name, await _invite_only(rt, standup))
    return await can_see_channel(rt, person, channel)


async def require_reader(rt: Runtime, standup: Standup, person: Person) -> None:
    if not await can_read(rt, standup, person):
        raise UserFacingError(texts.channel_not_found(standup.stream_name))


async def _invite_only(rt: Runtime, standup: Standup) -> bool:
    return (await rt.chat.get_channel(standup.stream_id)).invite_only


def pick_standup(standups: list[Standup], name: str | None, where: str) -> Standup:
    """The named standup, or the only one; a clear error when it is ambiguous or missing."""
    if name is not None:
        for standup in standups:
            if standup.name == name:
                return standup
        raise UserFacingError(texts.no_standup_named(name, where, [s.name for s in standups]))
    if len(standups) == 1:
        return standups[0]
    if not standups:
        raise UserFacingError(texts.no_standup_here(where))
    raise UserFacingError(texts.several_standups(where, [s.name for s in standups]))
