"""One conversation at a time per person: which one takes their replies, and which is next.

A person in two standups (say #standup and #leads) answers them one after the
other. While a conversation is asking, a prompt of another standup is held (the
person is told it waits) and asked, in full, when the first is done or skipped;
a conversation another one interrupted is re-asked when that one ends. The rules
read the conversations as storage keeps them: ``asking`` ones take replies, the
newest run first; a held one is ``pending`` with its prompt claimed but not sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zulip_standup.domain.conversation import texts
from zulip_standup.domain.standup import Standup
from zulip_standup.services.runtime import Runtime

# An unfinished conversation takes late answers for this long after its run date; after
# that, the person's messages are commands again.
OPEN_CONVERSATION_DAYS = dt.timedelta(days=1)


def takes_answers(run_date: dt.date, today: dt.date) -> bool:
    """Whether an unfinished conversation of that run date still takes the person's replies."""
    return run_date >= today - OPEN_CONVERSATION_DAYS


async def answering(
    rt: Runtime, user_id: int, today: dt.date, *, other_than: int | None = None
) -> tuple[Standup, dt.date] | None:
    """The conversation the person's next reply goes to (skipping standup ``other_than``)."""
    for _record, standup_id, run_date in await rt.db(
        rt.runs.open_conversations, rt.realm_id, user_id
    ):
        if standup_id == other_than or not takes_answers(run_date, today):
            continue
        standup = await rt.db(rt.standups.get, standup_id)
        if standup is not None:
            return standup, run_date
    return None


async def next_waiting(rt: Runtime, user_id: int, today: dt.date) -> tuple[Standup, dt.date] | None:
    """The held conversation to ask next, first held first."""
    for _record, standup_id, run_date in await rt.db(
        rt.runs.waiting_conversations, rt.realm_id, user_id
    ):
        if not takes_answers(run_date, today):
            continue
        standup = await rt.db(rt.standups.get, standup_id)
        if standup is not None:
            return standup, run_date
    return None


async def held_notice(rt: Runtime, standup: Standup, run_date: dt.date, user_id: int) -> str | None:
    """The notice for a prompt that must wait while the person answers another standup of
    the same day, or None when nothing else takes their replies (the prompt goes out now).
    An earlier day's conversation left unfinished never holds a new day's prompt: the new
    prompt is what the person reads last, so it takes their replies (newest run first)."""
    busy = await answering(rt, user_id, run_date, other_than=standup.id)
    if busy is None or busy[1] < run_date:
        return None
    other, _ = busy
    return texts.prompt_held_text(
        standup=standup.name,
        channel=standup.stream_name,
        day=run_date,
        busy_standup=other.name,
        busy_channel=other.stream_name,
    )


@dataclass(frozen=True, slots=True)
class Next:
    """What to ask after a conversation ends: an interrupted one's open question again
    (``resume``), or a held prompt in full."""

    standup: Standup
    run_date: dt.date
    resume: bool


async def next_after(rt: Runtime, user_id: int, today: dt.date) -> Next | None:
    """The conversation the person continues with once the one they answered has ended."""
    busy = await answering(rt, user_id, today)
    if busy is not None:
        return Next(*busy, resume=True)
    waiting = await next_waiting(rt, user_id, today)
    return None if waiting is None else Next(*waiting, resume=False)
