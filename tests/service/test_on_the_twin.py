"""The bot's own use cases on the in-memory storage twin and the fake chat: a lead sets up a
standup, a member is prompted at 09:30 and answers, and the channel gets the report. No
database, no HTTP: this is what the service tier builds on."""

from __future__ import annotations

import datetime as dt

from service.fake_chat import BOT_ID, FakeChat
from zulip_standup.charts import MatplotlibCharts
from zulip_standup.clock import FakeClock
from zulip_standup.domain.chat import Channel, Person, ServerInfo
from zulip_standup.http.metrics import Metrics
from zulip_standup.llm.openai_compat import AISummariser
from zulip_standup.services.bot import StandupBot
from zulip_standup.services.directory import Directory
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.scheduler import Planner, Worker
from zulip_standup.storage.memory import MemoryStorage

START = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)  # Monday 09:00 in Berlin
LEAD, ANN = 10, 11
TEAM = Channel(5, "team", invite_only=False)


async def test_setup_prompt_answer_and_report_on_the_twin() -> None:
    """Lena (admin) types `@**Standup** setup` in #team; at 09:30 Berlin Ann gets the first
    question, answers all three at once, gets her recap, and #team shows her answers; the
    twin holds exactly what she typed."""
    people = [
        Person(BOT_ID, "Standup", "bot@example.org", "UTC", 400, is_bot=True, is_active=True),
        Person(LEAD, "Lena Lead", "lena@example.org", "Europe/Berlin", 200, False, True),
        Person(ANN, "Ann Member", "ann@example.org", "Europe/Berlin", 400, False, True),
    ]
    chat = FakeChat(people, {TEAM: [LEAD, ANN]})
    clock = FakeClock(START)
    storage = MemoryStorage()
    realm = storage.standups.realm_id("https://chat.example.org", "bot@example.org", BOT_ID, START)
    planner = Planner(clock, storage.jobs, storage.schedules)
    runtime = Runtime(
        clock=clock,
        chat=chat,
        standups=storage.standups,
        runs=storage.runs,
        directory=Directory(people),
        planner=planner,
        schedules=storage.schedules,
        metrics=Metrics(),
        server=ServerInfo(BOT_ID, "Standup", "bot@example.org", 247, "9.0"),
        realm_id=realm,
        inbox=storage.inbox,
        handoffs=storage.handoffs,
        is_transient=lambda _exc: False,
        summariser=AISummariser(None),
        charts=MatplotlibCharts(),
    )
    bot = StandupBot(runtime)
    worker = Worker(clock, storage.jobs, bot.handle_job, realm_id=realm)

    def now_on_the_wire() -> None:
        chat.now = int(clock.now().timestamp())

    now_on_the_wire()
    await bot.handle_event(
        chat.person_sends(LEAD, "@**Standup** setup", stream_id=TEAM.stream_id, topic="setup")
    )
    (setup_reply,) = [m.content for m in chat.channel_posts(TEAM.stream_id, "setup")]
    assert "is set up in #**team**" in setup_reply
    assert "Ann Member" in setup_reply
    (standup,) = storage.standups.in_channel(realm, TEAM.stream_id)

    await planner.tick()
    clock.set(dt.datetime(2026, 11, 30, 8, 29, tzinfo=dt.UTC))
    await worker.tick()
    assert chat.dms_from_bot(ANN) == []
    clock.set(dt.datetime(2026, 11, 30, 8, 30, tzinfo=dt.UTC))
    await worker.tick()
    (prompt,) = chat.dms_from_bot(ANN)
    assert "Question 1 of 3" in prompt

    now_on_the_wire()
    await bot.handle_event(
        chat.person_sends(ANN, "1. wrote the twin\n2. the contract suite\n3. nothing")
    )
    recap = chat.dms_from_bot(ANN)[-1]
    assert recap.startswith("Thanks! Your **standup** answers")
    run = storage.runs.find_run(standup.id, dt.date(2026, 11, 30))
    assert run is not None
    assert [a.text for a in storage.runs.answers_of(run.id, ANN)] == [
        "wrote the twin",
        "the contract suite",
        "nothing",
    ]
    posted = "\n".join(m.content for m in chat.channel_posts(TEAM.stream_id))
    assert "wrote the twin" in posted
    assert "the contract suite" in posted
