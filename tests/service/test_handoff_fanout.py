"""Handing a fan-out to Zulip as scheduled messages: more prompts than one batch are all
handed off in one go (each full batch is followed at once by the next, not by the poll),
a few at a time, each exactly once."""

from __future__ import annotations

import asyncio

from service.harness import MONDAY, Team, utc
from zulip_standup.services.scheduled_prompts import ScheduledPrompts

POLL_S = 3600.0  # a poll the test would never live to see: only the batches may move it


async def test_a_fan_out_larger_than_a_batch_is_handed_off_without_waiting_for_a_poll() -> None:
    team = Team(utc(MONDAY, 8))
    await team.sets_up(team.lena)
    assert (await team.asks(team.lena, "config mode team")).startswith("Updated")
    assert "scheduled messages" in await team.asks(team.lena, "config scheduled-messages on")
    await team.at(utc(MONDAY, 9, 0))  # the 09:30 prompts fall within the hour's lead
    people = [team.lena, team.ann, team.ben, team.ravi, team.noa]
    handoffs = ScheduledPrompts(team.runtime, team.bot.conversations, batch=2)
    stop = asyncio.Event()
    running = asyncio.create_task(handoffs.run(stop, poll_seconds=POLL_S))
    try:
        async with asyncio.timeout(60):
            while len(handoffs.ledger) < len(people):  # noqa: ASYNC110 - no event to wait on
                await asyncio.sleep(0)
    finally:
        stop.set()
        await running
    assert len(team.chat.scheduled) == len(people)
    delivery = {s.deliver_at for s in team.chat.scheduled.values()}
    assert delivery == {int(utc(MONDAY, 9, 30).timestamp())}
    assert not [text for p in people for text in team.dms(p) if "Time for" in text]


async def test_a_rename_while_a_prompt_is_being_scheduled_hands_the_new_text_off() -> None:
    """The standup is renamed while Zulip is scheduling Lena's prompt with the old name:
    the hand-off is stale (its text predates the rename), so the next tick cancels it and
    hands off the prompt naming **frontend**."""
    team = Team(utc(MONDAY, 8))
    await team.sets_up(team.lena)
    assert "scheduled messages" in await team.asks(team.lena, "config scheduled-messages on")
    await team.at(utc(MONDAY, 9, 0))
    schedule = team.chat.schedule_dm
    renamed: list[str] = []
    texts: dict[int, str] = {}

    async def renamed_meanwhile(user_ids: list[int], content: str, deliver_at: int) -> int:
        if not renamed:
            team.clock.advance(1.0)
            renamed.append(await team.asks(team.lena, "rename frontend"))
        scheduled_id = await schedule(user_ids, content, deliver_at)
        texts[scheduled_id] = content
        return scheduled_id

    team.chat.schedule_dm = renamed_meanwhile  # type: ignore[method-assign]
    handoffs = ScheduledPrompts(team.runtime, team.bot.conversations)
    first = await handoffs.tick()
    assert first.handed_off == 1
    assert renamed[0].startswith("Renamed **")
    (old,) = team.chat.scheduled
    team.clock.advance(1.0)
    again = await handoffs.tick()
    assert (again.cancelled, again.handed_off) == (1, 1)
    (new,) = team.chat.scheduled
    assert new != old
    assert "**standup**" in texts[old]
    assert "**frontend**" in texts[new]
