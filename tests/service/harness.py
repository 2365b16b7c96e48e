"""A team's world on the twin: the fake clock, the fake chat, MemoryStorage and the real bot.

Tests read like the team's day: ``await team.says(team.ann, "status")`` is Ann typing a DM
to the bot and returns what the bot answered her; ``await team.at(utc(...))`` moves the
clock there and runs every job that falls due on the way (planner tick, then worker ticks
job by job, each at its own due instant), with no sleeps. Nothing of ours is mocked: the
storage twin and the fake chat are adapters of the ports, everything else is the bot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from service.fake_chat import BOT_ID, FakeChat, Posted
from service.fake_webhooks import FakeWebhookSender
from zulip_standup.charts import MatplotlibCharts
from zulip_standup.clock import FakeClock
from zulip_standup.domain.chat import Channel, IncomingMessage, MessageEdited, Person, ServerInfo
from zulip_standup.http.metrics import Metrics
from zulip_standup.llm.openai_compat import AIConfig, AISummariser
from zulip_standup.routing import StandupBot
from zulip_standup.services.bot import BotServices
from zulip_standup.services.directory import Directory
from zulip_standup.services.planner import Planner
from zulip_standup.services.runtime import Defaults, Runtime, Webhooks
from zulip_standup.services.scheduler import Worker
from zulip_standup.services.standup_cache import CachedStandups
from zulip_standup.storage.memory import MemoryStorage


def _make_bot(runtime: Runtime) -> StandupBot:
    return StandupBot(BotServices(runtime))


OWNER, ADMIN, MEMBER, GUEST = 100, 200, 400, 600
MONDAY = dt.date(2026, 11, 30)

# Jobs the worker may still run on one call of ``at`` before the world is called stuck.
_MAX_STEPS = 10_000


def utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def _person(user_id: int, name: str, zone: str, role: int = MEMBER) -> Person:
    email = f"{name.split(maxsplit=1)[0].lower()}@example.org"
    return Person(user_id, name, email, zone, role, is_bot=False, is_active=True)


# The realm: the team lead (an admin), four members in four zones, a guest, two channels.
LENA = _person(10, "Lena Lead", "Europe/Berlin", ADMIN)
ANN = _person(11, "Ann Archer", "Europe/Berlin")
BEN = _person(12, "Ben Baker", "Europe/London")
RAVI = _person(13, "Ravi Rao", "Asia/Kolkata")
NOA = _person(14, "Noa Novak", "America/New_York")
GUS = _person(15, "Gus Guest", "Europe/Berlin", GUEST)
TEAM_CHANNEL = Channel(5, "team", invite_only=False)
LEADS_CHANNEL = Channel(6, "leads", invite_only=False)


class Team:
    """A realm with a running bot, driven from the people's side."""

    def __init__(
        self,
        start: dt.datetime,
        *,
        default_timezone: str = "UTC",
        ai: AIConfig | None = None,
        edit_limit_seconds: int | None = 600,
        storage: Any = None,
    ) -> None:
        self.lena, self.ann, self.ben, self.ravi, self.noa, self.gus = (
            LENA,
            ANN,
            BEN,
            RAVI,
            NOA,
            GUS,
        )
        self.team_channel, self.leads_channel = TEAM_CHANNEL, LEADS_CHANNEL
        bot = Person(BOT_ID, "Standup", "bot@example.org", "UTC", MEMBER, True, True)
        members = [self.lena, self.ann, self.ben, self.ravi, self.noa]
        self.people = [bot, *members, self.gus]
        self.chat = FakeChat(
            self.people,
            {
                self.team_channel: [BOT_ID, *(p.user_id for p in members)],
                self.leads_channel: [BOT_ID, self.lena.user_id, self.ann.user_id],
            },
        )
        self.clock = FakeClock(start)
        # The twin, unless a test hands in the SQL stores (``storage.store_set.sql_stores``).
        self.storage = MemoryStorage() if storage is None else storage
        self.realm_id = self.storage.standups.realm_id(
            "https://chat.example.org", "bot@example.org", BOT_ID, start
        )
        self.planner = Planner(self.clock, self.storage.jobs, self.storage.schedules)
        self.runtime = Runtime(
            clock=self.clock,
            chat=self.chat,
            # Kept in memory as the bot process keeps them (a restart starts afresh).
            standups=CachedStandups(self.storage.standups),
            runs=self.storage.runs,
            directory=Directory(self.people),
            planner=self.planner,
            schedules=self.storage.schedules,
            metrics=Metrics(),
            server=ServerInfo(
                BOT_ID,
                "Standup",
                "bot@example.org",
                247,
                "9.0",
                edit_limit_seconds=edit_limit_seconds,
            ),
            realm_id=self.realm_id,
            inbox=self.storage.inbox,
            handoffs=self.storage.handoffs,
            is_transient=lambda _exc: False,
            summariser=AISummariser(ai),
            charts=MatplotlibCharts(),
            web=self.storage.web,
            defaults=Defaults(timezone=default_timezone),
            webhooks=self._webhooks(),
        )
        self.bot = _make_bot(self.runtime)
        self.worker = Worker(
            self.clock, self.storage.jobs, self.bot.handle_job, realm_id=self.realm_id
        )
        self._sync_wire()

    def _webhooks(self) -> Webhooks | None:
        """The storage's webhooks with the fake receiver, as the process starts serving."""
        store = getattr(self.storage, "webhooks", None)
        if store is None:
            return None
        self.receiver = getattr(self, "receiver", None) or FakeWebhookSender()
        return Webhooks(store, self.receiver, store.standups_with_webhooks(self.realm_id))

    async def restart(self) -> None:
        """The bot process starts again on the same storage and chat (a deploy, a crash):
        a new bot and worker, and the start-up's resume of what a crash may have swallowed.
        Messages sent meanwhile are handed over with ``deliver`` (the catch-up)."""
        self.runtime.standups = CachedStandups(self.storage.standups)
        self.runtime.webhooks = self._webhooks()
        self.bot = _make_bot(self.runtime)
        self.worker = Worker(
            self.clock, self.storage.jobs, self.bot.handle_job, realm_id=self.realm_id
        )
        await self.bot.resume()

    def sends_while_down(self, person: Person, text: str) -> IncomingMessage:
        """``person`` DMs the bot while it is not running; nothing handles it yet."""
        self._sync_wire()
        return self.chat.person_sends(person.user_id, text)

    def _sync_wire(self) -> None:
        self.chat.now = int(self.clock.now().timestamp())

    def _mark(self) -> int:
        return max(self.chat.messages, default=0)

    # -- what people do -------------------------------------------------------------
    async def deliver(self, message: IncomingMessage) -> None:
        """Hand a message to the bot the way the event stream does: recorded, then handled."""
        await self.bot.intake.received([message])
        await self.bot.handle_event(message)

    async def says(self, person: Person, text: str) -> list[str]:
        """``person`` sends the bot a DM; the bot's DMs to them from then on (the reply, a
        recap, the next prompt), once everything it set off is done."""
        self._sync_wire()
        mark = self._mark()
        await self.deliver(self.chat.person_sends(person.user_id, text))
        return self.dms(person, after=mark)

    async def says_in(
        self, person: Person, channel: Channel, text: str, topic: str = "bot"
    ) -> list[str]:
        """``person`` posts ``text`` in ``channel``/``topic``; the bot's posts there since."""
        self._sync_wire()
        mark = self._mark()
        sent = self.chat.person_sends(
            person.user_id, text, stream_id=channel.stream_id, topic=topic
        )
        await self.deliver(sent)
        return [m.content for m in self.chat.channel_posts(channel.stream_id, topic) if m.id > mark]

    async def asks(self, person: Person, command: str, channel: Channel | None = None) -> str:
        """``person`` addresses the bot in a channel (#team unless given): its one reply."""
        (reply,) = await self.says_in(
            person, channel or self.team_channel, f"@**Standup** {command}"
        )
        return reply

    async def sets_up(
        self, person: Person, command: str = "setup", channel: Channel | None = None
    ) -> str:
        """``person`` runs a setup command in a channel (#team unless given); its reply."""
        where = channel or self.team_channel
        reply = await self.asks(person, command, where)
        assert reply.startswith("Standup **"), reply
        assert f"is set up in #**{where.name}**" in reply, reply
        return reply

    async def answers(self, person: Person, answers: list[str]) -> list[str]:
        """``person`` answers the open prompt at once as a numbered list; the bot's replies."""
        listed = "\n".join(f"{n}. {text}" for n, text in enumerate(answers, start=1))
        return await self.says(person, listed)

    async def edits(self, person: Person, message_id: int, text: str) -> None:
        """``person`` edits a message they sent (a DM answer, say)."""
        self._sync_wire()
        message = self.chat.messages[message_id]
        assert message.sender_id == person.user_id, "people edit only their own messages"
        message.content = text
        message.edits += 1
        await self.bot.handle_event(
            MessageEdited(message_id, person.user_id, text, int(self.clock.now().timestamp()))
        )

    def last_sent_by(self, person: Person) -> int:
        """The id of the last message ``person`` sent."""
        return max(m.id for m in self.chat.messages.values() if m.sender_id == person.user_id)

    # -- time -------------------------------------------------------------------------
    async def at(self, instant: dt.datetime) -> None:
        """Move the clock to ``instant``, running every job due on the way at its due time."""
        assert instant >= self.clock.now(), "time only moves forward"
        for _ in range(_MAX_STEPS):
            await self.planner.tick()
            due = self.storage.jobs.next_due_at(self.realm_id)
            if due is None or due > instant:
                break
            self.clock.set(max(due, self.clock.now()))
            self._sync_wire()
            await self.worker.tick()
        else:
            msg = f"jobs kept falling due before {instant}"
            raise AssertionError(msg)
        self.clock.set(instant)
        self._sync_wire()
        await self.planner.tick()
        await self.worker.tick()

    # -- what people see ----------------------------------------------------------------
    def dms(self, person: Person, after: int = 0) -> list[str]:
        """The bot's DMs to ``person``, oldest first, as they read now."""
        pair = tuple(sorted({person.user_id, BOT_ID}))
        return [
            m.content
            for m in self.chat.messages.values()
            if m.id > after and m.sender_id == BOT_ID and m.dm_user_ids == pair
        ]

    def transcript(self, person: Person) -> list[tuple[str, str]]:
        """``person``'s DM conversation with the bot: (who, text), oldest first."""
        pair = tuple(sorted({person.user_id, BOT_ID}))
        return [
            ("bot" if m.sender_id == BOT_ID else "me", m.content)
            for m in self.chat.messages.values()
            if m.dm_user_ids == pair
        ]

    def channel(self, channel: Channel, topic: str | None = None) -> list[Posted]:
        """What the bot posted in ``channel`` (in ``topic`` if given), oldest first."""
        return self.chat.channel_posts(channel.stream_id, topic)

    def channel_text(self, channel: Channel, topic: str | None = None) -> str:
        return "\n".join(m.content for m in self.channel(channel, topic))

    def topics(self, channel: Channel) -> list[str]:
        """The topics the bot posted in, in order of first post."""
        return list(dict.fromkeys(m.topic for m in self.channel(channel)))
