"""The answer conversation of one participant in one run, as a pure persisted state machine.

``step(state, event, context)`` returns the new state and the effects the
app performs, in order. The state is small and JSON-able (``as_dict`` /
``from_dict``) so a restart resumes exactly. Rules:

* ``pending`` → ``asking`` on ``Prompted`` (or any message: the prompt is sent
  first, unless the message already answers every question at once).
* While ``asking``, each message is stored as the answer to the current
  question and the next unanswered one is asked; the first message may answer
  all questions at once (see ``answer_parsing``). When every question is
  answered the flow is ``done``: recap, then the report is posted (or updated
  when it was posted before).
* ``Absent(reason)`` turns a conversation not started yet into ``absent``
  (time off, public holiday, Zulip away: not asked that day); ``RunClosed``
  turns a pending or asking one into ``missed`` when the person's next run
  starts. Both stop taking answers until the person starts over (``answer``,
  ``restart``, or a message sent on purpose), which asks from the first question.
* The words ``skip``, ``back``, ``restart`` and ``change <n> <text>`` control
  the flow, unless the message starts with the answer mark ``>`` (then it is
  an answer, stored without the mark); the app may also send the events directly.
* An edit of a message that was stored as an answer updates that answer and
  is acknowledged with a reaction; answers stored after the cutoff make the
  run ``late`` (with a one-time notice). Every state accepts every event.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

from zulip_standup.domain.conversation import texts
from zulip_standup.domain.conversation.answers import is_marked, split_answers, unmarked
from zulip_standup.domain.conversation.events import (
    Absent,
    AnswerEdited,
    AskQuestion,
    Back,
    ChangeRequested,
    CutoffPassed,
    Effect,
    Event,
    MarkSkipped,
    MessageReceived,
    PostReport,
    Prompted,
    React,
    ReminderDue,
    Restart,
    RunClosed,
    SendPrompt,
    SendRecap,
    SendReminder,
    SendText,
    SkipDay,
    StoreAnswer,
    UpdateReport,
)
from zulip_standup.domain.conversation.state import Absence, ConversationState, Phase
from zulip_standup.domain.emoji import CHANGED, EDITED, PROBLEM
from zulip_standup.domain.limits import MAX_MESSAGE_CHARS

__all__ = [
    "CHANGE_EMOJI",
    "EDIT_EMOJI",
    "PROBLEM_EMOJI",
    "Absence",
    "Absent",
    "AnswerEdited",
    "AskQuestion",
    "Back",
    "ChangeRequested",
    "ConversationContext",
    "ConversationState",
    "CutoffPassed",
    "Effect",
    "Event",
    "MarkSkipped",
    "MessageReceived",
    "Phase",
    "PostReport",
    "Prompted",
    "React",
    "ReminderDue",
    "Restart",
    "RunClosed",
    "SendPrompt",
    "SendRecap",
    "SendReminder",
    "SendText",
    "SkipDay",
    "StoreAnswer",
    "UpdateReport",
    "classify_message",
    "step",
]

EDIT_EMOJI = EDITED.name
CHANGE_EMOJI = CHANGED.name
PROBLEM_EMOJI = PROBLEM.name
_CHANGE_RE = re.compile(r"\s*change\s+[#q]?(\d{1,2})[.:)]?\s+(\S.*)", re.IGNORECASE | re.DOTALL)
_SKIP_WORDS = frozenset({"skip", "skip today", "/skip"})
_BACK_WORDS = frozenset({"back", "previous", "prev", "go back", "/back"})
_RESTART_WORDS = frozenset({"restart", "start over", "/restart"})


@dataclass(frozen=True, slots=True)
class ConversationContext:
    """What the texts need to know about the run; not persisted with the state."""

    standup: str
    day: dt.date
    max_answer_chars: int = MAX_MESSAGE_CHARS
    report_out: bool = True  # False while the run's digest is due but not posted yet


@dataclass(frozen=True, slots=True)
class _Result:
    state: ConversationState
    effects: tuple[Effect, ...] = field(default_factory=tuple)

    def then(self, *effects: Effect) -> _Result:
        return _Result(self.state, (*self.effects, *effects))


def classify_message(text: str, message_id: int) -> Event:
    """Turn a control word (skip, back, restart, change N text) into its event; a message
    with the answer mark is an answer, whatever it says."""
    if is_marked(text):
        return MessageReceived(unmarked(text), message_id)
    change = _CHANGE_RE.fullmatch(text)
    if change is not None:
        return ChangeRequested(int(change[1]), change[2].strip(), message_id)
    word = " ".join(text.lower().split()).rstrip(".!")
    if word in _SKIP_WORDS:
        return SkipDay()
    if word in _BACK_WORDS:
        return Back()
    if word in _RESTART_WORDS:
        return Restart()
    return MessageReceived(text, message_id)


def step(
    state: ConversationState, event: Event, context: ConversationContext
) -> tuple[ConversationState, tuple[Effect, ...]]:
    """Apply one event; never raises for a valid state."""
    if isinstance(event, MessageReceived):
        event = classify_message(event.text, event.message_id)
    match event:
        case Prompted():
            result = _prompted(state)
        case ReminderDue():
            result = _reminder(state)
        case MessageReceived():
            result = _message(state, event, context)
        case AnswerEdited():
            result = _edited(state, event, context)
        case ChangeRequested():
            result = _change(state, event, context)
        case SkipDay():
            result = _skip(state, context)
        case Back():
            result = _back(state, context)
        case Restart():
            result = _restart(state)
        case CutoffPassed():
            result = _Result(replace(state, cutoff_passed=True))
        case Absent(reason=reason):
            result = _absent(state, reason)
        case RunClosed():
            result = _run_closed(state)
    return result.state, result.effects


_NOT_STARTED = frozenset({Phase.PENDING, Phase.ABSENT, Phase.MISSED})


def _start(state: ConversationState) -> _Result:
    return _Result(_fresh(state), (SendPrompt(),))


def _fresh(state: ConversationState) -> ConversationState:
    """Asking from the first question, with nothing answered (also after absent or missed)."""
    return replace(
        state,
        phase=Phase.ASKING,
        current=0,
        answered=frozenset(),
        sources=(),
        at_once=frozenset(),
        absence=None,
    )


def _absent(state: ConversationState, reason: Absence) -> _Result:
    """Not asked that day: only a conversation not yet started becomes absent."""
    if state.phase is Phase.PENDING:
        return _Result(replace(state, phase=Phase.ABSENT, absence=reason))
    return _Result(state)


def _run_closed(state: ConversationState) -> _Result:
    """A newer run started: an unfinished conversation stops taking answers."""
    if state.phase in {Phase.PENDING, Phase.ASKING}:
        return _Result(replace(state, phase=Phase.MISSED, current=0))
    return _Result(state)


def _prompted(state: ConversationState) -> _Result:
    if state.phase in _NOT_STARTED:
        return _start(state)  # absent or missed: only when the person asks to answer
    if state.phase is Phase.ASKING:
        return _Result(state, (AskQuestion(state.current),))
    return _Result(state)


def _reminder(state: ConversationState) -> _Result:
    if state.phase is Phase.ASKING:
        return _Result(state, (SendReminder(state.current),))
    return _Result(state)


def _store(
    state: ConversationState,
    answers: dict[int, str],
    message_id: int | None,
    *,
    edited: bool,
    ctx: ConversationContext,
) -> _Result:
    """Store answers; a later source of an answer wins for edits; after the cutoff it is late."""
    replaced = set(answers)
    sources = tuple(
        (mid, kept)
        for mid, indexes in state.sources
        if mid != message_id and (kept := tuple(i for i in indexes if i not in replaced))
    )
    if message_id is not None:
        sources = (*sources, (message_id, tuple(sorted(answers))))
    effects: list[Effect] = [
        StoreAnswer(index, text, message_id, edited or index in state.answered)
        for index, text in sorted(answers.items())
    ]
    late = state.late
    if state.cutoff_passed and not state.late and state.phase is not Phase.DONE:
        late = True
        effects.append(SendText(texts.late_notice_text(ctx.standup, report_out=ctx.report_out)))
    new = replace(state, answered=state.answered | set(answers), sources=sources, late=late)
    return _Result(new, tuple(effects))


def _advance(result: _Result) -> _Result:
    """Ask the next unanswered question after the current one, or finish."""
    state = result.state
    count = state.question_count
    order = [(state.current + offset) % count for offset in range(1, count + 1)]
    pending = [index for index in order if index not in state.answered]
    if pending:
        return _Result(replace(state, current=pending[0]), result.effects).then(
            AskQuestion(pending[0])
        )
    return _finish(result)


def _finish(result: _Result) -> _Result:
    state = result.state
    report: Effect = UpdateReport() if state.reported else PostReport(late=state.late)
    done = replace(state, phase=Phase.DONE, reported=True)
    return _Result(done, result.effects).then(SendRecap(), report)


def _message(state: ConversationState, event: MessageReceived, ctx: ConversationContext) -> _Result:
    text = event.text
    if state.phase is Phase.DONE:
        return _Result(state, (SendText(texts.already_done_text(ctx.standup)),))
    if state.phase is Phase.SKIPPED:
        return _Result(state, (SendText(texts.already_skipped_text(ctx.standup)),))
    if len(text) > ctx.max_answer_chars:
        return _Result(
            state, (SendText(texts.answer_too_long_text(len(text), ctx.max_answer_chars)),)
        )
    not_started = state.phase in _NOT_STARTED
    nothing_yet = not_started or (not state.answered and state.current == 0)
    at_once = split_answers(text, state.question_count) if nothing_yet else None
    if at_once is not None:
        base = _fresh(state) if not_started else state
        asking = replace(base, at_once=base.at_once | {event.message_id})
        return _finish(
            _store(asking, dict(enumerate(at_once)), event.message_id, edited=False, ctx=ctx)
        )
    if not_started:
        return _start(state)
    stored = _store(state, {state.current: text.strip()}, event.message_id, edited=False, ctx=ctx)
    return _advance(stored)


def _edited(state: ConversationState, event: AnswerEdited, ctx: ConversationContext) -> _Result:
    indexes = state.indexes_of(event.message_id)
    # A missed conversation keeps its partial answers, and an edit of one still updates it.
    if not indexes or state.phase in {Phase.PENDING, Phase.ABSENT, Phase.SKIPPED}:
        return _Result(state)
    text = unmarked(event.text)
    if len(text) > ctx.max_answer_chars:
        notice = texts.answer_too_long_text(len(text), ctx.max_answer_chars)
        return _Result(state, (React(event.message_id, PROBLEM_EMOJI), SendText(notice)))
    if event.message_id not in state.at_once:
        answers = {indexes[0]: text.strip()}
    else:
        parts = split_answers(text, state.question_count)
        if parts is None:
            notice = texts.edit_not_understood_text(state.question_count)
            return _Result(state, (React(event.message_id, PROBLEM_EMOJI), SendText(notice)))
        answers = {index: parts[index] for index in indexes}
    stored = _store(state, answers, event.message_id, edited=True, ctx=ctx)
    result = stored.then(React(event.message_id, EDIT_EMOJI))
    return result.then(UpdateReport()) if state.phase is Phase.DONE else result


def _change(state: ConversationState, event: ChangeRequested, ctx: ConversationContext) -> _Result:
    if state.phase in _NOT_STARTED:
        return _Result(state, (SendText(texts.not_started_text(ctx.standup)),))
    if state.phase is Phase.SKIPPED:
        return _Result(state, (SendText(texts.already_skipped_text(ctx.standup)),))
    number = event.question_number
    if not 1 <= number <= state.question_count:
        return _Result(
            state, (SendText(texts.bad_question_number_text(number, state.question_count)),)
        )
    text = event.text
    if len(text) > ctx.max_answer_chars:
        return _Result(
            state, (SendText(texts.answer_too_long_text(len(text), ctx.max_answer_chars)),)
        )
    index = number - 1
    stored = _store(state, {index: text.strip()}, event.message_id, edited=False, ctx=ctx)
    result = stored.then(React(event.message_id, CHANGE_EMOJI))
    if state.phase is Phase.DONE:
        return result.then(UpdateReport())
    return _advance(result) if index == state.current else result


def _skip(state: ConversationState, ctx: ConversationContext) -> _Result:
    if state.phase is Phase.DONE:
        return _Result(state, (SendText(texts.cannot_skip_done_text(ctx.standup)),))
    if state.phase is Phase.SKIPPED:
        return _Result(state, (SendText(texts.already_skipped_text(ctx.standup)),))
    skipped = replace(state, phase=Phase.SKIPPED, current=0, absence=None)
    effects: list[Effect] = [
        MarkSkipped(),
        SendText(texts.skip_confirmation_text(ctx.standup, ctx.day)),
    ]
    if state.reported:
        effects.append(UpdateReport())
    return _Result(skipped, tuple(effects))


def _back(state: ConversationState, ctx: ConversationContext) -> _Result:
    if state.phase in _NOT_STARTED:
        return _Result(state, (SendText(texts.not_started_text(ctx.standup)),))
    if state.phase is Phase.SKIPPED:
        return _Result(state, (SendText(texts.already_skipped_text(ctx.standup)),))
    if state.phase is Phase.DONE:
        last = state.question_count - 1
        return _Result(replace(state, phase=Phase.ASKING, current=last), (AskQuestion(last),))
    if state.current == 0:
        return _Result(state, (SendText(texts.first_question_text()), AskQuestion(0)))
    previous = state.current - 1
    return _Result(replace(state, current=previous), (AskQuestion(previous),))


def _restart(state: ConversationState) -> _Result:
    if state.phase in _NOT_STARTED:
        return _start(state)
    return _Result(_fresh(state), (SendText(texts.restart_text()), AskQuestion(0)))
