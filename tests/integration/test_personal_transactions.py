"""How many transactions a person's own change takes on SQLite, counted at the database
(issue 11): `away` and `timezone` store the person, their time off and the re-plan request
in one transaction; the re-plan of each standup after it is one more each. `skip` ahead is
one step transaction per standup, its prompt claim included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from sqlalchemy import Engine, event

from service.harness import Team, utc
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.standup import StandupSettings
from zulip_standup.services import personal, personal_steps
from zulip_standup.services.access import Asker
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.planner import Planner
from zulip_standup.services.runtime import Runtime
from zulip_standup.storage.crypto import AnswerCipher
from zulip_standup.storage.inbox import InboxStore
from zulip_standup.storage.jobs import JobStore
from zulip_standup.storage.runs import RunStore
from zulip_standup.storage.scheduled_messages import HandOffStore
from zulip_standup.storage.schedules import ScheduleReader
from zulip_standup.storage.standups import StandupStore

WEDNESDAY = dt.date(2026, 12, 2)
_WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Transactions:
    """The committed transactions that wrote, each as the tables its statements touched."""

    committed: list[list[str]] = field(default_factory=list)
    _current: list[str] = field(default_factory=list)

    def writing(self) -> list[list[str]]:
        return [t for t in self.committed if any(s.startswith(_WRITES) for s in t)]


@contextmanager
def counted(engine: Engine) -> Iterator[Transactions]:
    """Record every transaction committed on ``engine`` while the block runs."""
    seen = Transactions()

    def begin(_conn: Any) -> None:
        seen._current = []

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        words = sql.split()
        if words and words[0].upper() in _WRITES:
            table = words[2] if words[0].upper() != "UPDATE" else words[1]
            seen._current.append(f"{words[0].upper()} {table}")

    def commit(_conn: Any) -> None:
        seen.committed.append(seen._current)
        seen._current = []

    hooks = (("begin", begin), ("before_cursor_execute", statement), ("commit", commit))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield seen
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


@pytest.fixture
def world(sqlite_engine: Engine) -> tuple[Team, Runtime]:
    """The team's world with the SQL stores on SQLite; Ravi takes part in two standups."""
    team = Team(utc(WEDNESDAY, 3))
    engine = sqlite_engine
    standups = StandupStore(engine)
    realm_id = standups.realm_id("https://chat.example.org", "bot@example.org", 1, team.clock.now())
    schedules = ScheduleReader(engine)
    rt = replace(
        team.runtime,
        standups=standups,
        runs=RunStore(engine, AnswerCipher([])),
        schedules=schedules,
        planner=Planner(team.clock, JobStore(engine), schedules),
        inbox=InboxStore(engine),
        handoffs=HandOffStore(engine),
        realm_id=realm_id,
    )
    now = team.clock.now()
    for name, channel in (("daily", team.team_channel), ("leads", team.leads_channel)):
        settings = StandupSettings(name=name)
        created = standups.create(
            realm_id, channel.stream_id, channel.name, team.lena.user_id, settings, now
        )
        standups.add_participants(created.id, [(team.ravi.user_id, team.ravi.full_name)], now)
        rt.planner.replan_now(created.id, now)
    return team, rt


def _asker(team: Team) -> Asker:
    return Asker(person=team.ravi, today=WEDNESDAY)


async def test_away_is_one_transaction_then_one_replan_per_standup(
    world: tuple[Team, Runtime], sqlite_engine: Engine
) -> None:
    """`away` writes the person, the time off and both standups' re-plan requests in one
    transaction; each standup's re-plan after it is one more."""
    team, rt = world
    with counted(sqlite_engine) as seen:
        reply = await personal.away(rt, _asker(team), ct.Away(WEDNESDAY, WEDNESDAY))
    assert reply == "You are off on Wednesday 02 December; no prompts that day."
    change, *replans = seen.writing()
    assert "INSERT time_off" in change
    assert "UPDATE people" in change or "INSERT people" in change
    assert "UPDATE standups" in change
    assert len(replans) == 2
    assert all("INSERT time_off" not in t and "UPDATE people" not in t for t in replans)
    assert len(seen.committed) == 3


async def test_timezone_is_one_transaction_then_one_replan_per_standup(
    world: tuple[Team, Runtime], sqlite_engine: Engine
) -> None:
    """`timezone Europe/Berlin`: the person with the override and the re-plan requests in one
    transaction, then the two re-plans."""
    team, rt = world
    with counted(sqlite_engine) as seen:
        await personal.timezone(rt, _asker(team), ct.Timezone("Europe/Berlin"))
    change, *replans = seen.writing()
    assert {"UPDATE standups"} <= set(change)
    assert any(s.endswith("people") for s in change)
    assert len(replans) == 2
    assert len(seen.committed) == 3


async def test_skip_ahead_is_one_step_transaction_per_standup(
    world: tuple[Team, Runtime], sqlite_engine: Engine
) -> None:
    """`skip` before the prompt: per standup, the run and the conversation are created
    (get-or-create, both in one transaction) and the skip with its prompt claim is one step."""
    team, rt = world

    async def no_report(*_args: Any) -> None:
        return None

    conversations = Conversations(rt, no_report)
    with counted(sqlite_engine) as seen:
        await personal_steps.skip(rt, conversations, _asker(team), ct.Skip(WEDNESDAY))
    steps = [t for t in seen.writing() if t == ["UPDATE conversations"]]
    assert len(steps) == 2
    created = [t for t in seen.writing() if t == ["INSERT runs", "INSERT conversations"]]
    assert len(created) == 2
    assert len(seen.writing()) == 4
