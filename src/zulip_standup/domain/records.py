"""The records the use cases and the storage port exchange: runs, conversations, answers,
people and participants as stored, the changes of a standup's configuration, and the web
dashboard's users and API tokens (plain values; every storage adapter takes and returns
these)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zulip_standup.domain.conversation.state import Absence, ConversationState, Phase
from zulip_standup.domain.scheduling.planning import TimeOff
from zulip_standup.domain.standup import Standup, StandupSettings


@dataclass(frozen=True)
class RunRecord:
    id: int
    standup_id: int
    run_date: dt.date
    topic: str | None
    digest_message_ids: tuple[int, ...]
    digest_posted_at: dt.datetime | None


@dataclass(frozen=True)
class ConversationRecord:
    """The persisted conversation state of one person in one run.

    ``state`` is the machine's phase as stored in the ``state`` column, and
    ``absence`` the reason kept with an absent one (``absence_in``).
    """

    id: int
    run_id: int
    user_id: int
    state: Phase
    question_index: int
    data: dict[str, Any]
    prompted_at: dt.datetime | None
    prompt_message_id: int | None
    completed_at: dt.datetime | None
    late: bool
    report_message_ids: tuple[int, ...]
    report_posted_at: dt.datetime | None
    absence: Absence | None = None


def state_columns(state: ConversationState) -> dict[str, Any]:
    """The columns that hold a conversation's machine state (every adapter stores these)."""
    return {
        "state": state.phase.value,
        "question_index": state.current,
        "data": state.as_dict(),
        "late": state.late,
    }


def absence_in(state: Phase, data: dict[str, Any]) -> Absence | None:
    """The reason stored with an absent conversation (older rows kept ``data["reason"]``)."""
    if state is not Phase.ABSENT:
        return None
    reason = data.get("absence") or data.get("reason")
    return Absence(reason) if reason in set(Absence) else Absence.AWAY


@dataclass(frozen=True)
class NewAnswer:
    """An answer to write (plain text; sealed on the way in)."""

    question_index: int
    question_text: str
    text: str
    source_message_id: int | None
    edited: bool = False


@dataclass(frozen=True)
class OpenConversation:
    """A person's conversation still asking questions, read with its run and standup."""

    standup: Standup
    run: RunRecord
    record: ConversationRecord


@dataclass(frozen=True)
class StepWrite:
    """What an answer step stores with its message: the conversation's new state, its
    answers and, when the step finishes the answers for the first time, when."""

    conversation_id: int
    state: ConversationState
    new_answers: tuple[NewAnswer, ...]
    completed_at: dt.datetime | None = None


@dataclass(frozen=True)
class AnswerRecord:
    run_id: int
    user_id: int
    question_index: int
    question_text: str
    text: str
    source_message_id: int | None
    created_at: dt.datetime
    edited: bool
    edited_at: dt.datetime | None


@dataclass(frozen=True)
class PersonRecord:
    """What the bot stores about a person (SECURITY.md promise 5: ids, names, zones)."""

    user_id: int
    display_name: str
    profile_timezone: str | None
    timezone_override: str | None
    holiday_region: str | None
    zulip_away: bool


@dataclass(frozen=True)
class ParticipantRecord:
    user_id: int
    display_name: str
    active: bool


# -- a standup's configuration, changed in one transaction ---------------------------
# ``StandupRepository.apply_change`` takes a ``StandupChange`` and writes all of it or nothing.


@dataclass(frozen=True)
class PersonProfile:
    """A person's name and Zulip profile zone as the bot last saw them (what it remembers)."""

    user_id: int
    display_name: str
    profile_timezone: str | None


@dataclass(frozen=True)
class NewStandup:
    """Where a standup being created lives and who creates it."""

    stream_id: int
    stream_name: str
    creator_user_id: int


@dataclass(frozen=True)
class Audited:
    """The audit row of a change: who did what; a participant change adds who joined and left."""

    actor_user_id: int
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class StandupChange:
    """One user action's writes to one standup, applied together or not at all.

    ``standup_id`` None creates the standup in ``new``'s channel with ``settings``;
    otherwise ``settings`` (if given) replace the stored ones, and ``replan`` asks for
    the jobs to be re-planned (the schedule version moves on). ``people`` are remembered
    first. ``joining`` become active participants (with ``exact``: the only ones) and
    ``leaving`` stop taking part; a change of participants also asks for a re-plan.
    ``delete`` removes the standup with everything of it.
    """

    realm_id: int
    now: dt.datetime
    standup_id: int | None = None
    new: NewStandup | None = None
    settings: StandupSettings | None = None
    replan: bool = False
    people: tuple[PersonProfile, ...] = ()
    joining: tuple[tuple[int, str], ...] = ()
    leaving: tuple[int, ...] = ()
    exact: bool = False
    delete: bool = False
    audit: Audited | None = None

    def __post_init__(self) -> None:
        if self.standup_id is None and (self.new is None or self.settings is None):
            msg = "a change that creates a standup needs its channel and settings"
            raise ValueError(msg)
        if self.exact and self.leaving:
            msg = "an exact participant list leaves no one else to name as leaving"
            raise ValueError(msg)
        if self.delete and self.standup_id is None:
            msg = "only a stored standup can be deleted"
            raise ValueError(msg)

    @property
    def touches_participants(self) -> bool:
        return bool(self.joining or self.leaving or self.exact)

    @property
    def asks_replan(self) -> bool:
        """Whether storing it asks for the jobs to be re-planned: the schedule or who takes
        part changed (a deleted standup has no jobs left)."""
        return not self.delete and (self.replan or self.touches_participants)

    def audited(self, added: Sequence[int], removed: Sequence[int]) -> Audited | None:
        """The audit row to write; a participant change records who joined and who left."""
        if self.audit is None or not self.touches_participants:
            return self.audit
        detail = {**self.audit.detail, "added": list(added), "removed": list(removed)}
        return Audited(self.audit.actor_user_id, self.audit.action, detail)


@dataclass(frozen=True)
class StandupChanged:
    """What a change left: the standup (as it was, when deleted) and who joined and left."""

    standup: Standup
    added: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()


# -- a person's change of their own facts (``StandupRepository.apply_personal_change``) --


class Keep(enum.Enum):
    """A field of a ``PersonalChange`` left as stored (``None`` would clear it)."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class PersonalChange:
    """What one person changes of their own facts (``timezone``, ``holidays``, ``away``,
    ``back``), stored in one transaction with what the bot remembers of them (their name and
    Zulip profile zone) and a re-plan request for each standup they take part in."""

    realm_id: int
    user_id: int
    now: dt.datetime
    display_name: str | None = None
    profile_timezone: str | None = None
    timezone_override: str | Keep | None = KEEP
    holiday_region: str | Keep | None = KEEP
    # A period off to add.
    time_off: TimeOff | None = None
    # End the time off that covers this date (``back``); planned later time off stays.
    back_on: dt.date | None = None
    # Their Zulip profile zone moved, so prompts may move even with no setting of their own.
    zone_moved: bool = False

    def person_columns(self) -> dict[str, Any]:
        """The person's own settings this change sets (besides name and profile zone)."""
        columns: dict[str, Any] = {}
        if self.timezone_override is not KEEP:
            columns["timezone_override"] = self.timezone_override
        if self.holiday_region is not KEEP:
            columns["holiday_region"] = self.holiday_region
        return columns

    def moves_prompts(self, periods_ended: int) -> bool:
        """Whether the person's prompts may move, so their standups are to be re-planned."""
        return (
            self.zone_moved
            or bool(self.person_columns())
            or self.time_off is not None
            or periods_ended > 0
        )


@dataclass(frozen=True)
class PersonalChangeResult:
    """A stored ``PersonalChange``: the person now, how many periods off ``back_on`` ended or
    shortened, their time off after it, and the standups asked to re-plan."""

    person: PersonRecord
    periods_ended: int
    time_off: tuple[tuple[dt.date, dt.date], ...]
    replan: tuple[int, ...]


@dataclass(frozen=True)
class WebUser:
    """The person a dashboard login link, session or API token stands for."""

    realm_id: int
    user_id: int


@dataclass(frozen=True)
class ApiTokenRecord:
    """One of a person's API tokens as listed to them (the secret itself is never stored)."""

    token_id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
