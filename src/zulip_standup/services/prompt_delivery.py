"""Getting a person's prompt to them exactly once: sent by us, handed to Zulip, or lost.

A prompt job, a reminder and a restart all ask the same question (did the prompt reach
the person?), so the answer is computed here once.
"""

from __future__ import annotations

from zulip_standup.domain.scheduling.jobs import JobKey, JobKind
from zulip_standup.services.prompt_content import prompt_content
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.turns import Turn


async def prompt_text(rt: Runtime, turn: Turn, user_id: int) -> str:
    """The prompt this person gets for the turn's run (see ``prompt_content``)."""
    return await prompt_content(rt, turn.standup, turn.run.run_date, user_id)


async def handed_off(rt: Runtime, turn: Turn, user_id: int) -> bool:
    """True when this prompt was handed to Zulip ahead of time: Zulip delivers it."""
    key = JobKey(turn.standup.id, JobKind.PROMPT, turn.run.run_date, user_id)
    return await rt.db(rt.handoffs.scheduled_id_of, str(key)) is not None


async def send_prompt(rt: Runtime, turn: Turn, user_id: int, *, direct: bool = False) -> None:
    """Send the prompt, unless Zulip delivers it (``direct``: a held prompt, asked now)."""
    if not direct and await handed_off(rt, turn, user_id):
        return
    content = await prompt_text(rt, turn, user_id)
    message_id = await rt.chat.send_dm([user_id], content)
    await rt.db(rt.runs.save_conversation, turn.record.id, rt.now(), prompt_message_id=message_id)


async def prompt_lost(rt: Runtime, turn: Turn) -> bool:
    """True when the person is asked to answer but their prompt never reached them: no
    answer yet, no prompt message recorded, none handed to Zulip, none found in the DM."""
    user_id = turn.record.user_id
    state = turn.state
    if state.answered or state.current != 0 or turn.record.prompt_message_id is not None:
        return False
    if await handed_off(rt, turn, user_id):
        return False
    content = await prompt_text(rt, turn, user_id)
    found = await rt.chat.find_sent_dm([user_id], content)
    if found is not None:
        await rt.db(rt.runs.save_conversation, turn.record.id, rt.now(), prompt_message_id=found)
    return found is None
