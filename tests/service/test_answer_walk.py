"""The walk of one DM answer through the bot (listed in ``zulip_standup.routing``'s docstring):
from the event to the stored answer and the channel post, each module of the walk is entered
once, in order. Traced with ``sys.setprofile`` over the package on the service tier (storage
runs in worker threads and is not traced here; leaf helpers such as ``services.people`` or
``services.turns`` are called from several steps and are not part of the walk).
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import zulip_standup
from service.harness import MONDAY, Team, utc
from zulip_standup.domain.chat import IncomingMessage

PACKAGE = str(Path(zulip_standup.__file__).parent)
# The modules one answer walks through; the rest are helpers and adapters.
WALK = {
    "routing",
    "services.intake",
    "services.bot",
    "services.answer_step",
    "services.conversations",
    "services.reporting",
}


@dataclass(frozen=True)
class Entry:
    """A call into a module of the walk from outside it."""

    module: str
    function: str


def _module(frame: FrameType | None) -> str | None:
    """The package module running in ``frame`` or the nearest frame below it, if any."""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(PACKAGE + "/"):
            return name[len(PACKAGE) + 1 : -len(".py")].replace("/", ".")
        frame = frame.f_back
    return None


async def walk_of(deliver: Callable[[], Awaitable[None]]) -> list[Entry]:
    """The entries into the walk's modules while ``deliver`` runs, in call order (a coroutine
    resumed after an await is the same call, not a new one)."""
    seen: list[FrameType] = []  # kept alive, so that a frame's identity stays unique
    entries: list[Entry] = []

    def profile(frame: FrameType, event: str, _arg: Any) -> None:
        if event != "call" or any(f is frame for f in seen):
            return
        seen.append(frame)
        module = _module(frame)
        if module in WALK and _module(frame.f_back) != module:
            entries.append(Entry(module, frame.f_code.co_qualname))

    sys.setprofile(profile)
    try:
        await deliver()
    finally:
        sys.setprofile(None)
    return entries


async def test_one_answer_enters_each_module_of_the_walk_once(team: Team) -> None:
    """Ann's last answer: recorded in the inbox, routed, her open question read, stepped and
    stored with the mark that it is handled in one transaction, her report posted in #team."""
    await team.sets_up(team.lena)
    await team.at(utc(MONDAY, 8, 30))
    await team.says(team.ann, "Reviewed the payments PR")
    await team.says(team.ann, "Ship the 2.4 release")
    team.chat.now = int(team.clock.now().timestamp())
    message: IncomingMessage = team.chat.person_sends(team.ann.user_id, "none")

    walk = await walk_of(lambda: team.deliver(message))

    assert walk == [
        Entry("services.intake", "MessageIntake.received"),
        Entry("routing", "StandupBot.handle_event"),
        Entry("services.intake", "MessageIntake.handle"),
        Entry("routing", "StandupBot._message"),
        Entry("services.bot", "BotServices.scene"),
        Entry("services.answer_step", "take_answer"),
        Entry("services.conversations", "Conversations.carry_out"),
        Entry("services.reporting", "Reporter.person_finished"),
    ]
    stored = team.storage.runs.answers_from_message(team.realm_id, message.message_id)
    assert [a.text for a in stored] == ["none"]
    (report,) = team.channel(team.team_channel, "standup 2026-11-30")
    assert report.content.startswith("@_**Ann Archer|11**")
    assert team.storage.inbox.is_finished(team.realm_id, message.message_id)
