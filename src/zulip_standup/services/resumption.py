"""After a restart: re-send what a crash swallowed between a stored step and its messages.

A step is committed before its messages go out, so a crash can lose a question or a
report but never an answer; this module finds and re-sends what is missing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from zulip_standup.domain.conversation import texts
from zulip_standup.domain.conversation.machine import Phase
from zulip_standup.domain.records import RunRecord
from zulip_standup.domain.standup import Standup
from zulip_standup.services.prompt_delivery import prompt_lost, send_prompt
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.turns import Turn, state_of

log = logging.getLogger(__name__)

RESUME_WINDOW = dt.timedelta(minutes=30)

MissingReportHook = Callable[[Standup, RunRecord, int], Awaitable[None]]


async def resume(rt: Runtime, report_missing: MissingReportHook) -> int:
    """Re-send what a crash may have swallowed (a question never sent, a report missing);
    return how many went out. Only conversations changed shortly before the start are
    looked at, so a restart costs no request per participant; older ones are left to the
    reminders."""
    resent = 0
    changed = await rt.db(
        rt.runs.recently_changed_conversations, rt.realm_id, rt.now() - RESUME_WINDOW
    )
    standups: dict[int, Standup | None] = {}
    for record, standup_id, run in changed:
        if standup_id not in standups:
            standups[standup_id] = await rt.db(rt.standups.get, standup_id)
        standup = standups[standup_id]
        if standup is not None:
            turn = Turn(standup, run, record, state_of(standup, record))
            resent += await resume_one(rt, turn, report_missing)
    if resent:
        log.info("conversations_resumed", extra={"messages": resent})
    return resent


async def resume_one(rt: Runtime, turn: Turn, report_missing: MissingReportHook) -> int:
    """Re-send what this one conversation is missing; return how many messages went out."""
    state, user_id = turn.state, turn.record.user_id
    if state.phase is Phase.DONE and turn.record.report_posted_at is None:
        await report_missing(turn.standup, turn.run, user_id)
        return 1
    if state.phase is not Phase.ASKING or turn.record.state is not Phase.ASKING:
        return 0  # not asking, or closed as missed when a newer run started
    questions = turn.standup.settings.questions
    if not state.answered and state.current == 0:
        if not await prompt_lost(rt, turn):
            return 0
        await send_prompt(rt, turn, user_id)
        return 1
    last_answer = max((mid for mid, _ in state.sources), default=0)
    index = state.current
    content = texts.question_text(index + 1, len(questions), questions[index].text)
    if await rt.chat.find_sent_dm([user_id], content, after_id=last_answer) is None:
        await rt.chat.send_dm([user_id], content)
        return 1
    return 0
