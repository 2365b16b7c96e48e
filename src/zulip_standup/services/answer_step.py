"""An answer to an open question: read, stepped and stored in one transaction.

Routing's rule picks the question a DM answers (``QuestionPick``, pure) from the person's
open questions; those are read in the same transaction that stores the answer, the
conversation's state and the message as handled (``RunRepository.answer_step``), so an
answer costs one transaction of four statements. The standup, the person's zones and time
off come from what the serving process keeps (``services.standup_cache``). The step's chat
effects follow the commit (``Conversations.carry_out``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from zulip_standup.domain.chat import IncomingMessage
from zulip_standup.domain.conversation.machine import MessageReceived
from zulip_standup.domain.records import OpenConversation, StepWrite
from zulip_standup.services.answer_queue import takes_answers
from zulip_standup.services.conversations import Conversations
from zulip_standup.services.people import participant_of
from zulip_standup.services.runtime import Runtime
from zulip_standup.services.turns import Stepped, Turn, state_of, stepped


@dataclass(frozen=True)
class OpenQuestion:
    """A conversation of the person that still waits for an answer, loaded to take one."""

    turn: Turn  # its standup, run and state, as the answer step takes them
    number: int  # the question waiting, 1-based
    total: int


# Routing's rule: of the person's open questions (newest run first), the one the message
# answers, or None.
QuestionPick = Callable[[list[OpenQuestion]], OpenQuestion | None]


def open_questions_of(found: list[OpenConversation], today: dt.date) -> list[OpenQuestion]:
    """The open conversations that still take answers, newest run first; an unfinished one
    takes late answers for a while after its date (``takes_answers``)."""
    questions = []
    for open_one in found:
        standup, record = open_one.standup, open_one.record
        if not takes_answers(open_one.run.run_date, today):
            continue
        total = len(standup.settings.questions)
        number = min(record.question_index + 1, total)
        turn = Turn(standup, open_one.run, record, state_of(standup, record))
        questions.append(OpenQuestion(turn, number, total))
    return questions


async def take_answer(
    rt: Runtime,
    conversations: Conversations,
    message: IncomingMessage,
    today: dt.date,
    pick: QuestionPick,
) -> tuple[list[OpenQuestion], bool]:
    """The person's open questions, and whether the message was taken as the answer to one
    (stored with its step, or found handled before: either way the message is settled)."""
    user_id = message.sender_id
    participant = await participant_of(rt, user_id)
    now = rt.now()
    seen: list[OpenQuestion] = []
    taken: list[tuple[OpenQuestion, Stepped]] = []

    def plan(found: list[OpenConversation]) -> StepWrite | None:
        seen[:] = open_questions_of(found, today)
        question = pick(seen)
        if question is None:
            return None
        event = MessageReceived(message.content, message.message_id)
        done = stepped(question.turn, event, participant, now)
        taken[:] = [(question, done)]
        return StepWrite(question.turn.record.id, done.state, done.new_answers, done.completed_at)

    step = await rt.db(
        rt.runs.answer_step, rt.realm_id, user_id, (rt.realm_id, message.message_id), now, plan
    )
    if step.stored is None:
        return seen, False
    ((question, done),) = taken
    await conversations.carry_out(
        question.turn, done, user_id, committed=step.stored, message_id=message.message_id
    )
    return seen, True
