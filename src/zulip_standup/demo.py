"""``zulip-standup demo``: a whole simulated standup day against a bundled local Zulip server.

It starts localzulip in this process with a small organisation, runs the
real bot (the same ``BotProcess`` as ``run``) on a simulated clock that jumps
from one due job to the next, lets six simulated people behave as people do
(answer one by one, all at once, edit, stay silent, be on holiday), and
prints what each person and the channel saw.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from localzulip import LocalZulip, Realm, ServerConfig
from localzulip.models import ROLE_MEMBER, ROLE_OWNER, Message
from zulip_standup.app import BotProcess, RunOptions
from zulip_standup.clock import SteppedClock
from zulip_standup.services.runtime import Runtime
from zulip_standup.settings import Settings
from zulip_standup.storage.jobs import JobStore

TEAM_ZONE = "Europe/Berlin"
CHANNEL = "team"
REPLY_WAIT_S = 10.0
_QUESTION = re.compile(r"Question (\d+) of (\d+)")


@dataclass(frozen=True)
class Persona:
    """A simulated person and how they behave."""

    short: str
    name: str
    zone: str
    style: str  # one_by_one | all_at_once | editor | silent | holiday
    answers: tuple[str, str, str]
    role: int = ROLE_MEMBER


PERSONAS = (
    Persona(
        "lena",
        "Lena Lead",
        "Europe/Berlin",
        "one_by_one",
        ("Reviewed the Q1 roadmap", "Plan the sprint with the team", "none"),
        ROLE_OWNER,
    ),
    Persona(
        "ravi",
        "Ravi Rao",
        "Asia/Kolkata",
        "all_at_once",
        ("Fixed the flaky login test", "Pair with Mia on caching", "Waiting for staging access"),
    ),
    Persona(
        "mia",
        "Mia Moreau",
        "Europe/Berlin",
        "editor",
        ("Wrote the cache design", "Prototype the cache, part 1", "no"),
    ),
    Persona(
        "tom",
        "Tom Tanaka",
        "Australia/Sydney",
        "holiday",
        ("", "", ""),
    ),
    Persona(
        "sam",
        "Sam Silva",
        "America/New_York",
        "silent",
        ("", "", ""),
    ),
    Persona(
        "ana",
        "Ana Alves",
        "America/New_York",
        "one_by_one",
        ("Closed 4 support tickets", "Update the onboarding docs", "none"),
    ),
)

EDITED_FIRST_ANSWER = "Wrote the cache design and the load-test plan"


@dataclass
class DemoResult:
    participants: int = 0
    prompts_sent: int = 0
    answers_stored: int = 0
    channel_messages: int = 0
    duplicates: int = 0
    days: int = 1
    seconds: float = 0.0
    prompted: dict[str, int] = field(default_factory=dict)
    answers_expected: int = 0
    absent: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "participants": self.participants,
            "absent": list(self.absent),
            "prompts_sent": self.prompts_sent,
            "answers_stored": self.answers_stored,
            "answers_expected": self.answers_expected,
            "messages_posted": self.channel_messages,
            "duplicates": self.duplicates,
            "days": self.days,
            "seconds": round(self.seconds, 2),
            "prompts_per_person": self.prompted,
        }


def local_bot_settings(server: LocalZulip, database_url: str, **extra: object) -> Settings:
    """Settings for the bot account of a localzulip server (demo, tests and benchmarks)."""
    email, key = server.credentials("bot")
    values: dict[str, object] = {"http_bind": None, **extra}
    return Settings(
        zulip_email=email,
        zulip_api_key=SecretStr(key),
        zulip_site=server.url,
        database_url=SecretStr(database_url),
        **values,  # type: ignore[arg-type]
    )


def build_realm() -> Realm:
    realm = Realm()
    ids = []
    for persona in PERSONAS:
        user = realm.add_user(
            f"{persona.short}@example.com",
            persona.name,
            role=persona.role,
            timezone=persona.zone,
            short_name=persona.short,
        )
        ids.append(user.user_id)
    bot = realm.add_bot("standup-bot@example.com", "Standup", owner_id=ids[0], short_name="bot")
    realm.add_stream(CHANNEL, description="The team", subscribers=[*ids, bot.user_id])
    return realm


class Simulation:
    """Steps the clock from due job to due job and plays the personas."""

    def __init__(self, server: LocalZulip, process: BotProcess, clock: SteppedClock) -> None:
        self.server = server
        self.process = process
        self.clock = clock
        self.bot_id = server.bot.user_id
        self.seen: dict[str, int] = {p.short: 0 for p in PERSONAS}
        self.jobs = JobStore(process.engine)

    def _new_bot_dms(self, persona: Persona) -> list[Message]:
        found = [
            m
            for m in self.server.dms(persona.short, "bot")
            if m.sender_id == self.bot_id and m.id > self.seen[persona.short]
        ]
        if found:
            self.seen[persona.short] = found[-1].id
        return found

    async def _reply_and_wait(self, persona: Persona, content: str) -> Message:
        """Send a DM to the bot and wait until the bot has fully handled it (all replies sent)."""
        human = self.server.human(persona.short)
        sent = human.dm_bot(content)
        await self._until(
            lambda: self._runtime().inbox.is_finished(self._runtime().realm_id, sent.id)
        )
        # An answer is committed before its reply goes out: wait for the reply too.
        user_id = human.user.user_id
        await self.server.wait_for_message(
            lambda m: m.sender_id == self.bot_id and user_id in m.dm_user_ids,
            REPLY_WAIT_S,
            after_id=sent.id,
        )
        return sent

    def _runtime(self) -> Runtime:
        assert self.process.bot is not None
        return self.process.bot.runtime

    async def _until(self, condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + REPLY_WAIT_S
        while time.monotonic() < deadline:
            if await asyncio.to_thread(condition):
                return
            await asyncio.sleep(0.01)
        msg = "the bot did not handle a simulated message in time"
        raise TimeoutError(msg)

    async def play(self) -> None:
        """Let every persona react to what the bot just sent them, until all are idle."""
        busy = True
        while busy:
            busy = False
            for persona in PERSONAS:
                for message in self._new_bot_dms(persona):
                    if await self._react(persona, message):
                        busy = True

    async def _react(self, persona: Persona, message: Message) -> bool:
        asked = _QUESTION.findall(message.content)
        if persona.style in {"silent", "holiday"} or not asked:
            if persona.style == "editor" and message.content.startswith("Thanks!"):
                await self._edit_first_answer(persona)
                return True
            return False
        number, total = (int(x) for x in asked[-1])
        if "reminder" in message.content.lower():
            return False
        if persona.style == "all_at_once" and number == 1:
            numbered = "\n".join(f"{i}. {a}" for i, a in enumerate(persona.answers[:total], 1))
            await self._reply_and_wait(persona, numbered)
            return True
        await self._reply_and_wait(persona, persona.answers[number - 1])
        return True

    async def _edit_first_answer(self, persona: Persona) -> None:
        human = self.server.human(persona.short)
        mine = [m for m in human.dms("bot") if m.sender_id == human.user.user_id]
        first = next(m for m in mine if m.content == persona.answers[0])
        human.edit(first, content=EDITED_FIRST_ANSWER)
        runtime = self._runtime()

        def stored() -> bool:
            found = runtime.runs.answers_from_message(runtime.realm_id, first.id)
            return bool(found) and found[0].text == EDITED_FIRST_ANSWER

        await self._until(stored)
        await asyncio.sleep(0.2)  # the report edit follows the stored answer

    async def drain(self) -> None:
        """Wait (in real time) until the bot has run every job that is due now."""
        deadline = time.monotonic() + REPLY_WAIT_S
        while time.monotonic() < deadline:
            due = await asyncio.to_thread(self.jobs.next_due_at)
            if due is None or due > self.clock.now():
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)

    async def run_until(self, end: dt.datetime) -> None:
        while True:
            due = await asyncio.to_thread(self.jobs.next_due_at)
            if due is None or due > end:
                break
            if due > self.clock.now():
                self.clock.set(due)
            await self.drain()
            await self.play()
        self.clock.set(max(self.clock.now(), end))
        await self.drain()
        await self.play()


async def run_demo(
    out: TextIO, *, days: int = 1, start: dt.date | None = None, json_path: Path | None = None
) -> DemoResult:
    """Simulate ``days`` standup days starting on ``start`` (a Monday by default) and report."""
    first_day = start or dt.date(2026, 12, 7)
    began = time.perf_counter()
    team = ZoneInfo(TEAM_ZONE)
    clock = SteppedClock(
        dt.datetime.combine(first_day, dt.time(0, 0), team) - dt.timedelta(hours=16)
    )
    answering = [p for p in PERSONAS if p.style not in {"silent", "holiday"}]
    result = DemoResult(
        participants=len(PERSONAS),
        days=days,
        answers_expected=days * sum(len(p.answers) for p in answering),
        absent=tuple(p.short for p in PERSONAS if p.style == "holiday"),
    )
    with (
        tempfile.TemporaryDirectory(prefix="zulip-standup-demo-") as workdir,
        LocalZulip(realm=build_realm(), config=ServerConfig(heartbeat_seconds=1.0)) as server,
    ):
        settings = local_bot_settings(
            server, f"sqlite:///{Path(workdir) / 'demo.db'}", default_timezone=TEAM_ZONE
        )
        process = BotProcess(
            settings, clock=clock, options=RunOptions(health=False, worker_poll_seconds=0.02)
        )
        task = asyncio.create_task(process.run())
        await asyncio.wait_for(process.ready.wait(), 30)
        simulation = Simulation(server, process, clock)
        lead = server.human("lena")
        lead.send_stream(CHANNEL, "setup", "@**Standup** setup")
        await server.wait_for_message(lambda m: m.sender_id == server.bot.user_id, REPLY_WAIT_S)
        holiday = next(p for p in PERSONAS if p.style == "holiday")
        last_day = first_day + dt.timedelta(days=days + 7)
        await simulation._reply_and_wait(holiday, f"away {first_day} {last_day}")
        end = dt.datetime.combine(first_day + dt.timedelta(days=days - 1), dt.time(23, 59), team)
        await simulation.run_until(end)
        process.stop()
        await asyncio.wait_for(task, 30)
        _summarise(server, process, result)
        _print_transcript(server, out)
    result.seconds = time.perf_counter() - began
    _print_counts(result, out)
    if json_path is not None:
        text = json.dumps(result.as_dict(), indent=2) + "\n"
        await asyncio.to_thread(json_path.write_text, text, encoding="utf-8")
    return result


def _summarise(server: LocalZulip, process: BotProcess, result: DemoResult) -> None:
    bot_id = server.bot.user_id
    prompts: Counter[tuple[str, str]] = Counter()
    for persona in PERSONAS:
        for message in server.dms(persona.short, "bot"):
            if message.sender_id == bot_id and "Time for" in message.content:
                day = re.search(r"on (\w+ \d+ \w+)", message.content)
                prompts[(persona.short, day.group(1) if day else "?")] += 1
    result.prompts_sent = sum(prompts.values())
    result.prompted = {
        p.short: sum(c for (s, _), c in prompts.items() if s == p.short) for p in PERSONAS
    }
    posted = [m for m in server.channel_messages(CHANNEL) if m.sender_id == bot_id]
    result.channel_messages = len(posted)
    same_content = Counter((m.topic, m.content) for m in posted)
    result.duplicates = sum(c - 1 for c in prompts.values() if c > 1) + sum(
        c - 1 for c in same_content.values() if c > 1
    )
    if process.bot is not None:
        runtime = process.bot.runtime
        result.answers_stored = sum(
            runtime.runs.count_answers(runtime.realm_id, server.user(p.short).user_id)
            for p in PERSONAS
        )


def _print_transcript(server: LocalZulip, out: TextIO) -> None:
    bot_id = server.bot.user_id
    for persona in PERSONAS:
        print(
            f"\n=== {persona.name} ({persona.zone}, {persona.style.replace('_', ' ')}) ===",
            file=out,
        )
        for message in server.dms(persona.short, "bot"):
            who = "Standup" if message.sender_id == bot_id else persona.name.split()[0]
            text = message.content.replace("\n", "\n      ")
            edited = " (edited)" if message.edit_history else ""
            print(f"  [{who}]{edited} {text}", file=out)
    print(f"\n=== #{CHANNEL} ===", file=out)
    for message in server.channel_messages(CHANNEL):
        who = "Standup" if message.sender_id == bot_id else server.user(message.sender_id).full_name
        edited = " (edited)" if message.edit_history else ""
        text = message.content.replace("\n", "\n      ")
        print(f"  > {message.topic} | {who}{edited}:\n      {text}", file=out)


def _print_counts(result: DemoResult, out: TextIO) -> None:
    print("\n=== summary ===", file=out)
    for key, value in result.as_dict().items():
        print(f"  {key}: {value}", file=out)
