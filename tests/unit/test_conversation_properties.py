"""Property tests: random event sequences never break the conversation state machine."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from zulip_standup.domain.conversation.machine import (
    AnswerEdited,
    AskQuestion,
    Back,
    ChangeRequested,
    ConversationContext,
    ConversationState,
    CutoffPassed,
    Event,
    MarkSkipped,
    MessageReceived,
    Phase,
    PostReport,
    Prompted,
    ReminderDue,
    Restart,
    SkipDay,
    StoreAnswer,
    step,
)

CTX = ConversationContext("daily", dt.date(2026, 4, 15), max_answer_chars=200)
MESSAGE_IDS = st.integers(1, 8)
TEXTS = st.one_of(
    st.sampled_from(["a", "skip", "back", "restart", "change 2 x", "1. a\n2. b", "x\n\ny\n\nz"]),
    st.text(max_size=30),
    st.builds(lambda n: "y" * n, st.integers(150, 250)),
)
EVENTS: st.SearchStrategy[Event] = st.one_of(
    st.just(Prompted()),
    st.just(ReminderDue()),
    st.builds(MessageReceived, TEXTS, MESSAGE_IDS),
    st.builds(AnswerEdited, MESSAGE_IDS, TEXTS),
    st.builds(ChangeRequested, st.integers(-2, 12), TEXTS, MESSAGE_IDS),
    st.just(SkipDay()),
    st.just(Back()),
    st.just(Restart()),
    st.just(CutoffPassed()),
)


@settings(max_examples=500, deadline=None)
@given(count=st.integers(1, 5), events=st.lists(EVENTS, max_size=30))
def test_random_sequences_keep_invariants(count: int, events: list[Event]) -> None:
    """No event raises in any reachable state; indexes stay in range; done means all answered."""
    state = ConversationState(count)
    answered: set[int] = set()
    reports = 0
    for event in events:
        before = state
        state, effects = step(state, event, CTX)
        assert 0 <= state.current < count
        assert state.answered <= set(range(count))
        if state.phase is Phase.DONE:
            assert state.answered == set(range(count))
        for effect in effects:
            if isinstance(effect, StoreAnswer | AskQuestion):
                assert 0 <= effect.index < count
            if isinstance(effect, StoreAnswer):
                assert len(effect.text) <= CTX.max_answer_chars
                answered.add(effect.index)
            if isinstance(effect, PostReport):
                reports += 1
            if isinstance(effect, MarkSkipped):
                assert state.phase is Phase.SKIPPED
        if before.phase is Phase.DONE and state.phase is Phase.DONE:
            assert not any(isinstance(effect, PostReport) for effect in effects)
        for _, indexes in state.sources:
            assert set(indexes) <= state.answered | answered
        assert ConversationState.from_dict(state.as_dict()) == state
    assert reports <= 1  # the report is posted once; later changes are updates
