"""Helpers for the reporting end-to-end tests: a team realm, twin clocks, answering, waiting.

The report tests run localzulip on a :class:`localzulip.VirtualClock` that
moves together with the bot's :class:`SteppedClock`, so that the bot's idea
of the edit window (its clock) and localzulip's enforcement of it (the
server clock) always agree. Event-queue heartbeats stay on real time so the
bot's long-poll keeps breathing while the virtual clock stands still.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from localzulip import LocalZulip, Realm, RealmSettings, ServerConfig, VirtualClock
from localzulip.models import ROLE_MEMBER, ROLE_OWNER, Message, User
from localzulip.ratelimit import RateLimitConfig
from zulip_standup.app import BotProcess

from .harness import COMPLETION_BOUND_S, SteppedClock, settle

# Every way a wildcard could render in Zulip (any case, silent or not, with or without |id).
WILDCARD_TEXT = re.compile(
    r"@_?\*\*\s*(all|everyone|channel|stream|topic)\s*(\|[^*]*)?\*\*", re.IGNORECASE
)
# A group mention: "@*name*" or "@_*name*" (a single star, not the "**" of a person).
GROUP_TEXT = re.compile(r"@_?\*(?!\*)[^*\n]+\*")
# A personal mention that notifies: "@**Name**" / "@**Name|id**" (silent ones have "@_").
LOUD_PERSON_TEXT = re.compile(r"@\*\*[^*\n]+\*\*")
NOTIFYING_FLAGS = frozenset(
    {"mentioned", "wildcard_mentioned", "stream_wildcard_mentioned", "topic_wildcard_mentioned"}
)


@dataclass(frozen=True)
class Member:
    short: str
    full_name: str
    timezone: str = "UTC"


def team_realm(
    members: Iterable[Member],
    *,
    channel: str = "standup",
    edit_limit_seconds: int | None = 600,
    owner: str | None = None,
) -> Realm:
    """A realm with the given people (the first, or ``owner``, owns it), the bot and a channel."""
    people = list(members)
    realm = Realm(RealmSettings(name="Report Tests", message_content_edit_limit_seconds=600))
    realm.settings.message_content_edit_limit_seconds = edit_limit_seconds
    owner_short = owner or people[0].short
    ids = []
    for person in people:
        user = realm.add_user(
            f"{person.short}@example.com",
            person.full_name,
            role=ROLE_OWNER if person.short == owner_short else ROLE_MEMBER,
            timezone=person.timezone,
            short_name=person.short,
        )
        ids.append(user.user_id)
    bot = realm.add_bot("standup-bot@example.com", "Standup", owner_id=ids[0])
    realm.ensure_notification_bot()
    realm.add_stream(channel, subscribers=[*ids, bot.user_id])
    return realm


def epoch(instant: dt.datetime) -> float:
    return instant.astimezone(dt.UTC).timestamp()


class TwinClock:
    """The bot's stepped clock and localzulip's virtual clock, always set together."""

    def __init__(self, start: dt.datetime, server_clock: VirtualClock) -> None:
        self.bot = SteppedClock(start)
        self.server = server_clock
        self.server.set_time(epoch(start))

    def now(self) -> dt.datetime:
        return self.bot.now()

    def set(self, instant: dt.datetime) -> None:
        target = instant.astimezone(dt.UTC)
        if target < self.bot.now():
            msg = f"clocks cannot go back from {self.bot.now()} to {target}"
            raise ValueError(msg)
        self.bot.set(target)
        self.server.set_time(epoch(target))


@contextmanager
def team_server(
    realm: Realm, start: dt.datetime, *, rate_limited: bool = True
) -> Iterator[tuple[LocalZulip, TwinClock]]:
    """localzulip on a virtual clock (real-time heartbeats), twin clocks starting at ``start``."""
    server_clock = VirtualClock(start=epoch(start))
    config = ServerConfig(
        heartbeat_seconds=1.0,
        heartbeat_on_wall_clock=True,
        queue_timeout_seconds=7 * 24 * 3600,
        rate_limit=RateLimitConfig(enabled=rate_limited),
    )
    with LocalZulip(realm=realm, clock=server_clock, config=config) as server:
        yield server, TwinClock(start, server_clock)


async def eventually(
    check: Callable[[], bool], within: float = COMPLETION_BOUND_S, what: str = "condition"
) -> None:
    """Poll ``check`` (real time: waiting for I/O, never for the scheduler) until it holds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            msg = f"timed out after {within} s waiting for {what}"
            raise AssertionError(msg)
        await asyncio.sleep(0.02)


def bot_channel_messages(
    server: LocalZulip, channel: str, topic: str | None = None
) -> list[Message]:
    """The bot's live messages in a channel (one topic if given), oldest first."""
    bot_id = server.bot.user_id
    return [m for m in server.channel_messages(channel, topic) if m.sender_id == bot_id]


def bot_messages(server: LocalZulip) -> list[Message]:
    """Everything the bot ever sent, oldest first."""
    bot_id = server.bot.user_id
    return [m for m in server.messages() if m.sender_id == bot_id]


def dms_from_bot(server: LocalZulip, user: User, after_id: int = 0) -> list[Message]:
    bot_id = server.bot.user_id
    return [
        m
        for m in server.messages()
        if m.id > after_id
        and m.type == "private"
        and m.sender_id == bot_id
        and set(m.dm_user_ids) == {bot_id, user.user_id}
    ]


async def wait_dm(
    server: LocalZulip,
    user: User,
    contains: str,
    after_id: int = 0,
    within: float = COMPLETION_BOUND_S,
) -> Message:
    """The first DM from the bot to ``user`` after ``after_id`` that contains ``contains``."""
    found: list[Message] = []

    def check() -> bool:
        found[:] = [m for m in dms_from_bot(server, user, after_id) if contains in m.content]
        return bool(found)

    await eventually(check, within, f"a DM to {user.short_name} containing {contains!r}")
    return found[0]


async def setup_standup(
    server: LocalZulip,
    who: str,
    channel: str,
    *commands: str,
    setup: str = "setup",
    within: float = COMPLETION_BOUND_S,
) -> None:
    """``setup`` in the channel, then each ``config …`` command, waiting for every reply."""
    human = server.human(who)
    bot_id = server.bot.user_id
    for command, expect in ((setup, "is set up"), *((c, "Updated") for c in commands)):
        sent = human.send_stream(channel, "general", f"@**Standup** {command}")
        reply = await server.wait_for_message(
            lambda m, after=sent.id: (
                m.sender_id == bot_id and m.id > after and m.topic == "general"
            ),
            within,
            after_id=sent.id,
        )
        assert expect in reply.content, f"{command!r} got {reply.content!r}"


async def answer(
    server: LocalZulip, who: str, answers: Iterable[str], *, prompted_after: int = 0
) -> list[Message]:
    """Answer the open prompt question by question; returns the person's answer messages."""
    human = server.human(who)
    texts = list(answers)
    await wait_dm(server, human.user, "Time for", prompted_after)
    sent: list[Message] = []
    for number, text in enumerate(texts, start=1):
        if number > 1:
            await wait_dm(server, human.user, f"Question {number} of {len(texts)}", sent[-1].id)
        sent.append(human.dm_bot(text))
    await wait_dm(server, human.user, "Thanks!", sent[-1].id)  # the recap: answers stored
    return sent


async def step_to(bot: BotProcess, clock: TwinClock, instant: dt.datetime) -> None:
    """Move both clocks to ``instant`` and let the worker run what fell due."""
    clock.set(instant)
    await settle(bot)


def notifying_flags(server: LocalZulip, messages: Iterable[Message]) -> list[tuple[int, int, str]]:
    """(message id, user id, flag) for every notifying flag any user has on ``messages``."""
    found = []
    for message in messages:
        for user_id, flags in message.flags.items():
            found.extend((message.id, user_id, flag) for flag in sorted(flags & NOTIFYING_FLAGS))
    return found
