"""A person's commands that step their own conversations: skip, restart, answer and change.

Each is one use case; each conversation it steps is one transaction (``Conversations.apply``).
Skipping or answering ahead claims the prompt in that same transaction, so the prompt job
finds it taken and no crash leaves a claimed prompt without its step.
"""

from __future__ import annotations

import datetime as dt

from zulip_standup.domain.commands import personal_texts
from zulip_standup.domain.commands import reply_texts as texts
from zulip_standup.domain.commands import types as ct
from zulip_standup.domain.conversation import texts as conversation_texts
from zulip_standup.domain.conversation.machine import (
    ChangeRequested,
    Phase,
    Prompted,
    Restart,
    SkipDay,
)
from zulip_standup.domain.errors import UserFacingError
from zulip_standup.domain.scheduling.schedule import is_run_date
from zulip_standup.domain.standup import Standup
from zulip_standup.services.access import Asker, standup_meant
from zulip_standup.services.answer_queue import held_notice
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.people import run_today
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.turns import Turn

_RESTARTABLE = frozenset({Phase.ASKING, Phase.DONE, Phase.SKIPPED})


async def skip(rt: Runtime, conversations: Conversations, asker: Asker, cmd: ct.Skip) -> str:
    """Skip a day in each of the person's standups that runs then (the conversation confirms
    each skip; the reply is empty then)."""
    user_id = asker.person.user_id
    skipped: list[str] = []
    for standup in await rt.db(rt.standups.of_participant, rt.realm_id, user_id):
        if not is_run_date(standup.settings.to_schedule(standup.id), cmd.date):
            continue
        turn = await conversations.load(standup, cmd.date, user_id)
        if turn.state.phase in {Phase.DONE, Phase.SKIPPED}:
            continue
        # A person who skips ahead is not prompted: the step claims the prompt.
        await conversations.apply(turn, SkipDay(), user_id, claim_prompt=True)
        skipped.append(standup.name)
    if not skipped:
        return personal_texts.nothing_to_skip(cmd.date)
    return ""


async def restart(rt: Runtime, conversations: Conversations, asker: Asker, cmd: ct.Restart) -> str:
    """Answer today's skipped or finished standup again (the conversation asks question 1)."""
    user_id = asker.person.user_id
    if cmd.standup is not None:
        mine = [await standup_meant(rt, asker, cmd.standup, "restart", manage=False)]
    else:
        mine = await rt.db(rt.standups.of_participant, rt.realm_id, user_id)
    found: list[Turn] = []
    for standup in mine:
        day = await run_today(rt, standup, user_id)
        if await rt.db(rt.runs.find_run, standup.id, day) is None:
            continue
        turn = await conversations.load(standup, day, user_id)
        if turn.state.phase in _RESTARTABLE:
            found.append(turn)
    if not found:
        return personal_texts.nothing_to_restart()
    if len(found) > 1:
        return personal_texts.restart_which([turn.standup.name for turn in found])
    await conversations.apply(found[0], Restart(), user_id)
    return ""


async def answer(rt: Runtime, conversations: Conversations, asker: Asker, cmd: ct.Answer) -> str:
    """Start the person's upcoming run now, ahead of the prompt (the prompt job then does
    nothing); while they answer another standup, it waits its turn like a prompt would."""
    person = asker.person
    standup = await standup_meant(rt, asker, cmd.standup, "answer", manage=False)
    members = await rt.db(rt.standups.participants, standup.id)
    if person.user_id not in {m.user_id for m in members}:
        raise UserFacingError(personal_texts.not_taking_part(standup.name, person.full_name))
    day = _answer_date(standup, await run_today(rt, standup, person.user_id))
    if day is None:
        return texts.answer_nothing_open(standup.name)
    turn = await conversations.load(standup, day, person.user_id)
    claim = turn.state.phase is Phase.PENDING
    notice = await held_notice(rt, standup, day, person.user_id) if claim else None
    if notice is not None:
        # Held behind the standup being answered: the claim is all there is to store.
        await rt.db(rt.runs.claim_prompt, turn.record.id, rt.now())
        await conversations.tell_held(standup, person.user_id, notice)
        return ""  # the notice says it waits for the standup being answered
    # Sent now even when handed to Zulip for later: that scheduled prompt is then cancelled.
    state = await conversations.apply(
        turn, Prompted(), person.user_id, direct_prompt=True, claim_prompt=claim
    )
    if state.phase is Phase.DONE:  # nothing to ask: say so rather than stay silent
        return conversation_texts.already_done_text(standup.name)
    if state.phase is Phase.SKIPPED:
        return conversation_texts.already_skipped_text(standup.name)
    return ""


def _answer_date(standup: Standup, today: dt.date) -> dt.date | None:
    """The run to answer: the person's run today if there is one, else the next within a week."""
    schedule = standup.settings.to_schedule(standup.id)
    for offset in range(8):
        candidate = today + dt.timedelta(days=offset)
        if is_run_date(schedule, candidate):
            return candidate
    return None


async def change(rt: Runtime, conversations: Conversations, asker: Asker, cmd: ct.Change) -> str:
    """``change N text`` outside an open conversation: fix today's (or the latest) answer."""
    user_id, message_id = asker.person.user_id, asker.message_id
    assert message_id is not None, "`change` arrives in a message"
    for standup in await rt.db(rt.standups.of_participant, rt.realm_id, user_id):
        day = await run_today(rt, standup, user_id)
        if await rt.db(rt.runs.find_run, standup.id, day) is None:
            continue
        turn = await conversations.load(standup, day, user_id)
        if turn.state.phase is Phase.PENDING:
            continue
        await conversations.apply(turn, ChangeRequested(cmd.number, cmd.text, message_id), user_id)
        return ""
    return personal_texts.nothing_to_change()
