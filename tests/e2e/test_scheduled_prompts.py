"""`config scheduled-messages on`: prompts handed to Zulip ahead of time, delivered on the minute.

localzulip runs on a virtual clock here (the ``zulip`` fixture is overridden)
so that its scheduled-message delivery and the bot's scheduling clock move
together when the test steps time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator

import pytest

from localzulip import LocalZulip, ServerConfig, VirtualClock
from localzulip.models import Message

from .harness import COMPLETION_BOUND_S, SteppedClock, running_bot, settle, wait_for

# Monday 30 Nov 2026, 03:00 UTC = 08:30 in Kolkata; Carol's prompt is at 09:30 there.
START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)
PROMPT_AT = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def zulip() -> Iterator[LocalZulip]:
    """The sample realm on a virtual clock the test moves with the bot's."""
    clock = VirtualClock(start=START.timestamp())
    config = ServerConfig(heartbeat_seconds=1.0, queue_timeout_seconds=86400)
    with LocalZulip(clock=clock, config=config) as server:
        yield server


def _step(zulip: LocalZulip, clock: SteppedClock, instant: dt.datetime) -> None:
    clock.set(instant)
    zulip.virtual_clock.set_time(instant.timestamp())


def _scheduled_for(zulip: LocalZulip, user_id: int) -> list[int]:
    return zulip.call(
        lambda: [
            sm.scheduled_message_id
            for sm in zulip.realm.scheduled.values()
            if sm.to in ([user_id], user_id)
        ]
    )


async def _eventually(check: object, within: float = COMPLETION_BOUND_S) -> None:
    assert callable(check)
    for _ in range(int(within / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    assert check()


def _is_prompt_to(zulip: LocalZulip, user_id: int) -> object:
    def check(m: Message) -> bool:
        return (
            m.sender_id == zulip.bot.user_id
            and user_id in m.dm_user_ids
            and "Time for" in m.content
        )

    return check


async def _set_up(zulip: LocalZulip) -> None:
    alice = zulip.human("alice")
    alice.send_stream("standup", "general", "@**Standup** setup")
    await wait_for(zulip, lambda m: m.sender_id == zulip.bot.user_id and "is set up" in m.content)
    alice.send_stream("standup", "general", "@**Standup** config scheduled-messages on")
    await wait_for(
        zulip,
        lambda m: m.sender_id == zulip.bot.user_id and "scheduled messages" in m.content,
    )


async def test_prompt_is_scheduled_and_delivered_on_time(
    zulip: LocalZulip, database_url: str
) -> None:
    clock = SteppedClock(START)
    carol = zulip.human("carol")
    async with running_bot(zulip, database_url, clock) as bot:
        await _set_up(zulip)
        _step(zulip, clock, PROMPT_AT - dt.timedelta(minutes=20))
        await _eventually(lambda: len(_scheduled_for(zulip, carol.user.user_id)) == 1)
        (sid,) = _scheduled_for(zulip, carol.user.user_id)
        scheduled = zulip.call(lambda: zulip.realm.scheduled[sid])
        assert scheduled.scheduled_delivery_timestamp == int(PROMPT_AT.timestamp())
        assert "Time for" in scheduled.content
        # Nothing has been sent to Carol yet.
        assert not [m for m in zulip.dms("carol", "bot") if "Time for" in m.content]

        _step(zulip, clock, PROMPT_AT)
        await settle(bot)
        prompt = await wait_for(zulip, _is_prompt_to(zulip, carol.user.user_id))  # type: ignore[arg-type]
        assert prompt.timestamp == int(PROMPT_AT.timestamp())
        await settle(bot)
        prompts = [m for m in zulip.dms("carol", "bot") if "Time for" in m.content]
        assert len(prompts) == 1, "the prompt job must not send the delivered prompt again"
        # The conversation is open: Carol's answer is taken and question 2 follows.
        carol.dm_bot("Fixed the login bug")
        await wait_for(zulip, lambda m: "Question 2 of 3" in m.content)


async def test_time_off_cancels_the_scheduled_prompt(zulip: LocalZulip, database_url: str) -> None:
    clock = SteppedClock(START)
    carol = zulip.human("carol")
    async with running_bot(zulip, database_url, clock) as bot:
        await _set_up(zulip)
        _step(zulip, clock, PROMPT_AT - dt.timedelta(minutes=20))
        await _eventually(lambda: len(_scheduled_for(zulip, carol.user.user_id)) == 1)
        carol.dm_bot("away today")
        await wait_for(
            zulip,
            lambda m: m.sender_id == zulip.bot.user_id and carol.user.user_id in m.dm_user_ids,
        )
        await _eventually(lambda: not _scheduled_for(zulip, carol.user.user_id))
        _step(zulip, clock, PROMPT_AT + dt.timedelta(minutes=1))
        await settle(bot)
        assert not [m for m in zulip.dms("carol", "bot") if "Time for" in m.content]


async def test_answering_ahead_cancels_the_scheduled_prompt(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol's prompt is handed to Zulip; twenty minutes before it she sends `answer` and
    answers. The scheduled prompt is cancelled: she does not get it again at 09:30."""
    clock = SteppedClock(START)
    carol = zulip.human("carol")
    async with running_bot(zulip, database_url, clock) as bot:
        await _set_up(zulip)
        _step(zulip, clock, PROMPT_AT - dt.timedelta(minutes=20))
        await _eventually(lambda: len(_scheduled_for(zulip, carol.user.user_id)) == 1)
        carol.dm_bot("answer")
        await wait_for(zulip, _is_prompt_to(zulip, carol.user.user_id))  # type: ignore[arg-type]
        carol.dm_bot("1. Fixed the login bug\n2. Release notes\n3. none")
        await wait_for(zulip, lambda m: m.content.startswith("Thanks! Your **standup** answers"))
        await _eventually(lambda: not _scheduled_for(zulip, carol.user.user_id))
        _step(zulip, clock, PROMPT_AT + dt.timedelta(minutes=1))
        await settle(bot)
        prompts = [m for m in zulip.dms("carol", "bot") if "Time for" in m.content]
        assert len(prompts) == 1, "only the prompt `answer` started; the scheduled one is gone"


async def test_a_rename_hands_the_prompt_off_again_with_the_new_name(
    zulip: LocalZulip, database_url: str
) -> None:
    """Carol's prompt is handed to Zulip naming **standup**; Alice renames the standup to
    `frontend`. The scheduled message with the old name is cancelled and a new one, naming
    **frontend**, takes its place for the same minute: Carol gets one prompt, with the new name."""
    clock = SteppedClock(START)
    carol = zulip.human("carol")
    alice = zulip.human("alice")
    async with running_bot(zulip, database_url, clock) as bot:
        await _set_up(zulip)
        _step(zulip, clock, PROMPT_AT - dt.timedelta(minutes=20))
        await _eventually(lambda: len(_scheduled_for(zulip, carol.user.user_id)) == 1)
        (old,) = _scheduled_for(zulip, carol.user.user_id)
        assert "**standup**" in zulip.call(lambda: zulip.realm.scheduled[old].content)
        _step(zulip, clock, PROMPT_AT - dt.timedelta(minutes=19))  # the rename comes later
        alice.send_stream("standup", "general", "@**Standup** rename frontend")
        await wait_for(
            zulip,
            lambda m: m.sender_id == zulip.bot.user_id and m.content.startswith("Renamed **"),
        )

        def handed_again() -> bool:
            ids = _scheduled_for(zulip, carol.user.user_id)
            return len(ids) == 1 and ids[0] != old

        await _eventually(handed_again)
        (new,) = _scheduled_for(zulip, carol.user.user_id)
        scheduled = zulip.call(lambda: zulip.realm.scheduled[new])
        assert "**frontend**" in scheduled.content
        assert scheduled.scheduled_delivery_timestamp == int(PROMPT_AT.timestamp())
        _step(zulip, clock, PROMPT_AT + dt.timedelta(minutes=1))
        await settle(bot)
        prompts = [m.content for m in zulip.dms("carol", "bot") if "Time for" in m.content]
        assert len(prompts) == 1, prompts
        assert "**frontend**" in prompts[0]
