"""Ports of storage the use cases touch: the inbox, standups and people, runs and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from zulip_standup.domain.conversation.state import ConversationState
from zulip_standup.domain.records import (
    AnswerRecord,
    ConversationRecord,
    NewAnswer,
    OpenConversation,
    ParticipantRecord,
    PersonalChange,
    PersonalChangeResult,
    PersonRecord,
    RunRecord,
    StandupChange,
    StandupChanged,
    StepWrite,
)
from zulip_standup.domain.standup import Standup, StandupSettings

# -- the inbox ----------------------------------------------------------------
# Every received message with its handling state; ``storage/inbox.py``.


@dataclass(frozen=True, slots=True)
class Delivery:
    """What the inbox says of a message about to be handled: finished before, and which
    delivery this is (1 the first time; more after a failure or a crash)."""

    finished: bool
    attempt: int


@dataclass(frozen=True, slots=True)
class AnswerStep:
    """How an answer step went: the person's open conversations it read and whether it
    stored a step (None: none was planned; False: the message was handled before)."""

    open_conversations: list[OpenConversation]
    stored: bool | None


# Given the person's open conversations, the step to store with the message (or None).
StepPlan = Callable[[list[OpenConversation]], StepWrite | None]


class Inbox(Protocol):
    """Received messages and how far their handling got."""

    # Records a batch; returns the messages new to the inbox, whose first delivery the
    # receipt begins (so their handling needs no ``begin``).
    def receive(self, realm_id: int, message_ids: Sequence[int], now: dt.datetime) -> list[int]: ...

    def begin(self, realm_id: int, message_id: int, now: dt.datetime) -> Delivery: ...

    def done(self, realm_id: int, message_id: int, now: dt.datetime) -> bool: ...

    def failed(
        self,
        realm_id: int,
        message_id: int,
        now: dt.datetime,
        *,
        permanent: bool,
        incident: str | None = None,
    ) -> bool: ...

    def is_finished(self, realm_id: int, message_id: int) -> bool: ...

    def low_water(self, realm_id: int) -> int | None: ...

    def lowest_since(self, realm_id: int, since: dt.datetime) -> int | None: ...

    def trim(self, finished_before: dt.datetime) -> int: ...


# -- standups, people and answers ---------------------------------------------
# ``storage/standups.py`` and ``storage/runs.py`` on SQL; ``storage/memory/`` in memory.


class StandupRepository(Protocol):
    """Standups, their participants, the people of a realm, time off and the audit log."""

    def create(
        self,
        realm_id: int,
        stream_id: int,
        stream_name: str,
        creator_user_id: int,
        settings: StandupSettings,
        now: dt.datetime,
    ) -> Standup: ...

    def get(self, standup_id: int) -> Standup | None: ...

    def in_channel(self, realm_id: int, stream_id: int) -> list[Standup]: ...

    def in_realm(self, realm_id: int) -> list[Standup]: ...

    def of_participant(self, realm_id: int, user_id: int) -> list[Standup]: ...

    def update_settings(
        self, standup_id: int, settings: StandupSettings, now: dt.datetime, *, replan: bool
    ) -> Standup: ...

    def delete(self, standup_id: int) -> None: ...

    def participants(
        self, standup_id: int, *, active_only: bool = True
    ) -> list[ParticipantRecord]: ...

    def set_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> tuple[list[int], list[int]]: ...

    def add_participants(
        self, standup_id: int, members: Iterable[tuple[int, str]], now: dt.datetime
    ) -> list[int]: ...

    def remove_participants(self, standup_id: int, user_ids: Iterable[int]) -> list[int]: ...

    def upsert_person(
        self,
        realm_id: int,
        user_id: int,
        now: dt.datetime,
        *,
        display_name: str | None = None,
        profile_timezone: str | None = None,
        **changes: Any,
    ) -> PersonRecord: ...

    def person(self, realm_id: int, user_id: int) -> PersonRecord | None: ...

    def add_time_off(
        self, realm_id: int, user_id: int, start: dt.date, end: dt.date, now: dt.datetime
    ) -> None: ...

    def end_time_off(self, realm_id: int, user_id: int, today: dt.date) -> int: ...

    def time_off_of(self, realm_id: int, user_id: int) -> list[tuple[dt.date, dt.date]]: ...

    # ``person`` and ``time_off_of`` of many people in one read (a fan-out's batch): each
    # asked-for user id is in the result, with None for a person not stored.
    def people_with_time_off(
        self, realm_id: int, user_ids: Collection[int]
    ) -> dict[int, tuple[PersonRecord | None, list[tuple[dt.date, dt.date]]]]: ...

    # A person's own change (``timezone``, ``holidays``, ``away``, ``back``) in ONE
    # transaction: the person row, time off added or ended, and a durable re-plan request
    # (the plan horizon cleared) for each standup they take part in when prompts may move.
    def apply_personal_change(self, change: PersonalChange) -> PersonalChangeResult: ...

    # After ``RunRepository.forget_person`` deleted a person's rows: drop whatever of them is
    # kept in memory (``services.standup_cache``), so nothing forgotten is served.
    def forget_kept(self, realm_id: int, user_id: int) -> None: ...

    def audit(
        self,
        realm_id: int,
        standup_id: int | None,
        actor_user_id: int,
        action: str,
        detail: dict[str, Any],
        now: dt.datetime,
    ) -> None: ...

    # One user action's configuration writes in one transaction: all of them or none.
    def apply_change(self, change: StandupChange) -> StandupChanged: ...


class RunRepository(Protocol):
    """Runs, answer conversations and answers, and deleting what the person or retention asks."""

    def run_for(self, standup_id: int, run_date: dt.date, now: dt.datetime) -> RunRecord: ...

    def get_run(self, run_id: int) -> RunRecord | None: ...

    def find_run(self, standup_id: int, run_date: dt.date) -> RunRecord | None: ...

    def runs_between(self, standup_id: int, start: dt.date, end: dt.date) -> list[RunRecord]: ...

    def last_run_before(self, standup_id: int, before: dt.date) -> RunRecord | None: ...

    def update_run(self, run_id: int, **values: Any) -> None: ...

    def conversation(self, run_id: int, user_id: int) -> ConversationRecord | None: ...

    def start_conversation(
        self, run_id: int, user_id: int, now: dt.datetime
    ) -> tuple[ConversationRecord, bool]: ...

    def start_turn(
        self, standup_id: int, run_date: dt.date, user_id: int, now: dt.datetime
    ) -> tuple[RunRecord, ConversationRecord]: ...

    def save_conversation(self, conversation_id: int, now: dt.datetime, **values: Any) -> None: ...

    def claim_prompt(self, conversation_id: int, now: dt.datetime) -> bool: ...

    def open_conversations(
        self, realm_id: int, user_id: int
    ) -> list[tuple[ConversationRecord, int, dt.date]]: ...

    # The person's conversations still asking questions (newest run first), with run and
    # standup, in one read.
    def open_turns(self, realm_id: int, user_id: int) -> list[OpenConversation]: ...

    # An answer in ONE transaction: the open conversations read, ``plan`` (pure) given
    # them, and the step it returns stored with its answers and the message handled.
    def answer_step(
        self,
        realm_id: int,
        user_id: int,
        processed: tuple[int, int],
        now: dt.datetime,
        plan: StepPlan,
    ) -> AnswerStep: ...

    def waiting_conversations(
        self, realm_id: int, user_id: int
    ) -> list[tuple[ConversationRecord, int, dt.date]]: ...

    def unfinished_before(
        self, standup_id: int, user_id: int, before: dt.date
    ) -> list[ConversationRecord]: ...

    def recently_changed_conversations(
        self, realm_id: int, since: dt.datetime
    ) -> list[tuple[ConversationRecord, int, RunRecord]]: ...

    def conversations_of_run(self, run_id: int) -> list[ConversationRecord]: ...

    def commit_step(
        self,
        conversation_id: int,
        now: dt.datetime,
        state: ConversationState,
        new_answers: Sequence[NewAnswer],
        processed: tuple[int, int] | None = None,
        *,
        completed_at: dt.datetime | None = None,
        claim_prompt: bool = False,
        first_claim: bool = False,
    ) -> bool: ...

    def answers_of(self, run_id: int, user_id: int | None = None) -> list[AnswerRecord]: ...

    def answers_from_message(self, realm_id: int, message_id: int) -> list[AnswerRecord]: ...

    def answers_in_range(
        self, standup_id: int, start: dt.date, end: dt.date, user_id: int | None = None
    ) -> list[tuple[dt.date, AnswerRecord]]: ...

    def count_answers(self, realm_id: int, user_id: int) -> int: ...

    def forget_person(self, realm_id: int, user_id: int, now: dt.datetime) -> dict[str, int]: ...

    def purge_answers_before(self, cutoff: dt.datetime) -> int: ...
