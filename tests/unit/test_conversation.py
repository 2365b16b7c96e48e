"""The answer conversation: transitions, effects, edits, late answers and persistence."""

from __future__ import annotations

import datetime as dt

import pytest

from zulip_standup.domain.conversation import texts
from zulip_standup.domain.conversation.machine import (
    Absence,
    Absent,
    AnswerEdited,
    AskQuestion,
    Back,
    ChangeRequested,
    ConversationContext,
    ConversationState,
    CutoffPassed,
    Effect,
    Event,
    MarkSkipped,
    MessageReceived,
    Phase,
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
    classify_message,
    step,
)

DAY = dt.date(2026, 4, 15)
CTX = ConversationContext("daily", DAY)


def run(
    events: list[Event], state: ConversationState | None = None
) -> tuple[ConversationState, list[tuple[Effect, ...]]]:
    current = state or ConversationState(3)
    log = []
    for event in events:
        current, effects = step(current, event, CTX)
        log.append(effects)
    return current, log


def test_one_question_at_a_time() -> None:
    """Prompt, then each reply is stored and the next question asked; the end is recap + report."""
    state, log = run(
        [
            Prompted(),
            MessageReceived("did A", 1),
            MessageReceived("do B", 2),
            MessageReceived("none", 3),
        ]
    )
    assert log == [
        (SendPrompt(),),
        (StoreAnswer(0, "did A", 1), AskQuestion(1)),
        (StoreAnswer(1, "do B", 2), AskQuestion(2)),
        (StoreAnswer(2, "none", 3), SendRecap(), PostReport(late=False)),
    ]
    assert state.phase is Phase.DONE
    assert state.answered == {0, 1, 2}


def test_all_at_once() -> None:
    """A first message with a numbered list fills every question and finishes."""
    state, log = run([Prompted(), MessageReceived("1. a\n2. b\n3. c", 7)])
    assert log[1] == (
        StoreAnswer(0, "a", 7),
        StoreAnswer(1, "b", 7),
        StoreAnswer(2, "c", 7),
        SendRecap(),
        PostReport(),
    )
    assert state.phase is Phase.DONE


def test_all_at_once_only_at_the_start() -> None:
    """After the first answer, a numbered list is just the answer to the current question."""
    _, log = run([Prompted(), MessageReceived("x", 1), MessageReceived("1. a\n2. b\n3. c", 2)])
    assert log[2] == (StoreAnswer(1, "1. a\n2. b\n3. c", 2), AskQuestion(2))


def test_message_before_prompt_starts_the_flow_or_answers_all() -> None:
    """A plain message while pending sends the prompt; an all-at-once one is taken whole."""
    state, log = run([MessageReceived("hello", 1)])
    assert (state.phase, log) == (Phase.ASKING, [(SendPrompt(),)])
    state, _ = run([MessageReceived("a\n\nb\n\nc", 1)])
    assert state.phase is Phase.DONE


@pytest.mark.parametrize("word", ["skip", "Skip!", "skip today"])
def test_skip(word: str) -> None:
    """`skip` skips the day with a confirmation; later messages get a hint."""
    state, log = run([Prompted(), MessageReceived(word, 1), MessageReceived("hi", 2)])
    assert state.phase is Phase.SKIPPED
    assert log[1] == (MarkSkipped(), SendText(texts.skip_confirmation_text("daily", DAY)))
    assert log[2] == (SendText(texts.already_skipped_text("daily")),)


def test_back_re_asks_previous() -> None:
    """`back` re-asks the previous question; the new reply replaces the old answer."""
    state, log = run(
        [
            Prompted(),
            MessageReceived("old", 1),
            MessageReceived("back", 2),
            MessageReceived("new", 3),
        ]
    )
    assert log[2] == (AskQuestion(0),)
    assert log[3] == (StoreAnswer(0, "new", 3, edited=True), AskQuestion(1))
    assert state.indexes_of(1) == ()  # the old message no longer owns the answer
    assert state.indexes_of(3) == (0,)


def test_back_on_first_question() -> None:
    """`back` on question 1 says so and asks it again."""
    _, log = run([Prompted(), Back()])
    assert log[1] == (SendText(texts.first_question_text()), AskQuestion(0))


def test_restart_starts_over() -> None:
    """`restart` clears progress and asks question 1; finishing again updates the report."""
    state, log = run(
        [Prompted(), MessageReceived("1. a\n2. b\n3. c", 1), MessageReceived("restart", 2)]
    )
    assert log[2] == (SendText(texts.restart_text()), AskQuestion(0))
    assert (state.phase, state.answered) == (Phase.ASKING, frozenset())
    state, log = run([MessageReceived("x\n\ny\n\nz", 3)], state)
    assert log[0][-2:] == (SendRecap(), UpdateReport())


def test_edit_updates_answer_with_reaction() -> None:
    """Editing an answer message stores the new text and reacts; a posted report is updated."""
    state, _ = run([Prompted(), MessageReceived("a", 1)])
    state, log = run([AnswerEdited(1, "a, edited")], state)
    assert log == [(StoreAnswer(0, "a, edited", 1, edited=True), React(1, "pencil"))]
    state, _ = run([MessageReceived("b", 2), MessageReceived("c", 3)], state)
    _, log = run([AnswerEdited(2, "b2")], state)
    assert log == [(StoreAnswer(1, "b2", 2, edited=True), React(2, "pencil"), UpdateReport())]


def test_edit_of_all_at_once_message() -> None:
    """Editing an all-at-once message re-splits it; an unsplittable edit keeps old answers."""
    state, _ = run([Prompted(), MessageReceived("1. a\n2. b\n3. c", 5)])
    _, log = run([AnswerEdited(5, "1. a\n2. B!\n3. c")], state)
    assert StoreAnswer(1, "B!", 5, edited=True) in log[0]
    _, log = run([AnswerEdited(5, "just one thing")], state)
    assert log[0] == (React(5, "warning"), SendText(texts.edit_not_understood_text(3)))
    state, _ = run([ChangeRequested(2, "changed", 6)], state)
    _, log = run([AnswerEdited(5, "1. A\n2. B\n3. C")], state)
    stored = [effect for effect in log[0] if isinstance(effect, StoreAnswer)]
    assert [effect.index for effect in stored] == [0, 2]  # question 2 now belongs to message 6


def test_edit_of_unknown_message_is_ignored() -> None:
    """An edit of a message that is no answer does nothing."""
    state, _ = run([Prompted()])
    assert run([AnswerEdited(99, "x")], state)[1] == [()]


def test_change_command() -> None:
    """`change N text` replaces an answer, reacts with a check and updates the report."""
    state, _ = run([Prompted(), MessageReceived("1. a\n2. b\n3. c", 1)])
    state, log = run([MessageReceived("change 2 better b", 9)], state)
    assert log == [(StoreAnswer(1, "better b", 9, edited=True), React(9, "check"), UpdateReport())]
    _, log = run([ChangeRequested(4, "x", 10)], state)
    assert log == [(SendText(texts.bad_question_number_text(4, 3)),)]


def test_change_current_question_advances() -> None:
    """While asking, changing the current question counts as answering it."""
    _, log = run([Prompted(), ChangeRequested(1, "a", 3)])
    assert log[1] == (StoreAnswer(0, "a", 3), React(3, "check"), AskQuestion(1))


def test_late_answers_are_flagged_once() -> None:
    """Answers after the cutoff are accepted; one notice; the report is flagged late."""
    state, log = run(
        [Prompted(), CutoffPassed(), MessageReceived("a", 1), MessageReceived("b", 2),
         MessageReceived("c", 3)]
    )  # fmt: skip
    assert log[2] == (
        StoreAnswer(0, "a", 1),
        SendText(texts.late_notice_text("daily")),
        AskQuestion(1),
    )
    assert log[3] == (StoreAnswer(1, "b", 2), AskQuestion(2))
    assert log[4][-1] == PostReport(late=True)
    assert state.late


def test_late_notice_while_the_report_is_not_out_says_it_will_be_in_it() -> None:
    """Past the cutoff with the digest not posted yet, the notice promises the report to come."""
    ctx = ConversationContext("daily", DAY, report_out=False)
    state, _ = step(ConversationState(2), Prompted(), ctx)
    state, _ = step(state, CutoffPassed(), ctx)
    _, effects = step(state, MessageReceived("a", 1), ctx)
    notice = texts.late_notice_text("daily", report_out=False)
    assert effects == (StoreAnswer(0, "a", 1), SendText(notice), AskQuestion(1))
    assert notice == (
        "The **daily** report is due but has not gone out yet; your answers will be in it, "
        "marked as late."
    )


def test_edits_after_cutoff_are_not_late() -> None:
    """Fixing an answer after the cutoff does not make an on-time run late."""
    state, _ = run([Prompted(), MessageReceived("1. a\n2. b\n3. c", 1), CutoffPassed()])
    state, _ = run([AnswerEdited(1, "1. a\n2. b\n3. d")], state)
    assert not state.late


def test_over_long_answer_is_refused() -> None:
    """An answer over the limit is not stored and the person is told the limit."""
    ctx = ConversationContext("daily", DAY, max_answer_chars=10)
    state, _ = step(ConversationState(2), Prompted(), ctx)
    _, effects = step(state, MessageReceived("x" * 11, 1), ctx)
    assert effects == (SendText(texts.answer_too_long_text(11, 10)),)


def test_reminders_and_reprompts() -> None:
    """A reminder repeats the current question; a second prompt re-asks; done gets neither."""
    state, log = run([Prompted(), MessageReceived("a", 1), ReminderDue(), Prompted()])
    assert log[2:] == [(SendReminder(1),), (AskQuestion(1),)]
    state, log = run([MessageReceived("b", 2), MessageReceived("c", 3), ReminderDue()], state)
    assert log[-1] == ()


def test_done_state_messages() -> None:
    """After finishing: a message gets a hint, skip is refused, back re-opens the last question."""
    state, _ = run([Prompted(), MessageReceived("1. a\n2. b\n3. c", 1)])
    assert run([MessageReceived("hello", 2)], state)[1] == [
        (SendText(texts.already_done_text("daily")),)
    ]
    assert run([SkipDay()], state)[1] == [(SendText(texts.cannot_skip_done_text("daily")),)]
    reopened, log = run([Back()], state)
    assert (reopened.phase, log) == (Phase.ASKING, [(AskQuestion(2),)])
    _, log = run([MessageReceived("c2", 3)], reopened)
    assert log == [(StoreAnswer(2, "c2", 3, edited=True), SendRecap(), UpdateReport())]


def test_classify_message() -> None:
    """Control words become events; anything else stays a message."""
    assert classify_message(" Restart ", 1) == Restart()
    assert classify_message("back.", 1) == Back()
    assert classify_message("change 3 new\ntext", 4) == ChangeRequested(3, "new\ntext", 4)
    assert classify_message("skipping lunch", 1) == MessageReceived("skipping lunch", 1)


def test_state_round_trips_through_dict() -> None:
    """as_dict/from_dict preserve every field, so a restart resumes exactly."""
    state, _ = run([Prompted(), MessageReceived("1. a\n2. b\n3. c", 1), ChangeRequested(2, "x", 2)])
    assert ConversationState.from_dict(state.as_dict()) == state


def test_invalid_states_are_refused() -> None:
    """A state with out-of-range indexes cannot be built."""
    with pytest.raises(ValueError, match="at least one question"):
        ConversationState(0)
    with pytest.raises(ValueError, match="outside"):
        ConversationState(2, answered=frozenset({2}))
    with pytest.raises(ValueError, match="outside"):
        ConversationState(2, current=2)


def test_absent_is_a_state_of_the_machine() -> None:
    """A conversation not started becomes absent with its reason and stays so across a
    reminder and a round trip through storage; one already asking is not made absent."""
    absent, log = run([Absent(Absence.HOLIDAY), ReminderDue(), CutoffPassed()])
    assert (absent.phase, absent.absence, log[:2]) == (Phase.ABSENT, Absence.HOLIDAY, [(), ()])
    assert ConversationState.from_dict(absent.as_dict()) == absent
    asking, _ = run([Prompted(), Absent(Absence.AWAY)])
    assert (asking.phase, asking.absence) == (Phase.ASKING, None)


def test_an_absent_person_may_still_answer_or_skip() -> None:
    """Someone absent who asks to answer is asked from the first question; a skip makes
    the day skipped; neither keeps the absence."""
    absent, _ = run([Absent(Absence.TIME_OFF)])
    started, log = run([Prompted()], absent)
    assert (started.phase, started.absence, log) == (Phase.ASKING, None, [(SendPrompt(),)])
    skipped, _ = run([SkipDay()], absent)
    assert (skipped.phase, skipped.absence) == (Phase.SKIPPED, None)


def test_run_closed_makes_unfinished_conversations_missed() -> None:
    """When the next run starts, pending and asking conversations become missed and get no
    reminder; finished and skipped ones keep their state."""
    asking, _ = run([Prompted(), MessageReceived("a", 1)])
    missed, log = run([RunClosed(), ReminderDue()], asking)
    assert (missed.phase, missed.answered, log[:2]) == (Phase.MISSED, {0}, [(), ()])
    assert run([RunClosed()])[0].phase is Phase.MISSED
    done, _ = run([Prompted(), MessageReceived("1. a\n2. b\n3. c", 1)])
    assert run([RunClosed()], done)[0] == done
    skipped, _ = run([SkipDay()])
    assert run([RunClosed()], skipped)[0] == skipped


def test_absence_goes_with_the_absent_phase_only() -> None:
    """A reason without the absent phase, or the absent phase without a reason, is refused."""
    with pytest.raises(ValueError, match="absence reason"):
        ConversationState(2, phase=Phase.ABSENT)
    with pytest.raises(ValueError, match="absence reason"):
        ConversationState(2, absence=Absence.AWAY)


def test_an_edit_of_a_missed_conversations_answer_still_updates_it() -> None:
    """Editing an answer given before the run was closed as missed stores the edit and
    acknowledges it; nothing the person sent is dropped."""
    asking, _ = run([Prompted(), MessageReceived("a", 1)])
    missed, _ = run([RunClosed()], asking)
    state, log = run([AnswerEdited(1, "a2")], missed)
    assert state.phase is Phase.MISSED
    assert log == [(StoreAnswer(0, "a2", 1, edited=True), React(1, "pencil"))]
