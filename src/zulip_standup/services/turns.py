"""One conversation loaded for a step: where it lives, its state read from the stored record.

Kept apart from the jobs and replies that step it, so that every one of them reads a
stored conversation the same way (older releases stored less; see ``state_of``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zulip_standup.domain.conversation.machine import (
    ConversationContext,
    ConversationState,
    CutoffPassed,
    Effect,
    Event,
    Phase,
    RunClosed,
    StoreAnswer,
    step,
)
from zulip_standup.domain.records import ConversationRecord, NewAnswer, RunRecord
from zulip_standup.domain.scheduling.planning import Participant
from zulip_standup.domain.standup import ReportStyle, Standup
from zulip_standup.services.people import personal_deadline
from zulip_standup.services.runtime import Runtime


@dataclass(frozen=True)
class Turn:
    """One conversation loaded for a step: where it lives and its current state."""

    standup: Standup
    run: RunRecord
    record: ConversationRecord
    state: ConversationState


async def load_turn(rt: Runtime, standup: Standup, run_date: dt.date, user_id: int) -> Turn:
    """The person's conversation in that run, created (pending) if new."""
    run, record = await rt.db(rt.runs.start_turn, standup.id, run_date, user_id, rt.now())
    return Turn(standup, run, record, state_of(standup, record))


def state_of(standup: Standup, record: ConversationRecord) -> ConversationState:
    """The machine state of a stored conversation, whichever release stored it."""
    count = len(standup.settings.questions)
    if record.state is Phase.ABSENT and "question_count" not in record.data:
        # Stored before the machine had the absent phase: only the reason was kept.
        return ConversationState(count, phase=Phase.ABSENT, absence=record.absence)
    if record.data.get("question_count") == count:
        found = ConversationState.from_dict(record.data)
        if record.state is Phase.MISSED and found.phase is not Phase.MISSED:
            # Closed as missed by an older release, which changed the column only.
            return step(found, RunClosed(), ConversationContext(standup.name, dt.date.min))[0]
        return found
    if record.data and "question_count" in record.data:
        # The questions changed since this run started: keep the phase, start the
        # question bookkeeping afresh (the stored answers stay).
        old = ConversationState.from_dict(record.data)
        phase = old.phase if old.phase is not Phase.ASKING else Phase.PENDING
        return ConversationState(
            count, phase=phase, late=old.late, reported=old.reported, absence=old.absence
        )
    return ConversationState(count)


def completed_at(rt: Runtime, turn: Turn, state: ConversationState) -> dt.datetime | None:
    """Now, when this state finishes the answers for the first time."""
    return _first_finish(turn, state, rt.now())


def _first_finish(turn: Turn, state: ConversationState, now: dt.datetime) -> dt.datetime | None:
    if state.phase is Phase.DONE and turn.record.completed_at is None:
        return now
    return None


@dataclass(frozen=True)
class Stepped:
    """One step of a conversation, decided and not yet stored: the new state, the effects
    to carry out after the commit, the answers to store and (first finish) when."""

    state: ConversationState
    effects: tuple[Effect, ...]
    new_answers: tuple[NewAnswer, ...]
    completed_at: dt.datetime | None


def stepped(turn: Turn, event: Event, participant: Participant, now: dt.datetime) -> Stepped:
    """Step the machine (pure): answers are late only after the person's own deadline, the
    later of the team's cutoff and the cutoff on their own clock (people far west answer
    after the digest)."""
    context = ConversationContext(
        standup=turn.standup.name, day=turn.run.run_date, report_out=report_out(turn)
    )
    state = turn.state
    deadline = personal_deadline(turn.standup, participant, turn.run.run_date)
    if not state.cutoff_passed and now >= deadline:
        state = step(state, CutoffPassed(), context)[0]
    new_state, effects = step(state, event, context)
    questions = turn.standup.settings.questions
    new_answers = tuple(
        NewAnswer(e.index, questions[e.index].text, e.text, e.source_message_id, e.edited)
        for e in effects
        if isinstance(e, StoreAnswer)
    )
    return Stepped(new_state, effects, new_answers, _first_finish(turn, new_state, now))


async def save_state(rt: Runtime, turn: Turn, state: ConversationState) -> None:
    """Store a state reached without a message or answers (away, reconciled, ...)."""
    await rt.db(
        rt.runs.commit_step,
        turn.record.id,
        rt.now(),
        state,
        (),
        completed_at=completed_at(rt, turn, state),
    )


def report_out(turn: Turn) -> bool:
    """Whether the run's channel report is out: the digest is posted (a ``live`` standup has
    none; each person's answers are posted as they finish)."""
    live = turn.standup.settings.report_style is ReportStyle.LIVE
    return live or turn.run.digest_posted_at is not None
